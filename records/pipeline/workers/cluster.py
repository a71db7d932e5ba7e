"""The parse stage on a Dask cluster (``--cluster tcp://HOST:PORT``; docs/scaling.md).

The coordinating process (the one running ``records``) submits each document's parse to the
cluster's workers through ``distributed.Client`` and loads the outcomes in job order, one
transaction per document, exactly as with the local pool; workers never touch SQLite.

How a worker gets the document:

- by default the coordinator sends the document's bytes (and those of an earlier OCR copy)
  with the job; the worker parses them from a temporary folder and sends back the bytes of
  any OCR copy it made, which the coordinator archives. Nothing needs to be shared.
- with ``--shared-archive`` (``[settings] shared_archive = true``) every worker sees the
  archive folder at the same path (a network mount) and reads documents and writes OCR copies
  there itself. Checked on every worker when connecting.

At most ``WINDOW_PER_THREAD`` jobs per worker thread are in flight, so a backfill of
thousands of documents does not hold them all in memory. A worker that dies mid-parse is
replaced by the scheduler, which runs the task again elsewhere (up to its
``distributed.scheduler.allowed-failures``, 3 by default); after that the document is failed
with Dask's message, which names the last worker. Losing the scheduler stops the run with a
``ClusterError``; the documents not loaded yet stay waiting.

Dask is the optional ``cluster`` extra: it is imported only inside the functions here, and
``connect`` without it installed raises ``MissingExtra`` with the line that installs it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
import uuid
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from records.core.archive import Archive
from records.core.config import Settings
from records.core.errors import ClusterError, MissingExtra
from records.pipeline.guards import interrupt
from records.pipeline.reporting.summary import Progress, quiet
from records.pipeline.workers.executors import Failed, OnWait, WorkerFunction

#: How to install what ``--cluster`` needs (Dask is not installed with the project itself).
INSTALL_CLUSTER = "pip install 'agency-records[cluster]'"
#: How long to try reaching the scheduler and wait for a worker (env RECORDS_CLUSTER_TIMEOUT).
CONNECT_TIMEOUT_SECONDS = 10.0
#: Jobs in flight per worker thread: enough to keep workers busy while one is loaded.
WINDOW_PER_THREAD = 2
#: How often a wait for a result looks for a stop request (SIGTERM, Ctrl-C).
POLL_SECONDS = 0.5


def connect_timeout() -> float:
    value = os.environ.get("RECORDS_CLUSTER_TIMEOUT")
    try:
        return float(value) if value else CONNECT_TIMEOUT_SECONDS
    except ValueError:
        raise ClusterError(f"RECORDS_CLUSTER_TIMEOUT={value!r}: not a number of seconds") from None


@contextmanager
def connect(
    address: str, archive: Archive, *, shared_archive: bool = False, progress: Progress = quiet
) -> Iterator[Cluster]:
    """A client of the scheduler at ``address`` with at least one worker, for the block.

    Raises ``ClusterError`` naming the address before any work starts when the scheduler
    cannot be reached, has no worker, or (``shared_archive``) a worker cannot see the archive;
    ``MissingExtra`` when Dask is not installed.
    """
    require_dask()
    timeout = connect_timeout()
    # Dask logs its own connection troubles with tracebacks; a reporter gets our one line.
    quieted = _quiet_dask_logs()
    try:
        with _client(address, timeout) as client:
            _check_workers(client, address, timeout, archive, shared_archive)
            threads = sum(client.nthreads().values())
            how = "workers read the shared archive" if shared_archive else "documents sent"
            progress(f"parsing on the Dask cluster at {address}: {threads} worker thread(s), {how}")
            yield Cluster(
                client, address, archive, shared_archive=shared_archive, progress=progress
            )
    finally:
        for logger, level in quieted.items():
            logger.setLevel(level)


def require_dask() -> None:
    """``MissingExtra`` (one line saying how to install it) unless Dask can be imported."""
    try:
        import distributed  # noqa: F401 - only whether it imports
    except ImportError:
        raise MissingExtra(
            "parsing on a Dask cluster (--cluster, RECORDS_CLUSTER or [settings] cluster) needs"
            f" Dask, which is not installed: {INSTALL_CLUSTER}"
        ) from None


def _quiet_dask_logs() -> dict[logging.Logger, int]:
    """Raise every ``distributed`` logger to CRITICAL; return their levels to restore."""
    import distributed  # noqa: F401 - its import configures (creates) the loggers

    names = ["distributed"] + [
        name for name in logging.root.manager.loggerDict if name.startswith("distributed.")
    ]
    levels = {}
    for name in names:
        logger = logging.getLogger(name)
        levels[logger] = logger.level
        logger.setLevel(logging.CRITICAL)
    return levels


@contextmanager
def _client(address: str, timeout: float) -> Iterator[Any]:
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({exc});"
            " start it with `dask scheduler`, or parse on this machine with --cluster local"
        ) from None
    try:
        yield client
    finally:
        client.close()


def _check_workers(
    client: Any, address: str, timeout: float, archive: Archive, shared_archive: bool
) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers (waited {timeout:g} s);"
            f" start some with `dask worker {address}`"
        ) from None
    if shared_archive:
        _check_shared(client, address, archive)


@dataclass
class Remote:
    """What a worker sends back: the outcome, where it ran, an OCR copy's bytes."""

    outcome: Any
    worker: str
    ocr_copy: bytes | None = None
    #: (first page, last page, worker) of each page range parsed as a task of its own.
    ranges: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)


