"""Aligned text that the drawing around it shows is not a table: a checkbox list, the
labels of a bar chart, the boxes of a flowchart.

Decisions (see bench/README.md, "Generic extraction"):
- A list whose items each start right after a drawn checkbox is a form's checklist: the
  boxes, not the columns, are its structure, and its only data are which boxes are ticked.
- Figures printed at the far ends of drawn bars (three or more, from one baseline) are the
  bars' values: the chart is a figure, however its labels line up.
- Text in several drawn boxes that are not lined up in rows (boxes joined by arrows) is a
  diagram; a table read across the boxes mixes unrelated labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from parsers.generic.model import BBox, Word
from parsers.generic.page_objects import Shape
from parsers.generic.rows import is_numeric, text_lines

#: A checkbox is a drawn square (sides within this share of each other)...
CHECKBOX_SQUARENESS = 0.25
#: ...between these many text heights a side...
CHECKBOX_MIN_EMS = 0.5
CHECKBOX_MAX_EMS = 2.0
#: ...at most this many text heights left of the item text it leads.
CHECKBOX_GAP_EMS = 2.0
#: In every column of a checklist, boxes lead at least this share of the text lines.
CHECKLIST_SHARE = 0.6
MIN_CHECKLIST_ITEMS = 3

#: Bars of a chart: at least this many shapes sharing one end (within BAR_BASE_TOLERANCE
#: points), of like thickness (within BAR_THICKNESS_SHARE) and at least BAR_MIN_EMS text
#: heights thick (thinner ones are rules), not all of one length, set apart from each
#: other (stacked cell backgrounds touch).
MIN_BARS = 3
BAR_MIN_EMS = 0.5
BAR_BASE_TOLERANCE = 1.5
BAR_THICKNESS_SHARE = 0.2
#: A bar's value is printed within this many text heights of the bar's far end.
BAR_LABEL_EMS = 2.0
#: A table is a chart's labels when at least this share of its figures are bar values.
BAR_LABEL_SHARE = 0.5

#: A text box of a diagram is at least this many text heights high and wide...
FRAME_MIN_HEIGHT_EMS = 1.5
FRAME_MIN_WIDTH_EMS = 3.0
#: ...a diagram has this many boxes with text at least, holding this share of the
#: table's words, and fewer than DIAGRAM_ALIGNED_SHARE of them share their top and bottom
#: (within FRAME_ALIGN_TOLERANCE points) with another box (a row of boxed cells).
MIN_DIAGRAM_FRAMES = 3
DIAGRAM_WORD_SHARE = 0.5
DIAGRAM_ALIGNED_SHARE = 0.5
FRAME_ALIGN_TOLERANCE = 2.0


def _is_checkbox(s: Shape, em: float) -> bool:
    side = max(s.width, s.height)
    return (
        s.stroked
        and abs(s.width - s.height) <= CHECKBOX_SQUARENESS * side
        and CHECKBOX_MIN_EMS * em <= side <= CHECKBOX_MAX_EMS * em
    )


def _led_by_box(w: Word, boxes: list[Shape], em: float) -> bool:
    return any(
        b.x1 <= w.x0 + 1
        and w.x0 - b.x1 <= CHECKBOX_GAP_EMS * em
        and b.top < w.bottom
        and w.top < b.bottom
        for b in boxes
    )


def is_checklist(
    words: list[Word], bounds: Sequence[float], shapes: list[Shape], em: float
) -> bool:
    """Every column of the table (``words`` cut at ``bounds``) holds items led by
    checkboxes on most of its text lines."""
    boxes = [s for s in shapes if _is_checkbox(s, em)]
    if len(boxes) < MIN_CHECKLIST_ITEMS or not words:
        return False
    inner = bounds[1:-1]
    lines_in: dict[int, int] = {}
    led_in: dict[int, int] = {}
    for line in text_lines(words, em):
        firsts: dict[int, Word] = {}
        for w in sorted(line.words, key=lambda w: w.x0):
            firsts.setdefault(sum(1 for b in inner if b < w.xmid), w)
        for col, w in firsts.items():
            lines_in[col] = lines_in.get(col, 0) + 1
            led_in[col] = led_in.get(col, 0) + _led_by_box(w, boxes, em)
    if sum(led_in.values()) < MIN_CHECKLIST_ITEMS:
        return False
    return all(led_in[c] >= CHECKLIST_SHARE * n for c, n in lines_in.items())


def _bar_measures(s: Shape, kind: str) -> tuple[float, float, float]:
    """(baseline, thickness, length) of a shape read as a horizontal or vertical bar."""
    if kind == "h":
        return s.x0, s.height, s.width
    return s.bottom, s.width, s.height


def _apart(bars: list[Shape], kind: str) -> bool:
    """No two bars touch or overlap across their thickness."""
    if kind == "h":
        spans = sorted((b.top, b.bottom) for b in bars)
    else:
        spans = sorted((b.x0, b.x1) for b in bars)
    return all(b[0] - a[1] > BAR_BASE_TOLERANCE for a, b in zip(spans, spans[1:], strict=False))


def _bar_groups(shapes: list[Shape], em: float) -> list[tuple[str, list[Shape]]]:
    """Sets of bars: ("h", bars sharing their left end) or ("v", bars sharing their
    bottom), each set at least MIN_BARS of like thickness and not all of one length."""
    groups: list[tuple[str, list[Shape]]] = []
    for kind in ("h", "v"):
        thick = [s for s in shapes if _bar_measures(s, kind)[1] >= BAR_MIN_EMS * em]
        ordered = sorted(thick, key=lambda s: _bar_measures(s, kind)[0])
        i = 0
        while i < len(ordered):
            base = _bar_measures(ordered[i], kind)[0]
            j = i
            while (
                j < len(ordered) and _bar_measures(ordered[j], kind)[0] - base <= BAR_BASE_TOLERANCE
            ):
                j += 1
            group, i = ordered[i:j], j
            typical = median(_bar_measures(s, kind)[1] for s in group)
            bars = [
                s
                for s in group
                if abs(_bar_measures(s, kind)[1] - typical) <= BAR_THICKNESS_SHARE * typical
            ]
            lengths = {round(_bar_measures(s, kind)[2]) for s in bars}
            if len(bars) >= MIN_BARS and len(lengths) > 1 and _apart(bars, kind):
                groups.append((kind, bars))
    return groups


def _is_bar_value(w: Word, kind: str, bars: list[Shape], reach: float) -> bool:
    if kind == "h":
        return any(b.top <= w.ymid <= b.bottom and abs(w.xmid - b.x1) <= reach for b in bars)
    return any(b.x0 <= w.xmid <= b.x1 and abs(w.ymid - b.top) <= reach for b in bars)


def is_bar_chart_labels(words: list[Word], shapes: list[Shape], em: float) -> bool:
    """Most figures among ``words`` sit at the far ends of a chart's bars."""
    figures = [w for w in words if is_numeric(w.text)]
    if len(figures) < 2:
        return False
    groups = _bar_groups(shapes, em)
    reach = BAR_LABEL_EMS * em
    values = sum(
        1 for w in figures if any(_is_bar_value(w, kind, bars, reach) for kind, bars in groups)
    )
    return values >= BAR_LABEL_SHARE * len(figures)


