"""Score the generic table extractor against the fixtures' expected tables, next to
pdfplumber's default ``extract_tables()`` on the same pages.

Measure: ICDAR-2013 adjacency relations (see ``bench/adjacency.py``), micro-averaged over
documents; each expected table is matched with the extracted table on its page (inside the
expected area when the ground truth names one) that shares most relations with it.
Speed: pages per second over the scored pages, each document opened afresh per tool.

Run: ``.venv/bin/python bench/bench_generic.py [--speed] [--unseen]`` (``--speed`` adds a
timing of whole multi-page documents, sequential and with worker processes; ``--unseen``
lists what is found in documents without (complete) ground truth — prose, covers, tables of
contents, charts — so that false positives show up as a change in these counts).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.adjacency import Relations, Score, relations, score_table
from parsers.generic import ExtractedTable, extract_tables
from parsers.generic.completeness import words_inside, words_reaching_cells
from parsers.generic.model import Word
from parsers.reading.document import forget

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"

#: (x0, top, x1, bottom), pdfplumber coordinates.
Area = tuple[float, float, float, float]


@dataclass
class Expected:
    rows: list[list[str]]
    area: Area | None = None


@dataclass
class Doc:
    pdf: str
    pages: list[int]
    tables: list[Expected] = field(default_factory=list)
    note: str = ""


def _camelot(name: str, *data_vars: str, region: str | None = None) -> list[Expected]:
    """Expected tables of a camelot test, by the test's data variable name. ``region`` is a
    camelot "x1,y1,x2,y2" area in PDF points (origin bottom-left)."""
    doc = json.loads((REAL / "camelot" / "expected" / f"{name}.expected.json").read_text())
    by_var = {e["data_var"]: e["rows"] for t in doc["tests"] for e in t["expected"]}
    area = None
    if region:
        with pdfplumber.open(REAL / "camelot" / f"{name}.pdf") as pdf:
            height = float(pdf.pages[0].height)
        x1, y1, x2, y2 = (float(v) for v in region.split(","))
        area = (min(x1, x2), height - max(y1, y2), max(x1, x2), height - min(y1, y2))
    return [Expected(by_var[v], area) for v in data_vars]


def _tabula_csv(name: str, area: tuple[float, float, float, float] | None) -> list[Expected]:
    with open(REAL / "tabula-java" / "csv" / f"{name}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    box = (area[1], area[0], area[3], area[2]) if area else None
    return [Expected(rows, box)]


def _tabula_json(name: str) -> list[Expected]:
    tables = json.loads((REAL / "tabula-java" / "json" / f"{name}.json").read_text())
    tables = tables if isinstance(tables, list) else [tables]
    return [
        Expected(
            [[cell["text"] for cell in row] for row in t["data"]],
            (t["left"], t["top"], t["right"], t["bottom"]),
        )
        for t in tables
    ]


def _warn_summary() -> list[Expected]:
    doc = json.loads(
        (
            REAL
            / "pdfplumber"
            / "expected"
            / "WARN-Report-for-7-1-2015-to-03-25-2016.expected.json"
        ).read_text()
    )
    summary = doc["summary_table_from_pdf_itself"]
    return [Expected([summary["header"], *summary["rows"]])]


def documents() -> list[Doc]:
    """Every fixture with a complete expected table. Where camelot's tests hold several
    variants of a table, the lattice/network one (cells as printed, no title rows) is used;
    stream variants only where no other exists."""
    return [
        Doc(
            "camelot/12s0324.pdf",
            [1],
            _camelot("12s0324", "data_network_two_tables_1", "data_network_two_tables_2"),
        ),
        Doc(
            "camelot/anticlockwise_table_1.pdf",
            [1],
            _camelot("anticlockwise_table_1", "data_lattice_table_rotated"),
        ),
        Doc(
            "camelot/anticlockwise_table_2.pdf",
            [1],
            _camelot("anticlockwise_table_2", "data_network_table_rotated"),
        ),
        Doc(
            "camelot/background_lines_1.pdf",
            [1],
            _camelot("background_lines_1", "data_lattice_process_background"),
        ),
        Doc(
            "camelot/clockwise_table_1.pdf",
            [1],
            _camelot("clockwise_table_1", "data_lattice_table_rotated"),
        ),
        Doc(
            "camelot/clockwise_table_2.pdf",
            [1],
            _camelot("clockwise_table_2", "data_network_table_rotated"),
        ),
        # shift_text left/top: spanned text sits in the span's first cell, as ours does.
        Doc(
            "camelot/column_span_2.pdf",
            [1],
            _camelot("column_span_2", "data_lattice_shift_text_left_top"),
        ),
        Doc("camelot/health.pdf", [1], _camelot("health", "data_stream")),
        # Stream with given columns (split_text): the page header is cut mid-word by those
        # columns; kept as camelot asserts it.
        Doc("camelot/m27.pdf", [1], _camelot("m27", "data_stream_split_text")),
        Doc("camelot/mexican_towns.pdf", [1], _camelot("mexican_towns", "data_stream_columns")),
        # copy_text="v": row-spanning cells repeated in each row.
        Doc("camelot/row_span_1.pdf", [1], _camelot("row_span_1", "data_lattice_copy_text")),
        Doc(
            "camelot/split_text_lattice.pdf",
            [1],
            _camelot("split_text_lattice", "data_lattice_split_text"),
        ),
        Doc("camelot/superscript.pdf", [1], _camelot("superscript", "data_stream_flag_size")),
        Doc(
            "camelot/twotables_2.pdf",
            [1],
            _camelot("twotables_2", "data_lattice_two_tables_1", "data_lattice_two_tables_2"),
        ),
        Doc(
            "camelot/us-007.pdf",
            [1],
            _camelot("us-007", "data_network_table_regions", region="320,335,573,505"),
        ),
        Doc("camelot/us-030.pdf", [2], _camelot("us-030", "data_lattice")),
        Doc(
            "camelot/vertical_header.pdf",
            [1],
            _camelot("vertical_header", "data_network_vertical_headers"),
        ),
        Doc("tabula-java/us-020.pdf", [2], _tabula_csv("us-020", (103.0, 35.0, 641.0, 560.0))),
        Doc(
            "tabula-java/indictb1h_14.pdf",
            [1],
            _tabula_csv("indictb1h_14", (205.0, 120.0, 622.82, 459.9)),
        ),
        Doc("tabula-java/schools.pdf", [1], _tabula_json("schools")),
        Doc(
            "tabula-java/frx_2012_disclosure.pdf",
            [1],
            _tabula_csv("frx_2012_disclosure", (53.0, 49.0, 735.0, 550.0)),
        ),
        Doc(
            "tabula-java/spreadsheet_no_bounding_frame.pdf",
            [1],
            _tabula_csv("spreadsheet_no_bounding_frame", (150.56, 58.9, 654.7, 536.12)),
        ),
        Doc(
            "tabula-java/Publication_of_award_of_Bids_for_Transport_Sector__August_2016.pdf",
            [1],
            _tabula_csv(
                "Publication_of_award_of_Bids_for_Transport_Sector__August_2016",
                (56.925, 24.255, 549.945, 786.555),
            ),
        ),
        Doc("tabula-java/spanning_cells.pdf", [1], _tabula_json("spanning_cells")),
        Doc(
            "tabula-java/argentina_diputados_voting_record.pdf",
            [1],
            _tabula_json("argentina_diputados_voting_record"),
        ),
        # The monthly summary starts at the foot of page 15 and ends on page 16.
        Doc("pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf", [15, 16], _warn_summary()),
    ]


#: One extracted table: (page, bbox, grid) for each page it is printed on, and its grid.
Found = tuple[list[tuple[int, Area]], list[list[str]]]


def run_ours(path: Path, pages: list[int]) -> list[Found]:
    return [(pieces(t), t.grid()) for t in extract_tables(path, pages=pages)]


def pieces(table: ExtractedTable) -> list[tuple[int, Area]]:
    return [(p.page, p.bbox) for p in table.pieces]


@dataclass
class Reach:
    """Words inside found tables (read by pdfplumber, independently of the extractor) and
    how many of them reached a cell of their table."""

    words: int = 0
    reached: int = 0

    def add(self, other: Reach) -> None:
        self.words += other.words
        self.reached += other.reached

    @property
    def share(self) -> float:
        return self.reached / self.words if self.words else 1.0


def _page_words(page: pdfplumber.page.Page) -> list[Word]:
    return [
        Word(w["x0"], w["top"], w["x1"], w["bottom"], w["text"])
        for w in page.dedupe_chars().extract_words(x_tolerance=1)
    ]


def reach(path: Path, tables: list[ExtractedTable]) -> Reach:
    """Share of the words printed inside each found table's area that are in its cells."""
    out = Reach()
    words: dict[int, list[Word]] = {}
    with pdfplumber.open(path) as pdf:
        for table in tables:
            for piece in table.pieces:
                if piece.page not in words:
                    words[piece.page] = _page_words(pdf.pages[piece.page - 1])
                inside = words_inside(words[piece.page], piece.bbox)
                rows = table.rows[piece.first_row : piece.first_row + piece.n_rows]
                # A continuation that repeats the header on its page is joined without it.
                rows = [*table.header, *rows]
                out.words += len(inside)
                out.reached += words_reaching_cells(inside, rows)
    return out


