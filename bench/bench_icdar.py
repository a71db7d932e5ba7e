"""Score ``records extract`` (the generic extractor) on the ICDAR-2013 table competition's
development half, beside camelot (stream, lattice, hybrid) and pdfplumber, with the
competition's structure measure, and report the failure shapes.

Ground truth: ``shared/fixtures/icdar2013-dev/NAME-str.xml`` (see its README). Each table's
cells are laid in a grid at their start row and column (a cell spanning several columns or
rows keeps its text once, in its first slot, as the competition's ground truth keeps it one
cell); a table printed in several regions counts the relations of every region. A document
with a second reading (``NAMEa-str.xml`` / ``NAMEb-str.xml``) is scored against the better.

Measure (``bench/adjacency.py``): each ground-truth table is matched with the tool's table
that overlaps one of its regions and shares most adjacency relations with it; precision,
recall and F1 per document (macro: mean of the documents' F1) and over every relation
(micro). Every tool reads whole documents (a table found elsewhere costs nothing here; a
table joined over pages brings its other pages' relations with it).

Failure shapes, per ground-truth table against its matched table (cells compared by
normalised text):
- missed: no table shares a relation with it; merged: its table is also another's best;
  split: a second table holds a third or more of the relations the best one has;
- span: a spanning ground-truth cell not found as one cell;
- col-split / row-split: a cell's text found cut over several cells of one row / column;
- col-merge / row-merge: a cell found joined with its neighbour right / below in one cell;
- wrong cell: a cell found whole but not in the row or column its row- and column-mates
  mostly went to; lost: a cell's text in no cell at all.

Run: ``.venv/bin/python bench/bench_icdar.py [--tools ours,pdfplumber,camelot-stream,...]
[--cache DIR] [--shapes] [--cells] [NAME...]`` (``--cells`` lists each misread cell).
camelot comes with the ``bench`` extra; its results (slow: lattice renders pages) are kept
in ``--cache`` when given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.adjacency import Relations, Score, normalise, relations

DEV = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "icdar2013-dev"

#: (x0, top, x1, bottom), pdfplumber coordinates (points, origin top-left).
Area = tuple[float, float, float, float]
#: One table a tool found: (page, area) of each piece, and its grid (header rows first).
Found = tuple[list[tuple[int, Area]], list[list[str]]]

TOOLS = ("ours", "pdfplumber", "camelot-stream", "camelot-lattice", "camelot-hybrid")
SHAPES = (
    "missed",
    "merged",
    "split",
    "span",
    "col-split",
    "row-split",
    "col-merge",
    "row-merge",
    "wrong cell",
    "lost",
)


@dataclass
class Cell:
    row: int
    col: int
    text: str
    end_row: int
    end_col: int


@dataclass
class TruthTable:
    regions: list[tuple[int, Area]]
    #: One grid per region (rows x columns, "" where no cell starts).
    grids: list[list[list[str]]]
    cells: list[list[Cell]]

    @property
    def relations(self) -> Relations:
        out: Relations = Counter()
        for grid in self.grids:
            out.update(relations(grid))
        return out


@dataclass
class Doc:
    name: str
    pdf: Path
    #: One list of tables per reading (two when the document has an "a/b" alternative).
    readings: list[list[TruthTable]] = field(default_factory=list)


def _page_heights(pdf: Path) -> dict[int, float]:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return {i: float(p.height) for i, p in enumerate(doc.pages, 1)}


def read_truth(xml: Path, heights: dict[int, float]) -> list[TruthTable]:
    tables = []
    for table in ET.parse(xml).getroot().iter("table"):
        regions, grids, all_cells = [], [], []
        for region in table.iter("region"):
            page = int(region.get("page", "1"))
            cells = []
            x0 = y0 = float("inf")
            x1 = y1 = float("-inf")
            for c in region.iter("cell"):
                row, col = int(c.get("start-row", "0")), int(c.get("start-col", "0"))
                text = " ".join((c.findtext("content") or "").split())
                cells.append(
                    Cell(
                        row,
                        col,
                        text,
                        int(c.get("end-row", row)),
                        int(c.get("end-col", col)),
                    )
                )
                box = c.find("bounding-box")
                if box is not None:
                    x0 = min(x0, float(box.get("x1", "0")))
                    x1 = max(x1, float(box.get("x2", "0")))
                    y0 = min(y0, float(box.get("y1", "0")))
                    y1 = max(y1, float(box.get("y2", "0")))
            if not cells:
                continue
            height = heights.get(page, 792.0)
            regions.append((page, (x0, height - y1, x1, height - y0)))
            n_rows = max(c.row for c in cells) + 1
            n_cols = max(c.col for c in cells) + 1
            grid = [[""] * n_cols for _ in range(n_rows)]
            for c in cells:
                grid[c.row][c.col] = c.text
            grids.append(grid)
            all_cells.append(cells)
        if regions:
            tables.append(TruthTable(regions, grids, all_cells))
    return tables


def documents(only: list[str]) -> list[Doc]:
    docs = []
    for pdf in sorted(DEV.glob("*.pdf")):
        name = pdf.stem
        if only and not any(o in name for o in only):
            continue
        heights = _page_heights(pdf)
        stem = name[:-1] if name.endswith("a") else name
        xmls = [DEV / f"{name}-str.xml"]
        if name.endswith("a") and (DEV / f"{stem}b-str.xml").exists():
            xmls.append(DEV / f"{stem}b-str.xml")
        docs.append(Doc(name, pdf, [read_truth(x, heights) for x in xmls]))
    return docs


# --- the tools -------------------------------------------------------------------------


def run_ours(pdf: Path) -> list[Found]:
    from parsers.generic import extract_tables

    return [
        ([(p.page, p.bbox) for p in t.pieces], t.grid()) for t in extract_tables(pdf, workers=1)
    ]


def run_pdfplumber(pdf: Path) -> list[Found]:
    import pdfplumber

    found: list[Found] = []
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages, 1):
            for table in page.find_tables():
                grid = [[c or "" for c in row] for row in table.extract()]
                found.append(([(n, table.bbox)], grid))
    return found


def _camelot(flavor: str) -> Callable[[Path], list[Found]]:
    def run(pdf: Path) -> list[Found]:
        import camelot

        heights = _page_heights(pdf)
        found: list[Found] = []
        for table in camelot.read_pdf(str(pdf), pages="all", flavor=flavor):
            page = int(table.page)
            x1, y1, x2, y2 = table._bbox
            area = (x1, heights[page] - y2, x2, heights[page] - y1)
            found.append(([(page, area)], table.df.astype(str).values.tolist()))
        return found

    return run


RUNNERS: dict[str, Callable[[Path], list[Found]]] = {
    "ours": run_ours,
    "pdfplumber": run_pdfplumber,
    "camelot-stream": _camelot("stream"),
    "camelot-lattice": _camelot("lattice"),
    "camelot-hybrid": _camelot("hybrid"),
}


def run_tool(tool: str, doc: Doc, cache: Path | None) -> tuple[list[Found], float]:
    """The tool's tables for the whole document and the seconds it took (from the cache
    for camelot when one is given)."""
    saved = cache / f"{tool}-{doc.name}.json" if cache and tool.startswith("camelot") else None
    if saved and saved.exists():
        data = json.loads(saved.read_text())
        found = [([(p, tuple(a)) for p, a in pieces], grid) for pieces, grid in data["found"]]
        return found, data["seconds"]  # type: ignore[return-value]
    start = time.perf_counter()
    try:
        found = RUNNERS[tool](doc.pdf)
    except Exception as exc:  # a tool failing on a document scores nothing there
        print(f"  {tool} failed on {doc.name}: {exc!r}", file=sys.stderr)
        found = []
    seconds = time.perf_counter() - start
    if saved:
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps({"found": found, "seconds": seconds}))
    return found, seconds


# --- scoring ---------------------------------------------------------------------------


def _overlap(a: Area, b: Area) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def candidates(truth: TruthTable, found: list[Found]) -> list[int]:
    """Indexes of the found tables overlapping one of the truth's regions, most first."""
    ranked = []
    for i, (pieces, _) in enumerate(found):
        overlap = sum(
            _overlap(area, box) for page, area in truth.regions for p, box in pieces if p == page
        )
        if overlap > 0:
            ranked.append((overlap, i))
    ranked.sort(key=lambda r: -r[0])
    return [i for _, i in ranked]


