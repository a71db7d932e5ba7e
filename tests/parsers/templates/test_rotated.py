"""Header cells printed rotated a quarter turn (read bottom to top, or top to bottom) match
the template's header in printed order, not reversed (generated ruled report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from fpdf import FPDF

from parsers.reading.cells import extract_cells
from parsers.templates.engine import TemplateParser
from parsers.templates.rotated import fix_rotated_cells
from parsers.templates.spec import parse_template

ROWS = [("Adams", "120", "7"), ("Barnes", "35", "12"), ("Cass", "4810", "0")]
#: Header lines of the two rotated columns, in printed (reading) order.
HEADERS = (("TOTALS",), ("Precinct", "J1"))
LEFT, TOP, WIDTHS, HEAD, ROW = 40.0, 60.0, (120.0, 40.0, 40.0), 80.0, 16.0


def _report(path: Path, angle: int) -> Path:
    """A ruled table whose first header cell is upright and the two others rotated by
    ``angle`` degrees (90: read bottom to top; -90: top to bottom)."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", "", 10)
    pdf.add_page()
    pdf.set_xy(LEFT, TOP)
    pdf.cell(WIDTHS[0], HEAD, "County", border=1)
    x = LEFT + WIDTHS[0]
    for width, lines in zip(WIDTHS[1:], HEADERS, strict=True):
        pdf.rect(x, TOP, width, HEAD)
        for i, line in enumerate(lines):
            if angle == 90:  # lines left to right, each read upwards from the cell's foot
                at = (x + 14 + 12 * i, TOP + HEAD - 6)
            else:  # lines right to left, each read downwards from the cell's top
                at = (x + width - 14 - 12 * i, TOP + 6)
            with pdf.rotation(angle, *at):
                pdf.text(at[0], at[1], line)
        x += width
    pdf.set_xy(LEFT, TOP + HEAD)
    for cells in ROWS:
        pdf.set_x(LEFT)
        for width, text in zip(WIDTHS, cells, strict=True):
            pdf.cell(width, ROW, text, border=1)
        pdf.ln(ROW)
    pdf.output(str(path))
    return path


def _template() -> dict[str, Any]:
    number = {"type": "integer", "description": "d"}
    return {
        "name": "votes",
        "version": "1.0",
        "description": "Generated.",
        "detect": {"page1": ["County"]},
        "tables": [
            {
                "name": "votes",
                "description": "Counties.",
                "settings": "ruled",
                "columns": [
                    {"name": "county", "header": "County", "description": "d"},
                    {"name": "totals", "header": "TOTALS", **number},
                    {"name": "j1", "header": "Precinct J1", **number},
                ],
            }
        ],
    }


@pytest.mark.parametrize("angle", [90, -90])
def test_rotated_header_read_in_printed_order(tmp_path: Path, angle: int) -> None:
    path = _report(tmp_path / "votes.pdf", angle)
    with pdfplumber.open(path) as pdf:
        (table,) = pdf.pages[0].find_tables()
        header = extract_cells(table)[0]
        # pdfplumber alone reads the rotated cells against the text's direction.
        assert header[1:] != ["TOTALS", "Precinct\nJ1"]
        assert fix_rotated_cells(table, extract_cells(table))[0] == [
            "County",
            "TOTALS",
            "Precinct\nJ1",
        ]
    result = TemplateParser(parse_template(Path("votes.toml"), _template())).parse(path)
    assert result.quarantine_reason() is None, result.quarantine_reason()
    assert [tuple(str(v) for v in r.values.values()) for r in result.rows] == ROWS
