"""The entry point: every table of every page, ruled or not, joined over pages.

Ruled regions are read from their drawn cells; the words left outside them are searched
for whitespace-aligned tables. Multi-page documents are read by worker processes, each
opening the file once and handling a run of pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from parsers.generic.columns import WhitespaceGrid, build_whitespace_grid, widest_gutter
from parsers.generic.header import count_header_rows
from parsers.generic.header_cells import split_sub_headers
from parsers.generic.lines import RuledGrid, build_grid, find_cell_tables
from parsers.generic.merge import join_pages
from parsers.generic.model import ExtractedTable, PageTable, Word
from parsers.generic.not_tables import is_chart, not_a_table, without_running_lines
from parsers.generic.page_objects import PageContent, read_page
from parsers.generic.row_ruled import find_row_ruled_tables
from parsers.generic.rows import is_numeric, table_blocks, text_height, text_lines
from parsers.generic.text_rules import find_underlined_listings, split_text_rules
from parsers.pdf_pages import is_open, open_document
from records.exceptions import ParseError

#: Documents with more pages than this are read by parallel worker processes.
PARALLEL_MIN_PAGES = 4
#: A ruled grid needs this many cells with text to count as a table (not a framed note).
MIN_RULED_FILLED_CELLS = 3
#: A ruled grid with more than this share of cells holding several columns of text is a
#: frame around a whitespace table, not the table's structure.
CRAMMED_SHARE = 0.1
#: A cell of at least this many words is running text...
PROSE_CELL_WORDS = 5
#: ...and a block where more than this share of cells is running text...
PROSE_CELL_SHARE = 0.3
#: ...with fewer than this share of numbers is prose set in page columns.
PROSE_NUMERIC_SHARE = 0.15
#: A title bar: two rules across this share of the page width or more, between this many
#: text heights apart, around one line of text.
TITLE_BAR_SHARE = 0.5
TITLE_BAR_MIN_EMS = 0.8
TITLE_BAR_MAX_EMS = 2.5
#: How many times a prose block is cut into page columns to look for tables inside.
LAYOUT_SPLIT_DEPTH = 2


def _ruled_ok(grid: RuledGrid) -> bool:
    rows = grid.rows
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    filled = sum(1 for row in rows for cell in row if cell)
    if grid.crammed > max(1, CRAMMED_SHARE * filled):
        return False
    return filled >= MIN_RULED_FILLED_CELLS


def _copy_row_spans(grid: RuledGrid, n_header: int) -> None:
    """Repeat a body cell spanning several rows in each of them, so each row stands alone."""
    for r0, r1, c in grid.row_spans:
        if r0 >= n_header and grid.rows[r0][c]:
            for r in range(r0 + 1, r1 + 1):
                if not grid.rows[r][c]:
                    grid.rows[r][c] = grid.rows[r0][c]


def _inside(w: Word, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(b[0] <= w.xmid <= b[2] and b[1] <= w.ymid <= b[3] for b in boxes)


def _is_prose(rows: list[list[str]]) -> bool:
    """Columns of running text (a two-column page layout) rather than a table."""
    cells = [cell for row in rows for cell in row if cell]
    if not cells:
        return True
    wordy = sum(1 for cell in cells if len(cell.split()) >= PROSE_CELL_WORDS)
    numeric = sum(1 for cell in cells if is_numeric(cell))
    return wordy > PROSE_CELL_SHARE * len(cells) and numeric < PROSE_NUMERIC_SHARE * len(cells)


def _whitespace_tables(words: list[Word], em: float, depth: int) -> list[WhitespaceGrid]:
    """Unruled tables among ``words``. A block that turns out to be page columns of prose
    is cut at its widest gutter and each side searched again (a table inside one column
    of a two-column page)."""
    tables = []
    for block in table_blocks(text_lines(words, em), em):
        if is_chart(block):
            continue
        ws = build_whitespace_grid(block, em)
        if ws is None:
            continue
        if not _is_prose(ws.rows):
            if not not_a_table(ws.rows):
                tables.append(ws)
            continue
        if depth <= 0:
            continue
        cut = widest_gutter(block, em)
        if cut is None:
            continue
        block_words = [w for line in block for w in line.words]
        for side in (
            [w for w in block_words if w.xmid < cut],
            [w for w in block_words if w.xmid >= cut],
        ):
            if side:
                tables.extend(_whitespace_tables(side, em, depth - 1))
    return tables


def _title_bars(
    words: list[Word], edges: list[dict[str, Any]], width: float, em: float
) -> list[tuple[float, float]]:
    """(top, bottom) of each title bar: two rules with the same ends across half the page
    or more, one text line of a single segment between them ("Crime Complaints" and
    "Historical Perspective" boxed over CompStat's two tables). Rows of a ruled table
    match too, but their words were taken by the ruled table already."""
    rules = sorted(
        (
            e
            for e in edges
            if e["orientation"] == "h" and e["x1"] - e["x0"] >= TITLE_BAR_SHARE * width
        ),
        key=lambda e: e["top"],
    )
    bars = []
    for upper, lower in zip(rules, rules[1:], strict=False):
        height = lower["top"] - upper["top"]
        if not TITLE_BAR_MIN_EMS * em <= height <= TITLE_BAR_MAX_EMS * em:
            continue
        if abs(upper["x0"] - lower["x0"]) > em or abs(upper["x1"] - lower["x1"]) > em:
            continue
        inside = [w for w in words if upper["top"] < w.ymid < lower["top"]]
        lines = text_lines(inside, em) if inside else []
        if len(lines) == 1 and not lines[0].tabular:
            bars.append((upper["top"], lower["top"]))
    return bars


def _split_at_title_bars(
    words: list[Word], edges: list[dict[str, Any]], width: float, em: float
) -> list[list[Word]]:
    """``words`` cut into bands above, inside and below each title bar: a titled section
    starts a new table."""
    bands = [words]
    for top, bottom in _title_bars(words, edges, width, em):
        cut = []
        for band in bands:
            cut.extend(
                [
                    [w for w in band if w.ymid <= top],
                    [w for w in band if top < w.ymid < bottom],
                    [w for w in band if w.ymid >= bottom],
                ]
            )
        bands = [b for b in cut if b]
    return bands


def _without_empty_rows(table: PageTable) -> PageTable:
    """Drop rows with no text at all (blank ruled rows, spacer lines)."""
    keep = [r for r, row in enumerate(table.rows) if any(row)]
    if len(keep) == len(table.rows):
        return table
    new_index = {r: i for i, r in enumerate(keep)}
    table.spans = [(new_index[r], c0, c1) for r, c0, c1 in table.spans if r in new_index]
    table.n_header_rows = sum(1 for r in keep if r < table.n_header_rows)
    table.rows = [table.rows[r] for r in keep]
    return table


def page_tables(content: PageContent) -> list[PageTable]:
    """Every table on one page, top to bottom."""
    found: list[PageTable] = []
    ruled_boxes = []
    for cells in find_cell_tables(content):
        grid = build_grid(cells, content.words)
        if not _ruled_ok(grid):
            continue
        n_header = count_header_rows(grid.rows)
        _copy_row_spans(grid, n_header)
        rows, spans, n_header = split_sub_headers(
            grid.rows, grid.spans, grid.cell_words, grid.xs, n_header
        )
        ruled_boxes.append(grid.bbox)
        found.append(
            PageTable(
                page=content.number,
                bbox=grid.bbox,
                rows=rows,
                n_header_rows=n_header,
                col_edges=grid.xs,
                method="ruled",
                spans=spans,
            )
        )
    words = content.words
    if words:
        em = text_height(words)
        words = without_running_lines(
            words, text_lines(words, em), content.edges, em, content.width, content.height
        )
    if ruled_boxes:
        words = [w for w in words if not _inside(w, ruled_boxes)]
    words, text_rules = split_text_rules(words)
    if words and text_rules:
        listings, words = find_underlined_listings(
            words, text_rules, content.number, text_height(words)
        )
        found.extend(listings)
    if words:
        em = text_height(words)
        row_ruled = find_row_ruled_tables(content.edges, words, content.width, em)
        for rr in row_ruled:
            found.append(
                PageTable(
                    page=content.number,
                    bbox=rr.bbox,
                    rows=rr.rows,
                    n_header_rows=count_header_rows(rr.rows),
                    col_edges=rr.bounds,
                    method="row-ruled",
                )
            )
        if row_ruled:
            words = [w for w in words if not _inside(w, [rr.bbox for rr in row_ruled])]
    if words:
        em = text_height(words)
        for ws in [
            t
            for band in _split_at_title_bars(words, content.edges, content.width, em)
            for t in _whitespace_tables(band, em, LAYOUT_SPLIT_DEPTH)
        ]:
            found.append(
                PageTable(
                    page=content.number,
                    bbox=ws.bbox,
                    rows=ws.rows,
                    n_header_rows=count_header_rows(ws.rows),
                    col_edges=ws.bounds,
                    method="whitespace",
                    spans=ws.spans,
                )
            )
    found = [_without_empty_rows(t) for t in found]
    found.sort(key=lambda t: (round(t.bbox[1]), t.bbox[0]))
    for table in found:
        table.bbox = content.to_page(table.bbox)
    return found


def _pages_worker(path: str, numbers: list[int]) -> list[list[PageTable]]:
    with open_document(Path(path)) as document:
        out = []
        for n in numbers:
            page = document.pages[n - 1]
            out.append(page_tables(read_page(page)))
            document.done_with(page)
        return out


def _pages_read(path: Path, numbers: list[int]) -> bool:
    """Whether this process holds the objects of all these pages already."""
    if not is_open(path):
        return False
    with open_document(path) as document:
        pages = document.pages
        return all(getattr(pages[n - 1], "objects_read", lambda: 0)() for n in numbers)


def _chunks(numbers: list[int], n: int) -> list[list[int]]:
    size = -(-len(numbers) // n)
    return [numbers[i : i + size] for i in range(0, len(numbers), size)]


def _page_count(path: Path) -> int:
    try:
        with open_document(path) as document:
            return len(document.pages)
    except (PdfminerException, PDFSyntaxError) as exc:
        raise ParseError(f"{path}: not a readable PDF ({exc})") from exc


def extract_tables(
    path: str | Path, pages: Iterable[int] | None = None, workers: int | None = None
) -> list[ExtractedTable]:
    """Every table in the PDF at ``path`` (or on the 1-based ``pages``), in reading order.

    ``workers`` caps the worker processes (default: CPU count); 1 reads in this process.
    Raises ``ParseError`` when the file is not a readable PDF or a page does not exist.
    """
    path = Path(path)
    n_pages = _page_count(path)
    numbers = sorted(set(pages)) if pages is not None else list(range(1, n_pages + 1))
    bad = [n for n in numbers if not 1 <= n <= n_pages]
    if bad:
        raise ParseError(f"{path}: no page {bad[0]} (the document has {n_pages} pages)")
    n_workers = min(workers or os.cpu_count() or 1, -(-len(numbers) // 2))
    if workers is None and _pages_read(path, numbers):
        n_workers = 1  # this process has the pages already (page text was read from them)
    if len(numbers) <= PARALLEL_MIN_PAGES or n_workers <= 1:
        per_page = _pages_worker(str(path), numbers)
    else:
        per_page = []
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            for result in pool.map(
                _pages_worker,
                [str(path)] * n_workers,
                _chunks(numbers, n_workers),
            ):
                per_page.extend(result)
    return join_pages(_consecutive(per_page, numbers))


def _consecutive(per_page: Sequence[list[PageTable]], numbers: list[int]) -> list[list[PageTable]]:
    """Insert empty pages for gaps in ``numbers`` so that only adjacent pages are joined."""
    out: list[list[PageTable]] = []
    prev = None
    for n, tables in zip(numbers, per_page, strict=True):
        if prev is not None and n != prev + 1:
            out.append([])
        out.append(tables)
        prev = n
    return out
