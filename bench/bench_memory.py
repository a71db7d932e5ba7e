"""Peak memory of ``records add`` against page count: a generated tabular PDF of N pages.

Generates ruled tables (fpdf2; ``ROWS_PER_PAGE`` rows of ``COLUMNS`` columns a page, a
header on each page) of each size asked for, runs ``records add`` on each in a fresh data
folder, and samples the resident memory of the whole process tree (the command and its
parse workers, summed) every 50 ms. Prints each size's peak, rows loaded, seconds, and the
ratio of the largest size's peak to the smallest's. A script, not a test:

    .venv/bin/python bench/bench_memory.py [--pages 200,2000]

Generated files are kept in ``--cache`` (default: the system's temp folder) between runs.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
ROWS_PER_PAGE = 40
#: A sources file for the run: no source is crawled; the parse time limit is lifted (a
#: busy machine takes longer than the default 600 s over 2,000 pages).
SOURCES = """[settings]
parse_timeout = 86400

[[source]]
name = "bench"
url = "https://example.org/reports"
link_regex = "pdf$"
parser = "generic"
"""
COLUMNS = ("case", "county", "filed", "amount", "status")


def tabular_pdf(path: Path, pages: int) -> Path:
    """``pages`` pages, each a ruled table with a header and ``ROWS_PER_PAGE`` rows."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=9)
    widths = (90, 120, 90, 90, 90)
    number = 0
    for _ in range(pages):
        pdf.add_page()
        pdf.set_xy(40, 40)
        for name, width in zip(COLUMNS, widths, strict=True):
            pdf.cell(width, 16, name, border=1)
        for row in range(ROWS_PER_PAGE):
            number += 1
            pdf.set_xy(40, 56 + row * 16)
            values = (
                f"C-{number:07d}",
                f"County {number % 58}",
                f"2026-{number % 12 + 1:02d}-{number % 28 + 1:02d}",
                f"{(number * 37) % 100000:,}",
                ("open", "closed", "pending")[number % 3],
            )
            for value, width in zip(values, widths, strict=True):
                pdf.cell(width, 16, value, border=1)
    pdf.output(str(path))
    return path


def peak_tree_memory(command: list[str], cwd: Path) -> tuple[int, int, float, int]:
    """Run ``command``: the peak of its process tree's summed resident memory (RSS: memory
    a forked worker shares with its parent counts in both) and summed proportional memory
    (PSS: shared pages split between the processes sharing them), in bytes; seconds; exit
    code."""
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss = pss = 0
        try:
            family = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for member in family:
            try:
                memory = member.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += memory.rss
            pss += memory.pss
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode:
        print(stderr[-2000:], file=sys.stderr)
    return peak_rss, peak_pss, time.perf_counter() - started, process.returncode


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", default="200,2000", help="comma-separated page counts")
    options.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    args = options.parse_args()
    records = Path(sys.executable).with_name("records")
    results = []
    for pages in [int(n) for n in args.pages.split(",")]:
        pdf = args.cache / f"bench-memory-{pages}-pages.pdf"
        if not pdf.exists():
            tabular_pdf(pdf, pages)
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
            folder = Path(tmp)
            (folder / "sources.toml").write_text(SOURCES, encoding="utf-8")
            rss, pss, seconds, code = peak_tree_memory([str(records), "add", str(pdf)], folder)
            with sqlite3.connect(folder / "data" / "records.db") as db:
                rows = db.execute("select count(*) from extracted_rows").fetchone()[0]
        results.append((pages, rss, pss))
        print(
            f"{pages:6d} pages: peak {rss / 2**20:7.1f} MB RSS, {pss / 2**20:7.1f} MB PSS"
            f" (process tree), {rows} rows, {seconds:.1f} s, exit {code}",
            flush=True,
        )
    if len(results) > 1:
        (small, small_rss, small_pss), (big, big_rss, big_pss) = results[0], results[-1]
        print(
            f"peak at {big} pages / at {small} pages: RSS {big_rss / small_rss:.2f}x,"
            f" PSS {big_pss / small_pss:.2f}x"
        )


if __name__ == "__main__":
    main()
