"""The generic parser's page accounting is made from the lines its page workers took as
they read each page: the same accounts as reading every page again (``account_pdf``),
without the second reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.accounting import Line, PageLines, account_found, account_pdf
from parsers.base import ParseResult, Row
from parsers.generic.extract import find_tables
from parsers.generic.parser import PARSER, ROWS, table_rows
from parsers.reading.furniture import open_pdf
from tests.shared import fixture

VERTICAL_HEADER = "real/camelot/vertical_header.pdf"
SPANNING_CELLS = "real/tabula-java/spanning_cells.pdf"
HEALTH = "real/camelot/health.pdf"


def test_totals_under_the_tables_of_several_pages_are_named() -> None:
    result = PARSER.parse(fixture(VERTICAL_HEADER))
    assert result.accounted == {1: (13, 0), 2: (12, 1), 3: (12, 1), 4: (12, 1), 5: (40, 0)}
    (unaccounted,) = [w for w in result.warnings if w.kind == "unaccounted_lines"]
    assert (unaccounted.pages, unaccounted.lines) == ((2, 3, 4), 3)
    assert unaccounted.message.startswith(
        "3 table-like lines in no table on pages 2-4 (page 2: 1, page 3: 1, page 4: 1);"
        " e.g. 'Totals 132 187 677 936 0 829 759 128 0 0 0 0 0 0 0';"
    )


@pytest.mark.parametrize(
    ("relative", "accounted", "quoted"),
    [
        (SPANNING_CELLS, {1: (21, 2)}, "'Alternative Scenarios, 2007 to 2011'"),
        (HEALTH, {1: (23, 1)}, "'Table: 5 Public Health Outlay 2012-13 (Budget Estimates)"),
    ],
)
def test_accounts_equal_those_of_reading_every_page_again(
    relative: str, accounted: dict[int, tuple[int, int]], quoted: str
) -> None:
    path = fixture(relative)
    result = PARSER.parse(path)
    assert result.accounted == accounted
    (unaccounted,) = [w for w in result.warnings if w.kind == "unaccounted_lines"]
    assert quoted in unaccounted.message
    # The accounting as it was: every page read again, every line checked.
    found = find_tables(path)
    again = ParseResult(rows=table_rows(found.tables))
    covered: dict[int, list[tuple[float, float, float, float]]] = {}
    for table in found.tables:
        for piece in table.pieces:
            covered.setdefault(piece.page, []).append(piece.bbox)
    with open_pdf(path) as pdf:
        accounts = account_pdf(pdf, again, covered, tables=[ROWS])
    assert again.accounted == result.accounted
    assert again.warnings == [w for w in result.warnings if w.kind == "unaccounted_lines"]
    assert [a.table_like for a in accounts] == [p.table_like for p in found.lines]


def _table_with_a_total_below(path: Path) -> Path:
    """A ruled table of five numbered rows and, under it, an unruled total line whose
    figures stand in the table's columns."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    rows = [("County", "Cases", "Beds")] + [
        (f"County {n}", f"{n * 1_100:,}", f"{n * 37}") for n in range(1, 6)
    ]
    for r, row in enumerate(rows):
        pdf.set_xy(40, 40 + 18 * r)
        for value, align in zip(row, "LRR", strict=True):
            pdf.cell(120, 18, value, border=1, align=align)
    pdf.set_xy(40, 40 + 18 * 8)
    for value, align in zip(("Total", "16,500", "555"), "LRR", strict=True):
        pdf.cell(120, 18, value, align=align)
    pdf.output(str(path))
    return path


def test_table_like_line_outside_every_table_is_named(tmp_path: Path) -> None:
    result = PARSER.parse(_table_with_a_total_below(tmp_path / "total.pdf"))
    assert [r.values["cells"] for r in result.rows if r.table == ROWS] == [
        f'["County {n}", "{n * 1_100:,}", "{n * 37}"]' for n in range(1, 6)
    ]
    assert result.accounted == {1: (5, 1)}
    (warning,) = [w for w in result.warnings if w.kind == "unaccounted_lines"]
    assert warning.message == (
        "1 table-like line in no table on page 1 (page 1: 1); e.g. 'Total 16,500 555'"
    )


def test_line_outside_a_page_workers_tables_is_accounted_by_a_later_table() -> None:
    # A page with no table of its own whose lines become the previous table's continuation
    # (parsers.generic.continuation) after the page workers: its lines are checked then.
    total = Line(200.0, 210.0, ((40.0, 70.0, "Total"), (200.0, 230.0, "1,500")))
    stray = Line(500.0, 510.0, ((40.0, 70.0, "2016"), (200.0, 230.0, "1,700")))
    found = [PageLines(1, 2, ()), PageLines(2, 2, (total, stray))]
    result = ParseResult(
        rows=[
            Row(ROWS, 1, 0, 0, {}, "40.0,100.0,300.0,110.0"),
            Row(ROWS, 2, 0, 1, {}, "40.0,199.5,300.0,210.5"),
        ]
    )
    accounts = account_found(found, result, {2: [(40.0, 150.0, 300.0, 220.0)]}, tables=[ROWS])
    assert [(a.page, a.rows, a.table_like, a.unaccounted) for a in accounts] == [
        (1, 1, 2, ()),
        (2, 1, 2, ("2016 1,700",)),
    ]
    assert result.accounted == {1: (1, 0), 2: (1, 1)}
