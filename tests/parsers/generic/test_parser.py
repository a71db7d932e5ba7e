"""The "generic" parser: registry entry, declared tables, rows with provenance, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.base import Parser
from parsers.generic import PARSER, extract_tables
from parsers.registry import get_parser
from records.core.errors import ParseError
from tests.shared import fixture


def _continued_pdf(path: Path) -> Path:
    pdf = FPDF(unit="pt", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    rows = [["Case", "Amount"]] + [[f"C-{i}", str(i * 10)] for i in range(1, 4)]
    for page_rows in (rows, [rows[0], ["C-4", "40"], ["C-5", "50"]]):
        pdf.add_page()
        y = 72.0
        for row in page_rows:
            pdf.set_xy(72, y)
            for text in row:
                pdf.cell(120, 18, text, border=1)
            y += 18
    pdf.output(str(path))
    return path


def test_registered_and_declares_its_tables() -> None:
    parser = get_parser("generic")
    assert parser is PARSER
    assert isinstance(parser, Parser)
    assert (parser.name, parser.version) == ("generic", "1.11")
    names = {t.name: t for t in parser.tables}
    assert set(names) == {"extracted_tables", "extracted_rows"}
    assert names["extracted_rows"].fts == ("text",)
    for spec in parser.tables:
        assert all(col.description for col in spec.columns)


def test_detects_any_pdf_and_nothing_else(tmp_path: Path) -> None:
    assert PARSER.detect(fixture("real/camelot/health.pdf"))
    text = tmp_path / "notes.txt"
    text.write_text("County,Issued\nTravis,142\n")
    assert not PARSER.detect(text)


def test_rows_carry_provenance_and_link_continued_parts(tmp_path: Path) -> None:
    result = PARSER.parse(_continued_pdf(tmp_path / "cases.pdf"))
    tables = result.rows_for("extracted_tables")
    assert [(r.page, r.table_index, r.row_index) for r in tables] == [(1, 0, 0), (2, 0, 3)]
    assert tables[0].values["continued_from_page"] is None
    assert tables[1].values["continued_from_page"] == 1
    assert tables[1].values["first_page"] == 1
    assert json.loads(tables[0].values["header"]) == [["Case", "Amount"]]
    assert json.loads(tables[0].values["columns"]) == ["Case", "Amount"]
    assert tables[0].values["n_rows"] == 3 and tables[1].values["n_rows"] == 2
    x0, top, x1, bottom = (float(v) for v in tables[0].values["bbox"].split(","))
    assert (round(x0), round(top), round(x1), round(bottom)) == (72, 72, 312, 144)
    rows = result.rows_for("extracted_rows")
    assert [(r.page, r.row_index, r.values["text"]) for r in rows] == [
        (1, 0, "C-1 | 10"),
        (1, 1, "C-2 | 20"),
        (1, 2, "C-3 | 30"),
        (2, 3, "C-4 | 40"),
        (2, 4, "C-5 | 50"),
    ]
    assert json.loads(rows[0].values["cells"]) == ["C-1", "10"]
    for row in result.rows:
        assert all(isinstance(v, str | int | float | type(None)) for v in row.values.values())
    assert result.document == {"tables_found": 1, "tables_flagged": 0}


def test_unreadable_pdf_raises_parse_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    with pytest.raises(ParseError, match="broken.pdf"):
        PARSER.parse(bad)
    with pytest.raises(ParseError, match="notes.txt"):
        text = tmp_path / "notes.txt"
        text.write_text("hello")
        PARSER.parse(text)


def test_missing_page_raises_parse_error() -> None:
    with pytest.raises(ParseError, match="no page 4 "):
        extract_tables(fixture("real/camelot/us-030.pdf"), pages=[2, 4])


def test_rows_carry_their_box_on_the_page() -> None:
    """A body row's box holds exactly the words of its printed line (read here with
    pdfplumber), across the table; a table part's box is the table's. The same table on a
    page turned sideways gets the turned boxes."""
    import pdfplumber

    path = fixture("real/pdfplumber/nics-background-checks-2015-11.pdf")
    result = PARSER.parse(path)
    (part,) = result.rows_for("extracted_tables")
    assert part.bbox == part.values["bbox"] == "33.1,24.0,975.3,569.3"
    body = result.rows_for("extracted_rows")
    assert len(body) == 57 and all(r.bbox for r in body)
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    for row in body[:5]:
        x0, top, x1, bottom = (float(v) for v in row.bbox.split(","))
        assert (x0, x1) == (33.1, 975.3)
        cells = [c for c in json.loads(row.values["cells"]) if c]
        label = next(w for w in words if w["text"] == cells[0].split()[0])
        line = [w for w in words if abs(w["top"] - label["top"]) < 1]
        inside = [w for w in words if top <= (w["top"] + w["bottom"]) / 2 <= bottom]
        assert inside == line
        # (Compared without spaces: "98 452" is printed as two words, one cell.)
        assert "".join(w["text"] for w in inside) == "".join("".join(cells).split())
    assert body[0].bbox == "33.1,79.3,975.3,86.9"
    turned = PARSER.parse(fixture("real/pdfplumber/nics-background-checks-2015-11-rotated.pdf"))
    first = turned.rows_for("extracted_rows")[0]
    # Turned a quarter: the page's x is the upright page's y (612 points high).
    assert first.bbox == f"{612 - 86.9:.1f},33.1,{612 - 79.3:.1f},975.3" == "525.1,33.1,532.7,975.3"
