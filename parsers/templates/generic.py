"""``settings = "generic"``: a template table found by the generic extractor.

pdfplumber's table settings must be tuned to each layout; the generic extractor
(``parsers.generic``) already finds ruled, row-ruled and whitespace tables and their
headers. A template whose table uses this finder gets, for each page, the tables the
generic extractor finds there (header rows first on the page a table starts on), and
then does what it does with any table: the header is the fingerprint, rows are cleaned,
typed and checked. ``records template draft`` writes such templates, so that a drafted
template reads exactly the rows the generic extraction reads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parsers.base import ParseWarning

if TYPE_CHECKING:
    from parsers.generic.model import ExtractedTable

#: (x0, top, x1, bottom) in points, origin top-left.
BBox = tuple[float, float, float, float]

#: A header row with text in its first cell only, this wide or wider, is a caption.
CAPTION_MIN_COLUMNS = 3

#: The ``[tables] settings`` preset that selects this finder.
GENERIC_FINDER = {"finder": "generic"}


def uses_generic(settings: dict[str, Any]) -> bool:
    return settings.get("finder") == "generic"


def header_cells(
    header: list[list[str]], spans: list[tuple[int, int, int]]
) -> list[list[str | None]]:
    """Generic header rows with the cells a spanning cell covers set to None, the way
    pdfplumber reports merged cells, so ``combine_header`` repeats a group title over its
    columns ("Pre-Pawn" over Handgun, Long Gun, Other)."""
    cells: list[list[str | None]] = [list(row) for row in header]
    width = max((len(row) for row in header), default=0)
    for r, row in enumerate(header):
        whole = any(s[0] == r and s[1] == 0 and s[2] >= width - 1 for s in spans)
        if width >= CAPTION_MIN_COLUMNS and (whole or not any(row[1:])):
            # A caption (the report's title over the whole table), not a column name.
            cells[r] = [None] * len(row)
    for r, c0, c1 in spans:
        if r < len(cells):
            for c in range(c0 + 1, c1 + 1):
                if c < len(cells[r]) and not cells[r][c]:
                    cells[r][c] = None
    return cells


#: A table part on a page: its box, its rows of cells, each row's box.
Found = tuple[BBox, list[list[str | None]], list[BBox]]


def page_tables(path: Path, page: int) -> list[Found]:
    """(bbox, cells, row boxes) of every table part the generic extractor finds on ``page``: the
    header rows (where the table starts) then the part's body rows. A table printed
    without a header is recognised by its first row (``records template draft`` makes that
    row the fingerprint)."""
    return _by_page(path.resolve(), path.stat().st_mtime_ns).get(page, [])


def split_records(path: Path, pages: set[int]) -> list[ParseWarning]:
    """The places on ``pages`` where the generic extractor may have read one record as
    several rows (``ExtractedTable.split_records``): said on the document."""
    tables = _tables(path.resolve(), path.stat().st_mtime_ns)
    return [w for t in tables for w in t.split_records if set(w.pages) & pages]


@lru_cache(maxsize=8)
def _tables(path: Path, _stamp: int) -> list[ExtractedTable]:
    from parsers.generic import extract_tables

    return extract_tables(path, workers=1)


@lru_cache(maxsize=8)
def _by_page(path: Path, _stamp: int) -> dict[int, list[Found]]:
    found: dict[int, list[Found]] = {}
    for table in _tables(path, _stamp):
        for n, piece in enumerate(table.pieces):
            body: list[list[str | None]] = [
                list(r) for r in table.rows[piece.first_row : piece.first_row + piece.n_rows]
            ]
            head = header_cells(table.header, table.spans) if n == 0 else []
            # Header rows are boxed by the part's box; body rows by their own when known.
            boxes = [piece.bbox] * len(head) + (
                list(piece.row_boxes)
                if len(piece.row_boxes) == len(body)
                else [piece.bbox] * len(body)
            )
            found.setdefault(piece.page, []).append((piece.bbox, head + body, boxes))
    return found
