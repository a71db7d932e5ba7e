"""CSV bytes decoded line by line: a file mixing UTF-8 and cp1252 lines reads right, the
encoding is recorded, and bytes that are neither are refused naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from parsers.spreadsheets.workbooks import read_csv
from records.cli import cli
from records.core.errors import ParseError

MIXED = (
    b"county,releases\n"
    + "Peñasco,3\n".encode()
    # Appended from a Windows export: the same letters in cp1252.
    + "Española,4\n".encode("cp1252")
    + "Cañon City,5\n".encode()
)


def test_mixed_utf8_and_cp1252_lines_each_read_in_their_own_encoding(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    [sheet] = read_csv(path, "mixed.csv")
    assert sheet.rows == [
        ["county", "releases"],
        ["Peñasco", "3"],
        ["Española", "4"],
        ["Cañon City", "5"],
    ]
    assert sheet.encoding == "utf-8 with 1 cp1252 line(s)"


def test_plain_files_say_their_one_encoding(tmp_path: Path) -> None:
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes("\ufeffcounty\nPeñasco\n".encode())
    windows = tmp_path / "w.csv"
    windows.write_bytes("county\nPeñasco\n".encode("cp1252"))
    assert [(s.rows, s.encoding) for s in read_csv(utf8, "u.csv")] == [
        ([["county"], ["Peñasco"]], "utf-8")
    ]
    assert [(s.rows, s.encoding) for s in read_csv(windows, "w.csv")] == [
        ([["county"], ["Peñasco"]], "cp1252")
    ]


def test_a_line_in_neither_encoding_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    # 0x81 is undefined in cp1252 and not valid UTF-8 on its own.
    path.write_bytes(b"county\nPe\xf1asco\nX\x81Y\n")
    with pytest.raises(ParseError) as caught:
        read_csv(path, "odd.csv")
    assert str(caught.value) == (
        "odd.csv: line 3 is neither UTF-8 nor cp1252 (Windows-1252) text (byte 0x81);"
        " not guessing its encoding"
    )


def test_records_add_stores_the_encoding_as_a_document_fact(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    db_path = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli,
        ["--db", str(db_path), "--archive", str(tmp_path / "a"), "--sources",
         str(tmp_path / "none.toml"), "add", "--parser", "spreadsheet", str(path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    facts = {r["name"]: r["value"] for r in db.query("select name, value from document_facts")}
    assert facts["encoding"] == "utf-8 with 1 cp1252 line(s)"
    texts = [r[0] for r in db.execute("select text from spreadsheet_rows order by sheet_row")]
    assert any("Española" in t for t in texts) and not any("Ã" in t for t in texts)
