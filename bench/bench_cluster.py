"""Re-parse speed on a Dask cluster: 1 vs 2 local workers (``records parse --all --cluster``).

Generates N DDOR-style weekly reports (synthetic, ``records.demo.sample_reports``), archives and
parses them once on this machine (``records add``), then times ``records parse --all`` (a
re-parse of the whole archive, as after a template change) on a ``distributed.LocalCluster``
with one single-threaded worker process and with two, and, side by side, on the local process
pool with 1 and 2 processes. Documents are sent to the workers with each job (no shared
archive). Prints seconds per run and the speedup ratios. A script, not a test:

    .venv/bin/python bench/bench_cluster.py [--weeks 12] [--repeat 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from distributed import LocalCluster

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12, help="weekly reports to generate")
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting (best kept)")
    args = parser.parse_args()
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
