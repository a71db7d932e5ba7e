"""A long PDF's page ranges on several workers of the Dask cluster.

A document's parse is one task (``records.pipeline.workers.cluster.run_job``). When its PDF
has more than ``[settings] split_pages`` pages, the generic extractor's table finding (each
page on its own, the bulk of the work) is cut into ranges of that many pages, each a task
of its own that any worker may take; the document's task waits for them (handing its
thread back to the worker meanwhile) and carries on as with one process: tables continued
over a range boundary are joined after, from the pages' tables in page order
(``parsers.generic.extract.PAGE_RANGES``), so the rows are those of an unsplit parse. The
coordinator loads the document in one transaction as usual. A shorter PDF's pages are read
in the task's own thread: a Dask worker is a daemonic process, which may not start the
extractor's worker processes (every PDF of more than 4 pages failed so on a cluster).
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from parsers.generic.extract import PageFound, PagesWorker


def page_ranges(numbers: list[int], size: int) -> list[list[int]]:
    """``numbers`` cut into runs of ``size``, in order."""
    return [numbers[i : i + size] for i in range(0, len(numbers), size)]


class ClusterRanges:
    """``PAGE_RANGES`` for a task on a Dask worker: ranges of ``size`` pages as tasks.

    ``shared``: the path of the PDF is readable on every worker (a shared archive); else
    its bytes are sent (scattered once; each range writes them to a temporary file of its
    own). ``done`` lists (first page, last page, worker) of each range run."""

    def __init__(self, size: int, label: str, *, shared: bool) -> None:
        self.size = size
        self.label = label
        self.shared = shared
        self.done: list[tuple[int, int, str]] = []

    def __call__(
        self, worker: PagesWorker, path: Path, numbers: list[int]
    ) -> list[PageFound] | None:
        if len(numbers) <= self.size:
            # In this task's thread: a Dask worker is a daemonic process, which may not
            # start the extractor's own worker processes.
            return worker(str(path), numbers)
        from distributed import worker_client

        # Seceded from the worker's thread pool while waiting: the ranges may run here too.
        with worker_client() as client:
            # The file parsed (the OCR copy of a scan, say), not necessarily the one sent.
            source: Any = str(path.resolve())
            if not self.shared:
                source = client.scatter(path.read_bytes(), hash=False)
            run = uuid.uuid4().hex[:8]
            futures = [
                client.submit(
                    _range_tables,
                    worker,
                    source,
                    not self.shared,
                    chunk,
                    key=f"records-pages-{self.label}-{chunk[0]}-{chunk[-1]}-{run}",
                    pure=False,
                )
                for chunk in page_ranges(numbers, self.size)
            ]
            try:
                results = client.gather(futures)
            finally:
                # Stopped (a time limit, a lost worker): no range keeps running for nothing.
                client.cancel([f for f in futures if not f.done()])
        per_page: list[PageFound] = []
        for chunk, (address, tables) in zip(page_ranges(numbers, self.size), results, strict=True):
            self.done.append((chunk[0], chunk[-1], address))
            per_page.extend(tables)
        return per_page


def _range_tables(
    worker: PagesWorker, source: Any, sent: bool, numbers: list[int]
) -> tuple[str, list[PageFound]]:
    """On a worker: the tables of ``numbers`` of the PDF (at ``source``, or its bytes when
    ``sent``), and this worker's address."""
    from distributed import get_worker

    address = get_worker().address
    if not sent:
        return address, worker(str(source), numbers)
    with tempfile.TemporaryDirectory(prefix="records-pages-") as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(source)
        return address, worker(str(path), numbers)
