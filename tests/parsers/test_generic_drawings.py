"""Page furniture whose drawing shows it is no table (checkbox lists, bar charts,
flowcharts; ``parsers/generic/drawings.py``), side-headed sections and contact blocks: none
of them gives a table, and the real table on the same page comes out whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from parsers.generic import extract_tables
from tests.parsers import furniture_pages as pages
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


def test_gao_flowchart_bar_chart_and_back_page_give_no_table() -> None:
    # Page 10: the WARN decision flowchart; page 19: a bar chart (bars drawn as outlined
    # boxes, values past their ends); page 45: the side-headed back page with a phone
    # block.
    assert extract_tables(fixture(GAO), pages=[10, 19, 45], workers=1) == []


def test_child_welfare_form_checkbox_list_gives_no_table() -> None:
    # Page 2 lists the agency's actions in two columns of checkboxes.
    assert extract_tables(fixture(CHILD_WELFARE_FORM), workers=1) == []
