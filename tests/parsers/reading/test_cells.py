"""``extract_cells`` gives pdfplumber's ``Table.extract()``: the same rows and cell strings,
on the tables of every fixture page, from pdfplumber's own pages and from the fast
reader's (light characters), with ruled and with text settings."""

from __future__ import annotations

import random
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import Table, TableFinder, TableSettings

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


def _string_chars(rng: random.Random, strings: int) -> list[dict[str, Any]]:
    """Characters in strings as the fast reader makes them: each string's characters share
    one top and one bottom (the same floats), left to right, some on cell edges."""
    chars: list[dict[str, Any]] = []
    for _ in range(strings):
        top = float(rng.choice([2, 4, 12, 14, 22, 23, 31, 40, 9.5, 19.5]))
        bottom = top + rng.choice([0.0, 1.0, 4.0, 6.0])
        x = float(rng.choice([0, 5, 19, 27, 30, 44, 50, 58, 60, 69, 80, 95]))
        for _ in range(rng.randint(1, 6)):
            width = rng.choice([0.0, 2.0, 4.0, 6.0])
            text = rng.choice(["a", "b", " ", "7", "", "ﬁ"])
            chars.append(
                {
                    "x0": x,
                    "x1": x + width,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "text": text,
                    "upright": True,
                }  # fmt: skip
            )
            x += width + rng.choice([0.0, 0.5, 4.0])
    rng.shuffle(chars)  # strings in any order, their characters kept in order below
    return sorted(chars, key=lambda c: (id(c["top"]), c["x0"]))


#: Cells of made-up grids: edges shared, a cell of no width, a row of no height, and a
#: cell spanning two rows (the general path).
GRIDS: list[list[tuple[float, float, float, float]]] = [
    [(x0, y, x1, y + 10.0) for y in (0.0, 10.0, 20.0) for x0, x1 in ((0, 30), (30, 60), (60, 90))],
    [(0, 0, 30, 10), (30, 0, 30, 10), (30, 0, 60, 10), (0, 10, 30, 20), (30, 10, 60, 20)],
    [(0, 0, 50, 10), (50, 0, 90, 10), (0, 10, 50, 10), (50, 10, 90, 10), (0, 20, 90, 30)],
    [(0, 0, 30, 20), (30, 0, 60, 10), (30, 10, 60, 20), (0, 20, 60, 30)],
]


@pytest.mark.parametrize("cells", GRIDS)
def test_made_up_grids_give_pdfplumbers_cells(cells: list[Any]) -> None:
    rng = random.Random(26)
    for _ in range(40):

        class Page:
            chars = _string_chars(rng, 12)

        table = Table(Page(), [tuple(float(v) for v in cell) for cell in cells])
        assert extract_cells(table) == table.extract()
