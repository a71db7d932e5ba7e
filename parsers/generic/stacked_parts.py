"""A table whose body is found apart from its header on the same page: the header (and a
first row, a total bar) in one grid and the rows right under it in another (a banded body
starting below a heavy rule), with the same columns and no header of its own. They are
one table: joined here, so the rows are not left as a second, nameless table."""

from __future__ import annotations

from parsers.generic.merge import same_columns
from parsers.generic.model import PageTable

#: The body starts at most this many text heights below the header part's bottom.
GAP_EMS = 1.0


def join_stacked_parts(tables: list[PageTable], em: float) -> list[PageTable]:
    """``tables`` (one page's, top to bottom) with each headerless table joined to the
    table right above it when they share their columns and nothing is printed between."""
    joined: list[PageTable] = []
    for table in tables:
        above = joined[-1] if joined else None
        if above is not None and _continues(above, table, em):
            _append(above, table)
        else:
            joined.append(table)
    return joined


def _continues(above: PageTable, below: PageTable, em: float) -> bool:
    gap = below.bbox[1] - above.bbox[3]
    return (
        below.n_header_rows == 0
        and above.n_header_rows > 0
        and -1.0 <= gap <= GAP_EMS * em
        and abs(below.bbox[0] - above.bbox[0]) <= em
        and abs(below.bbox[2] - above.bbox[2]) <= em
        and same_columns(above, below)
    )


def _append(above: PageTable, below: PageTable) -> None:
    offset = len(above.rows)
    boxes_known = len(above.row_boxes) == offset and len(below.row_boxes) == len(below.rows)
    above.rows.extend(below.rows)
    above.row_boxes = [*above.row_boxes, *below.row_boxes] if boxes_known else []
    above.spans.extend((r + offset, c0, c1) for r, c0, c1 in below.spans)
    above.warnings.extend(below.warnings)
    x0, top, x1, _ = above.bbox
    above.bbox = (min(x0, below.bbox[0]), top, max(x1, below.bbox[2]), below.bbox[3])
