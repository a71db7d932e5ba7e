"""fbi-nics: FBI NICS monthly firearm checks; every column sums to the Totals row."""

from __future__ import annotations

import pytest

from parsers.base import ParseResult
from parsers.registry import get_parser
from tests.parsers.template_helpers import parse_with, values
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
    assert [c.name for c in spec.columns] == truth["columns"]
    rows = values(result, "fbi_nics_checks")
    assert len(rows) == truth["n_data_rows"] == 55
    assert [r["state"] for r in rows] == truth["row_labels_in_order"][:-1]
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
        "v1.0: table fbi_nics_checks: expected header ['State / Territory', 'Permit', "
    )
    assert "(25 columns), found page 1:" in result.quarantine
    assert "totals_row FAILED: expected 'a totals row in fbi_nics_checks', found 'none'" in (
        result.quarantine_reason() or ""
    )
