"""One process at a time creates or migrates the schema.

Two commands opening a new database at the same moment (two `records status`, or the runs
of two sources from cron) used to race: both saw no tables, both created them, and one died
with ``database is locked`` (switching to WAL is not covered by the busy timeout) or
``table pages_fts already exists``. ``migration_lock`` serialises the WAL switch and
``ensure_schema`` (FTS tables included) across processes with an exclusive ``flock`` on
``<db>.locks/schema.lock`` (the folder of the source locks, ``records.pipeline.guards.locks``). The
kernel drops it when its holder exits however it exits, so a crash never leaves it held.

Not a lock on the database file itself: SQLite's own POSIX locks on that file are dropped
when any descriptor of it in the process is closed.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def migration_lock_path(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.name}.locks" / "schema.lock"


@contextmanager
def migration_lock(db_path: Path) -> Iterator[None]:
    """Hold the schema lock of ``db_path`` for the block (waiting for another holder)."""
    path = migration_lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        # Blocking: the holder only creates tables, and its busy timeout bounds that.
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the flock
