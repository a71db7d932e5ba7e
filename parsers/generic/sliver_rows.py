"""Slivers: a grid row between two rulings drawn closer than a line of text, holding no
text of its own.

Dashboard exports (Tableau) draw each column's cells separately, and one column's rules
need not meet the next one's: a value column ruled 4 pt below the table's top line makes
a sliver row across the table. The label cell beside it spans the sliver and the row
below, so copying row-spanning cells into each row printed the label twice, the first
time with empty values ("Reported | " then "Reported | 61"). A sliver is dropped and the
spanning cells start on the row below it."""

from __future__ import annotations

from bisect import bisect_left

from parsers.base import union_box
from parsers.generic.lines import RuledGrid
from parsers.generic.model import BBox, Word


def drop_sliver_rows(
    grid: RuledGrid, n_header: int, bands: list[BBox], words: list[Word]
) -> list[BBox]:
    """Drop each body row of ``grid`` in whose band no word's middle falls and whose only
    text is that of cells spanning it and the next row. Their text moves to the next row;
    ``grid``'s rows, spans, row spans and cell words are replaced. Returns the rows' boxes
    (``bands``, one per grid row; a dropped row's band joins the next row's)."""
    n_rows = len(grid.rows)
    if len(bands) != n_rows or not grid.row_spans:
        return bands
    starts: dict[int, set[int]] = {}
    for r0, r1, c in grid.row_spans:
        if r1 > r0:
            starts.setdefault(r0, set()).add(c)
    mids = sorted(w.ymid for w in words)
    drop: set[int] = set()
    for r in sorted(starts):
        if r < n_header or r + 1 >= n_rows:
            continue
        top, bottom = bands[r][1], bands[r][3]
        i = bisect_left(mids, top)
        if i < len(mids) and mids[i] <= bottom:
            continue  # text of its own
        spanning = starts[r]
        if any(text for c, text in enumerate(grid.rows[r]) if c not in spanning):
            continue
        drop.add(r)
    if not drop:
        return bands
    return _without(grid, bands, drop)


def _without(grid: RuledGrid, bands: list[BBox], drop: set[int]) -> list[BBox]:
    n_rows = len(grid.rows)
    # A dropped row's cells (and a chain of dropped rows') land on the next row kept.
    target: dict[int, int] = {}
    for r in range(n_rows - 1, -1, -1):
        target[r] = target[r + 1] if r in drop else r
    keep = [r for r in range(n_rows) if r not in drop]
    new_index = {r: i for i, r in enumerate(keep)}
    rows = [list(grid.rows[r]) for r in keep]
    for r in sorted(drop):
        to = new_index[target[r]]
        for c, text in enumerate(grid.rows[r]):
            if text and not rows[to][c]:
                rows[to][c] = text
    merged = list(bands)
    for r in sorted(drop, reverse=True):
        merged[target[r]] = union_box([merged[r], merged[target[r]]]) or merged[target[r]]
    grid.rows = rows
    grid.spans = [(new_index[target[r]], c0, c1) for r, c0, c1 in grid.spans]
    grid.row_spans = [
        (new_index[target[r0]], new_index[target[r1]], c)
        for r0, r1, c in grid.row_spans
        if target[r0] < target[r1]
    ]
    cell_words: dict[tuple[int, int], list[Word]] = {}
    for (r, c), ws in grid.cell_words.items():
        cell_words.setdefault((new_index[target[r]], c), []).extend(ws)
    grid.cell_words = cell_words
    return [merged[r] for r in keep]
