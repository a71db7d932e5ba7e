"""Documents per second the coordinating process loads, fed precomputed parse results.

On a Dask cluster the workers parse and the coordinator (``records parse --cluster``) loads
every outcome into SQLite; this measures that loading alone. N copies of a generated
DDOR-style weekly report (one byte differs, so each is its own document) are archived and
recorded; one is parsed for real and its outcome is handed for every document by an
executor that computes nothing (``Precomputed``), so the time is ``parse_pending``'s
loading: page text, rows, facts, status, one transaction per document. A script, not a
test:

    .venv/bin/python bench/bench_coordinator.py [--documents 200] [--repo DIR]

``--repo DIR`` loads with another checkout's code (``git worktree add DIR <commit>``), to
compare before and after in turns. Printed: documents per second of wall time and of this
process's CPU time (the machine's other load slows the first much more than the second;
waiting for the disk counts in the first only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

if "--repo" in sys.argv:
    sys.path.insert(0, sys.argv[sys.argv.index("--repo") + 1])
else:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.connect import open_db
from db.runs import start_run
from records.core.archive import Archive
from records.demo.sample_reports import weekly_series
from records.pipeline.intake import receive_file
from records.pipeline.parse import _prepare_and_parse, parse_pending


class Precomputed:
    """An executor whose outcomes were computed before the clock started."""

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome

    def map(
        self, fn: Any, jobs: Sequence[Any], archive_root: Path, failed: Any, on_wait: Any = None
    ) -> Generator[Any, None, None]:
        for _ in jobs:
            yield self.outcome


class FirstOnly:
    """Runs the worker function on the first job only, and keeps its outcome."""

    outcome: Any = None

    def map(
        self, fn: Any, jobs: Sequence[Any], archive_root: Path, failed: Any, on_wait: Any = None
    ) -> Generator[Any, None, None]:
        self.outcome = _prepare_and_parse(jobs[0], archive_root)
        yield self.outcome


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--documents", type=int, default=200)
    options.add_argument("--repo", help="load with this checkout's code")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-coordinator-") as tmp:
        root = Path(tmp)
        report = weekly_series(1)[0].write(root)
        data = report.read_bytes()
        db = open_db(root / "r.db")
        archive = Archive(root / "archive")
        run_id = start_run(db, trigger="cli", sources=[])
        documents: list[dict[str, Any]] = []
        for i in range(args.documents + 1):
            copy = data + f"\n% copy {i}\n".encode()
            intake = receive_file(db, archive, copy, f"copy-{i}.pdf", run_id=run_id)
            documents.extend(intake.to_parse)
        first = FirstOnly()
        parse_pending(db, archive, None, documents=documents[:1], executor=first, run_id=run_id)
        rows = len(first.outcome.result.rows)
        started, cpu = time.perf_counter(), time.process_time()
        summary = parse_pending(
            db,
            archive,
            None,
            documents=documents[1:],
            executor=Precomputed(first.outcome),
            run_id=run_id,
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        loaded = db.execute("select count(*) from documents where status = 'parsed'").fetchone()
        if summary.errors or loaded[0] != args.documents + 1:
            raise SystemExit(f"not every document loaded: {summary.errors[:3]}")
        print(
            f"{args.documents} documents of {rows} rows loaded in {seconds:.2f} s:"
            f" {args.documents / seconds:.1f} documents/s ({args.documents / cpu:.1f} per CPU"
            f" second), {args.documents * rows / seconds:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
