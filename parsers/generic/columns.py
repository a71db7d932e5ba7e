"""Whitespace tables: column gutters from the words' horizontal positions, then every text
line of the table cut into cells along those gutters."""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.generic.cell_text import clean, join_line
from parsers.generic.header import count_header_rows
from parsers.generic.header_cells import Placed, Zone, centred_label_spans, group_label_spans
from parsers.generic.model import BBox, Word
from parsers.generic.rows import TextLine, is_numeric
from parsers.generic.wrapped_rows import join_wrapped_labels

#: A gutter must be at least this many text heights wide.
MIN_GUTTER_EMS = 0.3
#: Share of the lines that may cross a gutter (spanning header cells, overflowing text).
GUTTER_CROSSING_SHARE = 0.08
#: Fewest data lines (lines with numbers) for gutters to be taken from data lines only.
MIN_DATA_LINES = 3
#: Between words in different columns a gap must be this many text heights wide
#: (numbers may sit closer together).
COLUMN_SPLIT_EMS = 0.45
#: A space between words lying this much inside a gutter (share of its width) separates
#: two cells even when it does not reach the gutter's middle.
GAP_IN_GUTTER_SHARE = 0.5
#: ...when it is wider than one space of fixed-width type (0.6 text heights), so that a
#: line of a typewritten listing is not cut at every gutter it runs over.
INTO_GUTTER_GAP_EMS = 0.7
#: A chunk overlapping a column by less than this (points) does not span into it.
SPAN_OVERLAP = 2.0


@dataclass
class WhitespaceGrid:
    bbox: BBox
    bounds: list[float]
    rows: list[list[str]]
    #: Every row's numeric flag and vertical position, for row merging and headers.
    line_tops: list[float]
    line_bottoms: list[float]
    spans: list[tuple[int, int, int]]
    #: Each row's box: its lines (a wrapped label's first line included), across the table.
    row_boxes: list[BBox] = field(default_factory=list)


def gutters(lines: list[TextLine], em: float, x0: float, x1: float) -> list[tuple[float, float]]:
    """Vertical strips between x0 and x1 that (almost) no word of ``lines`` covers."""
    allowed = int(GUTTER_CROSSING_SHARE * len(lines))
    events: list[tuple[float, int]] = []
    for line in lines:
        for w in line.words:
            events.append((w.x0, 1))
            events.append((w.x1, -1))
    events.sort()
    found: list[tuple[float, float]] = []
    depth = 0
    open_at: float | None = x0
    for x, delta in events:
        before = depth
        depth += delta
        if before <= allowed < depth and open_at is not None:
            if x - open_at >= MIN_GUTTER_EMS * em and open_at > x0:
                found.append((open_at, x))
            open_at = None
        elif depth <= allowed < before:
            open_at = x
    return [g for g in found if x0 < g[0] and g[1] < x1]


def widest_gutter(block: list[TextLine], em: float) -> float | None:
    """Middle of the widest gutter of a block (the gap between page columns)."""
    tabular = [line for line in block if line.tabular] or block
    found = gutters(tabular, em, min(line.x0 for line in block), max(line.x1 for line in block))
    if not found:
        return None
    a, b = max(found, key=lambda g: g[1] - g[0])
    return (a + b) / 2


