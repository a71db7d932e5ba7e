"""A page where no table was found, whose lines continue the table of the page before.

A uniform multi-page report prints the same table on every page; on one page the finder
may still see no table (a ruling drawn differently, a column of blank cells, a row too
few to tell columns apart), and that page's rows used to be lost without a word: the
completeness guarantee ("every word of a found table lands in a cell") says nothing about
a table never found. Here, such a page is read with the column edges of the previous
page's last table when its own lines look like that table's rows: at least two lines with
several numeric or date tokens (``parsers.accounting``), inside the table's width. Each
such line starts a row; a line between them with words in one column only is a wrapped
line of the row above. The part is marked (a warning naming the page), so a reader knows
these rows were placed by the previous page's columns.

``continue_pages`` is the hook ``parsers.generic.extract.extract_tables`` calls before
joining pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from parsers.accounting import Line, table_like_lines, words_to_lines
from parsers.generic.model import BBox, PageTable

#: Words may stick out of the previous table's outer edges by this much (points).
EDGE_SLACK = 6.0
#: A page needs this many table-like lines to be read as a continuation.
MIN_ROWS = 2


def _column(edges: Sequence[float], x: float) -> int:
    for i in range(1, len(edges) - 1):
        if x < edges[i]:
            return i - 1
    return len(edges) - 2


def _inside(line: Line, edges: Sequence[float]) -> bool:
    return all(
        edges[0] - EDGE_SLACK <= t[0] and t[1] <= edges[-1] + EDGE_SLACK for t in line.tokens
    )


def continuation_part(
    page: int, words: list[dict[str, Any]], previous: PageTable
) -> PageTable | None:
    """The rows of ``page`` laid out by ``previous``'s columns, or None when its lines do
    not look like that table's rows."""
    edges = previous.col_edges
    if len(edges) < 3:
        return None
    lines = words_to_lines(words)
    like = [ln for ln in table_like_lines(lines) if _inside(ln, edges)]
    if len(like) < MIN_ROWS:
        return None
    first, last = lines.index(like[0]), lines.index(like[-1])
    starts = {id(ln) for ln in like}
    rows: list[list[list[str]]] = []
    boxes: list[BBox] = []
    for line in lines[first : last + 1]:
        if not _inside(line, edges):
            continue
        columns = {_column(edges, (t[0] + t[1]) / 2) for t in line.tokens}
        if id(line) in starts or len(columns) > 1 or not rows:
            rows.append([[] for _ in range(len(edges) - 1)])
            boxes.append((edges[0], line.top, edges[-1], line.bottom))
        else:  # a wrapped line of the row above
            x0, top, x1, _ = boxes[-1]
            boxes[-1] = (x0, top, x1, line.bottom)
        for token in line.tokens:
            rows[-1][_column(edges, (token[0] + token[1]) / 2)].append(token[2])
    cells = [[" ".join(words_in) for words_in in row] for row in rows]
    bbox = (edges[0], boxes[0][1], edges[-1], boxes[-1][3])
    return PageTable(
        page=page,
        bbox=bbox,
        rows=cells,
        n_header_rows=0,
        col_edges=list(edges),
        method=previous.method,
        row_boxes=boxes,
        warnings=[
            f"page {page}: no table found on the page itself; {len(cells)} rows read as the"
            f" continuation of the table on page {previous.page}, by its column edges"
        ],
    )


def continue_pages(
    per_page: list[list[PageTable]],
    numbers: list[int],
    page_words: Callable[[int], list[dict[str, Any]]],
) -> list[list[PageTable]]:
    """``per_page`` (tables found on each of ``numbers``) with every page that has none
    filled, where it can be, by the continuation of the previous page's last table.
    ``page_words(n)`` gives page n's words (pdfplumber dicts)."""
    out = [list(parts) for parts in per_page]
    for i in range(1, len(numbers)):
        if out[i] or not out[i - 1] or numbers[i] != numbers[i - 1] + 1:
            continue
        previous = out[i - 1][-1]
        if previous.method == "form":
            continue
        part = continuation_part(numbers[i], page_words(numbers[i]), previous)
        if part is not None:
            out[i] = [part]
    return out


def pdf_page_words(path: Path) -> Callable[[int], list[dict[str, Any]]]:
    """``page_words`` for the PDF at ``path`` (its pages opened only when asked for)."""
    from parsers.reading.document import open_document

    def words(number: int) -> list[dict[str, Any]]:
        with open_document(path) as document:
            page = document.pages[number - 1]
            found: list[dict[str, Any]] = page.extract_words()
            document.done_with(page, keep=False)  # read after the extraction: nobody needs it
            return found

    return words