@dataclass
class TableResult:
    score: Score
    best: int | None
    #: Relations shared with each candidate table, by its index.
    shared: dict[int, int]


def score_table(truth: TruthTable, found: list[Found]) -> TableResult:
    expected = truth.relations
    total = sum(expected.values())
    idx = candidates(truth, found)
    if not idx:
        return TableResult(Score(0, total, 0), None, {})
    shared = {i: sum((expected & relations(found[i][1])).values()) for i in idx}
    best = idx[0]
    for i in idx:
        if shared[i] > shared[best]:
            best = i
    return TableResult(
        Score(shared[best], total, sum(relations(found[best][1]).values())), best, shared
    )


def score_reading(tables: list[TruthTable], found: list[Found]) -> tuple[Score, list[TableResult]]:
    total = Score()
    results = []
    for truth in tables:
        result = score_table(truth, found)
        total.add(result.score)
        results.append(result)
    return total, results


def score_doc(doc: Doc, found: list[Found]) -> tuple[Score, list[TruthTable], list[TableResult]]:
    """The better reading's score (by F1), its tables and their results."""
    scored = [(*score_reading(tables, found), tables) for tables in doc.readings]
    score, results, tables = max(scored, key=lambda s: s[0].f1)  # first of equals
    return score, tables, results


