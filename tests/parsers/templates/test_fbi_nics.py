"""fbi-nics: FBI NICS monthly firearm checks; every column sums to the Totals row."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from parsers.base import ParseResult
from parsers.registry import get_parser
from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template
from tests.parsers.templates.helpers import parse_with, values
from tests.parsers.templates.nics_editions import (
    Edition,
    groups_with,
    real_2015_rows,
    real_cell,
    write_edition,
)
from tests.shared import expected, fixture

PDF = "real/pdfplumber/nics-background-checks-2015-11.pdf"
TRUTH = "real/pdfplumber/expected/nics-background-checks-2015-11.expected.json"


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return parse_with("fbi-nics", PDF)


def _typed(cells: list[str]) -> list:
    return [cells[0]] + [int(c.replace(",", "")) if c else None for c in cells[1:]]


def test_rows_columns_and_totals(result: ParseResult) -> None:
    truth = expected(TRUTH)
    spec = get_parser("fbi-nics").tables[0]
    # The 2015 layout plus "Permit Recheck" (printed from 2016), which this month lacks.
    columns = [c.name for c in spec.columns]
    assert columns == [*truth["columns"][:2], "permit_recheck", *truth["columns"][2:]]
    rows = values(result, "fbi_nics_checks")
    assert len(rows) == truth["n_data_rows"] == 55
    assert [r["state"] for r in rows] == truth["row_labels_in_order"][:-1]
    assert {r.pop("permit_recheck") for r in rows} == {None}
    assert list(rows[0].values()) == _typed(truth["first_row"])
    assert rows[-1]["state"] == "Wyoming" and rows[-1]["totals"] == 5017
    # California prints its figures without separators.
    assert rows[4]["state"] == "California" and rows[4]["permit"] == 98452
    totals = _typed(truth["totals_row"])
    for i, column in enumerate(truth["columns"][1:], start=1):
        assert sum(r[column] or 0 for r in rows) == totals[i], column
    assert sum(r["totals"] for r in rows) == 2236457


def test_checks_and_facts(result: ParseResult) -> None:
    check = next(c for c in result.checks if c.name == "totals_row")
    assert check.passed and check.found == "all columns match"
    assert check.expected == "24 columns of 55 rows sum to the totals row"
    assert result.quarantine_reason() is None
    assert result.document == {"pages": 1, "month": "November - 2015"}


def test_rotated_copy_is_quarantined() -> None:
    """The same page rotated 90 degrees: no header in the expected place, so no rows are
    published and the message says what was expected."""
    parser = get_parser("fbi-nics")
    path = fixture("real/pdfplumber/nics-background-checks-2015-11-rotated.pdf")
    assert parser.detect(path) is False
    result = parser.parse(path)
    assert result.rows == []
    assert result.quarantine is not None
    assert result.quarantine.startswith(
        "nics-background-checks-2015-11-rotated.pdf: layout does not match template fbi-nics "
        "v1.1: table fbi_nics_checks: expected header ['State / Territory', 'Permit', "
    )
    assert "(26 columns), found page 1:" in result.quarantine
    assert "totals_row FAILED: expected 'a totals row in fbi_nics_checks', found 'none'" in (
        result.quarantine_reason() or ""
    )


# --- other editions: generated in the real report's shape (templates/nics_editions.py) ---


@pytest.fixture(scope="module")
def november_2015() -> list[dict]:
    return real_2015_rows()


def _edition(tmp_path: Path, rows: list[dict], **changes: object) -> Edition:
    return write_edition(
        tmp_path / "nics.pdf", "March - 2016", rows, groups_with(**changes), real_cell
    )


def test_2016_edition_with_permit_recheck_is_one_table(
    tmp_path: Path, november_2015: list[dict]
) -> None:
    """From 2016 the report prints "Permit Recheck" after "Permit": same template, same
    table, the new column filled (it is null for the 2015 month, see above)."""
    edition = _edition(tmp_path, november_2015, added={"Permit Recheck": "Permit"})
    parser = get_parser("fbi-nics")
    assert parser.detect(edition.path)
    result = parser.parse(edition.path)
    assert result.quarantine_reason() is None, result.quarantine_reason()
    rows = values(result, "fbi_nics_checks")
    assert len(rows) == 55
    assert [r["state"] for r in rows] == [r["state"] for r in november_2015]
    assert [r["permit_recheck"] for r in rows] == [r["Permit Recheck"] for r in edition.rows]
    assert rows[0]["permit_recheck"] == 18870 // 7 == 2695
    assert rows[0]["handgun"] == 23022 and rows[0]["totals"] == edition.rows[0]["Totals"]
    check = next(c for c in result.checks if c.name == "totals_row")
    assert check.passed and check.expected == "25 columns of 55 rows sum to the totals row"
    assert result.document["month"] == "March - 2016"


def test_unknown_added_column_is_refused_by_name(tmp_path: Path, november_2015: list[dict]) -> None:
    edition = _edition(tmp_path, november_2015, added={"Permit Denied": "Permit"})
    result = get_parser("fbi-nics").parse(edition.path)
    assert result.rows == []
    assert "(columns added: 'Permit Denied')" in (result.quarantine or "")


def test_renamed_and_removed_required_columns_are_named(
    tmp_path: Path, november_2015: list[dict]
) -> None:
    edition = _edition(tmp_path, november_2015, renamed={"Admin": "Administrative"})
    result = get_parser("fbi-nics").parse(edition.path)
    assert "(columns renamed: 'Admin' -> 'Administrative')" in (result.quarantine or "")
    edition = _edition(tmp_path, november_2015, removed=("**Multiple",))
    result = get_parser("fbi-nics").parse(edition.path)
    assert "(columns removed: '**Multiple')" in (result.quarantine or "")


def test_extra_columns_keep_stores_them_as_text(tmp_path: Path, november_2015: list[dict]) -> None:
    data = tomllib.loads(get_parser("fbi-nics").template.path.read_text(encoding="utf-8"))
    data["tables"][0]["extra_columns"] = "keep"
    parser = TemplateParser(parse_template(Path("nics-keep.toml"), data))
    assert [c.name for c in parser.tables[0].columns][-1] == "extra_columns"
    edition = _edition(tmp_path, november_2015, added={"Permit Denied": "Admin"})
    result = parser.parse(edition.path)
    assert result.quarantine_reason() is None, result.quarantine_reason()
    rows = values(result, "fbi_nics_checks")
    assert len(rows) == 55
    first = edition.rows[0]
    assert rows[0]["extra_columns"] == f'{{"Permit Denied": "{first["Permit Denied"]:,}"}}'
    assert rows[0]["permit_recheck"] is None and rows[0]["admin"] == first["Admin"]
    # The real 2015 month has no extra column: null.
    real = parser.parse(fixture(PDF))
    assert {r.values["extra_columns"] for r in real.rows} == {None}