def run_pdfplumber(path: Path, pages: list[int]) -> list[Found]:
    found: list[Found] = []
    with pdfplumber.open(path) as pdf:
        for n in pages:
            for table in pdf.pages[n - 1].find_tables():
                grid = [[c or "" for c in row] for row in table.extract()]
                found.append(([(n, table.bbox)], grid))
    return found


def _overlap(a: Area, b: Area) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def _candidates(expected: Expected, pages: list[int], found: list[Found]) -> list[Relations]:
    ranked = []
    for pieces, grid in found:
        on_page = [bbox for page, bbox in pieces if page in pages]
        if not on_page:
            continue
        if expected.area is None:
            ranked.append((0.0, grid))
            continue
        overlap = max(_overlap(expected.area, bbox) for bbox in on_page)
        if overlap > 0:
            ranked.append((overlap, grid))
    ranked.sort(key=lambda r: -r[0])
    return [relations(grid) for _, grid in ranked]


def score_doc(doc: Doc, found: list[Found]) -> Score:
    total = Score()
    for expected in doc.tables:
        total.add(score_table(relations(expected.rows), _candidates(expected, doc.pages, found)))
    return total


def _timed(fn: Callable[[Path, list[int]], list[Found]], path: Path, pages: list[int]):
    forget()  # each document opened afresh per tool: no pages kept from an earlier measure
    start = time.perf_counter()
    result = fn(path, pages)
    return result, time.perf_counter() - start


