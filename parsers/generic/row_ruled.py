"""Tables ruled only between their rows: a stack of full-width rules with no column
rulings (text-heavy tables such as lists of court cases). Each band between two rules is
one row, however many lines its cells wrap to; the columns come from whitespace, as in an
unruled table. Without the rules such a table reads as prose set in page columns.

Rows banded by shading (every other row on a filled band) are ruled by the bands' sides;
a plain band at either end (no header rule above the first, nothing under the last) has no
shaded band beyond it to close it, so its lines are read as one more band when they read as
one record (``_open_band``), and named in a warning when they look like the table's lines
but cannot be told apart from rows of their own. Record blocks printed with the same field
labels beside each ("Reported: Occurred: ...") whose last block has no rule under it get
that block as a row when its lines hold the labels (``_labelled_band``), a warning when they
hold some of them only."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import Any

from parsers.generic.cell_text import cell_text
from parsers.generic.columns import gutters
from parsers.generic.model import BBox, Word
from parsers.generic.rows import TextLine, is_numeric, text_lines
from parsers.generic.shading import MIN_SHADING_SIZE

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
#: Share of the rows that must wrap onto several lines.
WRAPPED_ROW_SHARE = 0.5
#: A stack is ruled every few rows (its bands are not rows) when more than this share of
#: its wrapped bands hold a line filling every column the band's first line fills.
SEVERAL_ROWS_SHARE = 0.5
#: A line with this many figures is a row of its own, never a wrapped part of one.
MIN_FIGURES = 2
#: A first column set this many times larger than the text beside it holds the side
#: headings of a page's ruled-off sections (a report's back page), not a table's labels.
SIDE_HEADING_SIZE = 1.25
#: A plain band at an end of a shaded table: its line nearest the shading is within this
#: many text heights of it, and its lines follow each other this closely at most (text
#: heights between them).
CLOSING_FIRST_LINE_EMS = 1.0
CLOSING_LINE_GAP_EMS = 0.6
#: The end of a record carried over from the page before, alone in the table's first band,
#: starts this close (text heights) to where its column's text starts below, in text this
#: close in size (share of it).
CARRIED_ALIGN_EMS = 0.5
CARRIED_SIZE_SHARE = 0.15
#: The bottom side of a shaded band and the last rule agree this closely (points).
SHADING_SIDE_TOLERANCE = 1.0
#: Words closer than this (text heights) are words of one run of text, in one cell, even
#: where a gutter of the table's other lines runs between them.
WORD_SPACE_EMS = 0.4
#: A word starting this close (points) to a gutter's right edge starts the column after it.
GUTTER_EDGE = 0.5
#: A warning quotes this many characters of the line it names at most.
WARNING_TEXT = 100
#: How such a warning ends (here and in ``parsers.generic.merge``).
SPLIT_RECORD = "may be one record read as several rows"


@dataclass
class RowRuledGrid:
    bbox: BBox
    bounds: list[float]
    rows: list[list[str]]
    #: Each row's box: the band between its rules, across the table.
    row_boxes: list[BBox] = field(default_factory=list)
    #: How many text lines each row's band holds (aligned with ``rows``).
    line_counts: list[int] = field(default_factory=list)
    #: The first row is the end of a record begun on the page before (``_carried_part``).
    carried: bool = False
    #: Lines at an end that may be one record read as several rows: (what is said, no page
    #: named, the caller adds it; how many lines).
    open_bands: list[tuple[str, int]] = field(default_factory=list)
    #: The gutters between its columns, as found in its rows' lines ((x0, x1) each).
    gutters: list[tuple[float, float]] = field(default_factory=list)


def _joined_rules(edges: list[dict[str, Any]]) -> list[tuple[float, float, float]]:
    """(top, x0, x1) of each horizontal rule, pieces drawn end to end joined into one."""
    pieces = sorted(
        ((e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h"),
        key=lambda r: (round(r[0]), r[1]),
    )
    rules: list[tuple[float, float, float]] = []
    for top, x0, x1 in pieces:
        if rules:
            t, a, b = rules[-1]
            if abs(top - t) <= 1.0 and x0 <= b + DOUBLE_RULE_TOLERANCE:
                rules[-1] = (t, a, max(b, x1))
                continue
        rules.append((top, x0, x1))
    return rules


def _stacks(edges: list[dict[str, Any]], width: float) -> list[list[tuple[float, float, float]]]:
    """Wide horizontal rules grouped by their ends, top to bottom."""
    stacks: list[list[tuple[float, float, float]]] = []
    wide = [r for r in _joined_rules(edges) if r[2] - r[1] >= MIN_RULE_SHARE * width]
    for rule in sorted(wide):
        for stack in stacks:
            if (
                abs(stack[0][1] - rule[1]) <= RULE_END_TOLERANCE
                and abs(stack[0][2] - rule[2]) <= RULE_END_TOLERANCE
            ):
                stack.append(rule)
                break
        else:
            stacks.append([rule])
    return stacks


def _rule_ys(stack: list[tuple[float, float, float]]) -> list[float]:
    ys: list[float] = []
    for top, _, _ in stack:
        if ys and top - ys[-1] <= DOUBLE_RULE_TOLERANCE:
            continue
        ys.append(top)
    return ys


def _has_column_rulings(edges: list[dict[str, Any]], x0: float, x1: float, ys: list[float]) -> bool:
    return any(
        e["orientation"] == "v"
        and x0 + RULE_END_TOLERANCE < e["x0"] < x1 - RULE_END_TOLERANCE
        and min(e["bottom"], ys[-1]) - max(e["top"], ys[0]) > MIN_COLUMN_RULING
        for e in edges
    )


def _several_rows(lines: list[TextLine], mids: list[float]) -> str:
    """Whether one band holds several rows: a line filling every column that an earlier
    multi-column line of the band fills (a table ruled every few rows, or only above and
    below its body). Wrapped text mostly fills fewer columns than its row's first line.
    "figures" when such a line holds two figures or more (a row of its own for sure),
    "text" when it holds text only (a record wrapping in every column looks so too), else
    ""."""
    first: set[int] = set()
    for line in lines:
        cols = {sum(1 for m in mids if m < w.xmid) for w in line.words}
        if len(cols) < 2:
            continue
        if first and cols >= first:
            figures = sum(1 for w in line.words if is_numeric(w.text))
            return "figures" if figures >= MIN_FIGURES else "text"
        first = first or cols
    return ""


def _side_headings(first: list[float], other: list[float]) -> bool:
    """The first column's text is set much larger than the rest's (medians of word heights)."""
    return bool(first and other) and median(first) >= SIDE_HEADING_SIZE * median(other)


def _line_columns(
    words: list[Word], found: list[tuple[float, float]], em: float, crossed: set[int]
) -> list[int]:
    """The column of each word of a line, by the middle of the gutters (``found``) its middle
    passes; a word standing in a gutter between two words of the line goes with the nearer
    of them (USC's "THEFT-MOTOR VEHICLE -", its dash a hair past the gutter's middle, is
    the end of that cell, not the start of the next one's "- 09/30/23"); past a gutter some
    word of the table runs across (``crossed``: its indexes), a word a word space from the
    one before it goes on that one's cell (a long line of text run across the gutter: USC's
    2020 summaries, "...had been removed", whose last words reach under the report
    number), as does one starting before the gutter's right edge ("sustaining unspecified
    injuries."). Cells that nearly touch stay apart where no word crosses their gutter and
    the second starts at its edge (USC's 2023 "Assault-Firearm" and "10/02/23 -", a word
    space apart)."""
    mids = [(a + b) / 2 for a, b in found]
    columns = [sum(1 for m in mids if m < w.xmid) for w in words]
    for i in range(1, len(words) - 1):
        before, word, after = words[i - 1], words[i], words[i + 1]
        inside = any(a <= word.x0 and word.x1 <= b for a, b in found)
        if not inside or columns[i - 1] == columns[i + 1]:
            continue
        nearer_left = word.x0 - before.x1 < after.x0 - word.x1
        columns[i] = columns[i - 1] if nearer_left else columns[i + 1]
    for i in range(1, len(words)):
        k = columns[i] - 1  # the gutter right before the word's column
        if (
            columns[i] > columns[i - 1]
            and words[i].x0 - words[i - 1].x1 < WORD_SPACE_EMS * em
            and (k in crossed or words[i].x0 < found[k][1] - GUTTER_EDGE)
        ):
            columns[i] = columns[i - 1]
    return columns


def _grid(
    words: list[Word],
    x0: float,
    x1: float,
    ys: list[float],
    em: float,
    found: list[tuple[float, float]] | None = None,
) -> RowRuledGrid | None:
    """The table of ``words`` between the rules ``ys``, its columns split at the gutters
    its lines leave (or at ``found``, gutters found before), or None when it is no table."""
    if found is None:
        found = gutters(text_lines(words, em), em, x0, x1)
    if not found:
        return None
    mids = [(a + b) / 2 for a, b in found]
    # Gutters some word runs right across (a line of text run on past where the table's
    # other lines leave a gap).
    crossed = {k for k, (a, b) in enumerate(found) if any(w.x0 < a and w.x1 > b for w in words)}
    rows: list[list[str]] = []
    tabular: list[bool] = []
    boxes: list[tuple[float, float]] = []
    bands: list[BBox] = []
    counts: list[int] = []
    row_words: list[list[list[Word]]] = []
    wrapped = several = 0
    first_heights: list[float] = []
    other_heights: list[float] = []
    for top, bottom in pairwise(ys):
        lines = text_lines([w for w in words if top <= w.ymid <= bottom], em)
        if not lines:
            continue
        several_rows = _several_rows(lines, mids)
        if several_rows == "figures":
            return None
        several += several_rows == "text"
        cells: list[list[Word]] = [[] for _ in range(len(mids) + 1)]
        for line in lines:
            columns = _line_columns(line.words, found, em, crossed)
            for w, column in zip(line.words, columns, strict=True):
                cells[column].append(w)
        rows.append([cell_text(c) for c in cells])
        row_words.append(cells)
        first_heights.extend(w.height for w in cells[0])
        other_heights.extend(w.height for c in cells[1:] for w in c)
        tabular.append(any(line.tabular for line in lines))
        boxes.append((lines[0].top, lines[-1].bottom))
        bands.append((x0, top, x1, bottom))
        counts.append(len(lines))
        wrapped += len(lines) > 1
    if _side_headings(first_heights, other_heights):
        return None
    # One line a row is a table whitespace alone reads well (with its header above the
    # first rule); the rules are needed where cells wrap.
    if wrapped < WRAPPED_ROW_SHARE * len(rows):
        return None
    # A table of text ruled every few rows has several full rows in most bands; a register
    # whose records wrap in every column looks so in a few bands only.
    if several > SEVERAL_ROWS_SHARE * wrapped:
        return None
    # Titles above and notes below the rows share the stack's outer rules: trim rows of a
    # single run of text (no gap between columns) at both ends.
    multi = [i for i, t in enumerate(tabular) if t]
    if not multi:
        return None
    first, last = multi[0], multi[-1]
    carried = first == 1 and _carried_part(row_words[0], row_words[1:], em)
    if carried:
        first = 0  # the end of a record begun on the page before
    rows = rows[first : last + 1]
    if len(rows) < MIN_ROWS or sum(tabular[first : last + 1]) < MULTI_CELL_ROW_SHARE * len(rows):
        return None
    return RowRuledGrid(
        bbox=(x0, boxes[first][0], x1, boxes[last][1]),
        bounds=[x0, *mids, x1],
        rows=rows,
        row_boxes=bands[first : last + 1],
        line_counts=counts[first : last + 1],
        carried=carried,
        gutters=found,
    )


def _carried_part(cells: list[list[Word]], below: list[list[list[Word]]], em: float) -> bool:
    """Whether the first band's text, in one column only, is the end of a record begun on
    the page before (its wrapped lines, carried over): not the first column (where a record
    starts), set where that column's text starts in the rows below and as large (a title
    over the table is set apart, across columns or larger)."""
    filled = [c for c, words in enumerate(cells) if words]
    if len(filled) != 1 or filled[0] == 0:
        return False
    column = filled[0]
    starts = [min(w.x0 for w in row[column]) for row in below if row[column]]
    heights = [w.height for row in below for w in row[column]]
    if not starts:
        return False
    x0 = min(w.x0 for w in cells[column])
    height = median(w.height for w in cells[column])
    return abs(x0 - median(starts)) <= CARRIED_ALIGN_EMS * em and abs(
        height - median(heights)
    ) <= CARRIED_SIZE_SHARE * median(heights)


def _shading_side(edges: list[dict[str, Any]], y: float, x0: float, x1: float, side: str) -> bool:
    """Whether the rule at ``y`` is the ``side`` ("top" or "bottom") of a shaded band across
    the stack: a filled, unstroked rectangle's side starts or ends there."""
    tol = SHADING_SIDE_TOLERANCE
    return any(
        e["orientation"] == "v"
        and e.get("fill")
        and not e.get("stroke")
        and abs(e[side] - y) <= tol
        and e["bottom"] - e["top"] >= MIN_SHADING_SIZE
        and x0 - RULE_END_TOLERANCE <= e["x0"] <= x1 + RULE_END_TOLERANCE
        for e in edges
    )


