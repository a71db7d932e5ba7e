"""Page shapes the generic extractor got wrong on documents outside the fixtures (issue 13,
failure modes 2-6), each drawn with fpdf2 in ``generic_pages`` and read to exact cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.generic import extract_tables
from tests.parsers import generic_pages as pages


@pytest.mark.parametrize("column_rulings", [False, True])
def test_register_ruled_between_records_gives_one_row_a_record(
    tmp_path: Path, column_rulings: bool
) -> None:
    """Failure mode 2: one record wrapping in every column made the rules-between-rows
    reader give up, and every text line became a row (records in 2-4 fragments, the header
    row lost). Each band between two rules is one record, the header band the header."""
    path = tmp_path / "register.pdf"
    expected = pages.wrapped_register(path, column_rulings=column_rulings)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.columns == ["Case number", "Parties", "Subject of the dispute", "Decision"]
    assert table.method == ("ruled" if column_rulings else "row-ruled")
    assert table.warnings == []
