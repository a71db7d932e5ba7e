"""A cell's words joined into its text: spaces where the page has them, none inside words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parsers.generic import extract_tables
from parsers.generic.cell_text import join_line
from parsers.generic.model import Word
from tests.parsers.generic.pages import sliver_row_grid
from tests.shared import series_editions


def _word(x0: float, x1: float, text: str, space_before: bool = False) -> Word:
    return Word(x0=x0, top=172.5, x1=x1, bottom=185.9, text=text, space_before=space_before)


def test_overlapping_words_split_at_a_space_character_keep_their_space() -> None:
    # Glyphs one em wide (a font without widths): "Lab" ends after "Positive" begins.
    assert join_line([_word(62.7, 91.6, "Lab"), _word(90.1, 147.1, "Positive", True)]) == (
        "Lab Positive"
    )


def test_overlapping_words_with_no_space_character_stay_joined() -> None:
    # Letter-spaced figures split by the word finder but drawn with no space between.
    assert join_line([_word(10.0, 16.0, "0"), _word(15.5, 21.0, "3")]) == "03"


def test_a_kerning_gap_is_no_space_and_a_wide_gap_is_one() -> None:
    assert join_line([_word(10.0, 20.0, "ab"), _word(21.0, 30.0, "cd")]) == "abcd"
    assert join_line([_word(10.0, 20.0, "ab"), _word(24.0, 30.0, "cd")]) == "ab cd"


USVI = series_editions(["usvi-doh-zika-weekly"])


@pytest.mark.parametrize("slug,pdf,truth", USVI, ids=[p.name for _, p, _ in USVI])
def test_tableau_dashboard_labels_keep_their_spaces(slug: str, pdf: Path, truth: Any) -> None:
    """USVI's Tableau dashboard: Arial subsets with no widths. The ruled "Cases Per Year"
    table reads as printed: "Lab Positive", not "LabPositive"."""
    cases = next(t for t in truth["tables"] if t["title"] == "Cases Per Year")
    ruled = [t for t in extract_tables(pdf, workers=1) if t.method == "ruled"]
    table = next(t for t in ruled if any(row[0] == "Lab Pending" for row in t.rows))
    assert [row for row in table.rows if row[-1]] == cases["all_rows"]


def test_a_sliver_row_between_close_rules_is_not_a_row(tmp_path: Path) -> None:
    """The label spanning the sliver and the row below is read once, with its value."""
    printed = sliver_row_grid(tmp_path / "sliver.pdf")
    tables = extract_tables(tmp_path / "sliver.pdf", workers=1)
    assert [t.rows for t in tables] == [printed]
    assert len(tables[0].pieces[0].row_boxes) == len(printed)


@pytest.mark.parametrize("slug,pdf,truth", USVI, ids=[p.name for _, p, _ in USVI])
def test_tableau_cases_per_year_reads_each_row_once(slug: str, pdf: Path, truth: Any) -> None:
    cases = next(t for t in truth["tables"] if t["title"] == "Cases Per Year")
    ruled = [t for t in extract_tables(pdf, workers=1) if t.method == "ruled"]
    table = next(t for t in ruled if any(row[0] == "Lab Pending" for row in t.rows))
    assert table.rows == cases["all_rows"]


def test_a_line_ending_in_a_hyphen_runs_on_with_the_hyphen_kept():
    from parsers.generic.cell_text import join_wrapped

    assert join_wrapped(["800 Block Of 28TH ST - Non-", "campus building"]) == (
        "800 Block Of 28TH ST - Non-campus building"
    )
    # A dash standing alone, or a capital after it, is not a word run on.
    assert join_wrapped(["CODE -", "Loud"]) == "CODE - Loud"
    assert join_wrapped(["Non-", "Campus"]) == "Non- Campus"