def run_job(
    fn: WorkerFunction, job: Any, archive_root: str, documents: list[bytes] | None
) -> Remote:
    """On a worker: run the parse stage's worker function on one job.

    ``documents`` None: the archive at ``archive_root`` is shared, use it. Else they are the
    job's files, put in a temporary archive of this worker's own for the parse."""
    from distributed import get_worker

    from parsers.generic.extract import PAGE_RANGES
    from records.pipeline.workers.ranges import ClusterRanges

    worker = get_worker().address
    settings = getattr(job, "settings", None)
    size = settings.split_pages if settings is not None else Settings().split_pages
    label = str(job.document["sha256"])[:16]
    ranges = ClusterRanges(size, label, shared=documents is None)
    token = PAGE_RANGES.set(ranges)
    try:
        if documents is None:
            return Remote(fn(job, Path(archive_root)), worker, ranges=ranges.done)
        with tempfile.TemporaryDirectory(prefix="records-parse-") as tmp:
            local = Archive(tmp)
            for data in documents:
                local.put(data)
            job = dataclasses.replace(job, path=local.get(job.document["sha256"]))
            outcome = fn(job, local.root)
            prepared = outcome.prepared
            copy = None
            if prepared is not None and prepared.ocr_sha256:
                copy = local.get(prepared.ocr_sha256).read_bytes()
            return Remote(outcome, worker, copy, ranges.done)
    finally:
        PAGE_RANGES.reset(token)