def _contains(s: Shape, box: BBox) -> bool:
    return s.x0 <= box[0] and s.top <= box[1] and s.x1 >= box[2] and s.bottom >= box[3]


def is_diagram(words: list[Word], bbox: BBox, shapes: list[Shape], em: float) -> bool:
    """The table's words lie in several drawn boxes that do not line up in rows: the text
    boxes of a flowchart. A box round the whole table is its frame, not one of them."""
    frames = [
        s
        for s in shapes
        if s.stroked
        and s.height >= FRAME_MIN_HEIGHT_EMS * em
        and s.width >= FRAME_MIN_WIDTH_EMS * em
        and not _contains(s, bbox)
    ]
    if len(frames) < MIN_DIAGRAM_FRAMES:
        return False
    holding: dict[int, Shape] = {}
    in_frames = 0
    for w in words:
        around = [s for s in frames if s.x0 <= w.xmid <= s.x1 and s.top <= w.ymid <= s.bottom]
        if around:
            smallest = min(around, key=lambda s: s.width * s.height)
            holding[id(smallest)] = smallest
            in_frames += 1
    used = list(holding.values())
    if len(used) < MIN_DIAGRAM_FRAMES or in_frames < DIAGRAM_WORD_SHARE * len(words):
        return False
    aligned = sum(
        1
        for s in used
        if any(
            o is not s
            and abs(o.top - s.top) <= FRAME_ALIGN_TOLERANCE
            and abs(o.bottom - s.bottom) <= FRAME_ALIGN_TOLERANCE
            for o in used
        )
    )
    return aligned < DIAGRAM_ALIGNED_SHARE * len(used)


def drawn_not_a_table(
    words: list[Word], bbox: BBox, bounds: Sequence[float], shapes: list[Shape], em: float
) -> bool:
    """Whether the drawing around a whitespace table's ``words`` shows it is none."""
    if not shapes:
        return False
    return (
        is_checklist(words, bounds, shapes, em)
        or is_bar_chart_labels(words, shapes, em)
        or is_diagram(words, bbox, shapes, em)
    )
