"""Column names a database can load, typed "-----" rules, and tables under title bars."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from parsers.generic import extract_tables
from parsers.generic.model import unique_names
from tests.shared import expected, fixture

SAN_JOSE = "real/pdfplumber/san-jose-pd-firearm-sample.pdf"
SAN_JOSE_EXPECTED = "real/pdfplumber/expected/san-jose-pd-firearm-sample.expected.json"
COMPSTAT = "real/tabula-java/cs-en-us-pbms.pdf"


def test_unique_names_fill_blanks_by_position_and_number_repeats() -> None:
    assert unique_names(["", "Total", "total", " ", "Total"]) == [
        "column_1",
        "Total",
        "total_2",
        "column_4",
        "Total_3",
    ]
    # A generated name never takes one the header printed.
    assert unique_names(["County", "", "column_2"]) == ["County", "column_2_2", "column_2"]


def test_headerless_and_blank_header_columns_get_position_names() -> None:
    intro, votes = extract_tables(fixture("real/tabula-java/argentina_diputados_voting_record.pdf"))
    assert intro.header == []
    assert intro.columns == ["column_1", "column_2", "column_3", "column_4"]
    # The vote column's header cell is blank in the PDF.
    assert votes.header == [["Apellido y Nombre", "Bloque político", "Provincia", ""]]
    assert votes.columns == ["Apellido y Nombre", "Bloque político", "Provincia", "column_4"]
    assert votes.rows[0] == [
        "ABDALA de MATARAZZO, Norma Amanda",
        "Frente Cívico por Santiago",
        "Santiago del Estero",
        "AFIRMATIVO",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "real/tabula-java/argentina_diputados_voting_record.pdf",
        "real/tabula-java/indictb1h_14.pdf",
        "real/tabula-java/offense.pdf",
        "real/tabula-java/rotated_page.pdf",
        COMPSTAT,
    ],
)
def test_every_column_name_is_non_empty_and_unique(name: str) -> None:
    tables = extract_tables(fixture(name), workers=1)
    assert tables
    for table in tables:
        names = table.columns
        assert len(names) == table.n_columns
        assert all(names)
        assert len({n.casefold() for n in names}) == len(names)


def test_fixed_width_listing_two_lines_a_record() -> None:
    """The San Jose firearm report types "-----" under each of its two header lines; each
    record is printed over two lines and comes out as one row of eleven columns."""
    (table,) = extract_tables(fixture(SAN_JOSE), workers=1)
    assert table.method == "text-ruled"
    assert table.columns == [
        "TYPE",
        "ITEM",
        "MAKE",
        "MODEL",
        "CALIBRE",
        "STATUS",
        "FLAGS",
        "SERIAL NUMBER",
        "REPORT/TAG NUMBER",
        "CASE/FILE NUMBER",
        "STORAGE LOCATION",
    ]
    assert len(table.rows) == 12
    keys = [
        "type",
        "item",
        "make",
        "model",
        "calibre",
        "status",
        "flags",
        "serial_number",
        "report_tag_number",
        "case_file_number",
    ]
    truth = expected(SAN_JOSE_EXPECTED)["first_records"]
    for row, record in zip(table.rows, truth, strict=False):
        got = dict(zip(keys, row, strict=False))
        # The notebook cuts the case number at 18 characters; the PDF prints all 20.
        assert got["case_file_number"].startswith(record["case_file_number"])
        got["case_file_number"] = record["case_file_number"]
        assert got == {k: record[k] for k in keys}
    assert table.rows[0][-2:] == ["GO SJ 2012-122590518", "WA-GR/GUN DESTRUCTION"]
    # "____" in the flags column is a value, not a rule or leader dots.
    assert table.rows[4][4:8] == ["40", "FOUND", "____", "REMOVED"]
    assert table.rows[-1] == [
        "PISTOL",
        "SEMI-AUTOMATIC",
        "CARL WALTHER",
        "PPK",
        "7.65",
        "FOUND",
        "_d__",
        "832229",
        "Tag#:SJ4664-1",
        "GO SJ 2012-122960284",
        "WA-GR/GD-SCCCL",
    ]


def test_typed_rule_under_one_header_line_is_a_ruling(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Courier", size=10)
    pdf.add_page()
    lines = [
        "Inspection listing",
        "",
        "PERMIT     OWNER                VIOLATIONS",
        "---------- -------------------- ----------",
        "A-1001     Adams Bakery         2",
        "A-1002     Brown & Sons Dairy   0",
        "A-1003     Carter Meats         ____",
    ]
    for n, text in enumerate(lines):
        pdf.text(72, 90 + 12 * n, text)
    path = tmp_path / "listing.pdf"
    pdf.output(str(path))
    (table,) = extract_tables(path, workers=1)
    assert table.method == "text-ruled"
    assert table.header == [["PERMIT", "OWNER", "VIOLATIONS"]]
    assert table.rows == [
        ["A-1001", "Adams Bakery", "2"],
        ["A-1002", "Brown & Sons Dairy", "0"],
        ["A-1003", "Carter Meats", "____"],
    ]


def test_tables_under_their_own_title_bars_are_separate() -> None:
    """CompStat boxes "Crime Complaints" and "Historical Perspective" in framed bars across
    the page; each bar starts a table of its own (they were one 32x7 grid)."""
    complaints, history = extract_tables(fixture(COMPSTAT), workers=1)
    assert (len(complaints.rows), complaints.n_columns) == (15, 12)
    assert [row[0] for row in complaints.rows][:3] == ["Murder", "Rape", "Robbery"]
    assert complaints.rows[-1][0] == "Shooting Inc."
    assert complaints.rows[-1][3:] == [
        "0",
        "2",
        "-100.0",
        "6",
        "9",
        "-33.3",
        "-53.8",
        "-50.0",
        "-91.0",
    ]
    assert (len(history.rows), history.n_columns) == (8, 11)
    assert history.header[-1][1:6] == ["1990", "1993", "1998", "2001", "2016"]
    assert history.rows[-1] == [
        "TOTAL",
        "89,541",
        "65,944",
        "34,597",
        "26,382",
        "15,198",
        "-42.4",
        "-56.1",
        "-77.0",
        "-83.0",
        "TOTAL",
    ]
