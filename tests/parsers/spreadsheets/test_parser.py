"""The generic spreadsheet parser: XLSX, XLS and CSV as one table per sheet."""

from __future__ import annotations

import json
import warnings
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlwt

from parsers.base import ParseResult
from parsers.registry import detect_parser
from parsers.spreadsheets.parser import PARSER, ROWS_TABLE, SHEETS_TABLE
from parsers.spreadsheets.workbooks import read_xlsx
from records.core.errors import ParseError
from tests.shared import fixture


def _sheets(result: ParseResult) -> list[dict]:
    return [r.values for r in result.rows_for(SHEETS_TABLE)]


def _cells(result: ParseResult, sheet: int = 1) -> list[dict]:
    return [json.loads(r.values["cells"]) for r in result.rows_for(ROWS_TABLE) if r.page == sheet]


def test_real_csv_campaign_contributions() -> None:
    # tabula-java's transcription of schools.pdf (Major Contribution Report, 2012).
    path = fixture("real/tabula-java/csv/schools.csv")
    assert detect_parser(path).name == "spreadsheet"
    result = PARSER.parse(path)
    (sheet,) = _sheets(result)
    assert sheet["header_row"] == 1
    assert json.loads(sheet["header"]) == [
        "column_1", "Last Name", "First Name", "Address", "City", "State", "Zip", "Occupation",
        "Employer", "Date", "Amount",
    ]  # fmt: skip
    assert json.loads(sheet["column_types"])["Date"] == "date"
    assert json.loads(sheet["column_types"])["Amount"] == "float"
    assert sheet["n_rows"] == 44
    cells = _cells(result)
    assert cells[0] == {
        "column_1": None, "Last Name": "Lidstad", "First Name": "Dick & Peg",
        "Address": "62 Mississippi River Blvd N", "City": "Saint Paul", "State": "MN",
        "Zip": 55104, "Occupation": "retired", "Employer": None, "Date": "2012-10-12",
        "Amount": 60.0,
    }  # fmt: skip
    assert (cells[-1]["Last Name"], cells[-1]["Date"]) == ("Eaves /Alger", "2012-10-03")
    assert sum(c["Amount"] for c in cells) == 4115.0
    rows = result.rows_for(ROWS_TABLE)
    assert [(r.page, r.table_index, r.row_index, r.values["sheet_row"]) for r in rows[:2]] == [
        (1, 1, 0, 2),
        (1, 1, 1, 3),
    ]
    assert rows[0].values["text"].startswith("Lidstad | Dick & Peg | 62 Mississippi")


def _payroll_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Payroll"
    ws["A1"] = "City of Springfield - payroll, fiscal 2023"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["Employee ID", "Name", "Department", "ZIP", "Salary", "Hired"])
    ws.append([501, "Ann Lee", "Police", "02134", 50000, datetime(2019, 3, 4)])
    ws.append([1207, "Bob Roy", None, "10001", 61000.5, datetime(2021, 11, 30)])
    ws.append([88, "Cy Dunn", "Fire", "00501", "N/A", datetime(2015, 1, 2)])
    ws.append([])
    ws.append([9001, "Di Fox", "Parks", "94110", 47250.25, datetime(2023, 6, 1)])
    for row in range(4, 9):
        ws.cell(row, 1).number_format = "00000"
    ws.merge_cells("C4:C5")  # "Police" printed once for two employees
    notes = book.create_sheet("notes")
    notes.sheet_state = "hidden"
    notes.append([2019, 12])
    notes.append([2020, 15])
    book.save(path)
    return path


