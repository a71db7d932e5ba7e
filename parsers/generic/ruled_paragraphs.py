"""Ruled tables ruled between sections only: each drawn cell holds several records, set
apart by blank lines that line up across the columns.

A table whose rules close a section ("Stationary:", "Mobile:") and whose records inside a
section are set apart by a blank line only (each record a paragraph in every column) was
read as one row per section, the records' texts run together; shading in one column
added grid rows that the other columns' cells spanned, so that row was copied into each
of them. When two cells or more spanning a band of grid rows (or one grid row) start a
paragraph at the same height, none of them runs on across it, and the first column starts
a line there (the record's label), the band is cut there: one row per record (a section
heading alone in its first column stays a row of its own). A cell holding two figures
one under the other, or a second paragraph in a record without a label, cuts nothing.
"""

from __future__ import annotations

from itertools import pairwise
from statistics import median

from parsers.generic.cell_text import cell_text, group_lines
from parsers.generic.lines import RuledGrid
from parsers.generic.model import BBox, Word

#: A gap between two lines of a cell wider than this many text heights starts a paragraph.
PARAGRAPH_GAP_EMS = 1.0
#: Paragraph starts of different columns within this many text heights are one cut.
SAME_START_EMS = 0.5


def _paragraph_tops(words: list[Word], em: float) -> list[float]:
    lines = group_lines(words)
    tops = [min(w.top for w in lines[0])] if lines else []
    for above, line in zip(lines, lines[1:], strict=False):
        top = min(w.top for w in line)
        if top - max(w.bottom for w in above) > PARAGRAPH_GAP_EMS * em:
            tops.append(top)
    return tops


def _cuts(spanning: list[list[Word]], labels: list[Word], top: float) -> list[float]:
    """Heights below ``top`` where two of the ``spanning`` cells or more start a paragraph,
    none runs on across, and the first column (``labels``) starts a line: a new record."""
    em = median(w.height for ws in spanning for w in ws)
    # Every paragraph start, the first ones included: columns starting below a heading
    # alone in the first column cut it off as a row of its own.
    paragraphs = [_paragraph_tops(ws, em) for ws in spanning]
    starts = sorted(t for tops in paragraphs for t in tops if t - top > PARAGRAPH_GAP_EMS * em)
    cuts: list[float] = []
    i = 0
    while i < len(starts):
        j = i
        while j + 1 < len(starts) and starts[j + 1] - starts[i] <= SAME_START_EMS * em:
            j += 1
        labelled = any(abs(w.top - starts[i]) <= SAME_START_EMS * em for w in labels)
        if (
            j > i
            and labelled
            and all(
                _breaks_at(ws, tops, starts[i], em)
                for ws, tops in zip(spanning, paragraphs, strict=True)
            )
        ):
            cuts.append(starts[i] - SAME_START_EMS * em / 2)
        i = j + 1
    return cuts


def _breaks_at(words: list[Word], tops: list[float], at: float, em: float) -> bool:
    """Whether a cell with text above and below ``at`` starts a paragraph there (a cell
    whose text runs on across it, or holds a second figure under its first, belongs to
    one record)."""
    above = any(w.top < at - SAME_START_EMS * em for w in words)
    below = any(w.top > at + SAME_START_EMS * em for w in words)
    return not (above and below) or any(abs(t - at) <= SAME_START_EMS * em for t in tops)


def _lines_apart(words: list[Word]) -> bool:
    """Whether the words sit on more than one line."""
    tops = [w.top for w in words]
    return max(tops) - min(tops) > words[0].height


def split_paragraph_rows(grid: RuledGrid, n_header: int) -> list[BBox]:
    """Cut each band of body rows whose text cells all span it (a single grid row, or rows
    that cells spanning them cover) at the paragraph starts its columns share. ``grid``'s
    rows, spans, row spans and cell words are replaced; returns each row's box."""
    x0, x1 = grid.xs[0], grid.xs[-1]
    boxes: list[BBox] = [(x0, a, x1, b) for a, b in pairwise(grid.ys)]
    n_rows = len(grid.rows)
    n_cols = len(grid.rows[0]) if grid.rows else 0
    groups: dict[tuple[int, int], set[int]] = {}
    for r0, r1, c in grid.row_spans:
        if r0 >= n_header:
            groups.setdefault((r0, r1), set()).add(c)
    covered = {r for r0, r1, _ in grid.row_spans for r in range(r0, r1 + 1)}
    for r in range(n_header, n_rows):
        if r not in covered:
            groups[(r, r)] = set(range(n_cols))
    by_row: dict[int, list[tuple[int, list[Word]]]] = {}
    for (r, c), ws in grid.cell_words.items():
        by_row.setdefault(r, []).append((c, ws))
    plan: dict[int, tuple[int, list[tuple[float, float, list[str]]]]] = {}
    taken: set[int] = set()
    for (r0, r1), spanning in sorted(groups.items()):
        if taken & set(range(r0, r1 + 1)):
            continue
        # Two spanning cells of several lines at least (most rows have none: cheap out).
        multi = [
            c for c, ws in by_row.get(r0, []) if c in spanning and len(ws) > 1 and _lines_apart(ws)
        ]
        if len(multi) < 2:
            continue
        # The band's words by column: a spanning cell's, or those of the column's own cells.
        words: dict[int, list[Word]] = {}
        for r in range(r0, r1 + 1):
            for c, ws in by_row.get(r, []):
                if c not in spanning or r == r0:
                    words.setdefault(c, []).extend(ws)
        held = [words[c] for c in sorted(spanning) if words.get(c)]
        if len(held) < 2:
            continue
        top = min(w.top for ws in words.values() for w in ws)
        bottom = max(w.bottom for ws in words.values() for w in ws)
        cuts = _cuts(held, words[min(words)], top)
        if not cuts:
            continue
        limits = [top, *cuts, bottom + 1]
        parts = []
        for a, b in pairwise(limits):
            row = [""] * n_cols
            for c, ws in words.items():
                row[c] = cell_text([w for w in ws if a <= w.top < b])
            parts.append((a, min(b, bottom), row))
        plan[r0] = (r1, parts)
        taken.update(range(r0, r1 + 1))
    if not plan:
        return boxes
    rows: list[list[str]] = []
    new_boxes: list[BBox] = []
    new_index: dict[int, int] = {}
    added: dict[int, range] = {}
    r = 0
    while r < n_rows:
        if r in plan:
            r1, parts = plan[r]
            added[r] = range(len(rows), len(rows) + len(parts))
            for a, b, row in parts:
                rows.append(row)
                new_boxes.append((x0, a, x1, b))
            r = r1 + 1
            continue
        new_index[r] = len(rows)
        rows.append(grid.rows[r])
        new_boxes.append(boxes[r])
        r += 1
    spans = [(new_index[r], c0, c1) for r, c0, c1 in grid.spans if r in new_index]
    spans += [(k, c0, c1) for r, c0, c1 in grid.spans if r in added for k in added[r]]
    grid.spans = spans
    grid.row_spans = [
        (new_index[a], new_index[b], c)
        for a, b, c in grid.row_spans
        if a in new_index and b in new_index
    ]
    grid.cell_words = {
        (new_index[r], c): ws for (r, c), ws in grid.cell_words.items() if r in new_index
    }
    grid.rows = rows
    return new_boxes