# --- failure shapes --------------------------------------------------------------------


def shapes(
    tables: list[TruthTable],
    results: list[TableResult],
    found: list[Found],
    log: list[str] | None = None,
) -> Counter[str]:
    out: Counter[str] = Counter()
    best_of = Counter(r.best for r in results if r.best is not None and r.score.correct)
    for truth, result in zip(tables, results, strict=True):
        if result.best is None or not result.score.correct:
            out["missed"] += 1
            continue
        if best_of[result.best] > 1:
            out["merged"] += 1
        top = result.shared[result.best]
        if any(i != result.best and 3 * n >= top > 0 for i, n in result.shared.items()):
            out["split"] += 1
        out.update(cell_shapes(truth, found[result.best][1], log))
    return out


def cell_shapes(
    truth: TruthTable, grid: list[list[str]], log: list[str] | None = None
) -> Counter[str]:
    out: Counter[str] = Counter()

    def count(shape: str, text: str) -> None:
        out[shape] += 1
        if log is not None:
            log.append(f"{shape}: {text!r}")

    where: dict[str, list[tuple[int, int]]] = {}
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            t = normalise(text)
            if t:
                where.setdefault(t, []).append((r, c))
    texts = list(where)
    grid_n = [[normalise(text) for text in row] for row in grid]
    for cells in truth.cells:
        at = {(c.row, c.col): normalise(c.text) for c in cells}
        placed: dict[tuple[int, int], tuple[int, int]] = {}
        for cell in cells:
            t = normalise(cell.text)
            if not t:
                continue
            spanning = cell.end_col > cell.col or cell.end_row > cell.row
            if t in where:
                if len(where[t]) == 1:
                    placed[(cell.row, cell.col)] = where[t][0]
                continue
            if spanning and cell.end_col > cell.col:
                count("span", cell.text)
                continue
            split = _split(t, grid_n)
            if split:
                count(split, cell.text)
                continue
            holders = [s for s in texts if t in s]
            if holders:
                holder = holders[0]
                right = _neighbour(at, cell.row, cell.col, 0, 1)
                below = _neighbour(at, cell.row, cell.col, 1, 0)
                if right and right in holder:
                    count("col-merge", cell.text)
                elif below and below in holder:
                    count("row-merge", cell.text)
                else:
                    count("wrong cell", cell.text)
                continue
            count("span" if spanning else "lost", cell.text)
        misplaced = _misplaced(placed)
        if misplaced:
            out["wrong cell"] += misplaced
    return out


def _split(text: str, grid: list[list[str]]) -> str:
    """ "col-split" when ``text`` is the cells of a run along one row of ``grid`` joined,
    "row-split" along one column; "" when neither."""
    for r, row in enumerate(grid):
        for c, start in enumerate(row):
            if not start or start == text or not text.startswith(start):
                continue
            for shape, dr, dc in (("col-split", 0, 1), ("row-split", 1, 0)):
                joined, rr, cc = start, r + dr, c + dc
                while rr < len(grid) and cc < len(grid[rr]) and text.startswith(joined):
                    part = grid[rr][cc]
                    if part:
                        joined += part
                        if joined == text:
                            return shape
                    rr, cc = rr + dr, cc + dc
    return ""


