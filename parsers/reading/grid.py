"""pdfplumber's lattice steps (rulings merged -> crossing points -> cells -> tables), same
results, found faster.

Merging the rulings (``merge_edges``: snapped to their clusters' averages, then joined
along each line) makes the same edge dicts as pdfplumber's ``move_object`` and
``resize_object``, each a copy with the same keys in the same order, without their tuple of
items per edge.

pdfplumber tests every vertical ruling against every horizontal one for crossings, and
for each crossing point scans all the later points and rebuilds the sets of rulings through
two points each time it asks whether a ruling joins them: a ruled page of a few hundred
crossings spends more time there than in its table's text. Here the horizontal rulings are
sorted once so each vertical one looks only at those near its own height (then pdfplumber's
own four comparisons decide), the points are indexed by column and by row, and the sets of
rulings through a point are made once. The crossing points, their rulings (in the same
order), the cells and the tables are pdfplumber's; ``tests/parsers/reading/test_grid.py``
compares the two on every page of the fixtures.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import cached_property
from operator import itemgetter
from types import FunctionType
from typing import Any

from pdfplumber import table as plumber_table
from pdfplumber.table import Table, TableFinder, TableSettings
from pdfplumber.table import cells_to_tables as plumber_cells_to_tables

from parsers.reading.words import _clusters

BBox = tuple[float, float, float, float]
Point = tuple[float, float]

#: How much wider than the tolerance the sorted search looks: only a narrowing, the exact
#: comparisons are pdfplumber's (a float sum on either side of an inequality can round
#: differently from the same sum moved to the other side).
_MARGIN = 1.0


def edges_to_intersections(
    edges: list[dict[str, Any]], x_tolerance: float = 1, y_tolerance: float = 1
) -> dict[Point, dict[str, list[dict[str, Any]]]]:
    """``pdfplumber.table.edges_to_intersections``: the same points, with the same rulings
    in the same order."""
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    h_tops = [h["top"] for h in h_edges]
    intersections: dict[Point, dict[str, list[dict[str, Any]]]] = {}
    for v in v_edges:
        v_x0, v_top, v_bottom = v["x0"], v["top"], v["bottom"]
        start = bisect_left(h_tops, v_top - y_tolerance - _MARGIN)
        end = bisect_right(h_tops, v_bottom + y_tolerance + _MARGIN)
        for h in h_edges[start:end]:
            h_top = h["top"]
            if (
                (v_top <= (h_top + y_tolerance))
                and (v_bottom >= (h_top - y_tolerance))
                and (v_x0 >= (h["x0"] - x_tolerance))
                and (v_x0 <= (h["x1"] + x_tolerance))
            ):
                vertex = (v_x0, h_top)
                entry = intersections.get(vertex)
                if entry is None:
                    entry = intersections[vertex] = {"v": [], "h": []}
                entry["v"].append(v)
                entry["h"].append(h)
    return intersections


def intersections_to_cells(
    intersections: dict[Point, dict[str, list[dict[str, Any]]]],
) -> list[BBox]:
    """``pdfplumber.table.intersections_to_cells``: for each point in sorted order, the
    smallest cell it is the top left corner of, found by the same search."""
    points = sorted(intersections)
    boxes: dict[int, BBox] = {}  # each ruling's box, made once (it passes many points)

    def box_set(rulings: list[dict[str, Any]]) -> set[BBox]:
        found = set()
        for e in rulings:
            box = boxes.get(id(e))
            if box is None:
                box = boxes[id(e)] = (e["x0"], e["top"], e["x1"], e["bottom"])
            found.add(box)
        return found

    v_sets = {p: box_set(intersections[p]["v"]) for p in points}
    h_sets = {p: box_set(intersections[p]["h"]) for p in points}

    # Points after each one in sorted order that share its x (so lie below it) or its y
    # (so lie to its right), in sorted order: the lists pdfplumber filters out of the rest.
    column: dict[float, list[Point]] = defaultdict(list)
    row: dict[float, list[Point]] = defaultdict(list)
    for p in points:
        column[p[0]].append(p)
        row[p[1]].append(p)
    place_in_column = {p: i for same_x in column.values() for i, p in enumerate(same_x)}
    place_in_row = {p: i for same_y in row.values() for i, p in enumerate(same_y)}

    # pdfplumber's ``edge_connects(p1, p2)`` for two points on one column (a ruling through
    # both among their vertical ones) or on one row (among their horizontal ones): every
    # pair tested below shares its x or its y, never both (points are distinct).
    cells: list[BBox] = []
    for pt in points:
        h_set = h_sets[pt]
        right = [r for r in row[pt[1]][place_in_row[pt] + 1 :] if not h_set.isdisjoint(h_sets[r])]
        if not right:
            continue
        v_set = v_sets[pt]
        for below_pt in column[pt[0]][place_in_column[pt] + 1 :]:
            if v_set.isdisjoint(v_sets[below_pt]):
                continue
            below_h = h_sets[below_pt]
            found = None
            for right_pt in right:
                bottom_right = (right_pt[0], below_pt[1])
                corner_v = v_sets.get(bottom_right)
                if (
                    corner_v is not None
                    and not corner_v.isdisjoint(v_sets[right_pt])
                    and not h_sets[bottom_right].isdisjoint(below_h)
                ):
                    found = (pt[0], pt[1], bottom_right[0], bottom_right[1])
                    break
            if found is not None:
                cells.append(found)
                break
    return cells


def _snapped(
    edges: list[dict[str, Any]], attr: str, tolerance: float, moved: tuple[str, ...]
) -> list[dict[str, Any]]:
    """``pdfplumber.utils.snap_objects(edges, attr, tolerance)``: edges within the
    tolerance of each other (pdfplumber's clusters, in its order) moved to their average
    position: each a copy with ``moved`` shifted by the same difference (and, for a
    vertical shift, ``y0``/``y1`` the other way), as pdfplumber's ``move_object`` makes
    it (same keys in the same order, same sums), without its tuple of items per edge."""
    if not edges:
        return []
    clusters = _clusters(edges, attr, tolerance)
    out: list[dict[str, Any]] = []
    for cluster in clusters:
        avg = sum([e[attr] for e in cluster]) / len(cluster)
        for e in cluster:
            value = avg - e[attr]
            copy = dict(e)
            for key in moved:
                if key in copy:
                    copy[key] = copy[key] + value
            if attr == "top" and "y0" in copy:
                copy["y0"] = copy["y0"] - value
                copy["y1"] = copy["y1"] - value
            out.append(copy)
    return out


def _joined(
    edges: list[dict[str, Any]], orientation: str, tolerance: float
) -> list[dict[str, Any]]:
    """``pdfplumber.table.join_edge_group``: edges along one line joined where they touch
    (within the tolerance), the extended edge a copy as ``resize_object`` makes it."""
    if orientation == "h":
        low, high = "x0", "x1"
    else:
        low, high = "top", "bottom"
    ordered = sorted(edges, key=itemgetter(low))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[low] <= (last[high] + tolerance):
            if e[high] > last[high]:
                value = e[high]
                copy = dict(last)
                copy[high] = value
                if orientation == "h":
                    copy["width"] = value - last["x0"]
                else:
                    diff = value - last["bottom"]
                    copy["height"] = last["height"] + diff
                    if "y0" in last:
                        copy["y0"] = last["y0"] - diff
                joined[-1] = copy
        else:
            joined.append(e)
    return joined


def merge_edges(
    edges: list[dict[str, Any]],
    snap_x_tolerance: float,
    snap_y_tolerance: float,
    join_x_tolerance: float,
    join_y_tolerance: float,
) -> list[dict[str, Any]]:
    """``pdfplumber.table.merge_edges``: the same edges (snapped, then joined along each
    line), in the same order."""
    if snap_x_tolerance > 0 or snap_y_tolerance > 0:
        vertical = [e for e in edges if e["orientation"] == "v"]
        horizontal = [e for e in edges if e["orientation"] == "h"]
        edges = _snapped(vertical, "x0", snap_x_tolerance, ("x0", "x1")) + _snapped(
            horizontal, "top", snap_y_tolerance, ("top", "bottom", "doctop")
        )
    groups: dict[tuple[str, float], list[dict[str, Any]]] = {}
    for e in edges:
        key = ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])
        group = groups.get(key)
        if group is None:
            groups[key] = [e]
        else:
            group.append(e)
    out: list[dict[str, Any]] = []
    for key in sorted(groups):
        tolerance = join_x_tolerance if key[0] == "h" else join_y_tolerance
        out += _joined(groups[key], key[0], tolerance)
    return out


#: pdfplumber's ``TableFinder.get_edges``, run with ``merge_edges`` above in place of its
#: own (the same function, its module's names but that one: pdfplumber's module is left
#: as it is, for the tests' oracle and any other caller).
_get_edges = FunctionType(
    TableFinder.get_edges.__code__,
    {**vars(plumber_table), "merge_edges": merge_edges},
    "get_edges",
    TableFinder.get_edges.__defaults__,
    TableFinder.get_edges.__closure__,
)


def cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """``pdfplumber.table.cells_to_tables``: the same tables of the same cells in the same
    order. pdfplumber removes each cell it places from the list of those left by value (a
    scan of the list per cell); here each pass keeps the cells it leaves in order, which
    is the same list when no two cells are equal (one cell per crossing point, so never
    from ``intersections_to_cells``; pdfplumber's own function is run otherwise)."""
    if len(set(cells)) != len(cells):
        return plumber_cells_to_tables(cells)
    remaining = list(cells)
    tables: list[list[BBox]] = []
    corners: set[Point] = set()
    current: list[BBox] = []
    while remaining:
        placed = len(current)
        left: list[BBox] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            # The first cell of a table, or one touching it on a corner.
            if not current or not corners.isdisjoint(cell_corners):
                corners.update(cell_corners)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == placed:  # the pass added no cell: the table is whole
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]


class _Table(Table):
    """pdfplumber's ``Table``, its box and rows made once: a template reads the rows for
    the cells' text, again for the rows' boxes (and the DDOR for its first column), and
    pdfplumber's properties make them anew each time from the cells, which no step
    changes."""

    @cached_property
    def bbox(self) -> BBox:
        return super().bbox

    @cached_property
    def rows(self) -> list[Any]:
        return super().rows


class _TableFinder(TableFinder):
    """pdfplumber's ``TableFinder`` with the edge merging, crossing and cell steps above."""

    get_edges = _get_edges

    def __init__(self, page: Any, settings: Any = None) -> None:
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges,
            self.settings.intersection_x_tolerance,
            self.settings.intersection_y_tolerance,
        )
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [_Table(self.page, group) for group in cells_to_tables(self.cells)]


def find_tables(page: Any, settings: Any = None) -> list[Any]:
    """``page.find_tables(settings)``: the same tables."""
    return list(_TableFinder(page, settings).tables)
