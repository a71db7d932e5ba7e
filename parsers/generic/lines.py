"""Ruled tables: cells from the page's drawn lines and rectangle edges.

pdfplumber's own edge merging and cell finding are used (the latter as
``parsers/reading/grid.py`` does it, faster); the cell text is assembled here from words
(computed once per page) instead of re-cropping the page per cell.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from pdfplumber.table import cells_to_tables, merge_edges

from parsers.generic.cell_text import cell_text, drop_leaders, group_lines
from parsers.generic.model import BBox, Word
from parsers.generic.page_objects import PageContent
from parsers.generic.page_objects import box as object_box
from parsers.generic.rows import is_numeric
from parsers.reading.grid import edges_to_intersections, intersections_to_cells

#: Snap/join tolerances (points) for ruling lines drawn as separate strokes; pdfplumber's
#: defaults, which suit both thin-ruled government forms and shaded-cell tables.
RULED_SNAP_TOLERANCE = 3.0
RULED_JOIN_TOLERANCE = 3.0
RULED_INTERSECTION_TOLERANCE = 3.0
#: Grid lines closer than this are the same line drawn twice.
GRID_MERGE_TOLERANCE = 2.0
#: A word crossing a cell border by more than this share of its width is split by glyph.
SPLIT_OVERHANG = 0.25
#: A ruled row is cut into its text lines only when this share of them hold at least
#: MIN_FIGURES_PER_LINE numbers each (several rows of figures between two rulings); it is
#: cut above each such line, so a wrapped label stays with the figures above it.
BANDED_LINE_SHARE = 0.5
MIN_FIGURES_PER_LINE = 2
#: A gap this many text heights wide inside a cell line means the cell holds two columns.
CRAMMED_GAP_EMS = 1.5
#: A cell holding columns of text over this many lines is a page or layout frame.
FRAME_MIN_LINES = 6
#: A rule with at least this many column rulings hanging from it and none at its ends is
#: the top (or bottom) of an open-sided table (Federal Register, GPO style): its outer
#: sides and, when missing, its closing rule are added.
OPEN_SIDE_MIN_RULINGS = 2
#: A column ruling this close (points) to a rule's end closes that side already.
OPEN_SIDE_TOLERANCE = 4.0


def is_frame(grid: RuledGrid) -> bool:
    """A box drawn round a page or a layout, not a table: one of its cells holds half of
    its words or more over many lines, and columns of text inside it (prose and a table of
    figures below a page's title band)."""
    total = sum(len(ws) for ws in grid.cell_words.values())
    for ws in grid.cell_words.values():
        if 2 * len(ws) < total or len(group_lines(ws)) < FRAME_MIN_LINES:
            continue
        if _is_crammed(ws):
            return True
    return False


def _is_crammed(words: list[Word]) -> bool:
    for line in group_lines(words):
        line = drop_leaders(line)
        for prev, w in zip(line, line[1:], strict=False):
            if w.x0 - prev.x1 > CRAMMED_GAP_EMS * max(w.height, prev.height):
                return True
    return False


@dataclass
class RuledGrid:
    """A ruled table: grid lines, each cell's span and the words inside."""

    bbox: BBox
    xs: list[float]
    ys: list[float]
    #: (row0, col0, row1, col1) inclusive grid spans of every drawn cell.
    cells: list[tuple[int, int, int, int]]
    rows: list[list[str]]
    #: (row, col0, col1) of cells spanning several columns.
    spans: list[tuple[int, int, int]]
    #: (row0, row1, col) of cells spanning several rows.
    row_spans: list[tuple[int, int, int]]
    #: Cells whose text lines hold wide gaps: columns the rulings do not separate.
    crammed: int = 0
    #: The words of each cell with text, by (row, column) of its top-left grid cell.
    cell_words: dict[tuple[int, int], list[Word]] = field(default_factory=dict)


def _cluster(values: list[float], tolerance: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def _index(grid: list[float], v: float) -> int:
    """Index of the grid line nearest to ``v``."""
    i = bisect_right(grid, v)
    if i == 0:
        return 0
    if i == len(grid):
        return len(grid) - 1
    return i if grid[i] - v < v - grid[i - 1] else i - 1


def find_cell_tables(content: PageContent) -> list[list[BBox]]:
    """Groups of cell boxes formed by the page's rulings (pdfplumber's lattice logic),
    then each cell that touches no other as a group of its own."""
    if len(content.edges) < 4:
        return []
    merged = merge_edges(
        content.edges,
        snap_x_tolerance=RULED_SNAP_TOLERANCE,
        snap_y_tolerance=RULED_SNAP_TOLERANCE,
        join_x_tolerance=RULED_JOIN_TOLERANCE,
        join_y_tolerance=RULED_JOIN_TOLERANCE,
    )
    merged = merged + _open_side_edges(merged)
    intersections = edges_to_intersections(
        merged, RULED_INTERSECTION_TOLERANCE, RULED_INTERSECTION_TOLERANCE
    )
    cells = intersections_to_cells(intersections)
    tables = [list(t) for t in cells_to_tables(cells)]
    # pdfplumber drops a cell standing alone; a box drawn on its own may be a form field.
    grouped = {cell for t in tables for cell in t}
    return tables + [[cell] for cell in cells if cell not in grouped]


def _synthetic(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    return object_box(x0, top, x1, bottom, orientation=orientation, object_type="line")


def _open_side_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outer sides (and a closing rule) for tables ruled only between their columns: a
    horizontal rule wider than the column rulings that meet it, with no ruling at its
    ends, is the full width of the table; the rulings' vertical extent is its height."""
    tol = OPEN_SIDE_TOLERANCE
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    added: list[dict[str, Any]] = []
    done: set[tuple[int, int, int, int]] = set()
    for h in hs:
        y = h["top"]
        meeting = [v for v in vs if v["top"] - tol <= y <= v["bottom"] + tol]
        inner = [v for v in meeting if h["x0"] + tol < v["x0"] < h["x1"] - tol]
        if len(inner) < OPEN_SIDE_MIN_RULINGS:
            continue
        if any(abs(v["x0"] - h["x0"]) <= tol or abs(v["x0"] - h["x1"]) <= tol for v in meeting):
            continue
        top = min(y, min(v["top"] for v in inner))
        bottom = max(y, max(v["bottom"] for v in inner))
        key = (round(h["x0"]), round(h["x1"]), round(top), round(bottom))
        if bottom - top <= tol or key in done:
            continue
        done.add(key)
        added.append(_synthetic("v", h["x0"], top, h["x0"], bottom))
        added.append(_synthetic("v", h["x1"], top, h["x1"], bottom))
        for end in (top, bottom):
            if not any(
                abs(o["top"] - end) <= tol and o["x0"] <= h["x0"] + tol and o["x1"] >= h["x1"] - tol
                for o in hs
            ):
                added.append(_synthetic("h", h["x0"], end, h["x1"], end))
    return added


def _split_word(word: Word, xs: list[float]) -> list[Word]:
    """Split a word whose glyphs fall in different columns (text overflowing a ruling)."""
    pieces: list[Word] = []
    current: list[tuple[float, float, str]] = []
    current_col = -1
    for ch in word.chars:
        col = bisect_right(xs, (ch[0] + ch[1]) / 2)
        if current and col != current_col:
            pieces.append(_piece(word, current))
            current = []
        current.append(ch)
        current_col = col
    if current:
        pieces.append(_piece(word, current))
    return pieces


def _piece(word: Word, chars: list[tuple[float, float, str]]) -> Word:
    return Word(
        x0=chars[0][0],
        top=word.top,
        x1=chars[-1][1],
        bottom=word.bottom,
        text="".join(c[2] for c in chars).strip() or "".join(c[2] for c in chars),
        chars=tuple(chars),
    )


def _banded_cuts(words: list[Word], top: float, bottom: float) -> list[float]:
    """Where to cut a ruled row that holds several rows of figures (tables ruled only every
    few rows): between its text lines, when at least two of its columns hold a number on
    more than one of those lines. Wrapped labels alone do not cut a row."""
    inside = [w for w in words if top <= w.ymid <= bottom]
    if len(inside) < 4:
        return []
    lines = group_lines(inside)
    if len(lines) < 2:
        return []
    numeric_lines = [[w for w in line if is_numeric(w.text)] for line in lines]
    # Every text line (allowing one in five) must be a row of figures on its own.
    figure_lines = sum(1 for line in numeric_lines if len(line) >= MIN_FIGURES_PER_LINE)
    if figure_lines < max(2, BANDED_LINE_SHARE * len(lines)):
        return []
    stacked = 0
    for line in numeric_lines:
        for w in line:
            if any(
                other is not line and any(o.x0 < w.x1 and w.x0 < o.x1 for o in other)
                for other in numeric_lines
            ):
                stacked += 1
    if stacked < 2 * MIN_FIGURES_PER_LINE:
        return []
    # A line of figures is a row of its own only when each figure of the first line has a
    # word under it there: a record whose cells wrap (a date over "at 23:56", an event
    # number over nothing) is one row, its second line no record of its own.
    first = numeric_lines[0]
    for line, figures in zip(lines[1:], numeric_lines[1:], strict=True):
        if len(figures) >= MIN_FIGURES_PER_LINE and any(
            not any(o.x0 < w.x1 and w.x0 < o.x1 for o in line) for w in first
        ):
            return []
    bands = [(min(w.top for w in line), max(w.bottom for w in line)) for line in lines]
    return [
        (bands[i - 1][1] + bands[i][0]) / 2
        for i in range(1, len(lines))
        if len(numeric_lines[i]) >= MIN_FIGURES_PER_LINE and bands[i][0] >= bands[i - 1][1] - 1
    ]


def _split_banded_rows(cell_boxes: list[BBox], words: list[Word], ys: list[float]) -> list[BBox]:
    boxes = list(cell_boxes)
    # Each row's words by bisection over their middles (in page order, as a filter of
    # ``words`` would give them): a page of many thin rows holds many words.
    order = sorted(range(len(words)), key=lambda i: words[i].ymid)
    mids = [words[i].ymid for i in order]
    for top, bottom in zip(ys, ys[1:], strict=False):
        inside = sorted(order[bisect_left(mids, top) : bisect_right(mids, bottom)])
        cuts = _banded_cuts([words[i] for i in inside], top, bottom)
        if not cuts:
            continue
        edges = [top, *cuts, bottom]
        split: list[BBox] = []
        for box in boxes:
            if (
                abs(box[1] - top) <= GRID_MERGE_TOLERANCE
                and abs(box[3] - bottom) <= GRID_MERGE_TOLERANCE
            ):
                split.extend((box[0], a, box[2], b) for a, b in zip(edges, edges[1:], strict=False))
            else:
                split.append(box)
        boxes = split
    return boxes


def build_grid(cell_boxes: list[BBox], words: list[Word]) -> RuledGrid:
    """Lay the drawn cells on a grid and fill them with the words whose centre they hold."""
    ys = _cluster([v for c in cell_boxes for v in (c[1], c[3])], GRID_MERGE_TOLERANCE)
    cell_boxes = _split_banded_rows(cell_boxes, words, ys)
    xs = _cluster([v for c in cell_boxes for v in (c[0], c[2])], GRID_MERGE_TOLERANCE)
    ys = _cluster([v for c in cell_boxes for v in (c[1], c[3])], GRID_MERGE_TOLERANCE)
    owner: dict[tuple[int, int], int] = {}
    spans: list[tuple[int, int, int, int]] = []
    for i, (x0, top, x1, bottom) in enumerate(cell_boxes):
        c0, c1 = _index(xs, x0), _index(xs, x1) - 1
        r0, r1 = _index(ys, top), _index(ys, bottom) - 1
        c1, r1 = max(c1, c0), max(r1, r0)
        spans.append((r0, c0, r1, c1))
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                owner.setdefault((r, c), i)
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    inner_xs = xs[1:-1]
    cell_words: dict[int, list[Word]] = {}
    for w in words:
        if not (bbox[0] <= w.xmid <= bbox[2] and bbox[1] <= w.ymid <= bbox[3]):
            continue
        pieces = [w]
        if len(w.chars) > 1 and any(
            w.x0 + SPLIT_OVERHANG * (w.x1 - w.x0) < x < w.x1 - SPLIT_OVERHANG * (w.x1 - w.x0)
            for x in inner_xs
        ):
            pieces = _split_word(w, inner_xs)
        r = min(bisect_right(ys, w.ymid) - 1, len(ys) - 2)
        for p in pieces:
            c = min(bisect_right(xs, p.xmid) - 1, len(xs) - 2)
            owned = owner.get((r, c))
            if owned is None:
                # Printed in a grid slot no drawn cell covers (a totals row whose label
                # cell is not closed): the slot between the grid lines is its cell.
                owned = owner[(r, c)] = len(spans)
                spans.append((r, c, r, c))
            cell_words.setdefault(owned, []).append(p)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    grid = [[""] * n_cols for _ in range(n_rows)]
    col_spans: list[tuple[int, int, int]] = []
    row_spans: list[tuple[int, int, int]] = []
    words_at: dict[tuple[int, int], list[Word]] = {}
    for i, (r0, c0, r1, c1) in enumerate(spans):
        if r0 < n_rows and c0 < n_cols:
            grid[r0][c0] = cell_text(cell_words.get(i, []))
            if grid[r0][c0]:
                words_at[(r0, c0)] = cell_words[i]
            if c1 > c0 and grid[r0][c0]:
                col_spans.append((r0, c0, min(c1, n_cols - 1)))
            if r1 > r0 and grid[r0][c0]:
                row_spans.append((r0, min(r1, n_rows - 1), c0))
    starts_c = {s[1] for s in spans}
    starts_r = {s[0] for s in spans}
    crammed = sum(1 for ws in cell_words.values() if len(ws) > 1 and _is_crammed(ws))
    return _drop_empty_lines(
        RuledGrid(bbox, xs, ys, spans, grid, col_spans, row_spans, crammed, words_at),
        starts_r,
        starts_c,
    )


def _drop_empty_lines(grid: RuledGrid, starts_r: set[int], starts_c: set[int]) -> RuledGrid:
    """Drop grid columns and rows where no drawn cell begins (slivers from misaligned
    rulings); a real but empty column still has cells starting in it and is kept."""
    keep_c = [c for c in range(len(grid.xs) - 1) if c in starts_c]
    keep_r = [r for r in range(len(grid.ys) - 1) if r in starts_r]
    if len(keep_c) == len(grid.xs) - 1 and len(keep_r) == len(grid.ys) - 1:
        return grid
    new_c = {c: i for i, c in enumerate(keep_c)}
    new_r = {r: i for i, r in enumerate(keep_r)}
    rows = [[grid.rows[r][c] for c in keep_c] for r in keep_r]
    spans = []
    for r, c0, c1 in grid.spans:
        if r in new_r and c0 in new_c:
            last = max((new_c[c] for c in keep_c if c0 <= c <= c1), default=new_c[c0])
            if last > new_c[c0]:
                spans.append((new_r[r], new_c[c0], last))
    row_spans = []
    for r0, r1, c in grid.row_spans:
        if r0 in new_r and c in new_c:
            last = max((new_r[r] for r in keep_r if r0 <= r <= r1), default=new_r[r0])
            if last > new_r[r0]:
                row_spans.append((new_r[r0], last, new_c[c]))
    xs = [grid.xs[c] for c in keep_c] + [grid.xs[-1]]
    ys = [grid.ys[r] for r in keep_r] + [grid.ys[-1]]
    words_at = {
        (new_r[r], new_c[c]): words
        for (r, c), words in grid.cell_words.items()
        if r in new_r and c in new_c
    }
    return RuledGrid(grid.bbox, xs, ys, grid.cells, rows, spans, row_spans, grid.crammed, words_at)
