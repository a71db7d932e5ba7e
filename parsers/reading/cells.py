"""The text of each cell of a pdfplumber table: ``Table.extract()``'s result, found faster.

pdfplumber tests every character of the page against every row of the table and then
against every cell of the row (rows × characters comparisons, most of a ruled template's
time after reading the page). Here the characters are sorted once by their vertical middle
so each row takes its characters by bisection; they are then put back in page order, and
the rest (the cell test, the cell text) is pdfplumber's own arithmetic (the text as
``parsers/reading/words.py`` makes it), so the cells are the same strings.
``tests/parsers/reading/test_document.py`` compares the two on the fixtures.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from parsers.reading.chars import light_chars
from parsers.reading.words import extract_text


def extract_cells(table: Any, **kwargs: Any) -> list[list[str | None]]:
    """``table.extract(**kwargs)``, same rows and cells."""
    chars = light_chars(table.page)
    # The same middles as pdfplumber's char_in_bbox computes, once per character.
    middles = [
        ((c["top"] + c["bottom"]) / 2, i, (c["x0"] + c["x1"]) / 2) for i, c in enumerate(chars)
    ]
    middles.sort()
    v_mids = [m[0] for m in middles]
    table_arr: list[list[str | None]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        start = bisect_left(v_mids, top)
        end = bisect_left(v_mids, bottom)  # v_mid < bottom
        # The row's characters by horizontal middle, so each cell takes its own by
        # bisection too (then back in page order).
        across = sorted(
            (h_mid, i, v_mid) for v_mid, i, h_mid in middles[start:end] if x0 <= h_mid < x1
        )
        h_mids = [m[0] for m in across]
        arr: list[str | None] = []
        for cell in row.cells:
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
