"""Page accounting on spreadsheets: table-like rows in no table are named, never lost."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from parsers.base import ParseWarning
from parsers.spreadsheets.parser import PARSER, ROWS_TABLE
from tests.shared import series_editions

ACCOUNTING = ("unaccounted_lines", "no_rows")
WORKBOOKS = series_editions(
    ["la-sos-election-results", "ks-sos-senate-precinct-results"], kind="xlsx"
)


@pytest.mark.parametrize("path", [path for _, path, _ in WORKBOOKS], ids=lambda p: p.name)
def test_real_series_workbooks_account_for_every_table_like_row(path: Path) -> None:
    result = PARSER.parse(path)
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert [w for w in result.warnings if w.kind in ACCOUNTING] == []
    # Every sheet is accounted for: rows loaded, none of its table-like rows left out.
    assert sorted(result.accounted) == list(range(1, len(sheets) + 1))
    assert all(missed == 0 for _, missed in result.accounted.values())
    raw = [r for r in result.rows if r.table == ROWS_TABLE]
    typed = sum(len(t.rows) for t in result.typed)
    assert sum(rows for rows, _ in result.accounted.values()) == len(raw) + typed


def test_figures_above_the_table_that_no_table_reads_are_named(tmp_path: Path) -> None:
    # Shares stored as text, each on its own line above the table: the raw layer keeps them
    # only in the preamble, the layout as headers of tables without rows.
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Results"
    ws["A1"] = "Parish results"
    ws.append([])
    ws.append(["Turnout", "61.2%", "58.0%"])
    ws.append([])
    ws.append(["Change", "(3.2%)", "(1.1%)"])
    ws.append([])
    ws.append(["Parish", "Registered", "Voted", "Yes", "No", "Blank"])
    ws.append(["Acadia", 40000, 20000, 12000, 7000, 1000])
    ws.append(["Allen", 15000, 8000, 5000, 2500, 500])
    book.save(tmp_path / "results.xlsx")

    result = PARSER.parse(tmp_path / "results.xlsx")

    assert result.warnings == [
        ParseWarning(
            "unaccounted_lines",
            "2 table-like rows in no table: sheet 'Results' (sheet 1) rows 3, 5;"
            " e.g. 'Turnout 61.2% 58.0%'; 'Change (3.2%) (1.1%)'",
            (1,),
            2,
        )
    ]
    # Nothing dropped to keep the count clean: the table's rows still load, both layers.
    assert result.accounted == {1: (4, 2)}
    assert [r.values["sheet_row"] for r in result.rows if r.table == ROWS_TABLE] == [8, 9]
    assert [row.source_row for t in result.typed for row in t.rows] == [8, 9]


def test_a_workbook_of_figures_without_a_table_gets_the_no_rows_warning(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Turnout"
    ws.append(["61.2%", "58.0%", "(3.2%)"])
    change = book.create_sheet("Change")
    change.append(["(1.1%)", "(0.4%)"])
    book.save(tmp_path / "figures.xlsx")

    result = PARSER.parse(tmp_path / "figures.xlsx")

    assert result.warnings == [
        ParseWarning(
            "no_rows",
            "no rows loaded, but 2 table-like rows on sheet 'Turnout' (sheet 1) row 1;"
            " sheet 'Change' (sheet 2) row 1",
            (1, 2),
            2,
        )
    ]
    assert result.accounted == {1: (0, 1), 2: (0, 1)}
    assert result.typed == []
    assert [r for r in result.rows if r.table == ROWS_TABLE] == []