def _neighbour(at: dict[tuple[int, int], str], row: int, col: int, dr: int, dc: int) -> str:
    """The nearest non-empty truth cell right of (dc=1) or below (dr=1) a cell."""
    last = max(k[1] if dc else k[0] for k in at)
    for step in range(1, last + 1):
        text = at.get((row + dr * step, col + dc * step))
        if text:
            return text
    return ""


def _misplaced(placed: dict[tuple[int, int], tuple[int, int]]) -> int:
    """Cells found whole whose found row (column) is not the one most cells of their
    truth row (column) went to."""
    rows: dict[int, Counter[int]] = {}
    cols: dict[int, Counter[int]] = {}
    for (tr, tc), (fr, fc) in placed.items():
        rows.setdefault(tr, Counter())[fr] += 1
        cols.setdefault(tc, Counter())[fc] += 1
    wrong = 0
    for (tr, tc), (fr, fc) in placed.items():
        if rows[tr].most_common(1)[0][0] != fr or cols[tc].most_common(1)[0][0] != fc:
            wrong += 1
    return wrong


# --- report ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="ours,pdfplumber", help=f"of {', '.join(TOOLS)}")
    parser.add_argument("--cache", type=Path, help="keep camelot's results in this folder")
    parser.add_argument("--shapes", action="store_true", help="failure shapes per document")
    parser.add_argument("--cells", action="store_true", help="list each misread cell")
    parser.add_argument("only", nargs="*", help="only documents whose name contains this")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    tools = [t for t in args.tools.split(",") if t]
    unknown = [t for t in tools if t not in RUNNERS]
    if unknown:
        parser.error(f"unknown tool {unknown[0]}; known: {', '.join(TOOLS)}")
    docs = documents(args.only)
    micro = {t: Score() for t in tools}
    macro: dict[str, list[float]] = {t: [] for t in tools}
    seconds = dict.fromkeys(tools, 0.0)
    shape_totals = {t: Counter[str]() for t in tools}
    print(f"{'document':10} {'tables':>6} " + " ".join(f"{t:>16}" for t in tools))
    for doc in docs:
        cols = []
        doc_shapes = {}
        for tool in tools:
            found, took = run_tool(tool, doc, args.cache)
            score, tables, results = score_doc(doc, found)
            micro[tool].add(score)
            macro[tool].append(score.f1)
            seconds[tool] += took
            log: list[str] | None = [] if args.cells else None
            doc_shapes[tool] = shapes(tables, results, found, log)
            for line in log or []:
                print(f"    {tool} {doc.name} {line}")
            shape_totals[tool].update(doc_shapes[tool])
            cols.append(f"{score.precision:.2f}/{score.recall:.2f}/{score.f1:.2f}")
        n_tables = len(doc.readings[0])
        print(f"{doc.name:10} {n_tables:6} " + " ".join(f"{c:>16}" for c in cols))
        if args.shapes:
            for tool in tools:
                listed = ", ".join(f"{k} {v}" for k, v in sorted(doc_shapes[tool].items()))
                print(f"{'':18}{tool}: {listed or '-'}")
    print()
    print(f"{len(docs)} documents; P/R/F1 above per document")
    print(f"{'tool':16} {'micro P':>7} {'R':>6} {'F1':>6} {'macro F1':>8} {'seconds':>8}")
    for tool in tools:
        s = micro[tool]
        m = sum(macro[tool]) / len(macro[tool]) if macro[tool] else 0.0
        print(
            f"{tool:16} {s.precision:7.3f} {s.recall:6.3f} {s.f1:6.3f} {m:8.3f}"
            f" {seconds[tool]:8.1f}"
        )
    print()
    print("failure shapes (tables: missed, merged, split; cells: the rest)")
    print(f"{'shape':12} " + " ".join(f"{t:>16}" for t in tools))
    for shape in SHAPES:
        print(f"{shape:12} " + " ".join(f"{shape_totals[t][shape]:16}" for t in tools))


if __name__ == "__main__":
    main()
