"""``extract_cells`` gives pdfplumber's ``Table.extract()``: the same rows and cell strings,
on the tables of every fixture page, from pdfplumber's own pages and from the fast
reader's (light characters), with ruled and with text settings."""

from __future__ import annotations

from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import TableFinder, TableSettings

from parsers.reading.cells import extract_cells
from parsers.reading.document import FastPDF
from parsers.reading.grid import find_tables
from tests.parsers.reading.test_grid import ALL_PDFS, FIRST_PAGES, SETTINGS
from tests.shared import fixture


def _tables(page: Any, settings: dict[str, Any]) -> list[Any]:
    return list(TableFinder(page, TableSettings.resolve(settings)).tables)


@pytest.mark.parametrize("relative", ALL_PDFS)
def test_cells_are_pdfplumbers(relative: str) -> None:
    compared = 0
    try:
        plain = pdfplumber.open(fixture(relative))
        plain_pages = plain.pages
    except Exception:
        return  # a broken fixture: test_document checks both readers refuse it alike
    with plain, FastPDF.open(fixture(relative)) as fast:
        for theirs_page, fast_page in zip(plain_pages[:FIRST_PAGES], fast.pages, strict=False):
            for settings in SETTINGS[:2]:  # ruled, and text columns (the others: test_grid)
                theirs = [t.extract() for t in _tables(theirs_page, settings)]
                # pdfplumber's characters, then the fast reader's light ones
                assert [extract_cells(t) for t in _tables(theirs_page, settings)] == theirs
                assert [extract_cells(t) for t in find_tables(fast_page, settings)] == theirs
                compared += sum(len(row) for table in theirs for row in table)
    if relative.endswith(("nics-background-checks-2015-11.pdf", "schools.pdf")):
        assert compared > 500  # ruled pages: the comparison is not vacuous


def test_overlapping_cells_in_a_row_each_take_their_characters() -> None:
    # Two cells of one row overlapping: a character in both is in both (pdfplumber tests
    # each cell), which the side-by-side shortcut cannot give: the general path does.
    class Row:
        bbox = (0.0, 0.0, 100.0, 10.0)
        cells = [(0.0, 0.0, 60.0, 10.0), (40.0, 0.0, 100.0, 10.0)]

    class Page:
        chars = [
            {"x0": 10.0, "x1": 16.0, "top": 2.0, "bottom": 8.0, "text": "a", "upright": True},
            {"x0": 47.0, "x1": 53.0, "top": 2.0, "bottom": 8.0, "text": "b", "upright": True},
            {"x0": 80.0, "x1": 86.0, "top": 2.0, "bottom": 8.0, "text": "c", "upright": True},
        ]
        for c in chars:
            c["doctop"] = c["top"]

    class Table:
        page = Page()
        rows = [Row()]

    assert extract_cells(Table()) == [["a b", "b c"]]