class Cluster:
    """The ``Executor`` (``records.pipeline.workers.executors``) for a connected Dask client."""

    def __init__(
        self,
        client: Any,
        address: str,
        archive: Archive,
        *,
        shared_archive: bool,
        progress: Progress = quiet,
    ) -> None:
        self.client = client
        self.address = address
        self.archive = archive
        self.shared_archive = shared_archive
        self.progress = progress
        #: sha256 -> address of the worker that parsed it (this client's runs).
        self.parsed_on: dict[str, str] = {}

    def map(
        self,
        fn: WorkerFunction,
        jobs: Sequence[Any],
        archive_root: Path,
        failed: Failed,
        on_wait: OnWait | None = None,
    ) -> Generator[Any, None, None]:
        threads = sum(self.client.nthreads().values()) or 1
        window = max(2, WINDOW_PER_THREAD * threads)
        run = uuid.uuid4().hex[:8]
        waiting = iter(enumerate(jobs))
        in_flight: deque[tuple[Any, Any]] = deque()

        def submit_next() -> None:
            for number, job in waiting:
                documents = None if self.shared_archive else self._documents(job)
                if self.shared_archive:  # the workers' working folders are not ours
                    job = dataclasses.replace(job, path=job.path.resolve())
                key = f"records-parse-{job.document['sha256'][:16]}-{run}-{number}"
                future = self.client.submit(
                    run_job, fn, job, str(archive_root.resolve()), documents, key=key, pure=False
                )
                in_flight.append((job, future))
                return

        try:
            for _ in range(window):
                submit_next()
            while in_flight:
                job, future = in_flight[0]
                if on_wait is not None and not future.done():
                    on_wait()
                outcome = self._collect(job, future, failed)
                in_flight.popleft()
                submit_next()  # before loading this one, so the workers stay busy
                yield outcome
        finally:
            # A stop (or an error) while parses are out: cancel them; nothing was loaded
            # from them, and the scheduler forgets them.
            if in_flight:
                self.client.cancel([future for _, future in in_flight], force=True)

    def _documents(self, job: Any) -> list[bytes]:
        """The bytes a worker without the archive needs: the document, an earlier OCR copy."""
        files = [job.path.read_bytes()]
        if job.plan.ocr_copy is not None:
            files.append(self.archive.get(job.plan.ocr_copy).read_bytes())
        return files

    def _collect(self, job: Any, future: Any, failed: Failed) -> Any:
        """Wait for one job's outcome, looking for a stop request meanwhile."""
        from concurrent.futures import CancelledError

        from distributed import TimeoutError as WaitTimeout
        from distributed.scheduler import KilledWorker

        label = job.document.get("filename") or job.document["sha256"][:12]
        while True:
            try:
                remote = future.result(timeout=POLL_SECONDS)
                break
            except WaitTimeout:
                # SIGTERM/Ctrl-C while waiting: nothing is half-loaded; stop now (the
                # generator's cleanup cancels what is out).
                interrupt.check()
            except KilledWorker as exc:
                return failed(job, f"the Dask cluster at {self.address} lost it: {exc}")
            except CancelledError as exc:
                # Not by us (we cancel only once we stop waiting): the scheduler went away.
                # Stop the run rather than fail every document still to come; those not
                # loaded stay waiting for the next run.
                raise ClusterError(
                    f"lost the Dask scheduler at {self.address} while parsing {label}"
                    f" ({' '.join(str(exc).split())});"
                    " the documents not loaded yet are parsed by the next run"
                ) from None
            except Exception as exc:
                return failed(
                    job,
                    f"the Dask cluster at {self.address} could not parse it:"
                    f" {type(exc).__name__}: {exc}",
                )
        outcome = remote.outcome
        self.parsed_on[job.document["sha256"]] = remote.worker
        prepared = outcome.prepared
        if prepared is not None and not self.shared_archive:
            if remote.ocr_copy is not None:
                self.archive.put(remote.ocr_copy)  # content-addressed: its name is its digest
            # The worker's paths were in its temporary archive: point at ours (same names).
            prepared.target = self.archive.path_for(prepared.target.name)
        for first, last, worker in remote.ranges:
            self.progress(f"  {label}: pages {first}-{last} parsed on worker {worker}")
        self.progress(f"  {label}: parsed on worker {remote.worker}")
        return outcome


def _check_shared(client: Any, address: str, archive: Archive) -> None:
    """Every worker must read and write the archive folder at this same path."""
    archive.root.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    probe = archive.root.resolve() / f".cluster-check-{token}"
    probe.write_text(token, encoding="utf-8")
    try:
        seen = client.run(_sees_archive, str(probe), token)
    finally:
        probe.unlink(missing_ok=True)
    blind = sorted(worker for worker, ok in seen.items() if not ok)
    if blind:
        raise ClusterError(
            f"--shared-archive: worker(s) {', '.join(blind)} of the Dask cluster at {address}"
            f" cannot read and write the archive folder at {archive.root.resolve()}; mount it"
            " at that same path on every worker, or drop --shared-archive (documents are then"
            " sent with each job)"
        )


def _sees_archive(probe: str, token: str) -> bool:
    """On a worker: the coordinator's probe file is there with its token, and writable."""
    path = Path(probe)
    try:
        if path.read_text(encoding="utf-8") != token:
            return False
        mine = path.with_name(f"{path.name}-{os.getpid()}")
        mine.write_text(token, encoding="utf-8")
        mine.unlink()
    except OSError:
        return False
    return True
