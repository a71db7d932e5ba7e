"""The lattice steps in ``parsers/reading/grid.py`` give pdfplumber's own results: the same
crossing points with the same rulings in the same order, the same cells and the same
tables, on every page of every fixture PDF, with ruled and with text settings."""

from __future__ import annotations

import random
from typing import Any

import pdfplumber
import pytest
from pdfplumber import table as plumber_table
from pdfplumber.table import TableFinder, TableSettings, merge_edges

from parsers.reading import grid as table_grid
from tests.shared import FIXTURES, fixture

ALL_PDFS = sorted(
    str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.pdf") if "site" not in p.parts
)
#: Pages read of the long documents (the rest are the same kinds of page).
FIRST_PAGES = 12

SETTINGS: list[dict[str, Any]] = [
    {},
    {"vertical_strategy": "text", "horizontal_strategy": "lines"},
    {"vertical_strategy": "lines", "horizontal_strategy": "text"},
    {"intersection_tolerance": 4, "snap_tolerance": 1},
]


def _ids(intersections: dict[Any, dict[str, list[Any]]]) -> dict[Any, dict[str, list[int]]]:
    return {
        p: {k: [id(e) for e in v] for k, v in sides.items()} for p, sides in intersections.items()
    }


@pytest.mark.parametrize("relative", ALL_PDFS)
def test_crossings_cells_and_tables_are_pdfplumbers(relative: str) -> None:
    compared = 0
    with pdfplumber.open(fixture(relative)) as pdf:
        for page in pdf.pages[:FIRST_PAGES]:
            for settings in SETTINGS:
                theirs = TableFinder(page, TableSettings.resolve(settings))
                ours = table_grid._TableFinder(page, settings)
                assert ours.edges == theirs.edges
                # The same edge objects (found once, handed to both): same order too.
                assert _ids(table_grid.edges_to_intersections(theirs.edges, 3, 3)) == _ids(
                    plumber_table.edges_to_intersections(theirs.edges, 3, 3)
                )
                assert list(ours.intersections) == list(theirs.intersections)
                assert ours.cells == theirs.cells
                assert [t.bbox for t in ours.tables] == [t.bbox for t in theirs.tables]
                assert [t.cells for t in ours.tables] == [t.cells for t in theirs.tables]
                for mine, plain in zip(ours.tables, theirs.tables, strict=True):
                    # rows made once and kept (asked twice), as pdfplumber makes them
                    assert [r.cells for r in mine.rows] == [r.cells for r in plain.rows]
                    assert [r.bbox for r in mine.rows] == [r.bbox for r in plain.rows]
                    assert mine.bbox == plain.bbox
                compared += len(theirs.cells)
    if relative.endswith(("nics-background-checks-2015-11.pdf", "schools.pdf")):
        assert compared > 1000  # ruled pages: the comparison is not vacuous


def test_merged_rulings_of_a_dense_grid_give_pdfplumbers_cells() -> None:
    # A made-up grid with near-coincident rulings (within the tolerances) and gaps: the
    # cases where the narrowed search and the shared-ruling test could differ.
    edges = []
    for i in range(12):
        y = 100 + i * 9.5 + (0.4 if i % 3 == 0 else 0)
        x1 = 500 if i % 4 else 300
        edges.append(
            {
                "x0": 50,
                "x1": x1,
                "top": y,
                "bottom": y,
                "width": x1 - 50,
                "height": 0,
                "orientation": "h",
            }
        )
    for j in range(9):
        x = 50 + j * 50 + (0.7 if j % 2 else 0)
        bottom = 204.9 if j % 3 else 150
        edges.append(
            {
                "x0": x,
                "x1": x,
                "top": 100,
                "bottom": bottom,
                "width": 0,
                "height": bottom - 100,
                "orientation": "v",
            }
        )
    edges = merge_edges(edges, 1, 1, 1, 1)
    for tolerance in (0, 1, 3):
        theirs = plumber_table.edges_to_intersections(edges, tolerance, tolerance)
        ours = table_grid.edges_to_intersections(edges, tolerance, tolerance)
        assert _ids(ours) == _ids(theirs)
        cells = plumber_table.intersections_to_cells(theirs)
        assert table_grid.intersections_to_cells(ours) == cells
        assert len(cells) > 40


@pytest.mark.parametrize(
    "tolerances",
    [(3, 3, 3, 3), (0, 3, 1, 0), (5, 0.5, 8, 2), (0, 0, 3, 3)],
)
def test_merged_edges_are_pdfplumbers_key_for_key(tolerances: tuple[float, ...]) -> None:
    """``grid.merge_edges`` against pdfplumber's on the rulings of the speed benches' ruled
    fixtures (rectangles' and lines' edges, with y0/y1 and doctop): the same edges in the
    same order, each with the same keys in the same order and the same values."""
    merged = 0
    for relative in (
        "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
        "real/pdfplumber/nics-background-checks-2015-11.pdf",
        "real/tabula-java/schools.pdf",
        "ddor/ddor2017_01-28to02-03.pdf",
    ):
        with pdfplumber.open(fixture(relative)) as pdf:
            for page in pdf.pages[:3]:
                # the rulings a table finder merges (a curve's slanted edges are not)
                edges = [e for e in page.edges if e["orientation"] in ("h", "v")]
                theirs = merge_edges(edges, *tolerances)
                ours = table_grid.merge_edges(edges, *tolerances)
                assert [list(e.items()) for e in ours] == [list(e.items()) for e in theirs]
                merged += len(theirs)
    assert merged > 300  # not vacuous: hundreds of merged rulings


def test_tables_of_made_up_cells_are_pdfplumbers() -> None:
    # Cells of a lattice taken at random, in random order (tables joined only through cells
    # met later in a pass, several passes), and lists with a cell twice (pdfplumber's own
    # function then).
    rng = random.Random(26)
    for _ in range(300):
        lattice = [
            (float(x), float(y), float(x + rng.choice([1, 2])), float(y + rng.choice([1, 2])))
            for x in range(6)
            for y in range(6)
        ]
        cells = rng.sample(lattice, rng.randint(0, 14))
        if rng.random() < 0.2 and cells:
            cells.insert(rng.randrange(len(cells)), rng.choice(cells))
        assert table_grid.cells_to_tables(cells) == plumber_table.cells_to_tables(cells)
