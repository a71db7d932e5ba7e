"""Shading that draws no line: a filled rectangle painted inside another of the same colour
(a word processor shades a title bar, then each paragraph and line of text in it again),
or beside one, side to side (a cell's shading painted as three tiles: its left padding,
its text, its right padding; ``tiled_sides``). Their sides are edges to pdfplumber but
invisible on the page; taken as rulings they cut a title bar inside a table's frame into
cells of its own and add sliver columns to the grid (Colombia INS's weekly table read as
18 columns, a padding's width each, instead of 6).
"""

from __future__ import annotations

from typing import Any

#: A rectangle reaching this far (points) outside its container is still inside it
#: (paragraph shading set a fraction of a point taller than its cell's).
NESTED_TOLERANCE = 1.0
#: Shading is at least this wide and tall (points); a thinner filled rectangle is a rule
#: drawn beside a cell (within the tolerance of it), and a rule stays a rule.
MIN_SHADING_SIZE = 2.0
#: Coordinates of an edge and of the side of the rectangle it came from agree this closely.
SAME_SIDE = 0.01


def _colour(obj: dict[str, Any]) -> Any:
    colour = obj.get("non_stroking_color")
    return tuple(colour) if isinstance(colour, list) else colour


def _inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    tol = NESTED_TOLERANCE
    return bool(
        outer["x0"] - tol <= inner["x0"]
        and inner["x1"] <= outer["x1"] + tol
        and outer["top"] - tol <= inner["top"]
        and inner["bottom"] <= outer["bottom"] + tol
        and (outer["x1"] - outer["x0"]) * (outer["bottom"] - outer["top"])
        > (inner["x1"] - inner["x0"]) * (inner["bottom"] - inner["top"])
    )


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    tol = NESTED_TOLERANCE
    return bool(
        a["x0"] + tol < b["x1"]
        and b["x0"] + tol < a["x1"]
        and a["top"] + tol < b["bottom"]
        and b["top"] + tol < a["bottom"]
    )


def hidden_rects(rects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The filled, unstroked rectangles that lie inside a larger filled rectangle of the
    same colour with nothing of another colour painted between them over them: their
    sides do not show. ``rects`` in drawing order (pdfplumber's)."""
    filled = [
        (i, r)
        for i, r in enumerate(rects)
        if r.get("fill") and not r.get("stroke") and _colour(r) is not None
    ]
    shading = [
        (i, r)
        for i, r in filled
        if r["x1"] - r["x0"] >= MIN_SHADING_SIZE and r["bottom"] - r["top"] >= MIN_SHADING_SIZE
    ]
    by_colour: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    for i, r in filled:
        by_colour.setdefault(_colour(r), []).append((i, r))
    hidden = []
    for i, inner in shading:
        colour = _colour(inner)
        for j, outer in by_colour[colour]:
            if j == i or not _inside(inner, outer):
                continue
            lo, hi = min(i, j), max(i, j)
            if any(
                _colour(other) != colour and _overlaps(other, inner)
                for k, other in filled
                if lo < k < hi
            ):
                continue
            hidden.append(inner)
            break
    return hidden


def _grid(value: float) -> int:
    return round(value / SAME_SIDE)


#: A tile this narrow (points) holds no text: a cell's padding, painted apart from the tile
#: under the cell's text. Wider tiles side by side are cells of their own, and the sides
#: they share are the only columns' edges of a table drawn without rules (Brazil's
#: microcephaly tables): those stay.
MAX_PADDING_WIDTH = 5.0


def tiled_sides(rects: list[dict[str, Any]]) -> set[tuple[str, int, int, int]]:
    """The sides a cell's padding tile shares with the tile beside it (``MAX_PADDING_WIDTH``):
    two filled, unstroked rectangles of the same colour side to side over the whole height
    of the side, one of them a padding's width. As ("v", x, top, bottom), coordinates in
    ``SAME_SIDE`` steps. Such a side does not show."""
    shading = [
        r
        for r in rects
        if r.get("fill")
        and not r.get("stroke")
        and _colour(r) is not None
        and r["x1"] - r["x0"] >= MIN_SHADING_SIZE
        and r["bottom"] - r["top"] >= MIN_SHADING_SIZE
    ]
    #: (colour, left side, top, bottom) -> the narrowest tile there.
    lefts: dict[tuple[Any, int, int, int], float] = {}
    for r in shading:
        key = (_colour(r), _grid(r["x0"]), _grid(r["top"]), _grid(r["bottom"]))
        lefts[key] = min(lefts.get(key, r["x1"] - r["x0"]), r["x1"] - r["x0"])
    sides: set[tuple[str, int, int, int]] = set()
    for r in shading:
        colour, width = _colour(r), r["x1"] - r["x0"]
        x1, top, bottom = _grid(r["x1"]), _grid(r["top"]), _grid(r["bottom"])
        for d in (-1, 0, 1):
            beside = lefts.get((colour, x1 + d, top, bottom))
            if beside is not None and min(width, beside) <= MAX_PADDING_WIDTH:
                sides.add(("v", x1, top, bottom))
    return sides


def _tiled(edge: dict[str, Any], sides: set[tuple[str, int, int, int]]) -> bool:
    """Whether ``edge`` is one of ``sides`` (``tiled_sides``): the right side of one tile, or
    the left side of the next."""
    if edge["orientation"] != "v":
        return False
    x, top, bottom = _grid(edge["x0"]), _grid(edge["top"]), _grid(edge["bottom"])
    return any(("v", x + d, top, bottom) in sides for d in (-1, 0, 1))


def _on_side(edge: dict[str, Any], rect: dict[str, Any]) -> bool:
    def same(a: float, b: float) -> bool:
        return abs(a - b) <= SAME_SIDE

    if edge["orientation"] == "h":
        return (
            same(edge["x0"], rect["x0"])
            and same(edge["x1"], rect["x1"])
            and (same(edge["top"], rect["top"]) or same(edge["top"], rect["bottom"]))
        )
    return (
        same(edge["top"], rect["top"])
        and same(edge["bottom"], rect["bottom"])
        and (same(edge["x0"], rect["x0"]) or same(edge["x0"], rect["x1"]))
    )


def visible_edges(edges: list[dict[str, Any]], rects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``edges`` without the sides of hidden shading (``hidden_rects``) and the sides tiles
    of one shaded area share (``tiled_sides``)."""
    hidden = hidden_rects(rects)
    tiled = tiled_sides(rects)
    if not hidden and not tiled:
        return edges
    return [
        e
        for e in edges
        if e.get("object_type") != "rect_edge"
        or not (any(_on_side(e, r) for r in hidden) or (tiled and _tiled(e, tiled)))
    ]
