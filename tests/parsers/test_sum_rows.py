"""``parsers.typed.SumRows``: unlabelled rows that are sums of other rows, found as the rows
come, named in one warning."""

from __future__ import annotations

from typing import Any

import pytest

from parsers.base import Column
from parsers.typed import UNTYPED_CELLS, SumRows

COLUMNS = [
    Column("place", "text", ""),
    Column("cases", "integer", ""),
    Column("deaths", "integer", ""),
    Column(UNTYPED_CELLS, "text", ""),
]


def _said(rows: list[list[Any]]) -> tuple[str | None, int]:
    watch = SumRows(COLUMNS)
    for row in rows:
        watch.add(row)
    return watch.warning("page 1, table 1", "cases"), watch.found


TAIL = ": a column summed over the table counts them twice"


@pytest.mark.parametrize(
    ("rows", "said", "found"),
    [
        # subtotals under their groups, then a total of the groups' rows printed last
        (
            [["A", 1, 2, None], ["B", 3, 4, None], ["North", 4, 6, None],
             ["C", 5, 0, None], ["D", 1, 1, None], ["South", 6, 1, None]],
            "page 1, table 1: 2 rows ('North', 'South') are each the sum of the rows above it"
            " since the previous one (subtotals), kept as rows of cases" + TAIL,
            2,
        ),
        # the national row first, above the rows it sums
        (
            [["All", 9, 7, None], ["A", 1, 2, None], ["B", 3, 4, None], ["C", 5, 1, None]],
            "page 1, table 1: 'All' is the sum of the other rows (a total), kept as rows of"
            " cases" + TAIL,
            1,
        ),
        # the last row sums every row above it; its label sits among the untyped cells
        (
            [["A", 1, 2, None], ["B", 3, 4, None], [None, 4, 6, '{"place": "Pooled"}']],
            "page 1, table 1: 'Pooled' is the sum of the rows above it (a total), kept as rows"
            " of cases" + TAIL,
            1,
        ),
        ([["A", 1, 2, None], ["B", 3, 4, None], ["", 4, 6, None]],
         "page 1, table 1: a row with no label is the sum of the rows above it (a total),"
         " kept as rows of cases" + TAIL, 1),
        # one column matching is chance: no warning
        ([["A", 1, 2, None], ["B", 3, 4, None], ["C", 4, 5, None]], None, 0),
        # rows of zeros sum nothing
        ([["A", 0, 0, None], ["B", 0, 0, None], ["C", 0, 0, None]], None, 0),
        # a row equal to the one row above it is no sum
        ([["A", 1, 2, None], ["B", 1, 2, None], ["C", 5, 6, None]], None, 0),
        # an empty cell is left out of the comparison, a wrong one is not
        ([["A", 1, 2, None], ["B", 3, 4, None], ["C", 4, None, None], ["D", 4, 7, None]],
         None, 0),
    ],
)  # fmt: skip
def test_rows_that_sum_others(rows: list[list[Any]], said: str | None, found: int) -> None:
    assert _said(rows) == (said, found)
