"""Runs of the pipeline and the errors they met."""

from __future__ import annotations

import json
import os
import socket
from typing import Any

import sqlite_utils

from db.clock import now


def start_run(db: sqlite_utils.Database, *, trigger: str, sources: list[str]) -> int:
    table = db.table("runs")
    table.insert(
        {
            "started": now(),
            "trigger": trigger,
            "sources": json.dumps(sources),
            "status": "running",
            "documents_new": 0,
            "documents_unchanged": 0,
            "documents_failed": 0,
            "rows_added": 0,
            "errors": 0,
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
    )
    run_id = table.last_pk
    if not isinstance(run_id, int):
        raise RuntimeError("runs table returned no integer id")
    return run_id


def finish_run(db: sqlite_utils.Database, run_id: int, *, status: str, **counts: Any) -> None:
    db.table("runs").update(run_id, {"finished": now(), "status": status, **counts})


def record_error(
    db: sqlite_utils.Database,
    *,
    run: int | None,
    stage: str,
    message: str,
    source: str | None = None,
    url: str | None = None,
    document: str | None = None,
) -> None:
    db.table("errors").insert(
        {
            "run": run,
            "source": source,
            "url": url,
            "document": document,
            "stage": stage,
            "message": message,
            "time": now(),
        }
    )
