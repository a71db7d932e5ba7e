"""A ruled table ruled between sections only, its records set apart by blank lines inside
each section's cells (issue 27; ICDAR-2013 us-032: every section came out as one row
copied into each grid row that the first column's shading made, the records' texts run
together). Each record is a row; a section heading alone in its first column is a row."""

from __future__ import annotations

from pathlib import Path

from parsers.generic import extract_tables
from tests.parsers.generic import pages as pages


def test_records_set_apart_by_blank_lines_in_section_cells_are_rows(tmp_path: Path) -> None:
    path = tmp_path / "sections.pdf"
    expected = pages.section_ruled_records(path)
    (table,) = extract_tables(path)
    assert table.method == "ruled"
    assert table.grid() == expected
    assert table.warnings == []
