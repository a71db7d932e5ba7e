"""Rules drawn as rows of dots (tiny filled squares or circles, one shape a dot): each
evenly spaced row of them is read as one ruling, so a grid ruled with dotted lines is a
ruled table like any other."""

from __future__ import annotations

from typing import Any

from parsers.generic.model import BBox
from parsers.generic.page_objects import box

#: Dots whose centres are this close (points) across the rule are on the same rule...
SAME_LINE_TOLERANCE = 0.6
#: ...and this close along it (centre to centre) belong to the same rule.
MAX_DOT_STEP = 6.0
#: A rule needs this many dots and this length (points).
MIN_DOTS = 6
MIN_RULE_LENGTH = 15.0


def _runs(dots: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float]]:
    """(cross position, start, end) of each row of dots; ``dots`` are (cross, along, start,
    end) of each dot, the cross position first."""
    rules: list[tuple[float, float, float]] = []
    dots.sort()
    line: list[tuple[float, float, float, float]] = []

    def close_line() -> None:
        line.sort(key=lambda d: d[1])
        run: list[tuple[float, float, float, float]] = []
        for d in [*line, None]:
            if d is not None and run and d[1] - run[-1][1] <= MAX_DOT_STEP:
                run.append(d)
                continue
            if len(run) >= MIN_DOTS and run[-1][3] - run[0][2] >= MIN_RULE_LENGTH:
                cross = sum(r[0] for r in run) / len(run)
                rules.append((cross, run[0][2], run[-1][3]))
            run = [d] if d is not None else []

    for d in dots:
        if line and d[0] - line[0][0] > SAME_LINE_TOLERANCE:
            close_line()
            line = []
        line.append(d)
    if line:
        close_line()
    return rules


def dotted_rule_edges(specks: list[BBox]) -> list[dict[str, Any]]:
    """Ruling edges (pdfplumber-style dicts) for the dotted rules among ``specks``."""
    if len(specks) < MIN_DOTS:
        return []
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b) for b in specks]
    edges: list[dict[str, Any]] = []
    for y, x0, x1 in _runs([(cy, cx, b[0], b[2]) for cx, cy, b in centres]):
        edges.append(box(x0, y, x1, y, orientation="h", object_type="line"))
    for x, top, bottom in _runs([(cx, cy, b[1], b[3]) for cx, cy, b in centres]):
        edges.append(box(x, top, x, bottom, orientation="v", object_type="line"))
    return edges
