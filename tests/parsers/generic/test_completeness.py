"""The completeness invariant (issue 13): every word inside a found table's area is in
exactly one of its cells, or the table is read by the other method, or it carries a warning
that reaches the database rows."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from parsers.generic import PARSER, extract_tables
from parsers.generic import parser as parser_module
from parsers.generic.completeness import check
from parsers.generic.extract import _complete, find_tables
from parsers.generic.model import ExtractedTable, PageTable, Word
from tests.parsers.generic.pages import unclosed_cell, white_background_grid
from tests.shared import FIXTURES

FIXTURE_PDFS = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.pdf"))


def _word(text: str, x0: float = 0.0) -> Word:
    return Word(x0, 0.0, x0 + 5 * len(text), 8.0, text)


def test_check_counts_missing_and_copied_text() -> None:
    words = [_word("North"), _word("1,204", 50), _word("Defi", 100), _word("....", 150)]
    complete = check(words, [["North", "1,204"], ["Deﬁ", ""]])  # ligature glyph, leaders
    assert complete.complete and complete.placed_words == 4
    lost = check(words, [["North", ""], ["Deﬁ", ""]])
    assert (lost.missing_chars, lost.extra_chars, lost.missing_words) == (5, 0, ["1,204"])
    assert lost.warning() == "1 of 4 words inside the table's area are in no cell ('1,204')"
    copied = check(words, [["North", "1,204"], ["North", "Defi"]])
    assert (copied.missing_chars, copied.extra_chars) == (0, 5)
    assert copied.warning() == "cells hold 5 characters printed once (copied text)"


def test_white_cell_backgrounds_do_not_hide_seven_value_columns(tmp_path: Path) -> None:
    """Failure mode 1: the white rectangles' edges made a 2-column grid that held the first
    value column only; the area is read by whitespace columns instead, every value kept."""
    path = tmp_path / "backgrounds.pdf"
    expected = white_background_grid(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.columns == ["column_1", *(str(y) for y in range(2016, 2024))]
    assert table.method == "whitespace"
    assert table.warnings == []


def test_word_in_an_open_grid_slot_gets_that_slot_as_its_cell(tmp_path: Path) -> None:
    """A figure printed in a grid slot no drawn cell closes was dropped; the slot between
    the grid lines is its cell now."""
    path = tmp_path / "open.pdf"
    expected = unclosed_cell(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert (table.method, table.warnings) == ("ruled", [])


def _page_table(method: str, rows: list[list[str]]) -> PageTable:
    return PageTable(1, (0.0, 0.0, 200.0, 40.0), rows, 0, [0.0, 100.0, 200.0], method)


def test_incomplete_table_falls_back_to_whitespace_columns() -> None:
    words = [
        Word(10, 5, 40, 13, "North"),
        Word(150, 5, 160, 13, "12"),
        Word(10, 25, 40, 33, "South"),
        Word(150, 25, 160, 33, "34"),
    ]
    table = _complete(_page_table("row-ruled", [["North", "12"], ["South", ""]]), words)
    assert (table.method, table.rows, table.warnings) == (
        "whitespace",
        [["North", "12"], ["South", "34"]],
        [],
    )


def test_incomplete_table_without_other_reading_carries_a_warning() -> None:
    # Set close together: no whitespace columns to fall back on.
    words = [
        Word(10, 5, 40, 13, "North"),
        Word(42, 5, 52, 13, "12"),
        Word(10, 25, 40, 33, "South"),
        Word(42, 25, 52, 33, "34"),
    ]
    table = _complete(_page_table("ruled", [["North", "12"], ["South", ""]]), words)
    assert (table.method, table.rows) == ("ruled", [["North", "12"], ["South", ""]])
    assert table.warnings == ["page 1: 1 of 4 words inside the table's area are in no cell ('34')"]


def _flagged(tmp_path: Path) -> tuple[Path, ExtractedTable]:
    path = tmp_path / "backgrounds.pdf"
    white_background_grid(path)
    (table,) = extract_tables(path)
    table.warnings.append(WARNING)
    return path, table


WARNING = "page 1: 1 of 60 words inside the table's area are in no cell ('34')"


def test_warning_reaches_the_database_rows(tmp_path: Path, monkeypatch) -> None:
    path, table = _flagged(tmp_path)
    read = find_tables(path)
    monkeypatch.setattr(parser_module, "find_tables", lambda _path: replace(read, tables=[table]))
    result = PARSER.parse(path)
    (part,) = result.rows_for("extracted_tables")
    assert json.loads(part.values["warnings"]) == [WARNING]
    assert result.document == {"tables_found": 1, "tables_flagged": 1}


def test_complete_table_has_no_warning_in_database_rows(tmp_path: Path) -> None:
    path = tmp_path / "backgrounds.pdf"
    white_background_grid(path)
    (part,) = PARSER.parse(path).rows_for("extracted_tables")
    assert part.values["warnings"] is None


@pytest.mark.parametrize("name", FIXTURE_PDFS)
def test_every_fixture_table_holds_every_word_of_its_area(name: str) -> None:
    tables = extract_tables(FIXTURES / name, workers=1)
    assert [(t.page, t.table_index, t.warnings) for t in tables if t.warnings] == []
