"""A tiny workbook that claims a huge sheet must cost what it holds, not what it claims.

Issue 25, attack 4: an XLSX of about 1.5 KB with cells A1 and XFD1048576 (or a range
merged from one to the other) used to make the reader walk 10^10 cells. Reading is now
bounded by a cell budget counted from the cells the file holds (``RECORDS_MAX_SHEET_CELLS``),
and a sheet over it is refused with ``WorkbookTooLarge`` naming the file and the sheet.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsers.spreadsheets.parser import PARSER, ROWS_TABLE, SHEETS_TABLE
from parsers.spreadsheets.workbooks import MAX_SHEET_CELLS_ENV, read_xlsx
from records.cli import cli
from records.core.errors import WorkbookTooLarge

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook(path: Path, cells: str, merges: str = "") -> Path:
    """A minimal XLSX written by hand: one sheet whose XML is ``cells`` (rows) and merges."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_NS}"><dimension ref="A1:XFD1048576"/>'
            f"<sheetData>{cells}</sheetData>{merges}</worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


_CORNERS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>county</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>'
)


def test_cells_a1_and_xfd1048576_cost_two_cells_not_ten_billion(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "corners.xlsx", _CORNERS)
    assert path.stat().st_size < 1600
    (sheet,) = read_xlsx(path, path.name)
    # Two filled rows and the two blank rows kept above the last one, not 1,048,576 rows.
    assert sheet.row_numbers == [1, 1048574, 1048575, 1048576]
    assert [len(row) for row in sheet.rows] == [1, 0, 0, 16384]
    assert (sheet.rows[0][0], sheet.rows[3][-1]) == ("county", 7)
    result = PARSER.parse(path)
    (described,) = [r.values for r in result.rows_for(SHEETS_TABLE)]
    # Too sparse for a header: both filled rows are data.
    assert (described["n_rows"], described["n_columns"]) == (2, 16384)
    assert [r.values["sheet_row"] for r in result.rows_for(ROWS_TABLE)] == [1, 1048576]


def test_range_merged_from_a1_to_xfd1048576_is_refused_by_the_cell_budget(
    tmp_path: Path,
) -> None:
    path = _workbook(
        tmp_path / "merged.xlsx",
        _CORNERS,
        '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )
    with pytest.raises(WorkbookTooLarge) as raised:
        read_xlsx(path, "merged.xlsx")
    message = str(raised.value)
    assert message.startswith("merged.xlsx: sheet 'Data' spreads over more than 5,000,000 cells")
    assert "merged range 1..1,048,576 x 1..16,384" in message
    assert MAX_SHEET_CELLS_ENV in message


def test_the_budget_is_a_setting_counted_from_cells_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = "".join(f'<c r="{chr(65 + i)}1"><v>{i}</v></c>' for i in range(10))
    path = _workbook(tmp_path / "ten.xlsx", f'<row r="1">{row}</row>')
    monkeypatch.setenv(MAX_SHEET_CELLS_ENV, "10")
    (sheet,) = read_xlsx(path, "ten.xlsx")
    assert sheet.rows == [list(range(10))]
    monkeypatch.setenv(MAX_SHEET_CELLS_ENV, "9")
    with pytest.raises(WorkbookTooLarge, match="more than 9 cells .row 1 reaches column 10."):
        read_xlsx(path, "ten.xlsx")


def test_records_add_records_the_refusal_and_goes_on(tmp_path: Path) -> None:
    bomb = _workbook(
        tmp_path / "bomb.xlsx",
        _CORNERS,
        '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )
    good = tmp_path / "good.csv"
    good.write_text("county,declined\nTravis,3\n")
    database = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli,
        ["--db", str(database), "--archive", str(tmp_path / "a"), "add", str(bomb), str(good)],
    )
    assert "Traceback" not in result.output
    assert "bomb.xlsx" in result.output and "spreads over more than" in result.output
    with sqlite3.connect(database) as db:
        statuses = dict(db.execute("select status, count(*) from documents group by status"))
        (error,) = db.execute("select error from documents where status = 'failed'").fetchone()
    assert statuses == {"failed": 1, "parsed": 1}
    assert "sheet 'Data' spreads over more than 5,000,000 cells" in error
