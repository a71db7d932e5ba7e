"""The entry point: every table of every page, ruled or not, joined over pages.

Boxed form fields are read first (labels over values); ruled regions are read from their
drawn cells; the words left outside them are searched for whitespace-aligned tables.
Multi-page documents are read by worker processes, each opening the file once and handling
a run of pages.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from parsers.accounting import PageLines, page_lines
from parsers.base import ParseWarning, union_box
from parsers.generic.cell_text import join_wrapped
from parsers.generic.columns import WhitespaceGrid, build_whitespace_grid, widest_gutter
from parsers.generic.completeness import Completeness, check, words_inside
from parsers.generic.continuation import continue_pages, pdf_page_words
from parsers.generic.dotted_rules import dotted_rule_edges
from parsers.generic.drawings import drawn_not_a_table
from parsers.generic.form_fields import find_fields, form_tables
from parsers.generic.header import count_header_rows
from parsers.generic.header_above import attach_header_above
from parsers.generic.header_cells import split_sub_headers
from parsers.generic.lines import RuledGrid, build_grid, find_cell_tables, is_frame
from parsers.generic.merge import join_pages
from parsers.generic.model import BBox, ExtractedTable, PageTable, Word
from parsers.generic.not_tables import is_chart, not_a_table, without_running_lines
from parsers.generic.page_objects import PageContent, Shape, read_page
from parsers.generic.repeated_header import split_at_repeated_header
from parsers.generic.row_ruled import find_row_ruled_tables
from parsers.generic.rows import is_numeric, table_blocks, text_height, text_lines
from parsers.generic.ruled_paragraphs import split_paragraph_rows
from parsers.generic.sliver_rows import drop_sliver_rows
from parsers.generic.stacked_parts import join_stacked_parts
from parsers.generic.text_rules import find_underlined_listings, split_text_rules
from parsers.reading.chars import light_chars
from parsers.reading.document import is_open, open_document
from parsers.reading.pagetext import PageText, page_text
from parsers.reading.words import word_boxes
from records.core.errors import ParseError
from records.core.lifeline import die_with_parent

#: Documents with more pages than this are read by parallel worker processes.
PARALLEL_MIN_PAGES = 4
#: A worker process is given this many pages at most at a time: what it found is handed
#: back as it goes, not held for the whole document (memory a long document's page
#: workers would hold until the end). The worker keeps the document open between runs.
PAGES_PER_TASK = 50
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


@dataclass
class PageFound:
    """What a page worker hands back for one page: its tables, and its table-like lines
    for page accounting (``parsers.accounting.page_lines``: those outside its tables)."""

    tables: list[PageTable]
    lines: PageLines
    #: The page's text and scan signs, when asked for (``found_pages(with_text=True)``).
    text: PageText | None = None


@dataclass
class FoundTables:
    """The tables of a document (or of some of its pages), and each page's table-like lines
    for ``parsers.accounting.account_found``."""

    tables: list[ExtractedTable]
    lines: list[PageLines]


#: Finds the tables of some pages of the PDF at a path: ``_pages_worker``.
PagesWorker = Callable[[str, list[int]], list[PageFound]]
#: Set, the pages' tables are found by it instead of this machine's processes: given
#: ``_pages_worker``, the path and the page numbers, it returns what the worker found on
#: each page, in page order (say, from page ranges run on a cluster's workers:
#: ``records.pipeline.workers.ranges``), or None to leave them to this machine.
#: Continuations and joins over pages are made afterwards as always, so tables come out
#: as they do unsplit.
PAGE_RANGES: ContextVar[Callable[[PagesWorker, Path, list[int]], list[PageFound] | None] | None] = (
    ContextVar("page_ranges", default=None)
)


def _ruled_ok(grid: RuledGrid) -> bool:
    rows = grid.rows
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    filled = sum(1 for row in rows for cell in row if cell)
    if grid.crammed > max(1, CRAMMED_SHARE * filled) or is_frame(grid):
        return False
    return filled >= MIN_RULED_FILLED_CELLS


def _join_record_rows(grid: RuledGrid, n_header: int, bands: list[BBox]) -> list[BBox]:
    """Join the grid rows of one record: when most columns hold one cell spanning the same
    rows and the others hold text (no figures) split by rules line by line, those rows are
    the wrapped lines of one record, not rows of their own (a register whose long column
    is ruled under each line). Copying the spanning cells would repeat the record.

    Returns the rows' boxes (``bands``, one per grid row), a joined record's merged."""
    n_cols = len(grid.rows[0]) if grid.rows else 0
    groups: dict[tuple[int, int], set[int]] = {}
    for r0, r1, c in grid.row_spans:
        if r0 >= n_header:
            groups.setdefault((r0, r1), set()).add(c)
    drop: set[int] = set()
    for (r0, r1), spanning in groups.items():
        if 2 * len(spanning) <= n_cols or any(r in drop for r in range(r0, r1 + 1)):
            continue
        others = [c for c in range(n_cols) if c not in spanning]
        parts = {c: [grid.rows[r][c] for r in range(r0, r1 + 1)] for c in others}
        if any(is_numeric(text) for texts in parts.values() for text in texts if text):
            continue
        for c, texts in parts.items():
            grid.rows[r0][c] = join_wrapped(texts)
        drop.update(range(r0 + 1, r1 + 1))
        if len(bands) == len(grid.rows):
            bands[r0] = union_box(bands[r0 : r1 + 1]) or bands[r0]
    if not drop:
        return bands
    keep = [r for r in range(len(grid.rows)) if r not in drop]
    new_index = {r: i for i, r in enumerate(keep)}
    grid.rows = [grid.rows[r] for r in keep]
    grid.spans = [(new_index[r], c0, c1) for r, c0, c1 in grid.spans if r in new_index]
    grid.row_spans = [
        (new_index[r0], new_index[r1], c)
        for r0, r1, c in grid.row_spans
        if r0 in new_index and r1 in new_index
    ]
    return [bands[r] for r in keep] if len(bands) > max(keep, default=-1) else bands


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


def _whitespace_tables(
    words: list[Word], em: float, depth: int, shapes: list[Shape]
) -> list[WhitespaceGrid]:
    """Unruled tables among ``words``. A block that turns out to be page columns of prose
    is cut at its widest gutter and each side searched again (a table inside one column
    of a two-column page). ``shapes`` (the page's drawn boxes) rule out checklists, bar
    charts and diagrams."""
    tables = []
    for block in table_blocks(text_lines(words, em), em):
        if is_chart(block):
            continue
        ws = build_whitespace_grid(block, em)
        if ws is None:
            continue
        if not _is_prose(ws.rows):
            block_words = [w for line in block for w in line.words]
            if not not_a_table(ws.rows) and not drawn_not_a_table(
                block_words, ws.bbox, ws.bounds, shapes, em
            ):
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
                tables.extend(_whitespace_tables(side, em, depth - 1, shapes))
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
    if table.row_boxes:
        table.row_boxes = [table.row_boxes[r] for r in keep]
    return table


def _whitespace_fallback(inside: list[Word], bbox: BBox, page: int) -> PageTable | None:
    """The words of a table's area read as one whitespace table (columns from alignment),
    every text line a row: the other method for a table whose cells miss some of them."""
    if not inside:
        return None
    em = text_height(inside)
    lines = text_lines(inside, em)
    if not any(line.tabular for line in lines):
        return None
    ws = build_whitespace_grid(lines, em)
    if ws is None or len(ws.rows) < 2 or len(ws.bounds) < 3:
        return None
    return PageTable(
        page=page,
        bbox=bbox,
        rows=ws.rows,
        n_header_rows=count_header_rows(ws.rows),
        col_edges=ws.bounds,
        method="whitespace",
        spans=ws.spans,
        row_boxes=ws.row_boxes,
    )


def _complete(table: PageTable, words: list[Word], found: Completeness | None = None) -> PageTable:
    """``table`` when every word of its area (among ``words``) is in exactly one of its
    cells (``found``, when the check was made on the cells as first read); else the area
    read by the other method when that one is complete; else the table that misses least,
    with a warning naming what is missing."""
    inside = words_inside(words, table.bbox)
    if found is None:
        found = check(inside, table.rows)
    if found.complete:
        return table
    other: PageTable | None = None
    if table.method != "whitespace":
        other = _whitespace_fallback(inside, table.bbox, table.page)
    if other is not None:
        other_found = check(inside, other.rows)
        if other_found.complete:
            return other
        if other_found.missing_chars + other_found.extra_chars < (
            found.missing_chars + found.extra_chars
        ):
            table, found = other, other_found
    table.warnings.append(f"page {table.page}: {found.warning()}")
    return table


def page_tables(content: PageContent) -> list[PageTable]:
    """Every table on one page, top to bottom, each checked for completeness
    (``_complete``) against the words it was built from."""
    dotted = dotted_rule_edges(content.specks)
    if dotted:
        content = replace(content, edges=[*content.edges, *dotted])
    cell_groups = find_cell_tables(content)
    fields, field_groups = find_fields(cell_groups, content.words)
    found, ruled_boxes = form_tables(fields, content.number)
    for i, cells in enumerate(cell_groups):
        if i in field_groups or len(cells) < 2:
            continue
        grid = build_grid(cells, content.words)
        if not _ruled_ok(grid):
            continue
        n_header = count_header_rows(grid.rows)
        bands = split_paragraph_rows(grid, n_header)
        inside = words_inside(content.words, grid.bbox)
        bands = drop_sliver_rows(grid, n_header, bands, inside)
        # Checked before row-spanning cells are repeated in each row, which is on purpose.
        read = check(inside, grid.rows)
        bands = _join_record_rows(grid, n_header, bands)
        _copy_row_spans(grid, n_header)
        body_boxes = bands[n_header:]
        header_box = union_box(bands[:n_header]) or grid.bbox
        rows, spans, n_header = split_sub_headers(
            grid.rows, grid.spans, grid.cell_words, grid.xs, n_header
        )
        # Split sub-headers add header rows only: the body rows keep their grid rows.
        row_boxes = [header_box] * (len(rows) - len(body_boxes)) + body_boxes
        ruled_boxes.append(grid.bbox)
        table = _complete(
            PageTable(
                page=content.number,
                bbox=grid.bbox,
                rows=rows,
                n_header_rows=n_header,
                col_edges=grid.xs,
                method="ruled",
                spans=spans,
                row_boxes=row_boxes,
            ),
            content.words,
            read,
        )
        if table.method == "ruled" and content.words:
            attach_header_above(table, content.words, text_height(content.words))
        ruled_boxes[-1] = table.bbox
        found.append(table)
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
        listings, rest = find_underlined_listings(
            words, text_rules, content.number, text_height(words)
        )
        found.extend(_complete(t, words) for t in listings)
        words = rest
    if words:
        em = text_height(words)
        row_ruled = find_row_ruled_tables(content.edges, words, content.width, em)
        for rr in row_ruled:
            said = [(f"page {content.number}: {what}", n) for what, n in rr.open_bands]
            found.append(
                _complete(
                    PageTable(
                        page=content.number,
                        bbox=rr.bbox,
                        rows=rr.rows,
                        n_header_rows=0 if rr.carried else count_header_rows(rr.rows),
                        col_edges=rr.bounds,
                        method="row-ruled",
                        row_boxes=rr.row_boxes,
                        warnings=[what for what, _ in said],
                        continues_record=rr.carried,
                        split_records=[
                            ParseWarning("split_record", what, (content.number,), n)
                            for what, n in said
                        ],
                    ),
                    words,
                )
            )
            table = found[-1]
            if table.method == "row-ruled" and table.n_header_rows == 0 and not rr.carried:
                # Its header printed over its top rule, a band's margin above its first line.
                bbox = table.bbox
                table.bbox = (bbox[0], rr.row_boxes[0][1], bbox[2], bbox[3])
                taken = attach_header_above(table, words, em)
                if not taken:
                    table.bbox = bbox
                words = [w for w in words if all(w is not t for t in taken)]
        if row_ruled:
            words = [w for w in words if not _inside(w, [rr.bbox for rr in row_ruled])]
    if words:
        em = text_height(words)
        for ws in [
            t
            for band in _split_at_title_bars(words, content.edges, content.width, em)
            for t in _whitespace_tables(band, em, LAYOUT_SPLIT_DEPTH, content.shapes)
        ]:
            # Checked whole, then cut where its header is printed again (tables stacked).
            found.extend(
                split_at_repeated_header(
                    _complete(
                        PageTable(
                            page=content.number,
                            bbox=ws.bbox,
                            rows=ws.rows,
                            n_header_rows=count_header_rows(ws.rows),
                            col_edges=ws.bounds,
                            method="whitespace",
                            spans=ws.spans,
                            row_boxes=ws.row_boxes,
                        ),
                        words,
                    )
                )
            )
    found = [_without_empty_rows(t) for t in found]
    found.sort(key=lambda t: (round(t.bbox[1]), t.bbox[0]))
    if len(found) > 1 and content.words:
        found = join_stacked_parts(found, text_height(content.words))
    for table in found:
        table.bbox = content.to_page(table.bbox)
        table.row_boxes = [content.to_page(b) for b in table.row_boxes]
    return found


def _pages_worker(path: str, numbers: list[int], with_text: bool = False) -> list[PageFound]:
    """The tables of pages ``numbers`` of the PDF at ``path``, and the lines page accounting
    needs of them, from one reading of each page (the words of the accounting are
    ``account_pdf``'s own: pdfplumber's default word settings, not the extractor's); with
    ``with_text``, each page's text too (``parsers.reading.pagetext``)."""
    with open_document(Path(path)) as document:
        out = []
        for n in numbers:
            page = document.pages[n - 1]
            tables = page_tables(read_page(page))
            # A page's tables' boxes stay in the final tables whatever is joined later.
            lines = page_lines(n, word_boxes(light_chars(page)), [t.bbox for t in tables])
            text = page_text(page) if with_text else None
            out.append(PageFound(tables, lines, text))
            document.done_with(page, keep=False)  # the last stage to read it
        return out


def _pages_text_worker(path: str, numbers: list[int]) -> list[PageFound]:
    """``_pages_worker`` with each page's text."""
    return _pages_worker(path, numbers, with_text=True)


def _pages_read(path: Path, numbers: list[int]) -> bool:
    """Whether this process holds the objects of all these pages already."""
    if not is_open(path):
        return False
    with open_document(path) as document:
        pages = document.pages
        return all(getattr(pages[n - 1], "objects_read", lambda: 0)() for n in numbers)


def _chunks(numbers: list[int], n: int) -> list[list[int]]:
    """``numbers`` in runs: at least ``n`` (one for each worker), of at most
    ``PAGES_PER_TASK`` pages."""
    size = min(-(-len(numbers) // n), PAGES_PER_TASK)
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
    return find_tables(path, pages, workers).tables


def find_tables(
    path: str | Path, pages: Iterable[int] | None = None, workers: int | None = None
) -> FoundTables:
    """``extract_tables``, with each page's table-like lines for page accounting."""
    path = Path(path)
    numbers = page_numbers(path, pages)
    per_page = list(found_pages(path, numbers, workers))
    # A page with no table of its own may continue the previous page's (continuation.py).
    tables = continue_pages([p.tables for p in per_page], numbers, pdf_page_words(path))
    return FoundTables(join_pages(_consecutive(tables, numbers)), [p.lines for p in per_page])


def page_numbers(path: Path, pages: Iterable[int] | None = None) -> list[int]:
    """The 1-based ``pages`` of the PDF (all when None), sorted; ``ParseError`` when the
    file is not a readable PDF or a page does not exist."""
    n_pages = _page_count(path)
    numbers = sorted(set(pages)) if pages is not None else list(range(1, n_pages + 1))
    bad = [n for n in numbers if not 1 <= n <= n_pages]
    if bad:
        raise ParseError(f"{path}: no page {bad[0]} (the document has {n_pages} pages)")
    return numbers


def found_pages(
    path: Path, numbers: list[int], workers: int | None = None, with_text: bool = False
) -> Iterator[PageFound]:
    """What each page of ``numbers`` holds, in page order, each run of pages as soon as it
    is read (by worker processes for a long document, ``PAGE_RANGES`` when set); with
    ``with_text`` (not through ``PAGE_RANGES``), each page's text too."""
    worker = _pages_text_worker if with_text else _pages_worker
    n_workers = min(workers or os.cpu_count() or 1, -(-len(numbers) // 2))
    if workers is None and _pages_read(path, numbers):
        n_workers = 1  # this process has the pages already (page text was read from them)
    ranges = None if with_text else PAGE_RANGES.get()
    elsewhere = ranges(_pages_worker, path, numbers) if ranges is not None else None
    if elsewhere is not None:
        yield from elsewhere
    elif len(numbers) <= PARALLEL_MIN_PAGES or n_workers <= 1:
        for run in _chunks(numbers, 1):
            yield from worker(str(path), run)
    else:
        # Workers leave if this process is killed (none left waiting for work).
        with ProcessPoolExecutor(
            max_workers=n_workers, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            chunks = _chunks(numbers, n_workers)
            for result in pool.map(worker, [str(path)] * len(chunks), chunks):
                yield from result


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
