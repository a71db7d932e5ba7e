"""End-to-end throughput: crawl -> archive -> parse -> load for a series of weekly reports.

Generates N DDOR-style weekly reports (synthetic, ``records.demo.sample_reports``), serves them on
127.0.0.1, and times ``records.pipeline.run.run`` on them: a first run that loads everything and
a second (weekly, nothing changed) run that must download and parse nothing. Prints
documents, pages and rows per second. A script, not a test:

    .venv/bin/python bench/bench_pipeline.py [--weeks 12]

To time an older checkout side by side, run its own copy of this script (``cd DIR && python
bench/bench_pipeline.py``) in turns with this one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.connect import open_db
from records.core.config import load_config
from records.core.paths import Paths
from records.demo.run import DEMO_SOURCE, serve_folder, write_sources
from records.demo.sample_reports import weekly_series
from records.pipeline.run import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12, help="weekly reports to generate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        root = Path(tmp)
        site = root / "site"
        (site / "doclib" / "ddor").mkdir(parents=True)
        reports = weekly_series(args.weeks)
        for report in reports:
            report.write(site / "doclib" / "ddor")
        links = "".join(
            f'<li><a href="doclib/ddor/{r.filename}">{r.filename}</a></li>' for r in reports
        )
        (site / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>")
        (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
        paths = Paths(db=root / "r.db", archive=root / "archive", sources=root / "sources.toml")
        with serve_folder(site) as url:
            write_sources(paths.sources, url)
            config = load_config(paths.sources)
            started = time.perf_counter()
            first = run(config, [DEMO_SOURCE], paths=paths)
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            second = run(config, [DEMO_SOURCE], paths=paths)
            second_s = time.perf_counter() - started
        db = open_db(paths.db)
        pages = db.execute("select sum(pages) from documents").fetchone()[0] or 0
    print(f"{len(reports)} weekly reports, {pages} pages, {first.rows_added} rows")
    print(
        f"first run:  {first_s:6.2f} s  {len(reports) / first_s:5.2f} documents/s"
        f"  {pages / first_s:6.1f} pages/s  {first.rows_added / first_s:7.0f} rows/s"
        f"  ({first.documents_new} new, {len(first.errors)} errors)"
    )
    print(
        f"second run: {second_s:6.2f} s  ({second.documents_new} new,"
        f" {second.documents_unchanged} unchanged, {second.rows_added} rows: nothing re-parsed)"
    )


if __name__ == "__main__":
    main()
