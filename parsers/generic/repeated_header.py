"""Tables stacked on one page, each with its own header: where a whitespace table's first
header row is printed again below its body, a new table starts there.

Two tables of the same columns set one under the other ("Design effect" over proportions
for effects 1.0-1.6, then again for 1.7-3.5) line up so well that their lines read as one
block. The repeated header row says otherwise: each part is a table of its own, with the
header rows it prints. (A table continued on the next page is joined by ``merge``; this
is about one page.)
"""

from __future__ import annotations

from parsers.base import union_box
from parsers.generic.model import PageTable


def _is_heading(row: list[str]) -> bool:
    return any(any(ch.isalpha() for ch in cell) for cell in row)


def _texts(row: list[str]) -> list[str]:
    return [cell for cell in row if cell]


def split_at_repeated_header(table: PageTable) -> list[PageTable]:
    """``table`` cut before each body row that repeats the text of its first header row (a
    row with a word in it, after one body row at least); ``[table]`` when there is none.
    The repeat takes the first header row's cells and spans (a label spread over the
    columns it heads is spread alike in each part)."""
    n = table.n_header_rows
    rows = table.rows
    if (
        table.method != "whitespace"
        or n < 1
        or not _is_heading(rows[0])
        or len(table.row_boxes) != len(rows)
    ):
        return [table]
    starts = [0]
    for r in range(n + 1, len(rows)):
        if _texts(rows[r]) == _texts(rows[0]) and r - starts[-1] > n + 1 and len(rows) - r > n:
            starts.append(r)
    if len(starts) == 1:
        return [table]
    head_spans = [(0, c0, c1) for r, c0, c1 in table.spans if r == 0]
    parts = []
    for start, end in zip(starts, [*starts[1:], len(rows)], strict=True):
        boxes = table.row_boxes[start:end]
        box = union_box(boxes) or table.bbox
        part_rows = [list(rows[0]), *rows[start + 1 : end]] if start else rows[start:end]
        spans = [(r - start, c0, c1) for r, c0, c1 in table.spans if start <= r < end]
        if start:
            spans = [*head_spans, *(s for s in spans if s[0] != 0)]
        parts.append(
            PageTable(
                page=table.page,
                bbox=(table.bbox[0], box[1], table.bbox[2], box[3]),
                rows=part_rows,
                n_header_rows=n,
                col_edges=table.col_edges,
                method=table.method,
                spans=spans,
                row_boxes=boxes,
                warnings=list(table.warnings) if start == 0 else [],
            )
        )
    return parts
