"""A child process forked from this one, with what ``scrapers.crawl`` uses of ``subprocess.Popen``.

A crawl child started as a new interpreter spends most of an unchanged weekly run starting:
the interpreter, then the database layer, sqlite-utils and the configuration, all of which
its parent has imported already, before Scrapy and Twisted. Forked, it starts with what the
parent has and imports only what the crawl adds. It still is a fresh process for Twisted (the
parent never imports a reactor; ``can_fork`` says so) and dies with its parent as before.

What a forked child must not inherit, it is given anew: default SIGTERM/SIGINT handling (the
parent's handlers are for the parent; a scheduler job thread's blocked signals unblocked),
standard streams of its own (stdout to /dev/null, stderr to the parent's pipe, Python's
``sys.stdout``/``sys.stderr`` bound to them even where a test harness had replaced them) and
no logging handlers (the parent's would print the crawl's log lines on the parent's
terminal). It never returns into the parent's code: it leaves with ``os._exit`` once its
target returns, so nothing of the parent's (open database connections, ``atexit`` hooks,
frames) is finalised twice.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from typing import IO

#: How often ``wait(timeout=...)`` looks at a child that has not exited yet.
WAIT_POLL_SECONDS = 0.05


def can_fork(database: str | os.PathLike[str] | None = None) -> bool:
    """Whether a crawl child may be forked from this process: on Linux (macOS forks, but its
    system libraries are not safe to use in a child forked without exec, which is why
    Python's own multiprocessing spawns there), no Twisted reactor was installed here (a
    child would inherit it, and Scrapy installs its own), and ``database``, the file the
    child will write, is not open here (``open_databases``; None: no database at all)."""
    return (
        sys.platform.startswith("linux")
        and "twisted.internet.reactor" not in sys.modules
        and not open_databases(database)
    )


#: Files an open SQLite connection holds: a database in WAL mode keeps its ``-wal`` and
#: ``-shm`` files open; the names our databases and most others go by.
_DATABASE_FILES = ("-wal", "-shm", "-journal", ".db", ".sqlite", ".sqlite3")
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def open_databases(database: str | os.PathLike[str] | None = None) -> list[str]:
    """Database files this process has open (Linux: its ``/proc/self/fd``): ``database``
    and its side files only, when given.

    A child forked while a SQLite connection is open inherits the library's record of that
    file (its locks, its WAL index) and its own connection to the same file then shares
    it: the child's commits were not seen by other processes (the parent's new connections
    read nothing). SQLite forbids it; such a child is started as a new interpreter instead.
    Only the links are read: opening and closing the file would drop this process's locks."""
    wanted = None
    if database is not None:
        real = os.path.realpath(database)
        wanted = {real + side for side in _SIDE_FILES}
    found = []
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return ["/proc/self/fd not readable"]
    for fd in fds:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed since the listing (the listing's own descriptor)
        if target in wanted if wanted is not None else target.endswith(_DATABASE_FILES):
            found.append(target)
    return found


class ForkedChild:
    """``target(jobs)`` run in a forked child process; ``jobs`` reads what the parent writes to
    ``stdin``. The part of ``subprocess.Popen`` the crawl's parent uses: ``pid``, ``stdin``,
    ``stderr`` (a pipe when ``capture_stderr``, else the parent's stderr is shared),
    ``returncode``, ``poll``, ``wait``, ``send_signal``, ``terminate``, ``kill``,
    ``communicate``."""

    def __init__(
        self,
        target: Callable[[IO[str]], int],
        *,
        capture_stderr: bool,
        close_in_child: tuple[int, ...] = (),
    ) -> None:
        jobs_read, jobs_write = os.pipe()
        errors_read, errors_write = os.pipe() if capture_stderr else (-1, -1)
        # Buffered output written before the fork would be written twice, once by each.
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child; its work is tested through the crawl)
            _child(target, jobs_read, errors_write, (jobs_write, errors_read, *close_in_child))
        os.close(jobs_read)
        if errors_write >= 0:
            os.close(errors_write)
        self.pid = pid
        self.args = f"forked crawl child {pid}"
        self.returncode: int | None = None
        self.stdin: IO[bytes] | None = os.fdopen(jobs_write, "wb")
        self.stderr: IO[bytes] | None = os.fdopen(errors_read, "rb") if capture_stderr else None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self.returncode is None:
                self._reap(0 if deadline is None else os.WNOHANG)
            if self.returncode is not None:
                return self.returncode
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            time.sleep(WAIT_POLL_SECONDS)

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass  # exited just now; ``wait`` reaps it

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self) -> tuple[None, bytes | None]:
        """Close ``stdin``, read ``stderr`` to its end (if captured), wait for the exit."""
        if self.stdin is not None and not self.stdin.closed:
            try:
                self.stdin.close()
            except OSError:
                pass  # the child is gone: nothing to tell it
        errors = None
        if self.stderr is not None:
            errors = self.stderr.read()
            self.stderr.close()
        self.wait()
        return None, errors

    def _reap(self, options: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, options)
        except ChildProcessError:
            # Reaped elsewhere (SIGCHLD ignored): its status is lost; as Popen, say 0 (the
            # crawl's report file then says whether it finished).
            self.returncode = 0
            return
        if pid == self.pid:
            self.returncode = os.waitstatus_to_exitcode(status)


def _child(
    target: Callable[[IO[str]], int], jobs: int, errors: int, parents: tuple[int, ...]
) -> None:  # pragma: no cover (runs in the forked child)
    """The forked child's life: a process of its own, then ``target``, then ``os._exit``."""
    status = 1
    try:
        for fd in parents:
            if fd >= 0:
                os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # Forked from a scheduler job thread, which blocks them (``scheduler.jobs``).
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        if errors >= 0:
            os.dup2(errors, 2)
            os.close(errors)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False, errors="backslashreplace")
        logging.root.handlers.clear()
        status = target(os.fdopen(jobs, "r", encoding="utf-8"))
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)
