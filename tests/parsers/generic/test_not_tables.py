"""Generic extraction must not turn page furniture into tables: running heads, cover pages,
tables of contents, charts and line-numbered transcripts; and must keep the real tables on
those pages whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.generic import extract_tables
from tests.shared import expected, fixture

FEDERAL_REGISTER = "real/pdfplumber/federal-register-2020-17221.pdf"
GAO = "real/warn-scraper/gao-03-1003.pdf"
SENATE = "real/pdfplumber/senate-expenditures.pdf"
SENATE_EXPECTED = "real/pdfplumber/expected/senate-expenditures.expected.json"


def _figure(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def federal_register_tables():
    return extract_tables(fixture(FEDERAL_REGISTER), workers=2)


def test_federal_register_has_one_table_and_no_running_head_in_it(federal_register_tables):
    # 15 pages of three-column prose with one open-sided table (rules above and below the
    # header, between the columns, none at the sides) starting at the foot of page 5.
    (table,) = federal_register_tables
    assert table.pages == [5, 6]
    assert table.method == "ruled"
    assert table.columns == [
        "Action",
        "Labor cost",
        "Parts cost",
        "Cost per product",
        "Cost on U.S. operators",
    ]
    assert [p.n_rows for p in table.pieces] == [3, 2]
    assert table.rows[0] == [
        "FCC OPS installation and verification",
        "1 work-hour × $85 per hour = $85",
        "$0",
        "$85",
        "$6,205.",
    ]
    assert table.rows[2][0] == "MDS installation and verification, INOP marker removal."
    assert table.rows[-1] == [
        "AOA sensor system test",
        "40 work-hours × $85 per hour = $3,400.",
        "$0",
        "$3,400",
        "$248,200.",
    ]
    text = " ".join(cell for row in table.grid() for cell in row)
    assert "Federal Register" not in text
    assert "Continued" not in text


def test_federal_register_margin_slugs_give_no_table(federal_register_tables):
    # Pages 11-12 carry sideways production slugs in the margins beside a figure.
    assert extract_tables(fixture(FEDERAL_REGISTER), pages=[11, 12], workers=1) == []


def test_gao_cover_highlights_chart_and_contents_give_no_table():
    # Page 1: cover (title type beside small print); page 2: highlights page with a bar
    # chart; page 3: table of contents without leader dots.
    assert extract_tables(fixture(GAO), pages=[1, 2, 3], workers=1) == []


def test_gao_table_between_prose_kept_whole_with_consistent_sums():
    (table,) = extract_tables(fixture(GAO), pages=[28], workers=1)
    assert table.header == [["Extended mass layoff events, 2001", "Layoffs", "Closures", "Total"]]
    assert len(table.rows) == 15
    assert table.rows[0] == ["Events", "7,097", "1,253", "8,350"]
    # The label wrapped onto the line with its figures is one row.
    assert table.rows[5] == [
        "Events with 50-499 separations not meeting the one-third criteria",
        "3,210",
        "b",
        "3,210",
    ]
    assert table.rows[-1] == ["Appear to meet WARN criteria", "948", "1,026", "1,974"]
    by_label = {row[0]: row[1:] for row in table.rows}
    for col in range(3):
        events = _figure(by_label["Events"][col])
        exclusions = _figure(by_label["Less exclusions:"][col])
        subtotal = _figure(by_label["Subtotal, less exclusions"][col])
        exemptions = _figure(by_label["Less exemptions:"][col])
        final = _figure(by_label["Appear to meet WARN criteria"][col])
        assert events - exclusions == subtotal
        assert subtotal - exemptions == final


@pytest.mark.parametrize(
    "name",
    [
        "real/warn-scraper/R42693.pdf",
        "real/pdfplumber/scotus-transcript-p1.pdf",
        "real/tabula-java/labor.pdf",
    ],
)
def test_contents_page_and_line_numbered_transcript_give_no_table(name):
    # R42693 page 3 is a table of contents with leader dots (its other pages are prose);
    # the transcript numbers its lines 1-25 down the margin; labor.pdf is a two-column
    # BLS article page with no table (no rules, no aligned figures).
    pages = [3] if "R42693" in name else None
    assert extract_tables(fixture(name), pages=pages, workers=1) == []


def test_senate_expenditures_last_row():
    truth = expected(SENATE_EXPECTED)
    (table,) = extract_tables(fixture(SENATE), workers=1)
    assert table.columns[:3] == ["DOCUMENT NO.", "DATE POSTED", "PAYEE NAME"]
    # Payee words are set 1.4 pt apart: read as separate words, as pdfplumber does with
    # text_x_tolerance=1.
    assert table.rows[-1][:5] == truth["last_row_with_text_x_tolerance_1"]


def test_generated_contents_page_dropped_and_table_below_kept(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    entries = [("Summary", 1), ("Methods", 3), ("Results by county", 7), ("Appendix", 12)]
    y = 90.0
    for title, page in entries:
        pdf.text(72, y, f"{title} " + "." * 60)
        pdf.text(520, y, str(page))
        y += 16
    pdf.text(72, y + 40, "Table 1. Inspections by county")
    y += 70
    rows = [["County", "Inspections", "Violations"], ["Adams", "31", "4"], ["Brown", "18", "2"]]
    for row in rows:
        for text, x in zip(row, (72, 300, 450), strict=True):
            pdf.text(x, y, text)
        y += 14
    path = tmp_path / "contents.pdf"
    pdf.output(str(path))

    (table,) = extract_tables(path)
    assert table.header == [rows[0]]
    assert table.rows == rows[1:]
