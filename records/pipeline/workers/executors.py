"""Where the parse stage's worker function runs: this machine's processes, or a Dask cluster.

``records.pipeline.parse`` hands an executor its worker function and the jobs; the executor
yields the outcomes in job order, each as soon as it is ready, so the coordinating process
loads one document while the next ones are parsed. Closing the generator drops (cancels) the
parses not started yet. Whichever executor runs it, the same worker function does the work,
so rows, provenance and errors are the same.

``LocalPool`` (the default) is a ``ProcessPoolExecutor`` on this machine; ``--cluster ADDRESS``
(env ``RECORDS_CLUSTER``, ``[settings] cluster``) selects
``records.pipeline.workers.cluster.Cluster``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from records.core.lifeline import die_with_parent

#: The worker function: (job, archive root) -> outcome; must be importable by name.
WorkerFunction = Callable[[Any, Path], Any]
#: Makes the outcome of a job whose parse was lost (e.g. every worker running it died).
Failed = Callable[[Any, str], Any]

#: `--cluster local` parses on this machine even when sources.toml names a cluster.
LOCAL = "local"


def _worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes that leave when this process dies (a killed `records run` leaves no
    worker waiting for work forever)."""
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),)
    )


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    # A worker only parses: what it inherited (modules, the parent's objects) is never
    # scanned again, and it collects garbage at the rate page reading wants (see
    # ``parsers.reading.document.READING_GC_THRESHOLDS``), a quarter or more of its time saved.
    gc.freeze()
    # Imported here, not at the top: choosing an executor (every `records run`, even one
    # that parses nothing) must not import pdfplumber; workers inherit it from the parse stage.
    from parsers.reading.document import READING_GC_THRESHOLDS

    gc.set_threshold(*READING_GC_THRESHOLDS)


#: Called (in the thread iterating ``map``) before waiting for an outcome not ready yet: the
#: coordinator commits what it has loaded rather than hold it while it waits.
OnWait = Callable[[], None]


class Executor(Protocol):
    def map(
        self,
        fn: WorkerFunction,
        jobs: Sequence[Any],
        archive_root: Path,
        failed: Failed,
        on_wait: OnWait | None = None,
    ) -> Generator[Any, None, None]: ...


def _results(futures: Sequence[Future[Any]], on_wait: OnWait | None) -> Generator[Any, None, None]:
    """The futures' results in order, ``on_wait`` called before waiting for one."""
    for future in futures:
        if on_wait is not None and not future.done():
            on_wait()
        yield future.result()


class LocalPool:
    """This machine: worker processes (one per core by default), or inline for one job."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def map(
        self,
        fn: WorkerFunction,
        jobs: Sequence[Any],
        archive_root: Path,
        failed: Failed,
        on_wait: OnWait | None = None,
    ) -> Generator[Any, None, None]:
        workers = self.workers or min(len(jobs), os.cpu_count() or 1)
        if workers <= 1 or len(jobs) == 1:
            for job in jobs:
                if on_wait is not None:
                    on_wait()  # the parse is about to run here: nothing is ready before it
                yield fn(job, archive_root)
            return
        pool = _worker_pool(workers)
        try:
            yield from _results([pool.submit(fn, job, archive_root) for job in jobs], on_wait)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class PrefetchPool:
    """This machine's worker processes, started ahead, taking jobs before ``map`` is called.

    ``submit`` starts a job early (say, a document the crawl has just archived); ``map`` then
    yields, in job order, the outcome of an early job equal to the one asked for (``key``
    finds it), and runs the others in the same processes. ``close`` (or closing ``map``'s
    generator) cancels what has not started."""

    def __init__(self, workers: int | None = None, *, key: Callable[[Any], Any]) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.key = key
        self.pool: ProcessPoolExecutor | None = None
        self.early: dict[Any, tuple[Any, Future[Any]]] = {}

    def start(self) -> None:
        """Fork the worker processes now (from a process with no other threads yet)."""
        if self.pool is None:
            self.pool = _worker_pool(self.workers)
            # A fork-started pool launches all its processes at its first task.
            self.pool.submit(os.getpid).result()

    def submit(self, job: Any, fn: WorkerFunction, archive_root: Path) -> None:
        self.start()
        assert self.pool is not None
        earlier = self.early.pop(self.key(job), None)
        if earlier is not None:
            earlier[1].cancel()
        self.early[self.key(job)] = (job, self.pool.submit(fn, job, archive_root))

    def map(
        self,
        fn: WorkerFunction,
        jobs: Sequence[Any],
        archive_root: Path,
        failed: Failed,
        on_wait: OnWait | None = None,
    ) -> Generator[Any, None, None]:
        self.start()
        assert self.pool is not None
        futures = []
        for job in jobs:
            earlier = self.early.pop(self.key(job), None)
            if earlier is not None and earlier[0] == job:
                futures.append(earlier[1])
            else:
                if earlier is not None:
                    earlier[1].cancel()
                futures.append(self.pool.submit(fn, job, archive_root))
        try:
            yield from _results(futures, on_wait)
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.early.clear()
