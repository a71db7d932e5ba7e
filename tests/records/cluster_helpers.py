"""A real Dask cluster on 127.0.0.1 for the ``--cluster`` tests, and a worker plugin that holds
each parse at a known point so a test can kill its worker (or stop the coordinator) mid-parse
without sleeping.

Imported on the cluster's workers too (they are spawned with this process's ``sys.path``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import Client, Event, LocalCluster, Queue
from distributed.diagnostics.plugin import WorkerPlugin

#: The most a test waits for the cluster; only reached when something is broken.
GUARD_SECONDS = 90
#: Each held parse puts {"worker": address, "pid": pid} here when it starts ...
STARTED = "records-test-parse-started"
#: ... and waits for this event before parsing.
GO = "records-test-parse-go"


@contextmanager
def local_cluster(**scheduler_kwargs: Any) -> Iterator[tuple[LocalCluster, Client]]:
    """Two single-threaded worker processes and a scheduler, all on 127.0.0.1."""
    with (
        LocalCluster(
            processes=True,
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            # No fixed port: its HTTP server (health, dashboard) on any free one of 127.0.0.1,
            # so parallel test processes never collide on 8787.
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs=scheduler_kwargs,
            # Under load a worker can take a while to start; never fail on that.
            timeout=GUARD_SECONDS,
        ) as cluster,
        Client(cluster, set_as_default=False, timeout=GUARD_SECONDS) as client,
    ):
        client.wait_for_workers(2, timeout=GUARD_SECONDS)
        yield cluster, client


class HoldParses(WorkerPlugin):
    """On every worker: wrap the parse stage's worker function so each parse announces
    itself on the ``STARTED`` queue and waits for the ``GO`` event."""

    name = "records-test-hold-parses"

    def setup(self, worker: Any) -> None:
        from records.pipeline import parse

        original = getattr(parse._prepare_and_parse, "__wrapped__", parse._prepare_and_parse)
        address = worker.address

        def held(job: Any, archive_root: Path) -> Any:
            Queue(STARTED).put({"worker": address, "pid": os.getpid()})
            if not Event(GO).wait(GUARD_SECONDS):
                raise RuntimeError("the test never let the parse go")
            return original(job, archive_root)

        held.__wrapped__ = original  # type: ignore[attr-defined]
        parse._prepare_and_parse = held


def next_started(client: Client) -> dict[str, Any]:
    """The next held parse: which worker (address, pid) runs it."""
    return Queue(STARTED, client=client).get(timeout=GUARD_SECONDS)


def let_parses_go(client: Client) -> None:
    Event(GO, client=client).set()


def worker_left(client: Client, address: str) -> bool:
    return address not in client.scheduler_info()["workers"]


def parse_tasks_on_scheduler(client: Client) -> list[str]:
    """Keys of the parse tasks the scheduler still holds."""

    def keys(dask_scheduler: Any) -> list[str]:
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith("records-parse-")]

    return client.run_on_scheduler(keys)
