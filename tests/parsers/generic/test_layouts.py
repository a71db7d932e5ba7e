"""Generic extraction on small PDFs generated here, one layout each: several borderless
tables between prose, a ruled and an unruled table on one page, a table continued on the
next page."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from parsers.generic import extract_tables

FONT_SIZE = 10
ROW_HEIGHT = 14.0


def _pdf() -> FPDF:
    pdf = FPDF(unit="pt", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=FONT_SIZE)
    return pdf


def _text_row(pdf: FPDF, y: float, cells: list[str], lefts: list[float], rights: set[int]) -> None:
    """Write one unruled row; columns in ``rights`` are right-aligned at the next left."""
    for i, (text, x) in enumerate(zip(cells, lefts, strict=True)):
        if i in rights:
            x = x - pdf.get_string_width(text)
        pdf.text(x, y, text)


def _ruled_table(
    pdf: FPDF, x: float, y: float, widths: list[float], rows: list[list[str]]
) -> float:
    pdf.set_xy(x, y)
    for row in rows:
        for width, text in zip(widths, row, strict=True):
            pdf.cell(width, ROW_HEIGHT + 4, text, border=1)
        y += ROW_HEIGHT + 4
        pdf.set_xy(x, y)
    return y


COUNTIES = [
    ["County", "Issued", "Declined"],
    ["Travis", "142", "128"],
    ["Harris", "97", "0"],
    ["Bexar", "41", "3"],
    ["El Paso", "12", ""],
    ["Total", "292", "131"],
]
MONTHS = [
    ["Month", "Released", "Share"],
    ["January", "1,204", "12.5%"],
    ["February", "987", "10.2%"],
    ["March", "1,530", "15.9%"],
]
PROSE = (
    "The second table below counts releases by month. Figures for March are preliminary and "
    "may be revised in the next report, which is published every four weeks by the office."
)


def test_borderless_tables_between_titles_prose_and_notes(tmp_path: Path) -> None:
    pdf = _pdf()
    pdf.add_page()
    pdf.text(72, 72, "Table 1. Detainers by county, 2017")
    y = 100.0
    for row in COUNTIES:
        _text_row(pdf, y, row, [72, 260, 360], {1, 2})
        y += ROW_HEIGHT
    pdf.set_xy(72, y + 10)
    pdf.multi_cell(460, ROW_HEIGHT, PROSE)
    y = pdf.get_y() + 24
    pdf.text(72, y, "Table 2. Releases by month")
    y += 28
    for row in MONTHS:
        _text_row(pdf, y, row, [72, 300, 400], {1, 2})
        y += ROW_HEIGHT
    pdf.text(72, y + 14, "Source: office records; March figures are preliminary and may change.")
    path = tmp_path / "borderless.pdf"
    pdf.output(str(path))

    first, second = extract_tables(path)
    assert (first.method, second.method) == ("whitespace", "whitespace")
    assert first.columns == COUNTIES[0]
    assert first.rows == COUNTIES[1:]
    assert second.columns == MONTHS[0]
    assert second.rows == MONTHS[1:]
    assert (first.table_index, second.table_index) == (0, 1)
    assert first.bbox[3] < second.bbox[1]
    text = " ".join(c for t in (first, second) for row in t.grid() for c in row)
    assert "Table 1" not in text and "preliminary" not in text and "Source" not in text


def test_ruled_and_unruled_table_on_one_page(tmp_path: Path) -> None:
    ruled = [["Facility", "State", "Beds"], ["Dilley", "TX", "2,400"], ["Karnes", "TX", "830"]]
    pdf = _pdf()
    pdf.add_page()
    pdf.text(72, 60, "Facilities")
    bottom = _ruled_table(pdf, 72, 80, [200, 80, 100], ruled)
    pdf.text(72, bottom + 40, "Releases by month")
    y = bottom + 70
    for row in MONTHS:
        _text_row(pdf, y, row, [72, 300, 400], {1, 2})
        y += ROW_HEIGHT
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))

    first, second = extract_tables(path)
    assert first.method == "ruled"
    assert first.grid() == ruled
    assert [round(v) for v in first.bbox] == [72, 80, 452, 134]
    assert second.method == "whitespace"
    assert second.grid() == MONTHS


def test_ruled_table_continued_on_next_page_is_joined(tmp_path: Path) -> None:
    header = ["Case", "Opened", "Amount"]
    body = [[f"C-{i:03d}", f"03/{i % 28 + 1:02d}/2017", f"{i * 37:,}"] for i in range(1, 51)]
    pdf = _pdf()
    pdf.add_page()
    _ruled_table(pdf, 72, 72, [150, 150, 120], [header, *body[:35]])
    pdf.add_page()
    # The continuation repeats the header, as many reports do.
    _ruled_table(pdf, 72, 72, [150, 150, 120], [header, *body[35:]])
    path = tmp_path / "continued.pdf"
    pdf.output(str(path))

    (table,) = extract_tables(path)
    assert table.pages == [1, 2]
    assert table.header == [header]
    assert table.rows == body
    assert [(p.page, p.first_row, p.n_rows) for p in table.pieces] == [(1, 0, 35), (2, 35, 15)]
    assert table.row_pages()[34:36] == [1, 2]


def test_unruled_table_continued_without_header(tmp_path: Path) -> None:
    header = ["Name", "City", "Employees"]
    body = [[f"Company {i}", "Sacramento" if i % 2 else "Fresno", str(10 + i)] for i in range(60)]
    pdf = _pdf()
    pdf.add_page()
    y = 72.0
    for row in [header, *body[:45]]:
        _text_row(pdf, y, row, [72, 250, 460], {2})
        y += ROW_HEIGHT
    pdf.add_page()
    y = 72.0
    for row in body[45:]:
        _text_row(pdf, y, row, [72, 250, 460], {2})
        y += ROW_HEIGHT
    path = tmp_path / "continued-unruled.pdf"
    pdf.output(str(path))

    (table,) = extract_tables(path)
    assert table.pages == [1, 2]
    assert table.columns == header
    assert table.rows == body


def test_separate_tables_with_other_columns_are_not_joined(tmp_path: Path) -> None:
    pdf = _pdf()
    pdf.add_page()
    _ruled_table(pdf, 72, 72, [150, 150, 120], [["A", "B", "C"], ["1", "2", "3"], ["4", "5", "6"]])
    pdf.add_page()
    _ruled_table(pdf, 72, 72, [100, 100], [["D", "E"], ["7", "8"]])
    path = tmp_path / "two.pdf"
    pdf.output(str(path))

    first, second = extract_tables(path)
    assert (first.pages, second.pages) == ([1], [2])
    assert second.columns == ["D", "E"]
