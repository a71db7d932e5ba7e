"""Notes under a table of figures (issue 27; ICDAR-2013 us-037's footnotes, eu-026's
"Source:" line): a mark lined up with the first column and the note's words over the
others made the notes rows of the table, and their words, crossing the column gutters,
merged its first columns. The notes are left out of the table."""

from __future__ import annotations

from pathlib import Path

from parsers.generic import extract_tables
from parsers.generic.model import Word
from parsers.generic.rows import _is_note, text_lines
from tests.parsers.generic import pages as pages


def test_notes_under_a_table_are_not_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    expected = pages.table_with_notes(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.columns == ["Dose (ppm)", "No.", "Weight (g)", "Change (%)"]
    assert table.warnings == []


def _line(*segments: str) -> list[Word]:
    """Words of one line: each segment's words 2 pt apart, segments 30 pt apart."""
    words, x = [], 0.0
    for segment in segments:
        for text in segment.split():
            words.append(Word(x, 0.0, x + 5 * len(text), 8.0, text))
            x += 5 * len(text) + 2
        x += 28
    return words


def test_a_letter_row_of_figures_is_data_not_a_note() -> None:
    (figures,) = text_lines(_line("a", "12", "13", "14"), 8.0)
    (note,) = text_lines(_line("a", "Weights are given as group means"), 8.0)
    (source,) = text_lines(_line("Source:", "Census"), 8.0)
    (star,) = text_lines(_line("**", "P<0.01"), 8.0)
    assert [_is_note(x) for x in (figures, note, source, star)] == [False, True, True, True]


def test_figures_set_between_the_lines_of_a_wrapped_label_are_its_row(tmp_path: Path) -> None:
    """ICDAR-2013 us-023: a label wrapped over two lines with its figures centred on it
    (between the lines) came out as three rows: the label's first line, the figures with
    no label, the label's second line."""
    path = tmp_path / "centred.pdf"
    expected = pages.figures_between_label_lines(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.warnings == []