def _lines_beside(lines: list[TextLine], y: float, em: float, below: bool) -> list[TextLine]:
    """The lines set right under (``below``) or over ``y`` one after the other, as a band's
    lines are; top to bottom."""
    taken: list[TextLine] = []
    for line in lines if below else reversed(lines):
        if (line.bottom <= y) if below else (line.top >= y):
            continue
        if below:
            gap = line.top - (taken[-1].bottom if taken else y)
        else:
            gap = (taken[-1].top if taken else y) - line.bottom
        if gap > (CLOSING_LINE_GAP_EMS if taken else CLOSING_FIRST_LINE_EMS) * em:
            break
        taken.append(line)
    return taken if below else taken[::-1]


def _open_band(
    grid: RowRuledGrid,
    words: list[Word],
    x0: float,
    x1: float,
    ys: list[float],
    em: float,
    below: bool,
) -> tuple[RowRuledGrid, list[float]]:
    """``grid`` (and its rules) with one more row: the lines right under its last shaded
    band (``below``) or over its first, which no rule closes, when they read as one record
    (a first line across several columns, then wrapped lines filling fewer, no more lines
    than a band holds, within a band's height); else ``grid``, with a warning when they
    look like its lines but cannot be told from rows of their own."""
    inside = [w for w in words if x0 <= w.xmid <= x1]
    edge = ys[-1] if below else ys[0]
    outside = [w for w in inside if (w.ymid > edge if below else w.ymid < edge)]
    taken = _lines_beside(text_lines(outside, em), edge, em, below)
    if len(taken) < 2 or not taken[0].tabular:
        return grid, ys
    tallest = max(b[3] - b[1] for b in grid.row_boxes)
    record = (
        len(taken) <= max(grid.line_counts)
        and taken[-1].bottom - taken[0].top <= tallest
        and _several_rows(taken, grid.bounds[1:-1]) == ""
    )
    if record:
        band = [w for line in taken for w in line.words]
        rows = [w for w in inside if ys[0] <= w.ymid <= ys[-1]]
        # Over the first band: its top as far above its first line as the next band's.
        margin = min(grid.bbox[1] - grid.row_boxes[0][1], CLOSING_FIRST_LINE_EMS * em)
        grown_ys = [*ys, taken[-1].bottom] if below else [taken[0].top - margin, *ys]
        grown = _grid(rows + band, x0, x1, grown_ys, em)
        if (
            grown is not None
            and (grown.rows[:-1] if below else grown.rows[1:]) == grid.rows
            and len(grown.rows) == len(grid.rows) + 1
        ):
            return grown, grown_ys
    where = "under the table's last" if below else "over the table's first"
    _name_lines(grid, taken, f"{where} shaded band")
    return grid, ys


