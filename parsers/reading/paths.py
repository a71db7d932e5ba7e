"""A painted path straight to pdfplumber's dict of it, without pdfminer's object in between.

pdfminer's ``paint_path`` makes an ``LTLine``, ``LTRect`` or ``LTCurve`` of each subpath
(points through the current matrix, its bounding box, the original path kept), and
pdfplumber's ``process_object`` then makes a dict of it (every attribute resolved, the
points flipped to page coordinates): two objects and a dozen lists and tuples per line of a
ruled table, most of a ruled page's reading after its characters. ``path_dicts`` makes the
dict directly with the same arithmetic (the same operations in the same order, so the same
floats) and the same keys in the same order; ``tests/parsers/reading/test_document.py``
compares every object of every fixture page with pdfplumber's own reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pdfminer.utils import INF

_SUBPATH = re.compile(r"m[^m]+")
_LINE_SHAPES = frozenset({"mlh", "ml"})
_FOUR_SIDED = frozenset({"mlllh", "mllll"})


def path_dicts(
    paint: Callable[[list[Any]], None],
    plain: Callable[[Any], Any],
    ctm: tuple[float, ...],
    gstate: Any,
    stroke: bool,
    fill: bool,
    evenodd: bool,
    path: Sequence[Any],
    page: tuple[int, float, float, float, float],
) -> None:
    """pdfminer's ``PDFLayoutAnalyzer.paint_path`` and pdfplumber's ``process_object`` of
    what it makes: each subpath's dict, in order, to ``paint`` (which adds it and tags it,
    as pdfplumber's device does after each ``paint_path``). ``page`` is (page number,
    height, media box x0, media box top, initial doctop); ``plain`` resolves a value as
    pdfplumber does."""
    shape = "".join([x[0] for x in path])
    if shape[:1] != "m":
        paint([])  # nothing made (pdfplumber tags the object made before)
        return
    if shape.count("m") > 1:
        # pdfminer paints each subpath by itself (through the device again, so each is
        # tagged, then the last one once more).
        for m in _SUBPATH.finditer(shape):
            subpath = path[m.start(0) : m.end(0)]
            path_dicts(paint, plain, ctm, gstate, stroke, fill, evenodd, subpath, page)
        paint([])
        return
    (a, b, c, d, e, f) = ctm
    page_number, height, mb_x0, mb_top, doctop = page
    flip = mb_top + height  # pdfplumber's point2coord: (mb_x0 + x, mb_top + height - y)
    first = path[0]
    pts = []
    # pdfminer's original path (each pair of operands through the matrix as floats), in
    # page coordinates
    page_path: list[Any] = []
    for p in path:
        op = p[0]
        if len(p) == 3 and type(p[1]) is float and type(p[2]) is float:
            # "m" or "l" (the interpreter made its operands floats): one point, the same
            # in both lists
            x, y = p[1], p[2]
            px, py = a * x + c * y + e, b * x + d * y + f
            pts.append((px, py))
            page_path.append((op, (mb_x0 + px, flip - py)))
            continue
        if op == "h":
            x, y = first[-2:]
            page_path.append((op,))
        else:
            x, y = p[-2:]
            operands = p[1:]
            page_path.append(
                (
                    str(op),
                    *[
                        (mb_x0 + (a * u + c * v + e), flip - (b * u + d * v + f))
                        for u, v in zip(
                            [float(o) for o in operands[0::2]],
                            [float(o) for o in operands[1::2]],
                            strict=False,
                        )
                    ],
                )
            )
        pts.append((a * x + c * y + e, b * x + d * y + f))
    # pdfminer drops a redundant "l" on a path closed with "h"
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in _LINE_SHAPES:
        kind = "line"
        pts = [pts[0], pts[1]]
    elif shape in _FOUR_SIDED:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        is_closed_loop = pts[0] == pts[4]
        has_square_coordinates = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if is_closed_loop and has_square_coordinates:
            kind = "rect"
            (rx0, ry0), (rx1, ry1) = pts[0], pts[2]
            pts = [(rx0, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1)]
        else:
            kind = "curve"
    else:
        kind = "curve"
    # pdfminer's get_bound: min and max, point by point, from INF (the same comparisons)
    x0 = y0 = INF
    x1 = y1 = -INF
    for x, y in pts:
        if x < x0:
            x0 = x
        if y < y0:
            y0 = y
        if x > x1:
            x1 = x
        if y > y1:
            y1 = y
    top = (height - y1) + mb_top
    attr = {
        "x0": x0 + mb_x0 if mb_x0 != 0 else x0,
        "y0": y0,
        "x1": x1 + mb_x0 if mb_x0 != 0 else x1,
        "y1": y1,
        "width": x1 - x0,
        "height": y1 - y0,
        "pts": [(mb_x0 + x, flip - y) for x, y in pts],
        "linewidth": plain(gstate.linewidth),
        "stroke": stroke,
        "fill": fill,
        "evenodd": evenodd,
        "stroking_color": plain(gstate.scolor),
        "non_stroking_color": plain(gstate.ncolor),
        "mcid": None,  # set by the tag that follows
        "tag": None,
        "object_type": kind,
        "page_number": page_number,
        "path": page_path,
        "dash": gstate.dash,
        "top": top,
        "bottom": (height - y0) + mb_top,
        "doctop": doctop + top,
    }
    paint([attr])
