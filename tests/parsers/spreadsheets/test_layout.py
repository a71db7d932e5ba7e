"""Tables found on real agency workbooks and generated ones: titles, stacked tables,
multi-row and merged headers, group, total and note rows, as typed tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from parsers.base import ParseResult
from parsers.spreadsheets.parser import PARSER
from parsers.typed import UNTYPED_CELLS, TypedTable
from tests.parsers.spreadsheets.generated import detention_workbook
from tests.shared import expected, fixture

LA = "series/la-sos-election-results"
KS = "series/ks-sos-senate-precinct-results"
KS_2014 = "2014-General-Election---Kansas-Senate---Precinct-Results"
KS_2020 = "2020_General_Election_Kansas_Senate_results_by_precinct"
KS_2024 = "2024-General-Election-Kansas-Senate-Precinct-Results"


def _parse(relative: str) -> tuple[ParseResult, list[str]]:
    path = fixture(relative)
    sheets = [ws.title for ws in openpyxl.load_workbook(path, read_only=True).worksheets]
    return PARSER.parse(path), sheets


def _by_sheet(result: ParseResult, sheets: list[str]) -> dict[str, list[TypedTable]]:
    found: dict[str, list[TypedTable]] = {name: [] for name in sheets}
    for table in result.typed:
        found[sheets[table.rows[0].page - 1]].append(table)
    return found


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _printed(table: TypedTable, row: int, n: int) -> list[str]:
    return [_text(v) for v in table.rows[row].values[:n]]


@pytest.mark.parametrize("edition", ["20230218", "20230325", "20230429", "20231216"])
def test_louisiana_every_race_block_is_a_table_named_by_its_race(edition: str) -> None:
    truth = expected(f"{LA}/expected/{edition}.json")
    result, sheets = _parse(f"{LA}/{edition}.xlsx")
    found = _by_sheet(result, sheets)
    assert sum(len(tables) for tables in found.values()) == truth["table_count"]
    position = {name: 0 for name in sheets}
    for block in truth["tables"]:
        table = found[block["sheet"]][position[block["sheet"]]]
        position[block["sheet"]] += 1
        n = len(block["columns"])
        # The empty header cell over the precinct codes is named by its position.
        assert [c.name for c in table.columns[:n]] == ["column_1", *block["columns"][1:]]
        assert [c.type for c in table.columns[:n]] == ["text"] + ["integer"] * (n - 1)
        assert table.title == block["race"]
        # Rows are the units only: no title, header, 'Total Votes' or parish group row.
        assert len(table.rows) == block["row_count"]
        assert table.rows[0].source_row == block["total_row"] + 1 + bool(block.get("group_rows"))
        assert table.rows[-1].source_row == block["last_row"]
        for k, printed in enumerate(block["first_rows"]):
            assert _printed(table, k, n) == [printed[0].strip(), *printed[1:]]
        for k, printed in enumerate(reversed(block["last_rows"]), start=1):
            assert _printed(table, -k, n) == [printed[0].strip(), *printed[1:]]
        # The 'Total Votes' row printed above the rows is their sum (checked, no warning).
        for c, column in enumerate(table.columns[1:n], start=1):
            assert sum(row.values[c] for row in table.rows) == int(block["totals"][column.name])
        if block.get("group_rows"):
            assert table.columns[-1].name == "group"
            labels = {row.values[-1] for row in table.rows}
            assert labels == {g["label"] for g in block["group_rows"]}
    assert result.warnings == []
    # The title block (rows 1-3 in column B) is the sheet's preamble, not a row.
    assert found[sheets[0]][0].notes == [
        "Louisiana Secretary of State",
        "Election Results",
        f"Election Date: {edition[:4]}-{edition[4:6]}-{edition[6:]}",
    ]


def test_kansas_main_sheet_in_three_editions_typed_with_its_drift() -> None:
    for stem, rows, votes, blanks in [
        (KS_2014, 209, 39610, 0),
        (KS_2020, 4050, 606601, 18),
        (KS_2024, 5207, 606575, 46),
    ]:
        truth = expected(f"{KS}/expected/{stem}.json")["tables"][0]
        result, _ = _parse(f"{KS}/{stem}.xlsx")
        main = result.typed[0]
        assert [c.name for c in main.columns] == truth["columns"]
        types = {c.name: c.type for c in main.columns}
        assert (types["Votes"], types["VTD"], types["County"]) == ("integer", "text", "text")
        assert types.get("District") == ("integer" if stem == KS_2014 else None)
        assert len(main.rows) == rows == truth["row_count"]
        votes_at = truth["columns"].index("Votes")
        assert sum(r.values[votes_at] or 0 for r in main.rows) == votes
        assert sum(r.values[votes_at] is None for r in main.rows) == blanks
        first = [_text(v) for v in main.rows[0].values]
        assert first == [v.strip() for v in truth["first_rows"][0]]  # VTD keeps '000010'


def test_kansas_2024_county_sheets_two_header_rows_and_withheld_precincts() -> None:
    truth = expected(f"{KS}/expected/{KS_2024}.json")
    result, sheets = _parse(f"{KS}/{KS_2024}.xlsx")
    found = _by_sheet(result, sheets)
    for block in truth["tables"][1:]:
        (table,) = found[block["sheet"]]
        names = [c.name for c in table.columns if c.name != UNTYPED_CELLS]
        if block["sheet"] != "SHAWNEE":
            assert names == block["columns"]
        assert len(table.rows) == block["row_count"]
        assert table.rows[0].source_row == block["data_rows"][0]
        assert table.rows[-1].source_row == block["data_rows"][1]
    # SHAWNEE's race label is merged over its three columns: each column is named with it.
    shawnee = found["SHAWNEE"][0]
    assert [c.name for c in shawnee.columns[:4]] == [
        "PRECINCT NAME",
        "For State Senator 3rd District DEM Dena Sattler",
        "For State Senator 3rd District REP Rick Kloos",
        "For State Senator 3rd District Write-in",
    ]
    # Eight precincts withheld with the statute's text: the columns stay integer, the text
    # is kept beside the row, and the totals that still count those votes are warnings.
    assert [c.type for c in shawnee.columns[1:13]] == ["integer"] * 12
    withheld = [r for r in shawnee.rows if r.values[-1] is not None]
    assert [r.values[0] for r in withheld] == [row[0] for row in block_suppressed(truth)]
    assert withheld[0].values[-1] == (
        '{"For State Senator 3rd District DEM Dena Sattler": "KSA 25-2701(a)(2)",'
        ' "For State Senator 19th District DEM Patrick Schmidt": "KSA 25-2701(a)(2)"}'
    )
    assert {w.kind for w in result.warnings} == {"total_mismatch"}
    assert [w.message for w in result.warnings] == [
        f"sheet 'SHAWNEE': total row 250 prints {printed} for {name!r} but its rows add up"
        f" to {summed}"
        for name, summed, printed in [
            ("For State Senator 18th District DEM Matthew Robin", 6399, 6406),
            ("For State Senator 18th District REP Kenny Titus", 10750, 10771),
            ("For State Senator 20th District DEM Candace L. Ayars", 13591, 13599),
            ("For State Senator 20th District REP Brenda S. Dietrich", 20247, 20254),
        ]
    ]


def block_suppressed(truth: dict[str, Any]) -> list[list[str]]:
    (shawnee,) = [t for t in truth["tables"] if t["sheet"] == "SHAWNEE"]
    rows: list[list[str]] = shawnee["suppressed_rows"]
    return rows


def test_kansas_2020_pdf_converted_sheet_two_tables_repeated_headers_text_numbers() -> None:
    truth = expected(f"{KS}/expected/{KS_2020}.json")
    result, sheets = _parse(f"{KS}/{KS_2020}.xlsx")
    found = _by_sheet(result, sheets)
    first, second = found["WYANDOTTE"]
    # Merged B:C precinct names and doubled number columns are one column each; the header
    # block repeated at each former page break is skipped, not loaded.
    assert [c.name for c in first.columns] == [
        "column_1",
        "US REP 3rd District Rep Amanda L. Adkins",
        "US REP 3rd District Dem Sharice L. Davids",
        "US REP 3rd District Lib Steven A. Hohe",
        "US REP 3rd District Write-in Totals",
        "State Senator 4th District Dem David Haley",
        "State Senator 4th District Rep Sam Stillwell",
        "State Senator 4th District Write-in Totals",
        "State Senator 5th District Rep Kevin Braun",
        "State Senator 5th District Dem Jeff Pittman",
        "State Senator 5th District Write-in Totals",
    ]
    assert [len(first.rows), len(second.rows)] == [113, 44]
    assert [t["row_count"] for t in truth["tables"] if t["sheet"] == "WYANDOTTE"] == [113, 44]
    assert first.rows[0].values[:4] == ["BS 1-1", 397, 385, 47]  # '397' stored as text
    assert sum(r.values[2] for r in first.rows) == 37552  # its 'Totals' row: '37,552'
    assert second.columns[1].name == "State Senator 6th District Dem Pat Pettey"
    assert sum(r.values[1] or 0 for r in second.rows) == 12441
    # Header rows that repeat one value everywhere ("NON", "VOTE FOR 1", "-") add nothing.
    (johnson,) = found["JOHNSON"]
    johnson_truth = [t for t in truth["tables"] if t["sheet"] == "JOHNSON"][0]
    assert [c.name for c in johnson.columns] == [
        n.replace(" NON ", " ") for n in johnson_truth["columns"]
    ]
    (sedgwick,) = found["SEDGWICK"]
    assert [c.name for c in sedgwick.columns[:3]] == [
        "Precinct",
        "For State Senator 16th District DEM Timothy Don Fry II",
        "For State Senator 16th District REP Ty Masterson",
    ]
    assert len(sedgwick.rows) == 269
    assert result.warnings == []  # every county total equals its column sums


def test_generated_title_block_merged_group_titles_totals_and_source_line(
    tmp_path: Path,
) -> None:
    result = PARSER.parse(detention_workbook(tmp_path / "fy19.xlsx", 2019))
    (table,) = result.typed
    assert table.name == "fy2019_facilities"
    assert table.title is None
    assert [(c.name, c.type) for c in table.columns] == [
        ("Facility Information Name", "text"),
        ("Facility Information State", "text"),
        ("Facility Information ZIP", "text"),
        ("Average Daily Population Level A", "integer"),
        ("Average Daily Population Level B", "integer"),
        ("Average Daily Population Total", "integer"),
    ]
    assert [r.values for r in table.rows] == [
        ["Adelanto", "CA", "02345", 3219, 300, 3519],
        ["Otero", "NM", "88081", 450, 120, 570],
        ["Port Isabel", "TX", "78566", 800, 210, 1010],
    ]
    assert [r.source_row for r in table.rows] == [6, 7, 8]
    assert table.notes == [
        "Detention Statistics",
        "Fiscal Year 2019",
        "Source: ICE Enforcement and Removal Operations, facility list.",
    ]
    assert result.warnings == []


def test_generated_total_that_is_not_the_sum_is_a_warning(tmp_path: Path) -> None:
    path = detention_workbook(tmp_path / "fy19.xlsx", 2019)
    book = openpyxl.load_workbook(path)
    book.active["F9"] = 631
    book.save(path)
    result = PARSER.parse(path)
    assert [(w.kind, w.message) for w in result.warnings] == [
        (
            "total_mismatch",
            "sheet 'FY2019 Facilities': total row 9 prints 631 for"
            " 'Average Daily Population Level B' but its rows add up to 630",
        )
    ]


def test_generated_stacked_tables_group_rows_and_all_text_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    rows: list[list[Any]] = [
        ["Complaints by district"],
        ["District", "Open", "Closed"],
        ["North"],
        ["N-01", 3, 4],
        ["N-02", 0, 1],
        ["South"],
        ["S-01", 2, 2],
        ["Totals", 5, 7],
        [],
        [],
        ["Officers on leave"],
        ["Name", "Unit", "Since"],
        ["Ana Ruiz", "Patrol", "March"],
        ["Bo Chen", "Traffic", "June"],
        ["Note: names as printed by the department."],
    ]
    for row in rows:
        ws.append(row)
    path = tmp_path / "stacked.xlsx"
    book.save(path)
    result = PARSER.parse(path)
    complaints, leave = result.typed
    assert (complaints.name, complaints.title) == (
        "complaints_by_district",
        "Complaints by district",
    )
    assert [c.name for c in complaints.columns] == ["District", "Open", "Closed", "group"]
    assert [r.values for r in complaints.rows] == [
        ["N-01", 3, 4, "North"],
        ["N-02", 0, 1, "North"],
        ["S-01", 2, 2, "South"],
    ]
    assert (leave.name, [c.type for c in leave.columns]) == ("officers_on_leave", ["text"] * 3)
    assert [r.values for r in leave.rows] == [
        ["Ana Ruiz", "Patrol", "March"],
        ["Bo Chen", "Traffic", "June"],
    ]
    assert [(r.table_index, r.row_index, r.source_row) for r in leave.rows] == [
        (1, 0, 13),
        (1, 1, 14),
    ]
    assert leave.notes == ["Note: names as printed by the department."]
    assert result.warnings == []