def _name_lines(grid: RowRuledGrid, taken: list[TextLine], where: str) -> None:
    """A warning on ``grid`` naming the lines ``taken`` right ``where`` (at one of its ends):
    they may be one record read as several rows."""
    first_line = " ".join(w.text for w in taken[0].words)
    grid.open_bands.append(
        (
            f"the {len(taken)} lines right {where}, from"
            f" '{first_line[:WARNING_TEXT]}', {SPLIT_RECORD}",
            len(taken),
        )
    )


def _band_lines(words: list[Word], boxes: list[BBox], em: float) -> list[list[TextLine]]:
    """The text lines of each of the bands ``boxes``."""
    return [
        text_lines([w for w in words if top <= w.ymid <= bottom], em) for _, top, _, bottom in boxes
    ]


def _labelled_band(
    grid: RowRuledGrid, words: list[Word], x0: float, x1: float, ys: list[float], em: float
) -> tuple[RowRuledGrid, list[float]]:
    """``grid`` (and its rules) with one more row: its last record when no rule closes it.

    Only where every row of the table prints the same field labels in its first column
    ("Reported: Occurred: Incident: Summary:" beside each incident of a crime log, a record
    block a row) and the lines right under its last rule, spaced as a row's lines are
    spaced, hold those labels word for word in that column, the last followed only by the
    lines its field wraps to: the page's last record, whose closing rule the page leaves
    out. Else ``grid``: lines under a table (notes, a source) are never taken into it."""
    label = grid.rows[0][0] if grid.rows else ""
    if not label or len(grid.rows) < 2 or any(row[0] != label for row in grid.rows):
        return grid, ys
    inside = [w for w in words if x0 <= w.xmid <= x1]
    rows = [w for w in inside if ys[0] <= w.ymid <= ys[-1]]
    bands = _band_lines(rows, grid.row_boxes, em)
    gaps = [b.top - a.bottom for lines in bands for a, b in pairwise(lines)]
    if not gaps:
        return grid, ys
    widest = max(gaps)
    # Its first line as far under the rule as the rows' first lines are under theirs.
    offset = max(
        lines[0].top - box[1] for box, lines in zip(grid.row_boxes, bands, strict=True) if lines
    )
    tallest = max(b[3] - b[1] for b in grid.row_boxes)
    gutter = grid.bounds[1]
    heads: list[str] = []
    taken: list[TextLine] = []
    for line in text_lines([w for w in inside if w.ymid > ys[-1]], em):
        gap = line.top - (taken[-1].bottom if taken else ys[-1])
        if gap > (widest if taken else offset) + DOUBLE_RULE_TOLERANCE:
            break
        head = [w.text for w in line.words if w.xmid < gutter]
        if head and " ".join(heads) == label:
            break  # the labels of another record: not this one's
        heads.extend(head)
        if not label.startswith(" ".join(heads)):
            return grid, ys
        taken.append(line)
    if not heads:
        return grid, ys
    if " ".join(heads) == label and taken[-1].bottom - ys[-1] <= tallest:
        band = [w for line in taken for w in line.words]
        grown_ys = [*ys, taken[-1].bottom]
        # Split at the table's gutters: a long last line may run across one (its words go
        # to their column, as the rows' do).
        grown = _grid(rows + band, x0, x1, grown_ys, em, grid.gutters)
        if (
            grown is not None
            and grown.rows[:-1] == grid.rows
            and len(grown.rows) == len(grid.rows) + 1
            and grown.rows[-1][0] == label
        ):
            return grown, grown_ys
    # Some of the labels only (the record goes on over the page), or not read as one row.
    _name_lines(grid, taken, "under the table's last rule")
    return grid, ys


