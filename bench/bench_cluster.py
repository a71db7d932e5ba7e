"""Re-parse speed on a Dask cluster: 1 vs 2 local workers (``records parse --all --cluster``).

Generates N DDOR-style weekly reports (synthetic, ``records.demo.sample_reports``), archives and
parses them once on this machine (``records add``), then times ``records parse --all`` (a
re-parse of the whole archive, as after a template change) on a ``distributed.LocalCluster``
with one single-threaded worker process and with two, and, side by side, on the local process
pool with 1 and 2 processes. Documents are sent to the workers with each job (no shared
archive). Prints seconds per run and the speedup ratios. A script, not a test:

    .venv/bin/python bench/bench_cluster.py [--weeks 12] [--repeat 2]

``--long PAGES --split N`` instead parses one generated tabular PDF of PAGES pages
(``bench_memory.tabular_pdf``, the generic extractor) on a two-worker cluster, whole on one
worker and with ``[settings] split_pages = N`` (page ranges on both workers), and checks
the two load the same rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_memory import tabular_pdf
from distributed import LocalCluster

from db.connect import open_db
from db.documents import record_document
from records.core.archive import Archive
from records.core.config import load_config
from records.core.paths import Paths
from records.demo.run import DEMO_SOURCE, write_sources
from records.demo.sample_reports import weekly_series
from records.pipeline.add import add_files
from records.pipeline.parse import parse_archived


def reparse(paths: Paths, *, cluster: str = "local", workers: int | None = None) -> float:
    config = load_config(paths.sources)
    started = time.perf_counter()
    summary = parse_archived(config, paths=paths, everything=True, workers=workers, cluster=cluster)
    elapsed = time.perf_counter() - started
    if not summary.ok or summary.documents_failed:
        raise SystemExit(f"re-parse failed: {summary.errors}")
    return elapsed


def on_cluster(paths: Paths, n_workers: int, repeat: int) -> float:
    with LocalCluster(
        processes=True,
        n_workers=n_workers,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        reparse(paths, cluster=cluster.scheduler_address)  # warm: workers import the parsers
        return min(reparse(paths, cluster=cluster.scheduler_address) for _ in range(repeat))


LONG_SOURCES = """[settings]
split_pages = {split}
parse_timeout = 86400

[[source]]
name = "long"
url = "https://example.org/reports"
link_regex = "pdf$"
parser = "generic"
"""


def long_document(pages: int, split: int, repeat: int) -> None:
    """One long PDF on two Dask workers: whole on one worker, then in page ranges."""
    with tempfile.TemporaryDirectory(prefix="bench-cluster-long-") as tmp:
        root = Path(tmp)
        data = tabular_pdf(root / "long.pdf", pages).read_bytes()
        paths = Paths(db=root / "r.db", archive=root / "archive", sources=root / "sources.toml")
        sha = Archive(paths.archive).put(data)
        db = open_db(paths.db)
        record_document(
            db,
            sha256=sha,
            source="long",
            url="https://example.org/reports/long.pdf",
            filename="long.pdf",
            content_type="application/pdf",
            size=len(data),
        )
        db.close()
        results, loaded = {}, {}
        with LocalCluster(
            processes=True,
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            for name, size in (("whole, one worker", pages + 1), (f"ranges of {split}", split)):
                paths.sources.write_text(LONG_SOURCES.format(split=size), encoding="utf-8")
                runs = [reparse(paths, cluster=cluster.scheduler_address) for _ in range(repeat)]
                results[name] = min(runs)
                rows = open_db(paths.db).execute(
                    "select page, row_index, cells from extracted_rows order by row_index"
                )
                loaded[name] = rows.fetchall()
    first, second = loaded.values()
    if first != second:
        raise SystemExit("the split parse loaded other rows than the whole one")
    print(f"{pages} pages, {len(first)} rows, 2 Dask workers (best of {repeat}):")
    for name, seconds in results.items():
        print(f"  {name:24} {seconds:7.2f} s")
    whole, split_seconds = results.values()
    print(f"speedup, page ranges vs whole: {whole / split_seconds:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12, help="weekly reports to generate")
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting (best kept)")
    parser.add_argument("--long", type=int, help="pages of one long PDF (with --split)")
    parser.add_argument("--split", type=int, default=100, help="split_pages for --long")
    args = parser.parse_args()
    if args.long:
        long_document(args.long, args.split, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        root = Path(tmp)
        reports = weekly_series(args.weeks)
        files = [report.write(root) for report in reports]
        paths = Paths(db=root / "r.db", archive=root / "archive", sources=root / "sources.toml")
        write_sources(paths.sources, "http://127.0.0.1:9")
        config = load_config(paths.sources)
        add_files(files, paths=paths, config=config, source=DEMO_SOURCE)
        results = {
            "local pool, 1 process": min(reparse(paths, workers=1) for _ in range(args.repeat)),
            "local pool, 2 processes": min(reparse(paths, workers=2) for _ in range(args.repeat)),
            "Dask cluster, 1 worker": on_cluster(paths, 1, args.repeat),
            "Dask cluster, 2 workers": on_cluster(paths, 2, args.repeat),
        }
    print(f"re-parse of {len(files)} documents (best of {args.repeat}):")
    for name, seconds in results.items():
        print(f"  {name:24} {seconds:6.2f} s  {len(files) / seconds:5.2f} documents/s")
    one, two = results["Dask cluster, 1 worker"], results["Dask cluster, 2 workers"]
    pool_one, pool_two = results["local pool, 1 process"], results["local pool, 2 processes"]
    print(f"speedup, 2 vs 1 Dask workers:      {one / two:.2f}x")
    print(f"speedup, 2 vs 1 local processes:   {pool_one / pool_two:.2f}x")
    print(f"Dask, 2 workers vs local, 2 procs: {pool_two / two:.2f}x")


if __name__ == "__main__":
    main()
