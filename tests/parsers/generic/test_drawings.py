"""Page furniture whose drawing shows it is no table (checkbox lists, bar charts,
flowcharts; ``parsers/generic/drawings.py``), side-headed sections and contact blocks: none
of them gives a table, and the real table on the same page comes out whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parsers.generic import extract_tables
from parsers.generic.drawings import is_bar_chart_labels
from parsers.generic.model import Word
from parsers.generic.not_tables import is_labelled_values
from parsers.generic.page_objects import Shape
from tests.parsers.generic import furniture_pages as pages
from tests.shared import fixture

GAO = "real/warn-scraper/gao-03-1003.pdf"
CHILD_WELFARE_FORM = "real/pdfplumber/150109DSP-Milw-505-90D.pdf"


@pytest.mark.parametrize(
    "build",
    [pages.checkbox_list, pages.bar_chart, pages.flowchart],
    ids=["checkbox list", "bar chart", "flowchart"],
)
def test_drawn_furniture_gives_no_table_and_the_table_below_is_kept(
    tmp_path: Path, build: Callable[[Path], list[list[str]]]
) -> None:
    """Checkbox items in two columns, a bar chart's category labels and bar values, and
    the boxes of a flowchart line up in columns: each was read as a table."""
    path = tmp_path / "furniture.pdf"
    expected = build(path)
    (table,) = extract_tables(path)
    assert table.grid() == expected
    assert table.method == "whitespace"
    assert table.warnings == []


def test_side_headed_sections_give_no_table(tmp_path: Path) -> None:
    """Sections ruled off across a back page, a large-type heading beside each paragraph,
    were read as a two-column table ruled between its rows."""
    path = tmp_path / "back_page.pdf"
    pages.side_headed_sections(path)
    assert extract_tables(path) == []


def test_contact_block_of_labelled_phone_numbers_gives_no_table(tmp_path: Path) -> None:
    """ "Voice:", "TDD:", "Fax:" before each number (and an address line above) were read
    as a three-column table."""
    path = tmp_path / "contact.pdf"
    pages.contact_block(path)
    assert extract_tables(path) == []


def test_labelled_figures_stay_a_table_and_labelled_phone_numbers_do_not() -> None:
    phones = [["To order by Phone:", "Voice:", "(202) 512-6000"], ["", "Fax:", "(202) 512-6061"]]
    assert is_labelled_values(phones)
    key_figures = [["Population:", "1,234"], ["Households:", "567"]]
    assert not is_labelled_values(key_figures)
    # A value column without colons is an ordinary two-column table.
    assert not is_labelled_values([["Voice", "(202) 512-6000"], ["Fax", "(202) 512-6061"]])


def test_gao_flowchart_bar_chart_and_back_page_give_no_table() -> None:
    # Page 10: the WARN decision flowchart; page 19: a bar chart (bars drawn as outlined
    # boxes, values past their ends); page 45: the side-headed back page with a phone
    # block.
    assert extract_tables(fixture(GAO), pages=[10, 19, 45], workers=1) == []


def test_child_welfare_form_checkbox_list_gives_no_table() -> None:
    # Page 2 lists the agency's actions in two columns of checkboxes.
    assert extract_tables(fixture(CHILD_WELFARE_FORM), workers=1) == []


def _word(text: str, x0: float, top: float) -> Word:
    return Word(x0, top, x0 + 6.0 * len(text), top + 9.0, text)


def test_bar_values_found_at_the_ends_of_horizontal_and_vertical_bars() -> None:
    # Horizontal bars from x=100, values just past their right ends; the same chart turned
    # into columns standing on y=400, values just above their tops.
    lengths = [60.0, 90.0, 150.0]
    rows = [
        Shape(100.0, 50.0 + 30 * i, 100.0 + n, 70.0 + 30 * i, True, False)
        for i, n in enumerate(lengths)
    ]
    columns = [
        Shape(100.0 + 30 * i, 400.0 - n, 120.0 + 30 * i, 400.0, False, True)
        for i, n in enumerate(lengths)
    ]
    values = ["6", "9", "15"]
    beside = [
        _word(v, 100.0 + n + 3, 55.0 + 30 * i)
        for i, (v, n) in enumerate(zip(values, lengths, strict=True))
    ]
    above = [
        _word(v, 104.0 + 30 * i, 400.0 - n - 11)
        for i, (v, n) in enumerate(zip(values, lengths, strict=True))
    ]
    assert is_bar_chart_labels(beside, rows, 9.0)
    assert is_bar_chart_labels(above, columns, 9.0)
    # Figures away from the bars' ends are not their values; rules (thin bars) are no bars.
    assert not is_bar_chart_labels(above, rows, 9.0)
    thin = [
        Shape(s.x0, w.ymid - 0.5, s.x1, w.ymid + 0.5, True, False)
        for s, w in zip(rows, beside, strict=True)
    ]
    assert not is_bar_chart_labels(beside, thin, 9.0)
    # Cell backgrounds stacked row on row (touching) are no bars either.
    stacked = [
        Shape(100.0, 50.0 + 20 * i, 100.0 + n, 70.0 + 20 * i, False, True)
        for i, n in enumerate(lengths)
    ]
    level = [_word(w.text, w.x0, 55.0 + 20 * i) for i, w in enumerate(beside)]
    assert not is_bar_chart_labels(level, stacked, 9.0)
