"""Explicit column lines keep the last column: the grid's outer edges are the text's
extent (generated report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from parsers.templates.engine import TemplateParser
from parsers.templates.spec import parse_template

ROWS = [("Adair", "12", "40"), ("Barnes", "7", "25"), ("Cass", "210", "300"), ("Dunn", "3", "8")]


def _report(path: Path) -> Path:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", "", 10)
    pdf.add_page()
    pdf.set_xy(40, 60)
    for cells in [("County", "Inmates", "Available Beds"), *ROWS]:
        pdf.set_x(40)
        for width, text in zip((150, 100, 100), cells, strict=True):
            pdf.cell(width, 16, text)
        pdf.ln(16)
    pdf.output(str(path))
    return path


def _template(lines: list[float]) -> dict[str, Any]:
    column = {"type": "integer", "description": "d"}
    return {
        "name": "jail",
        "version": "1.0",
        "description": "Generated.",
        "detect": {"page1": ["County"]},
        "tables": [
            {
                "name": "jail",
                "description": "Counties.",
                "settings": {
                    "vertical_strategy": "explicit",
                    "explicit_vertical_lines": lines,
                    "horizontal_strategy": "text",
                },
                "columns": [
                    {"name": "county", "header": "County", "description": "d"},
                    {"name": "inmates", "header": "Inmates", **column},
                    {"name": "beds", "header": "Available Beds", **column},
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    "lines",
    [
        [30, 185, 285, 560],  # the right line far beyond the text (no row edge reached it)
        [38, 185, 285],  # no right line at all: the last column's right edge is the text's
        [10, 185, 285, 600],
    ],
)
def test_last_column_is_kept(tmp_path: Path, lines: list[float]) -> None:
    parser = TemplateParser(parse_template(Path("jail.toml"), _template(lines)))
    result = parser.parse(_report(tmp_path / "jail.pdf"))
    assert result.quarantine_reason() is None, result.quarantine_reason()
    assert [tuple(str(v) for v in r.values.values()) for r in result.rows] == ROWS


def test_a_missing_line_is_named(tmp_path: Path) -> None:
    parser = TemplateParser(parse_template(Path("jail.toml"), _template([30, 285, 560])))
    reason = parser.parse(_report(tmp_path / "jail.pdf")).quarantine_reason() or ""
    assert "explicit_vertical_lines [30, 285, 560]: the grid's outer edges" in reason
    assert "a column missing means a line missing between two columns" in reason