def test_xlsx_header_types_leading_zeros_and_merged_cells(tmp_path: Path) -> None:
    result = PARSER.parse(_payroll_xlsx(tmp_path / "payroll.xlsx"))
    payroll, notes = _sheets(result)
    assert payroll["header_row"] == 3
    assert payroll["preamble"] == "City of Springfield - payroll, fiscal 2023"
    assert json.loads(payroll["column_types"]) == {
        "Employee ID": "text",  # shown zero-padded by its cell format
        "Name": "text",
        "Department": "text",
        "ZIP": "text",
        "Salary": "float",
        "Hired": "date",
    }
    assert payroll["n_rows"] == 4
    cells = _cells(result)
    assert cells[0] == {
        "Employee ID": "00501", "Name": "Ann Lee", "Department": "Police", "ZIP": "02134",
        "Salary": 50000.0, "Hired": "2019-03-04",
    }  # fmt: skip
    assert cells[1]["Department"] == "Police"  # merged cell filled
    assert (cells[2]["ZIP"], cells[2]["Salary"]) == ("00501", None)  # N/A in a number column
    assert [r.values["sheet_row"] for r in result.rows_for(ROWS_TABLE) if r.page == 1] == [
        4, 5, 6, 8,
    ]  # fmt: skip
    assert sum(c["Salary"] or 0 for c in cells) == 158250.75

    assert (notes["sheet_name"], notes["hidden"], notes["header_row"]) == ("notes", True, None)
    assert json.loads(notes["column_types"]) == {"column_1": "integer", "column_2": "integer"}
    assert _cells(result, 2) == [
        {"column_1": 2019, "column_2": 12},
        {"column_1": 2020, "column_2": 15},
    ]
    assert {r.table_index for r in result.rows if r.page == 2} == {2}


