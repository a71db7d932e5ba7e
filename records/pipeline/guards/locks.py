"""Per-source locks: a cron `records run`, a manual run and the scheduler never ingest the
same source at once.

A lock is an exclusive ``flock`` on ``<db>.locks/<source>.lock``. The kernel drops it when the
holding process exits, however it exits (crash, SIGKILL, reboot), so a dead run can never
leave a stale lock behind and no stale-lock timeout is needed. The lock file's content says
who holds it (pid, host, since, trigger), only so the next process can name the holder.

We call ``fcntl`` directly rather than ``filelock``: filelock 4 truncates, unlinks and resets
descriptors across ``fork`` (the parse step forks workers), and we need none of that.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.clock import now
from records.core.errors import LockHeld

#: How long a process that lost the race waits for the winner to write its name into the
#: lock file (written right after the flock succeeds) before saying "unknown holder".
HOLDER_WRITE_GRACE = 1.0


def lock_dir(db_path: Path | str) -> Path:
    """Locks sit beside the database they protect: another database means other locks."""
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.name}.locks"


@dataclass
class SourceLock:
    """One held lock; ``release`` (or process exit) frees it."""

    source: str
    path: Path
    fd: int

    def note(self, **fields: Any) -> None:
        """Add facts (e.g. the run id) to the holder description others will read."""
        holder = _read_holder(self.fd) or {}
        holder.update(fields)
        _write_holder(self.fd, holder)

    def release(self) -> None:
        if self.fd < 0:
            return
        try:
            # Empty the file first so nobody mistakes the last holder for a current one.
            os.ftruncate(self.fd, 0)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


def acquire(db_path: Path | str, source: str, *, trigger: str = "cli") -> SourceLock:
    """Take the lock of ``source`` without waiting; ``LockHeld`` names the holder if taken."""
    folder = lock_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source}.lock"
    # No O_TRUNC: the file holds the current holder's name, which a loser must still read.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _wait_for_holder(fd)
        os.close(fd)
        raise LockHeld(held_message(source, holder)) from None
    except BaseException:
        os.close(fd)
        raise
    _write_holder(
        fd, {"pid": os.getpid(), "host": socket.gethostname(), "since": now(), "trigger": trigger}
    )
    return SourceLock(source=source, path=path, fd=fd)


@contextmanager
def hold_sources(
    db_path: Path | str, sources: Iterable[str], *, trigger: str = "cli"
) -> Iterator[list[SourceLock]]:
    """Hold the locks of all ``sources`` for the block: all of them, or none and ``LockHeld``."""
    held: list[SourceLock] = []
    try:
        # Sorted, so two processes wanting overlapping sets always try them in the same order.
        for name in sorted(set(sources)):
            held.append(acquire(db_path, name, trigger=trigger))
        yield held
    finally:
        for lock in reversed(held):
            lock.release()


def holder_of(db_path: Path | str, source: str) -> dict[str, Any] | None:
    """Who holds the lock of ``source`` right now, or None when it is free."""
    path = lock_dir(db_path) / f"{source}.lock"
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            # A shared lock succeeds only when no one holds the exclusive one.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd) or {}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def held_message(source: str, holder: dict[str, Any] | None) -> str:
    if not holder:
        return f"{source}: another process is ingesting this source (holder unknown); try later"
    parts = [f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"]
    if holder.get("trigger"):
        parts.append(f"trigger {holder['trigger']}")
    if holder.get("run"):
        parts.append(f"run {holder['run']}")
    return (
        f"{source}: already being ingested by {', '.join(parts)}"
        f" since {holder.get('since', '?')}; not starting a second run"
    )


def _wait_for_holder(fd: int) -> dict[str, Any] | None:
    deadline = time.monotonic() + HOLDER_WRITE_GRACE
    while True:
        holder = _read_holder(fd)
        if holder or time.monotonic() >= deadline:
            return holder
        time.sleep(0.05)


def _read_holder(fd: int) -> dict[str, Any] | None:
    os.lseek(fd, 0, os.SEEK_SET)
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    try:
        holder = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return holder if isinstance(holder, dict) else None


def _write_holder(fd: int, holder: dict[str, Any]) -> None:
    data = json.dumps(holder).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
