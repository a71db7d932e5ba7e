"""A PDF longer than ``[settings] split_pages`` has its tables found in page ranges, each a
task of its own on the Dask cluster (``records.pipeline.workers.ranges``), and loads exactly
the rows of an unsplit parse on this machine: a table continued over every page, across the
range boundaries, keeps its row numbers and pages. A shorter PDF is read whole in its task."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from distributed import Client, LocalCluster
from fpdf import FPDF

from db.connect import open_db
from db.documents import record_document
from parsers.generic.extract import PAGE_RANGES, extract_tables
from records.core.archive import Archive
from records.pipeline.guards import interrupt
from records.pipeline.workers.ranges import ClusterRanges, page_ranges
from tests.records.cluster_helpers import GUARD_SECONDS, local_cluster
from tests.records.test_cluster import contents, run_cli

PAGES = 12
ROWS_PER_PAGE = 8
SPLIT_PAGES = 5
#: More than the extractor reads in one process on this machine (``PARALLEL_MIN_PAGES``),
#: not more than ``SPLIT_PAGES``: read whole in its task on a Dask worker.
SHORT_PAGES = 5
HEADER = ("case", "county", "filed", "amount")

SOURCES = f"""[settings]
split_pages = {SPLIT_PAGES}

[[source]]
name = "long"
url = "https://example.org/reports"
link_regex = "pdf$"
parser = "generic"
"""


def long_table_pdf(pages: int = PAGES) -> bytes:
    """One ruled table over every page, its header printed again at the top of each."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=9)
    number = 0
    for _ in range(pages):
        pdf.add_page()
        pdf.set_xy(40, 40)
        for name in HEADER:
            pdf.cell(110, 16, name, border=1)
        for row in range(ROWS_PER_PAGE):
            number += 1
            pdf.set_xy(40, 56 + row * 16)
            values = (f"C-{number:04d}", f"County {number % 7}", f"2026-01-{number % 28 + 1:02d}")
            for value in (*values, f"{number * 37:,}"):
                pdf.cell(110, 16, value, border=1)
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[LocalCluster, Client]]:
    with local_cluster() as running:
        yield running


def test_page_ranges_cut_in_order() -> None:
    assert page_ranges(list(range(1, 11)), 4) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]


def _extract_as_a_dask_worker(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """In a daemonic process, as a Dask worker is: the tables of a PDF not split."""
    PAGE_RANGES.set(ClusterRanges(SPLIT_PAGES, "short", shared=True))
    try:
        tables = extract_tables(path)
        queue.put(("ok", [t.pages for t in tables], sum(len(t.rows) for t in tables)))
    except BaseException as exc:
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def test_a_pdf_not_split_is_read_in_the_task_of_a_daemonic_dask_worker(tmp_path: Path) -> None:
    # Regression: more pages than the extractor reads in one process, so it started worker
    # processes, which a daemonic Dask worker may not have ("daemonic processes are not
    # allowed to have children"): every such PDF failed on a cluster.
    path = tmp_path / "short.pdf"
    path.write_bytes(long_table_pdf(SHORT_PAGES))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_extract_as_a_dask_worker, args=(str(path), queue), daemon=True)
    child.start()
    try:
        found = queue.get(timeout=GUARD_SECONDS)
    finally:
        child.join(GUARD_SECONDS)
    assert found == ("ok", [list(range(1, SHORT_PAGES + 1))], SHORT_PAGES * ROWS_PER_PAGE)


def test_a_long_pdf_split_into_page_ranges_loads_the_rows_of_an_unsplit_parse(
    tmp_path: Path, cluster: tuple[LocalCluster, Client]
) -> None:
    interrupt.reset()
    remote = tmp_path / "remote"
    remote.mkdir()
    sources = remote / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    db = open_db(remote / "records.db")
    shas = []
    for name, data in (("long.pdf", long_table_pdf()), ("short.pdf", long_table_pdf(SHORT_PAGES))):
        sha = Archive(remote / "archive").put(data)
        record_document(
            db,
            sha256=sha,
            source="long",
            url=f"https://example.org/reports/{name}",
            filename=name,
            content_type="application/pdf",
            size=len(data),
        )
        db.table("documents").update(sha, {"status": "fetched"})
        shas.append(sha)
    db.close()
    local = tmp_path / "local"
    shutil.copytree(remote, local)

    address = cluster[0].scheduler_address
    code, output = run_cli(remote, "--sources", str(sources), "parse", "--cluster", address)
    assert code == 0, output
    workers = set(cluster[1].scheduler_info()["workers"])
    ranges = [line.split() for line in output.splitlines() if " parsed on worker " in line]
    # Three ranges of the long document, each a task on one of the cluster's workers, then
    # the document's own task; the short one in its own task only.
    assert sorted(" ".join(r[:4]) for r in ranges) == [
        "long.pdf: pages 1-5 parsed",
        "long.pdf: pages 11-12 parsed",
        "long.pdf: pages 6-10 parsed",
        "long.pdf: parsed on worker",
        "short.pdf: parsed on worker",
    ]
    assert {r[-1] for r in ranges} <= workers

    code, output = run_cli(local, "--sources", str(sources), "parse", "--cluster", "local")
    assert code == 0, output
    assert "Dask" not in output and "pages 1-5" not in output
    assert contents(remote / "records.db") == contents(local / "records.db")

    # One table: every row numbered in the document's order, on the page it is printed on.
    loaded = sqlite_utils.Database(remote / "records.db")
    rows = list(
        loaded.query(
            "select page, row_index, first_page, first_table_index, cells from extracted_rows"
            " where document = ? order by row_index",
            [shas[0]],
        )
    )
    assert len(rows) == PAGES * ROWS_PER_PAGE
    for i, row in enumerate(rows):
        assert (row["page"], row["row_index"], row["first_page"], row["first_table_index"]) == (
            i // ROWS_PER_PAGE + 1,
            i,
            1,
            0,
        )
    assert json.loads(rows[0]["cells"]) == ["C-0001", "County 1", "2026-01-02", "37"]
    assert json.loads(rows[-1]["cells"]) == ["C-0096", "County 5", "2026-01-13", "3,552"]
    parts = list(
        loaded.query(
            "select page, continued_from_page from extracted_tables where document = ?"
            " order by page",
            [shas[0]],
        )
    )
    assert parts == [
        {"page": p, "continued_from_page": p - 1 if p > 1 else None} for p in range(1, PAGES + 1)
    ]
    short = loaded.execute("select status, rows from documents where sha256 = ?", [shas[1]])
    assert short.fetchone() == ("parsed", SHORT_PAGES * ROWS_PER_PAGE)  # body rows only