def bench(docs: list[Doc]) -> None:
    totals = {"ours": Score(), "pdfplumber": Score()}
    seconds = {"ours": 0.0, "pdfplumber": 0.0}
    n_pages = 0
    print(
        f"{'document':44} {'pages':>5} | {'ours P/R/F1':>17} {'s':>5} {'words':>6}"
        f" | {'pdfplumber P/R/F1':>17} {'s':>5}"
    )
    reached = Reach()
    flagged = 0
    for doc in docs:
        path = REAL / doc.pdf
        n_pages += len(doc.pages)
        cols = []
        start = time.perf_counter()
        ours = extract_tables(path, pages=doc.pages)
        elapsed = time.perf_counter() - start
        for name, found, took in (
            ("ours", [(pieces(t), t.grid()) for t in ours], elapsed),
            ("pdfplumber", *_timed(run_pdfplumber, path, doc.pages)),
        ):
            score = score_doc(doc, found)
            totals[name].add(score)
            seconds[name] += took
            cols.append(f"{score.precision:.2f}/{score.recall:.2f}/{score.f1:.2f} {took:5.2f}")
        doc_reach = reach(path, ours)
        reached.add(doc_reach)
        flagged += sum(1 for t in ours if t.warnings)
        print(
            f"{Path(doc.pdf).name[:44]:44} {len(doc.pages):>5} | {cols[0]:>23}"
            f" {doc_reach.share:6.1%} | {cols[1]:>23}"
        )
    print()
    print(f"micro-averaged over {len(docs)} documents, {n_pages} pages")
    print(f"{'tool':12} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, score in totals.items():
        rate = n_pages / seconds[name] if seconds[name] else 0.0
        print(f"{name:12} {score.precision:9.3f} {score.recall:7.3f} {score.f1:6.3f} {rate:8.2f}")
    print(f"time ours / pdfplumber: {seconds['ours'] / seconds['pdfplumber']:.2f}x")
    print(
        f"words inside our tables (pdfplumber's words) that reached a cell: {reached.reached}"
        f" of {reached.words} ({reached.share:.2%}); tables flagged incomplete: {flagged}"
    )


#: Multi-page documents timed whole for --speed.
SPEED_DOCS = (
    "pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "pdfplumber/federal-register-2020-17221.pdf",
    "warn-scraper/gao-03-1003.pdf",
)


def speed() -> None:
    print()
    print(
        f"{'whole document':44} {'pages':>5} {'pdfplumber s':>12}"
        f" {'ours 1 proc s':>13} {'ours parallel s':>15}"
    )
    for name in SPEED_DOCS:
        path = REAL / name
        with pdfplumber.open(path) as pdf:
            n = len(pdf.pages)
        start = time.perf_counter()
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
        plumber = time.perf_counter() - start
        forget()
        start = time.perf_counter()
        extract_tables(path, workers=1)
        single = time.perf_counter() - start
        forget()
        start = time.perf_counter()
        extract_tables(path)
        parallel = time.perf_counter() - start
        print(f"{Path(name).name[:44]:44} {n:5} {plumber:12.2f} {single:13.2f} {parallel:15.2f}")


#: Whole documents without complete expected tables, what a reader finds in them (page
#: images, table captions, SOURCES.md), and the pages that hold a table (None: not judged).
#: A table found on no such page is a false table.
UNSEEN_DOCS: tuple[tuple[str, str, set[int] | None], ...] = (
    ("pdfplumber/federal-register-2020-17221.pdf", "1 table (Estimated costs, pp. 5-6)", {5, 6}),
    (
        "warn-scraper/gao-03-1003.pdf",
        "tables 1-4: pp. 28, 32, 35, 36-41; abbreviations p. 4; figures (not tables):"
        " pp. 2, 10, 12, 13, 16, 19, 30",
        {4, 28, 32, 35, 36, 37, 38, 39, 40, 41},
    ),
    ("warn-scraper/R42693.pdf", "no captioned table; table of contents p. 3", set()),
    ("pdfplumber/scotus-transcript-p1.pdf", "none (line-numbered transcript)", set()),
    ("pdfplumber/la-precinct-bulletin-2014-p1.pdf", "4 framed columns of contest results", None),
    ("pdfplumber/150109DSP-Milw-505-90D.pdf", "none (form; 2-column checkbox list p. 2)", set()),
    ("tabula-java/labor.pdf", "none (2-column article)", set()),
    (
        "tabula-java/cs-en-us-pbms.pdf",
        "2 tables (Crime Complaints, Historical Perspective)",
        {1},
    ),
    ("tabula-java/rotated_page.pdf", "1 table (S-4, rotated page)", {1}),
    ("pdfplumber/senate-expenditures.pdf", "1 table", {1}),
    ("pdfplumber/san-jose-pd-firearm-sample.pdf", "1 fixed-width listing (2 lines a record)", {1}),
)


def unseen() -> None:
    print()
    head = f"{'unseen document':44} {'pages':>5} {'tables':>6} {'false':>5} {'cells':>6}"
    print(f"{head} {'words':>6} {'s':>5}  pages: rows x cols")
    total_tables = total_cells = total_false = false_in_none = 0
    reached = Reach()
    for name, truth, table_pages in UNSEEN_DOCS:
        path = REAL / name
        forget()
        start = time.perf_counter()
        tables = extract_tables(path, workers=1)
        elapsed = time.perf_counter() - start
        with pdfplumber.open(path) as pdf:
            n = len(pdf.pages)
        cells = sum(1 for t in tables for row in t.grid() for cell in row if cell)
        false = (
            sum(1 for t in tables if not set(t.pages) & table_pages)
            if table_pages is not None
            else 0
        )
        doc_reach = reach(path, tables)
        reached.add(doc_reach)
        total_tables += len(tables)
        total_cells += cells
        total_false += false
        if table_pages == set():
            false_in_none += false
        shapes = ", ".join(
            f"{'-'.join(str(p) for p in t.pages)}: {len(t.grid())}x{t.n_columns}" for t in tables
        )
        judged = f"{false:5}" if table_pages is not None else f"{'-':>5}"
        print(
            f"{Path(name).name[:44]:44} {n:5} {len(tables):6} {judged} {cells:6}"
            f" {doc_reach.share:6.1%} {elapsed:5.2f}  {shapes}"
        )
        print(f"{'':44} expected: {truth}")
    none = sum(1 for _, _, p in UNSEEN_DOCS if p == set())
    print(
        f"total: {total_tables} tables, {total_cells} non-empty cells; false tables:"
        f" {total_false} ({false_in_none} in the {none} documents without tables)"
    )
    print(
        f"words inside these tables that reached a cell: {reached.reached} of {reached.words}"
        f" ({reached.share:.2%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="also time whole multi-page documents")
    parser.add_argument(
        "--unseen", action="store_true", help="also count tables found in unseen documents"
    )
    parser.add_argument("only", nargs="*", help="score only documents whose name contains this")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    docs = [d for d in documents() if not args.only or any(o in d.pdf for o in args.only)]
    bench(docs)
    if args.speed:
        speed()
    if args.unseen:
        unseen()


if __name__ == "__main__":
    main()
