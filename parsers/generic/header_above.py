"""Header lines printed just above a ruled grid, outside its top rule (a row of years over
the columns' headings): they name the grid's columns, so they become its first header row
instead of being left to the whitespace reader, which finds no table in one line. A line of
figures over a grid of figures that has no header is the grid's first row instead."""

from __future__ import annotations

from bisect import bisect_right

from parsers.generic.cell_text import cell_text, group_lines
from parsers.generic.header import count_header_rows
from parsers.generic.model import PageTable, Word
from parsers.generic.rows import split_segments

#: The line's bottom is at most this many text heights above the grid's top rule.
ABOVE_GAP_EMS = 1.2
#: Words in a line further apart than this many text heights are separate headings.
SEGMENT_GAP_EMS = 0.9
#: A heading may reach this many text heights past its column's edge: where the grid has no
#: rules between its columns (shaded bands), the edges lie between the body's texts, and a
#: heading wider than its column's values runs a little over ("Date Reported" over dates).
OVERRUN_EMS = 0.3


def attach_header_above(table: PageTable, words: list[Word], em: float) -> list[Word]:
    """Prepend the line right above ``table`` (a ruled grid) as a header row when it has two
    headings or more, each inside one of the grid's columns, and none outside the grid's
    width. Returns the words taken."""
    x0, top, x1, _ = table.bbox
    near = [
        w
        for w in words
        if w.bottom <= top + 1 and top - w.bottom <= ABOVE_GAP_EMS * em and x0 <= w.xmid <= x1
    ]
    if not near:
        return []
    line = group_lines(near)[-1]
    edges = table.col_edges
    if any(w.x0 < x0 - 1 or w.x1 > x1 + 1 for w in line):
        return []
    segments = [
        piece
        for segment in split_segments(line, SEGMENT_GAP_EMS * em)
        for piece in _at_column_starts(segment, edges, em)
    ]
    if len(segments) < 2:
        return []
    cells: list[list[Word]] = [[] for _ in range(len(edges) - 1)]
    overrun = max(1.0, OVERRUN_EMS * em)
    for segment in segments:
        cols = {min(bisect_right(edges, w.xmid) - 1, len(cells) - 1) for w in segment}
        first = bisect_right(edges, segment[0].x0 + overrun) - 1
        last = bisect_right(edges, segment[-1].x1 - overrun) - 1
        if len(cols) > 1 or first != last:
            return []  # a heading across a column rule: not this grid's header
        cells[cols.pop()].extend(segment)
    if sum(1 for c in cells if c) < 2:
        return []
    row = [cell_text(c) for c in cells]
    # Figures over a grid of figures with no header of its own: the grid's first row,
    # printed above its top rule (a banded body whose first band is white), not its header.
    is_row = table.n_header_rows == 0 and count_header_rows([row, *table.rows]) == 0
    table.rows.insert(0, row)
    if not is_row:
        table.n_header_rows += 1
    table.spans = [(r + 1, c0, c1) for r, c0, c1 in table.spans]
    top = min(w.top for w in line)
    if table.row_boxes:
        table.row_boxes.insert(0, (x0, top, x1, table.bbox[1]))
    table.bbox = (x0, top, x1, table.bbox[3])
    return line


def _at_column_starts(segment: list[Word], edges: list[float], em: float) -> list[list[Word]]:
    """``segment`` (words closer than a heading's gap) cut where a word starts a column: it
    begins within a text height after a column's edge, and the word before it lies mostly
    left of that edge. Headings printed tight, each at its column's start ("Date
    ReportedEvent #", USC's crime log), are two headings, not one across a column rule.
    Cut only when every piece starts its column so: a caption or a heading centred over
    several columns ("... by Age Cohort") starts at no column's start and stays whole."""
    pieces = [[segment[0]]]
    for before, word in zip(segment, segment[1:], strict=False):
        i = bisect_right(edges, word.x0 + 1) - 1
        edge = edges[i] if 0 < i < len(edges) - 1 else None
        if edge is not None and before.xmid < edge and word.x0 - edge <= em:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    if len(pieces) > 1 and not all(_starts_column(p[0], edges, em) for p in pieces):
        return [segment]
    return pieces


def _starts_column(word: Word, edges: list[float], em: float) -> bool:
    i = bisect_right(edges, word.x0 + 1) - 1
    return 0 <= i < len(edges) - 1 and word.x0 + 1 - edges[i] <= em