def _chunks(line: TextLine, found: list[tuple[float, float]], em: float) -> list[list[Word]]:
    """Cut a line into cell chunks: at wide gaps, and where the space between two words
    reaches into a gutter of the body. A header centred over right-aligned figures is
    wider than they are, so the space between two header cells need not hold the gutter's
    middle ("Under 18  18 years" over two columns)."""
    chunks: list[list[Word]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        gap = w.x0 - prev.x1
        at_mid = any(prev.x1 <= (a + b) / 2 <= w.x0 for a, b in found)
        into = gap > 0 and any(
            min(w.x0, b) - max(prev.x1, a) >= GAP_IN_GUTTER_SHARE * gap for a, b in found
        )
        narrow_ok = is_numeric(prev.text) or is_numeric(w.text)
        wide = gap >= COLUMN_SPLIT_EMS * em
        into_wide = gap >= INTO_GUTTER_GAP_EMS * em
        if (at_mid and (wide or narrow_ok)) or (into and into_wide) or gap > 1.5 * em:
            chunks.append([w])
        else:
            chunks[-1].append(w)
    return chunks


def column_zones(found: list[tuple[float, float]], x0: float, x1: float) -> list[Zone]:
    """Each column's extent between the gutters on either side of it (gutters excluded)."""
    edges = [x0, *(v for gutter in found for v in gutter), x1]
    return [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]


def _columns_of(chunk: list[Word], zones: list[Zone]) -> tuple[int, int]:
    """The columns a chunk of text sits over: those whose zone it overlaps (a header
    overhanging into the gutters belongs to the column between them), else the nearest."""
    x0, x1 = chunk[0].x0, max(w.x1 for w in chunk)
    mid = (x0 + x1) / 2
    cols = [
        c
        for c, (a, b) in enumerate(zones)
        if min(x1, b) - max(x0, a) > SPAN_OVERLAP or a <= mid <= b
    ]
    if not cols:
        c = min(range(len(zones)), key=lambda c: max(zones[c][0] - mid, mid - zones[c][1]))
        return c, c
    return cols[0], cols[-1]


def build_whitespace_grid(block: list[TextLine], em: float) -> WhitespaceGrid | None:
    """Columns and cells of one block of lines; None when it has no column structure."""
    tabular = [line for line in block if line.tabular]
    data = [line for line in tabular if line.numeric]
    basis = data if len(data) >= MIN_DATA_LINES else tabular
    x0 = min(line.x0 for line in block)
    x1 = max(line.x1 for line in block)
    found = gutters(basis, em, min(line.x0 for line in basis), max(line.x1 for line in basis))
    if not found:
        return None
    mids = [(a + b) / 2 for a, b in found]
    bounds = [x0, *mids, x1]
    zones = column_zones(found, x0, x1)
    n_cols = len(bounds) - 1
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int]] = []
    placed: list[list[Placed]] = []
    for r, line in enumerate(block):
        row = [""] * n_cols
        row_placed: list[Placed] = []
        for chunk in _chunks(line, found, em):
            c0, c1 = _columns_of(chunk, zones)
            text = clean(join_line(chunk))
            row[c0] = f"{row[c0]} {text}".strip() if row[c0] else text
            row_placed.append(Placed(c0, c1, chunk[0].x0, max(w.x1 for w in chunk)))
            if c1 > c0:
                spans.append((r, c0, c1))
        rows.append(row)
        placed.append(row_placed)
    n_header = count_header_rows(rows)
    spans = group_label_spans(rows, placed, spans, zones, n_header, em)
    spans = centred_label_spans(rows, placed, spans, zones, n_header, em)
    line_x0s = [line.x0 for line in block]
    line_tops = [line.top for line in block]
    line_bottoms = [line.bottom for line in block]
    keep = join_wrapped_labels(rows, line_x0s, line_tops, line_bottoms, n_header)
    # A kept row starts where the row kept before it ends (the lines joined into it).
    row_boxes = [
        (x0, line_tops[keep[i - 1] + 1 if i else r], x1, line_bottoms[r])
        for i, r in enumerate(keep)
    ]
    if len(keep) < len(rows):
        new_index = {r: i for i, r in enumerate(keep)}
        spans = [(new_index[r], c0, c1) for r, c0, c1 in spans if r in new_index]
        rows = [rows[r] for r in keep]
        line_tops = [line_tops[r] for r in keep]
        line_bottoms = [line_bottoms[r] for r in keep]
    top = min(line.top for line in block)
    bottom = max(line.bottom for line in block)
    return WhitespaceGrid(
        bbox=(x0, top, x1, bottom),
        bounds=bounds,
        rows=rows,
        line_tops=line_tops,
        line_bottoms=line_bottoms,
        spans=spans,
        row_boxes=row_boxes,
    )
