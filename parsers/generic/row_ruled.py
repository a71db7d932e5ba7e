"""Tables ruled only between their rows: a stack of full-width rules with no column
rulings (text-heavy tables such as lists of court cases). Each band between two rules is
one row, however many lines its cells wrap to; the columns come from whitespace, as in an
unruled table. Without the rules such a table reads as prose set in page columns."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from parsers.generic.cell_text import cell_text
from parsers.generic.columns import column_zones, gutters
from parsers.generic.lines import figure_line_cuts
from parsers.generic.model import BBox, Word
from parsers.generic.rows import text_lines

#: Rules at least this share of the page width can separate a table's rows...
MIN_RULE_SHARE = 0.5
#: ...when at least this many of them, with the same ends (within RULE_END_TOLERANCE
#: points), are stacked: three rows or more (a header rule, a rule under it and a closing
#: rule alone only frame a table, whose rows are its text lines).
MIN_ROW_RULES = 4
RULE_END_TOLERANCE = 6.0
#: Rules closer than this (points) are one rule drawn double.
DOUBLE_RULE_TOLERANCE = 3.0
#: A column ruling longer than this (points) inside the stack makes it a ruled grid.
MIN_COLUMN_RULING = 6.0
#: Share of the rows that must fill two cells or more.
MULTI_CELL_ROW_SHARE = 0.6
MIN_ROWS = 3


@dataclass
class RowRuledGrid:
    bbox: BBox
    bounds: list[float]
    rows: list[list[str]]


def _stacks(edges: list[dict[str, Any]], width: float) -> list[list[dict[str, Any]]]:
    """Wide horizontal rules grouped by their ends, top to bottom."""
    stacks: list[list[dict[str, Any]]] = []
    for h in sorted(
        (
            e
            for e in edges
            if e["orientation"] == "h" and e["x1"] - e["x0"] >= MIN_RULE_SHARE * width
        ),
        key=lambda e: e["top"],
    ):
        for stack in stacks:
            if (
                abs(stack[0]["x0"] - h["x0"]) <= RULE_END_TOLERANCE
                and abs(stack[0]["x1"] - h["x1"]) <= RULE_END_TOLERANCE
            ):
                stack.append(h)
                break
        else:
            stacks.append([h])
    return stacks


def _rule_ys(stack: list[dict[str, Any]]) -> list[float]:
    ys: list[float] = []
    for h in stack:
        if ys and h["top"] - ys[-1] <= DOUBLE_RULE_TOLERANCE:
            continue
        ys.append(h["top"])
    return ys


def _has_column_rulings(edges: list[dict[str, Any]], x0: float, x1: float, ys: list[float]) -> bool:
    return any(
        e["orientation"] == "v"
        and x0 + RULE_END_TOLERANCE < e["x0"] < x1 - RULE_END_TOLERANCE
        and min(e["bottom"], ys[-1]) - max(e["top"], ys[0]) > MIN_COLUMN_RULING
        for e in edges
    )


def _grid(
    words: list[Word], x0: float, x1: float, ys: list[float], em: float
) -> RowRuledGrid | None:
    bands: list[tuple[float, float]] = []
    for top, bottom in pairwise(ys):
        # A band holding several lines of figures is several rows ruled as one.
        cuts = figure_line_cuts(words, top, bottom)
        edges = [top, *cuts, bottom]
        bands.extend(pairwise(edges))
    band_words = [[w for w in words if top <= w.ymid <= bottom] for top, bottom in bands]
    filled = [(band, ws) for band, ws in zip(bands, band_words, strict=True) if ws]
    if len(filled) < MIN_ROWS:
        return None
    lines = text_lines([w for _, ws in filled for w in ws], em)
    found = gutters(lines, em, x0, x1)
    if not found:
        return None
    zones = column_zones(found, x0, x1)
    mids = [(a + b) / 2 for a, b in found]
    rows: list[list[str]] = []
    tops: list[float] = []
    bottoms: list[float] = []
    for (top, bottom), ws in filled:
        cells: list[list[Word]] = [[] for _ in zones]
        for w in ws:
            cells[sum(1 for m in mids if m < w.xmid)].append(w)
        rows.append([cell_text(c) for c in cells])
        tops.append(min(w.top for w in ws))
        bottoms.append(max(w.bottom for w in ws))
    # Titles above and notes below the rows share the stack's outer rules: trim bands
    # filling a single cell at both ends.
    multi = [i for i, row in enumerate(rows) if sum(1 for c in row if c) >= 2]
    if not multi:
        return None
    first, last = multi[0], multi[-1]
    rows = rows[first : last + 1]
    if len(rows) < MIN_ROWS or len(
        [r for r in rows if sum(1 for c in r if c) >= 2]
    ) < MULTI_CELL_ROW_SHARE * len(rows):
        return None
    return RowRuledGrid(
        bbox=(x0, tops[first], x1, bottoms[last]),
        bounds=[x0, *mids, x1],
        rows=rows,
    )


def find_row_ruled_tables(
    edges: list[dict[str, Any]], words: list[Word], width: float, em: float
) -> list[RowRuledGrid]:
    """Tables ruled between rows only, among ``words`` (those outside ruled grids)."""
    found: list[RowRuledGrid] = []
    for stack in _stacks(edges, width):
        ys = _rule_ys(stack)
        if len(ys) < MIN_ROW_RULES:
            continue
        x0 = min(h["x0"] for h in stack)
        x1 = max(h["x1"] for h in stack)
        if _has_column_rulings(edges, x0, x1, ys):
            continue
        inside = [w for w in words if x0 <= w.xmid <= x1 and ys[0] <= w.ymid <= ys[-1]]
        grid = _grid(inside, x0, x1, ys, em) if inside else None
        if grid is not None:
            found.append(grid)
    return found