def find_row_ruled_tables(
    edges: list[dict[str, Any]], words: list[Word], width: float, em: float
) -> list[RowRuledGrid]:
    """Tables ruled between rows only, among ``words`` (those outside ruled grids)."""
    found: list[RowRuledGrid] = []
    for stack in _stacks(edges, width):
        ys = _rule_ys(stack)
        if len(ys) < MIN_ROW_RULES:
            continue
        x0 = min(r[1] for r in stack)
        x1 = max(r[2] for r in stack)
        if _has_column_rulings(edges, x0, x1, ys):
            continue
        inside = [w for w in words if x0 <= w.xmid <= x1 and ys[0] <= w.ymid <= ys[-1]]
        grid = _grid(inside, x0, x1, ys, em) if inside else None
        # A plain band at either end has no shaded band beyond it to close it.
        if grid is not None and _shading_side(edges, ys[-1], x0, x1, "bottom"):
            grid, ys = _open_band(grid, words, x0, x1, ys, em, below=True)
        elif grid is not None:
            grid, ys = _labelled_band(grid, words, x0, x1, ys, em)
        if grid is not None and _shading_side(edges, ys[0], x0, x1, "top"):
            grid, ys = _open_band(grid, words, x0, x1, ys, em, below=False)
        if grid is not None:
            found.append(grid)
    return found
