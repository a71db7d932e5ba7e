"""The text of each cell of a pdfplumber table: ``Table.extract()``'s result, found faster.

pdfplumber tests every character of the page against every row of the table and then
against every cell of the row (rows × characters comparisons, most of a ruled template's
time after reading the page). Here, for a ruled grid (rows one under the other, each row's
cells side by side and as tall as the row: nearly every table), each character in page
order goes to the one cell holding its middles, found by bisection on the rows' tops and
the row's left edges (a string's characters share their vertical box, so their row is
found once); any other table's characters are sorted once by their vertical middle so each
row takes its own by bisection, then put back in page order. The cell test and the cell
text are pdfplumber's own arithmetic (the text as ``parsers/reading/words.py`` makes it),
so the cells are the same strings. ``tests/parsers/reading/test_cells.py`` compares the two
on the fixtures.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from parsers.reading.chars import light_chars
from parsers.reading.words import cell_texts, extract_text


def extract_cells(table: Any, **kwargs: Any) -> list[list[str | None]]:
    """``table.extract(**kwargs)``, same rows and cells."""
    chars = light_chars(table.page)
    rows = table.rows
    if not kwargs:
        grid = _grid(rows)
        if grid is not None:
            return _grid_cells(chars, rows, *grid)
    middles = _middles(chars)
    v_mids = middles[0]
    table_arr: list[list[str | None]] = []
    for row in rows:
        x0, top, x1, bottom = row.bbox
        start = bisect_left(v_mids, top)
        end = bisect_left(v_mids, bottom)  # v_mid < bottom
        cells = row.cells
        if "layout" not in kwargs and _side_by_side(cells):
            table_arr.append(_row_cells(chars, middles, start, end, x0, x1, cells, kwargs))
            continue
        # The row's characters by horizontal middle, so each cell takes its own by
        # bisection too (then back in page order).
        across = sorted(
            (h_mid, i, v_mid)
            for v_mid, i, h_mid in zip(
                v_mids[start:end], middles[1][start:end], middles[2][start:end], strict=True
            )
            if x0 <= h_mid < x1
        )
        h_mids = [m[0] for m in across]
        arr: list[str | None] = []
        for cell in cells:
            if cell is None:
                arr.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            picked = sorted(
                [
                    i
                    for _, i, v_mid in across[bisect_left(h_mids, cx0) : bisect_left(h_mids, cx1)]
                    if ctop <= v_mid < cbottom
                ]
            )
            if picked:
                if "layout" in kwargs:
                    kwargs["layout_width"] = cell[2] - cell[0]
                    kwargs["layout_height"] = cell[3] - cell[1]
                    kwargs["layout_bbox"] = cell
                arr.append(extract_text([chars[i] for i in picked], **kwargs))
            else:
                arr.append("")
        table_arr.append(arr)
    return table_arr


def _grid(
    rows: list[Any],
) -> tuple[list[float], list[float], list[list[float]], list[list[float]]] | None:
    """The rows' tops and bottoms and each row's cells' left and right edges when the rows
    follow each other down the page without overlapping and each row's cells span its
    height side by side (a ruled grid without merged rows): then a character's middle is
    in at most one cell, found by bisection on the rows' tops and the row's left edges.
    None for any other table."""
    tops: list[float] = []
    bottoms: list[float] = []
    lefts: list[list[float]] = []
    rights: list[list[float]] = []
    for row in rows:
        top = bottom = right = None
        row_lefts = []
        row_rights = []
        for cell in row.cells:
            if cell is None:
                continue
            if top is None:
                top, bottom = cell[1], cell[3]
            elif cell[1] != top or cell[3] != bottom or cell[0] < right:
                return None
            row_lefts.append(cell[0])
            row_rights.append(cell[2])
            right = cell[2]
        if top is None or bottom is None or (bottoms and top < bottoms[-1]):
            return None
        tops.append(top)
        bottoms.append(bottom)
        lefts.append(row_lefts)
        rights.append(row_rights)
    return tops, bottoms, lefts, rights


def _grid_cells(
    chars: list[Any],
    rows: list[Any],
    tops: list[float],
    bottoms: list[float],
    lefts: list[list[float]],
    rights: list[list[float]],
) -> list[list[str | None]]:
    """``extract_cells`` for a table ``_grid`` describes: each character, in page order,
    goes to the one cell holding its middles (pdfplumber's ``char_in_bbox`` arithmetic),
    so each cell has its characters in page order without a sort."""
    taken: list[list[list[Any]]] = [[[] for _ in row_lefts] for row_lefts in lefts]
    # A string's characters share their top and bottom (the same floats): their row is
    # found once; and they mostly follow each other in one cell: the last cell found is
    # tried first (a middle inside it is in no other: the cells lie side by side).
    last_top = last_bottom = None
    row_lefts: list[float] | None = None
    row_rights: list[float] = []
    row_taken: list[list[Any]] = []
    cell_left, cell_right = 0.0, -1.0  # no cell yet
    cell: list[Any] = []
    for c in chars:
        top = c["top"]
        bottom = c["bottom"]
        if top is not last_top or bottom is not last_bottom:
            last_top, last_bottom = top, bottom
            v_mid = (top + bottom) / 2
            r = bisect_right(tops, v_mid) - 1  # the last row starting at or above it
            if r < 0 or not v_mid < bottoms[r]:
                row_lefts = None
            elif row_lefts is not lefts[r]:
                row_lefts, row_rights, row_taken = lefts[r], rights[r], taken[r]
                cell_left, cell_right = 0.0, -1.0
        if row_lefts is None:
            continue
        h_mid = (c["x0"] + c["x1"]) / 2
        if not cell_left <= h_mid < cell_right:
            j = bisect_right(row_lefts, h_mid) - 1  # the last cell starting at or left of it
            if j < 0 or not h_mid < row_rights[j]:
                continue
            cell_left, cell_right, cell = row_lefts[j], row_rights[j], row_taken[j]
        cell.append(c)
    out: list[list[str | None]] = []
    for row, row_taken in zip(rows, taken, strict=True):
        filled = iter(cell_texts(row_taken))
        out.append([None if cell is None else next(filled) for cell in row.cells])
    return out


#: The last page's characters and their middles, as one tuple (a page's tables share
#: them; it keeps the list it was made for, so no other list can take its ``id``).
_last: list[tuple[list[Any], tuple[list[float], list[int], list[float]]]] = []


def _middles(chars: list[Any]) -> tuple[list[float], list[int], list[float]]:
    """The characters' vertical middles sorted, with each one's index and horizontal middle
    (the middles pdfplumber's ``char_in_bbox`` computes, once per character)."""
    last = _last[0] if _last else None
    if last is not None and last[0] is chars:
        return last[1]
    v_mids = [(c["top"] + c["bottom"]) / 2 for c in chars]
    # by vertical middle, then page order (a stable sort of the indexes)
    order = sorted(range(len(chars)), key=v_mids.__getitem__)
    h_mids = [(c["x0"] + c["x1"]) / 2 for c in map(chars.__getitem__, order)]
    found = ([v_mids[i] for i in order], order, h_mids)
    _last[:] = [(chars, found)]
    return found


def _side_by_side(cells: list[Any]) -> bool:
    """Whether the row's cells (None for a missing one) follow each other left to right
    without overlapping: then a character is in at most one of them."""
    right = None
    for cell in cells:
        if cell is None:
            continue
        if right is not None and cell[0] < right:
            return False
        right = cell[2]
    return True


def _row_cells(
    chars: list[Any],
    middles: tuple[list[float], list[int], list[float]],
    start: int,
    end: int,
    x0: float,
    x1: float,
    cells: list[Any],
    kwargs: dict[str, Any],
) -> list[str | None]:
    """One row's cells when they lie side by side: each of the row's characters, in page
    order, goes to the cell whose box holds its middles (found by bisection on the cells'
    left edges): the characters each cell's test picks, in the same order."""
    lefts = []
    rights = []
    boxes = []
    for cell in cells:
        if cell is not None:
            lefts.append(cell[0])
            rights.append(cell[2])
            boxes.append(cell)
    taken: list[list[int]] = [[] for _ in boxes]
    v_mids, indexes, h_mids = middles
    # The row's box is its cells' (pdfplumber's ``CellGroup``): side by side, its left edge
    # is the first cell's and its right edge the last cell's, so a middle left of every
    # cell or right of the last is never taken, and the row's test needs no test of its own.
    if all(box[1] == boxes[0][1] and box[3] == boxes[0][3] for box in boxes):
        # Every cell spans the row's height: the rows' bisection made the vertical test.
        for h_mid, i in zip(h_mids[start:end], indexes[start:end], strict=True):
            j = bisect_right(lefts, h_mid) - 1  # the last cell starting at or left of it
            if j >= 0 and h_mid < rights[j]:
                taken[j].append(i)
    else:
        for k in range(start, end):
            h_mid = h_mids[k]
            if not x0 <= h_mid < x1:
                continue
            j = bisect_right(lefts, h_mid) - 1
            if j < 0:
                continue
            _, ctop, cx1, cbottom = boxes[j]
            if h_mid < cx1 and ctop <= v_mids[k] < cbottom:
                taken[j].append(indexes[k])
    picked_chars = []
    for picked in taken:
        picked.sort()
        picked_chars.append(list(map(chars.__getitem__, picked)))
    if kwargs:
        texts = [extract_text(cell, **kwargs) if cell else "" for cell in picked_chars]
    else:
        texts = cell_texts(picked_chars)
    out: list[str | None] = []
    filled = iter(texts)
    for cell in cells:
        out.append(None if cell is None else next(filled))
    return out
