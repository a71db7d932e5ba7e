"""A cell's shading painted as tiles side by side (its left padding, its text, its right
padding: Word's export of Colombia INS's weekly table of 2016-01-30) draws no line between
the tiles; their shared sides are not rulings. Taken as rulings they gave the table 18
columns, a padding's width each, instead of 6."""

from __future__ import annotations

import json
from pathlib import Path

from fpdf import FPDF

from parsers.generic import extract_tables
from tests.shared import fixture

COLOMBIA = "series/co-ins-zika-municipal-weekly/colombia-municipal-2016-01-30.pdf"
COLOMBIA_TRUTH = "series/co-ins-zika-municipal-weekly/expected/colombia-municipal-2016-01-30.json"


def test_colombia_weekly_table_has_its_six_columns_on_every_page() -> None:
    truth = json.loads(fixture(COLOMBIA_TRUTH).read_text(encoding="utf-8"))["tables"][0]
    (table,) = extract_tables(fixture(COLOMBIA))
    assert table.columns == truth["columns"]
    # Every municipality row, and the printed TOTAL GENERAL row at the end of page 18.
    per_page = list(truth["rows_per_page"])
    per_page[-1] += 1
    assert [piece.n_rows for piece in table.pieces] == per_page
    assert table.rows[:3] == truth["first_rows"]
    assert table.rows[-3:-1] == truth["last_rows"]
    assert table.rows[-1] == ["TOTAL GENERAL", "", "1331", "21281", "3033", "25645"]


PADDING = 3.24
RULE = 0.48


def _tiled_table(path: Path, widths: list[float], rows: list[list[str]]) -> Path:
    """A table ruled with thin filled rectangles, each cell shaded light grey in three
    tiles side by side: left padding, text, right padding."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    left, top, height = 72.0, 100.0, 14.0
    total = sum(widths) + RULE * (len(widths) + 1)
    y = top
    for cells in rows:
        pdf.set_fill_color(0, 0, 0)
        pdf.rect(left, y, total, RULE, style="F")  # the rule above the row
        y += RULE
        x = left
        for width, text in zip(widths, cells, strict=True):
            pdf.set_fill_color(0, 0, 0)
            pdf.rect(x, y, RULE, height, style="F")  # the rule left of the cell
            x += RULE
            pdf.set_fill_color(230, 230, 230)
            pdf.rect(x, y, PADDING, height, style="F")
            pdf.rect(x + PADDING, y, width - 2 * PADDING, height, style="F")
            pdf.rect(x + width - PADDING, y, PADDING, height, style="F")
            pdf.set_xy(x + PADDING, y)
            pdf.cell(width - 2 * PADDING, height, text)
            x += width
        pdf.set_fill_color(0, 0, 0)
        pdf.rect(x, y, RULE, height, style="F")  # the table's right side
        y += height
    pdf.rect(left, y, total, RULE, style="F")
    pdf.output(str(path))
    return path


def test_tiles_of_one_cell_shading_are_one_cell(tmp_path: Path) -> None:
    rows = [
        ["Department", "Municipality", "Confirmed", "Suspected"],
        ["ANTIOQUIA", "MEDELLIN", "37", "0"],
        ["ANTIOQUIA", "ABEJORRAL", "0", "2"],
        ["ATLANTICO", "BARRANQUILLA", "12", "5"],
    ]
    path = _tiled_table(tmp_path / "tiles.pdf", [90, 110, 70, 70], rows)
    (table,) = extract_tables(path)
    assert table.columns == rows[0]
    assert table.rows == rows[1:]
