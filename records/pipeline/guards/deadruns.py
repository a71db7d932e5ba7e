"""Runs whose process died: found and closed by the next command.

A run row says ``running`` from ``start_run`` until ``close_run``. A process killed with
SIGKILL, by the OOM killer or a power cut never reaches ``close_run``, so without this the
row would say ``running`` forever. Each run records its pid and host; a ``running`` run of
this host whose pid no longer exists is dead, and the next ingesting command marks it
``interrupted`` (``close_dead_runs``). ``records status`` writes nothing: it shows such a run
as interrupted (``dead_run_ids``) and says why.

A pid can be reused by an unrelated process; such a run then looks alive until that
process ends too. That errs on the safe side (a live run is never marked dead).
"""

from __future__ import annotations

import os
import socket
from typing import Any

import sqlite_utils

from db.clock import now
from db.runs import record_error
from records.core.lifeline import pid_alive

#: Stored as the run's error message, and shown by `records status`.
DEAD_MESSAGE = "its process (pid {pid} on {host}) ended without closing the run; marked interrupted"


def _is_dead(run: dict[str, Any], host: str) -> bool:
    pid = run.get("pid")
    if not pid or run.get("host") != host:
        # Another machine's run (a shared disk) or a run from before pids were recorded:
        # this host cannot tell, so it is left alone.
        return False
    # This process's own runs are alive (the scheduler runs jobs in a thread of its own pid).
    return pid != os.getpid() and not pid_alive(pid)


def dead_runs(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """``running`` runs of this host whose process is gone."""
    if not db.table("runs").exists() or "host" not in db.table("runs").columns_dict:
        return []
    host = socket.gethostname()
    running = db.query("select id, pid, host from runs where status = 'running' order by id")
    return [run for run in running if _is_dead(run, host)]


def dead_run_ids(db: sqlite_utils.Database) -> set[int]:
    return {run["id"] for run in dead_runs(db)}


def close_dead_runs(db: sqlite_utils.Database) -> list[int]:
    """Mark every dead run ``interrupted`` (with an error row saying so); return their ids."""
    closed = []
    for run in dead_runs(db):
        message = f"run {run['id']}: " + DEAD_MESSAGE.format(pid=run["pid"], host=run["host"])
        with db.atomic():
            # Guarded by status, so two commands closing the same run write it once.
            cursor = db.execute(
                "update runs set status = 'interrupted', finished = ?"
                " where id = ? and status = 'running'",
                [now(), run["id"]],
            )
            if cursor.rowcount:
                record_error(db, run=run["id"], stage="run", message=message)
                closed.append(run["id"])
    return closed
