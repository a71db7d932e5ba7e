"""Join tables continued on the next page: the last table of one page and the first of the
next with the same columns, where the continuation has no header of its own or repeats
the first page's header."""

from __future__ import annotations

from parsers.generic.model import ExtractedTable, PageTable, TablePiece

#: Column boundaries of the two parts may differ by this much (points) at least...
COLUMN_TOLERANCE = 12.0
#: ...or by this share of the narrower column.
COLUMN_TOLERANCE_SHARE = 0.5


def _same_columns(a: PageTable, b: PageTable) -> bool:
    if a.n_columns != b.n_columns or a.n_columns < 2:
        return False
    for i in range(1, len(a.col_edges) - 1):
        width = min(
            a.col_edges[i + 1] - a.col_edges[i],
            a.col_edges[i] - a.col_edges[i - 1],
            b.col_edges[i + 1] - b.col_edges[i],
            b.col_edges[i] - b.col_edges[i - 1],
        )
        if abs(a.col_edges[i] - b.col_edges[i]) > max(
            COLUMN_TOLERANCE, COLUMN_TOLERANCE_SHARE * width
        ):
            return False
    return True


def _continued_header(prev: ExtractedTable, prev_part: PageTable, part: PageTable) -> int | None:
    """How many leading rows of ``part`` are a repeated header when it continues ``prev``
    (0: none), or None when it does not continue it. The first page's header decides: a
    continuation whose first body row has no figures ("Up to $3,790") looks like a longer
    header on its own."""
    if part.page != prev_part.page + 1 or not _same_columns(prev_part, part):
        return None
    if part.n_header_rows == 0:
        return 0
    n = len(prev.header)
    if n and part.rows[:n] == prev.header:
        return n
    return None


def _start(part: PageTable, index: int) -> ExtractedTable:
    body = part.rows[part.n_header_rows :]
    boxes = part.row_boxes[part.n_header_rows :]
    return ExtractedTable(
        pieces=[TablePiece(part.page, index, part.bbox, 0, len(body), boxes)],
        header=part.rows[: part.n_header_rows],
        rows=body,
        method=part.method,
        spans=list(part.spans),
        warnings=list(part.warnings),
    )


def join_pages(pages: list[list[PageTable]]) -> list[ExtractedTable]:
    """Tables of the document in reading order, parts continued over pages joined."""
    tables: list[ExtractedTable] = []
    last: tuple[ExtractedTable, PageTable] | None = None
    for parts in pages:
        for index, part in enumerate(parts):
            n_header = None
            if index == 0 and last is not None:
                n_header = _continued_header(last[0], last[1], part)
            if n_header is not None and last is not None:
                table = last[0]
                body = part.rows[n_header:]
                boxes = part.row_boxes[n_header:]
                table.pieces.append(
                    TablePiece(part.page, index, part.bbox, len(table.rows), len(body), boxes)
                )
                table.rows.extend(body)
                table.warnings.extend(part.warnings)
                current = table
            else:
                current = _start(part, index)
                tables.append(current)
            if index == len(parts) - 1:
                last = (current, part)
        if not parts:
            last = None
    return tables
