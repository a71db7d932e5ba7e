"""Tables stacked on one page with the same columns, each printing its own header (issue
27; ICDAR-2013 us-034's two "Design effect" tables came out as one table): the repeated
header row starts a new table."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.generic import extract_tables
from parsers.generic.model import PageTable
from parsers.generic.repeated_header import split_at_repeated_header
from tests.parsers.generic import pages as pages
from tests.shared import fixture


@pytest.mark.parametrize("gap", [0.0, 10.0])
def test_a_repeated_header_row_starts_a_new_table(tmp_path: Path, gap: float) -> None:
    path = tmp_path / "stacked.pdf"
    expected = pages.stacked_tables(path, gap=gap)
    found = extract_tables(path)
    assert [t.grid() for t in found] == expected
    assert [len(t.header) for t in found] == [1, 1]
    assert [t.rows[0][0] for t in found] == ["Proportion", "Proportion"]
    assert [t.warnings for t in found] == [[], []]
    upper, lower = found
    assert upper.bbox[3] <= lower.bbox[1]


def _table(rows: list[list[str]], n_header: int = 1) -> PageTable:
    return PageTable(
        page=1,
        bbox=(0.0, 0.0, 100.0, 10.0 * len(rows)),
        rows=rows,
        n_header_rows=n_header,
        col_edges=[0.0, 50.0, 100.0],
        method="whitespace",
        row_boxes=[(0.0, 10.0 * r, 100.0, 10.0 * r + 8) for r in range(len(rows))],
    )


def test_a_header_row_repeated_as_the_last_row_or_made_of_figures_cuts_nothing() -> None:
    # A last row equal to the header (a footer repeating it) leaves no table under it.
    footer = _table([["Name", "Total"], ["a", "1"], ["b", "2"], ["Name", "Total"]])
    assert split_at_repeated_header(footer) == [footer]
    # A first row of figures only is not a heading: a repeated figure row is data.
    figures = _table([["1", "2"], ["3", "4"], ["1", "2"], ["5", "6"]])
    assert split_at_repeated_header(figures) == [figures]


def test_the_parts_keep_their_rows_boxes_and_header_spans() -> None:
    table = _table([["Name", "Total"], ["a", "1"], ["b", "2"], ["Name", "Total"], ["c", "3"]])
    table.spans = [(0, 0, 1), (4, 0, 1)]
    first, second = split_at_repeated_header(table)
    assert first.rows == [["Name", "Total"], ["a", "1"], ["b", "2"]]
    assert second.rows == [["Name", "Total"], ["c", "3"]]
    assert (first.n_header_rows, second.n_header_rows) == (1, 1)
    # The repeat takes the first header row's spans; the body keeps its own.
    assert first.spans == [(0, 0, 1)] and second.spans == [(0, 0, 1), (1, 0, 1)]
    assert second.bbox == (0.0, 30.0, 100.0, 48.0)
    assert second.row_boxes == table.row_boxes[3:]


def test_a_banded_body_under_its_header_grid_is_that_tables_rows() -> None:
    # Brazil microcephaly 2016-01-30, page 3, Tabela 4: a dark header and a "Brasil" bar in
    # one grid, the states in a banded grid under a heavy rule, its first (white) row above
    # that grid's top rule. The first state used to become the second table's header
    # ("1 | Alagoas | 10 | 6,4"), the rest a nameless table.
    path = fixture("series/br-ms-microcephaly-weekly/brazil-microcephaly-2016-01-30.pdf")
    (table,) = [t for t in extract_tables(path) if t.pieces[0].page == 3]
    assert table.header == [
        ["Nº", "Unidade Federada", "Total de municípios com casos confirmados", ""],
        ["", "", "n", "%"],
    ]
    assert [row[1:] for row in table.rows[1:]] == [
        ["Alagoas", "10", "6,4"], ["Bahia", "23", "14,7"], ["Ceará", "3", "1,9"],
        ["Paraíba", "24", "15,4"], ["Pernambuco", "56", "35,9"], ["Piauí", "6", "3,8"],
        ["Rio Grande do Norte", "31", "19,9"], ["Rio de Janeiro", "2", "1,3"],
        ["Rio Grande do Sul", "1", "0,6"],
    ]  # fmt: skip
    assert [row[0] for row in table.rows] == ["Brasil", *map(str, range(1, 10))]
    # Each row keeps its own box on the page (Alagoas's is above the banded grid).
    boxes = table.pieces[0].row_boxes
    assert len(boxes) == 10
    assert [round(b[1], 1) for b in boxes[:3]] == [214.9, 235.7, 245.2]
