"""Templates written as a data editor would (``tests/parsers/templates/series/``, a template
folder given through ``[settings] templates``, not shipped) on the real recurring reports of
``shared/fixtures/series``: every edition exact against its hand-checked expected JSON (row
count, columns, first and last rows, every row where the JSON lists them all, printed totals
and the column sums, rows per page)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from parsers.base import ParseResult, Row
from parsers.registry import detect_parser, get_parser
from parsers.templates.spec import TableTemplate
from records.core.config import Settings
from tests.shared import series_editions

FOLDER = Path(__file__).parent / "series"
SETTINGS = Settings(templates=(FOLDER,))

#: Series -> (template, table) written for it; a series whose layout changed has one per
#: layout, by edition (file name).
TEMPLATES: dict[str, Any] = {
    "co-ins-zika-municipal-weekly": ("co-ins-zika-municipal", "co_zika_municipal"),
    "nd-stutsman-general-election-results": ("nd-stutsman-election", "nd_stutsman_results"),
    "ca-cdph-zika-weekly": {
        "ca-confirmed-cases-2016-01-29.pdf": ("ca-cdph-zika-years", "ca_zika_by_year"),
        "ca-confirmed-cases-2016-02-26.pdf": ("ca-cdph-zika-years", "ca_zika_by_year"),
        "ca-confirmed-cases-2016-03-18.pdf": (
            "ca-cdph-zika-year-counties",
            "ca_zika_by_year_county",
        ),
        "ca-confirmed-cases-2016-03-25.pdf": ("ca-cdph-zika-counties", "ca_zika_by_county"),
    },
    "br-ms-microcephaly-weekly": {
        f"brazil-microcephaly-2016-{day}.pdf": (
            f"br-ms-microcephaly-{day}",
            f"br_microcephaly_{day.replace('-', '_')}",
        )
        for day in ("01-30", "02-20", "02-27")
    },
    "usc-dps-daily-crime-log": {
        "100323.pdf": ("usc-dps-crime-log-2023", "usc_crime_log_2023"),
        "030124.pdf": ("usc-dps-crime-log-2024", "usc_crime_log_2024"),
    },
}
#: Editions no template here reads, and why (left out of the parameters below).
NO_TEMPLATE = {
    "010320.pdf": "USC 2020: record blocks with inline labels ('Reported:', 'Location:', ...),"
    " not a table; templates read tables (rows of cells), so the engine has no way to say"
    " where a record's fields are",
}
#: Printed texts an integer column holds as no value.
NULLS = ("NA", "Sem registros", "")
#: Footnote marks glued to a printed number ('7**', '125*5'), which the templates strip.
FOOTNOTE = re.compile(r"[*†]+\d*$")
#: Editions a template cannot read exactly, and why (strict: an edition that becomes exact
#: must leave this list).
NOT_EXACT: dict[str, str] = {}

EDITIONS = [
    pytest.param(
        *e,
        id=e[1].name,
        marks=[pytest.mark.xfail(strict=True, reason=NOT_EXACT[e[1].name])]
        if e[1].name in NOT_EXACT
        else [],
    )
    for e in series_editions(sorted(TEMPLATES), kind="pdf")
    if e[1].name not in NO_TEMPLATE
]


def _template(slug: str, path: Path) -> tuple[str, str]:
    chosen = TEMPLATES[slug]
    return chosen[path.name] if isinstance(chosen, dict) else chosen


@cache
def _parse(slug: str, path: Path) -> ParseResult:
    name = _template(slug, path)[0]
    # The edition is recognised without naming the template.
    assert detect_parser(path, SETTINGS).name == name
    return get_parser(name, SETTINGS).parse(path)


def _printed(value: Any) -> str:
    return "" if value is None else str(value)


def _typed(printed: str) -> int | None:
    """What an integer column holds for a printed number."""
    return None if printed in NULLS else int(FOOTNOTE.sub("", printed).replace(".", ""))


def _norm(text: str) -> str:
    """A header as compared: case and spacing aside (the 2016-01-30 bulletin prints a space
    between a superscript and a comma, 'SNC2 ,', which the JSON writes 'SNC2,')."""
    return "".join(text.split()).lower()


def _columns(table: TableTemplate, printed: list[str]) -> list[str]:
    """The template's column for each printed header (the JSON's `columns`), in order."""
    by_header = {_norm(c.header): c.name for c in table.columns}
    missing = [h for h in printed if _norm(h) not in by_header]
    assert not missing, f"no template column for the printed headers {missing}"
    return [by_header[_norm(h)] for h in printed]


def _cells(rows: list[Row], columns: list[str]) -> list[list[str]]:
    return [[_printed(r.values[c]) for c in columns] for r in rows]


def _expected(table: TableTemplate, columns: list[str], printed: list[list[str]]) -> list[Any]:
    """The printed rows as the template's columns hold them: integer columns typed (a
    footnote mark stripped, 'NA' as no value), text as printed."""
    integers = {c.name for c in table.columns if c.type == "integer"}
    return [
        [_printed(_typed(v)) if c in integers else v for c, v in zip(columns, row, strict=True)]
        for row in printed
    ]


@pytest.mark.parametrize(("slug", "path", "truth"), EDITIONS)
def test_every_edition_exact(slug: str, path: Path, truth: dict[str, Any]) -> None:
    result = _parse(slug, path)
    assert result.quarantine_reason() is None
    name, table_name = _template(slug, path)
    parser = get_parser(name, SETTINGS)
    (expected,) = truth["tables"]
    table = parser.template.table(table_name)  # type: ignore[attr-defined]
    rows = result.rows_for(table.name)
    columns = _columns(table, expected["columns"])

    assert len(rows) == expected["row_count"]
    assert {r.page for r in rows} <= set(range(expected["page_first"], expected["page_last"] + 1))
    # The template's other columns (another edition's optional ones) are absent here.
    others = [c.name for c in table.columns if c.name not in columns]
    assert all(r.values[c] is None for r in rows for c in others)
    cells = _cells(rows, columns)
    assert cells[: len(expected["first_rows"])] == _expected(table, columns, expected["first_rows"])
    assert cells[-len(expected["last_rows"]) :] == _expected(table, columns, expected["last_rows"])
    if "all_rows" in expected:
        assert cells == _expected(table, columns, expected["all_rows"])
    if "rows_in_print_order" in expected:
        # Every row, the subtotal rows and the national total (printed first) aside.
        printed = [r for r in expected["rows_in_print_order"] if r not in expected["subtotal_rows"]]
        assert len(printed) == len(rows) + 1
        assert cells == _expected(table, columns, printed[1:])
    totals = expected.get("totals", {})
    # The JSON's author checked every row's cells (some series count the header's and the
    # totals' too): no row holds more cells than were checked.
    assert len(cells) * len(columns) <= expected["checked_cells"]
    if "rows_per_page" in expected:
        per_page = Counter(r.page for r in rows)
        first = expected["page_first"]
        assert [per_page[first + i] for i in range(len(expected["rows_per_page"]))] == expected[
            "rows_per_page"
        ]

    # Printed totals: where they equal the column sums the check passes; where the agency's
    # total differs, the check (kept as a warning) names the printed and the computed figure.
    numeric = [c.name for c in table.columns if c.type == "integer" and c.name in columns]
    sums = {c: sum(r.values[c] or 0 for r in rows) for c in numeric}
    for header, printed in totals.items():
        column = columns[expected["columns"].index(header)]
        stated = [c for c in result.checks if c.name == "total_confirmed"]
        if stated:  # the total printed in its label's cell ('Total 21'), read from the text
            assert (stated[0].passed, stated[0].expected, stated[0].found) == (
                True,
                _typed(printed),
                sums[column],
            )
            continue
        (check,) = [c for c in result.checks if c.name == "column_sums"]
        if _typed(printed) == sums[column]:
            assert not isinstance(check.found, dict) or column not in check.found
        else:
            assert check.warn_only and not check.passed
            said = f"expected {_typed(printed)}, found {sums[column]} (sum of {len(rows)} rows)"
            assert check.found[column].startswith(f"{column}: {said}")
            assert column in (result.warning_text() or "")
    if "printed_record_count" in expected:  # the lone count after the table
        (check,) = [c for c in result.checks if c.name == "records"]
        assert (check.passed, check.expected) == (True, int(expected["printed_record_count"]))
    if "event_numbers" in expected:
        assert [r.values["event_number"] for r in rows] == expected["event_numbers"]
    if "subtotal_rows" in expected:
        (check,) = [c for c in result.checks if c.name == "subtotals"]
        assert check.passed and check.found == f"{len(expected['subtotal_rows'])} subtotals match"
    for header, total in expected.get("column_sums_of_printed_rows", {}).items():
        assert sums[columns[expected["columns"].index(header)]] == int(total)


def test_colombia_departments_and_duplicate_row() -> None:
    """Every department keeps its rows (the overflowing 'NORTE SANTANDER' included), and the
    row the agency printed twice is loaded twice."""
    for slug, path, truth in series_editions(["co-ins-zika-municipal-weekly"]):
        (expected,) = truth["tables"]
        rows = _parse(slug, path).rows_for("co_zika_municipal")
        counts = Counter(r.values["departamento"] for r in rows)
        assert counts == expected["departamento_row_counts"]
        pairs = Counter((r.values["departamento"], r.values["municipio"]) for r in rows)
        assert sorted([list(p) for p, n in pairs.items() if n > 1]) == sorted(
            expected["duplicate_rows"]
        )