def test_xls_read_with_merges_dates_and_padding(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    ws = book.add_sheet("Inspections")
    ws.write_merge(0, 0, 0, 3, "Restaurant inspections")
    for c, name in enumerate(["Permit", "Name", "Score", "Date"]):
        ws.write(1, c, name)
    padded = xlwt.easyxf(num_format_str="000000")
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write(2, 0, 4512, padded)
    ws.write_merge(2, 3, 1, 1, "Joe's Diner")
    ws.write(2, 2, 91)
    ws.write(2, 3, datetime(2022, 5, 17), day)
    ws.write(3, 0, 4513, padded)
    ws.write(3, 2, 78)
    ws.write(3, 3, datetime(2022, 8, 1), day)
    path = tmp_path / "inspections.xls"
    book.save(str(path))

    assert detect_parser(path).name == "spreadsheet"
    result = PARSER.parse(path)
    (sheet,) = _sheets(result)
    assert (sheet["header_row"], sheet["preamble"]) == (2, "Restaurant inspections")
    assert _cells(result) == [
        {"Permit": "004512", "Name": "Joe's Diner", "Score": 91, "Date": "2022-05-17"},
        {"Permit": "004513", "Name": "Joe's Diner", "Score": 78, "Date": "2022-08-01"},
    ]


def test_csv_duplicate_and_blank_headers_semicolons_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Nom;Montant;Montant;\nCafé;1 200;3;x\nThé;-;4;y\n".encode("cp1252"))
    result = PARSER.parse(path)
    (sheet,) = _sheets(result)
    assert json.loads(sheet["header"]) == ["Nom", "Montant", "Montant_2", "column_4"]
    assert _cells(result) == [
        {"Nom": "Café", "Montant": "1 200", "Montant_2": 3, "column_4": "x"},
        {"Nom": "Thé", "Montant": "-", "Montant_2": 4, "column_4": "y"},
    ]


def test_headerless_csv_gets_numbered_columns(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("12,0.5,2024-01-02\n13,1.5,2024-01-03\n")
    result = PARSER.parse(path)
    assert _sheets(result)[0]["header_row"] is None
    assert _cells(result) == [
        {"column_1": 12, "column_2": 0.5, "column_3": "2024-01-02"},
        {"column_1": 13, "column_2": 1.5, "column_3": "2024-01-03"},
    ]


def test_corrupt_workbooks_raise_parse_error_naming_the_file(tmp_path: Path) -> None:
    good = _payroll_xlsx(tmp_path / "payroll.xlsx").read_bytes()
    broken = tmp_path / "broken.xlsx"
    # A valid ZIP container whose workbook part is garbage.
    import zipfile

    with zipfile.ZipFile(tmp_path / "payroll.xlsx") as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = b"<not xml" if item.filename == "xl/workbook.xml" else src.read(item)
            dst.writestr(item, data)
    with pytest.raises(ParseError, match=r"^broken\.xlsx: not a readable XLSX workbook"):
        PARSER.parse(broken)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(ParseError, match=r"^truncated\.xlsx: not a spreadsheet: it is a ZIP"):
        PARSER.parse(truncated)
    fake_xls = tmp_path / "fake.xls"
    fake_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ParseError, match=r"^fake\.xls: not a readable XLS workbook"):
        PARSER.parse(fake_xls)


def test_stacked_header_rows_name_the_raw_columns_and_are_not_loaded_as_rows() -> None:
    # Kansas 2020, sheet JOHNSON: race / party ("NON") / candidate over the columns, rows 1-3.
    result = PARSER.parse(
        fixture(
            "series/ks-sos-senate-precinct-results/"
            "2020_General_Election_Kansas_Senate_results_by_precinct.xlsx"
        )
    )
    sheet = _sheets(result)[1]
    names = json.loads(sheet["header"])
    assert (sheet["sheet_name"], sheet["header_row"], sheet["n_columns"]) == ("JOHNSON", 1, 46)
    assert names[:3] == [
        "PRECINCT NAME", "State Senate 6 Pat Pettey", "State Senate 6 Diana Whittington",
    ]  # fmt: skip
    # The same names as the typed table the layout found; the vote columns are numbers now
    # that the candidate row is not read as a row.
    (typed,) = [t for t in result.typed if t.rows[0].page == 2]
    assert names == [c.name for c in typed.columns]
    assert set(json.loads(sheet["column_types"]).values()) == {"text", "integer"}
    # 514 precincts and the COUNTY TOTALS row (sheet rows 4-518).
    rows = [r.values for r in result.rows_for(ROWS_TABLE) if r.page == 2]
    assert sheet["n_rows"] == len(rows) == 515
    assert (rows[0]["sheet_row"], rows[-1]["sheet_row"]) == (4, 518)
    first, last = json.loads(rows[0]["cells"]), json.loads(rows[-1]["cells"])
    assert (first["PRECINCT NAME"], first["State Senate 6 Pat Pettey"]) == (
        "Aubry Township Precinct 01",
        0,
    )
    assert (last["PRECINCT NAME"], last["State Senate 6 Pat Pettey"]) == ("COUNTY TOTALS", 2092)


def test_a_second_row_of_codes_under_the_header_stays_a_row(tmp_path: Path) -> None:
    # "01234" and "1,5" are figures kept as text: the row is data, not a second header row.
    path = tmp_path / "semi.csv"
    path.write_text("Zip;Montant;Ville\n01234;1,5;Québec\n75001;2,25;Paris\n", encoding="utf-8")
    result = PARSER.parse(path)
    assert json.loads(_sheets(result)[0]["header"]) == ["Zip", "Montant", "Ville"]
    assert [
        json.loads(c)["Ville"] for c in (r.values["cells"] for r in result.rows_for(ROWS_TABLE))
    ] == [
        "Québec",
        "Paris",
    ]


def test_openpyxl_notes_on_formatting_do_not_reach_the_user() -> None:
    """Louisiana's workbooks have no default style: openpyxl says so with a UserWarning that
    names its own source file. It is about formatting, never a value, so it is not printed
    to the user next to the run's real warnings."""
    path = fixture("series/la-sos-election-results/20230325.xlsx")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        sheets = read_xlsx(path, path.name)
    assert [str(w.message) for w in seen] == []
    assert len(sheets) == 29
