"""Run a crawl in a child process (the Twisted reactor cannot restart) and read its report."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from records.core.errors import RecordsError
from records.core.faults import crash_point
from scrapers.child_protocol import CRASH_MARKER


@dataclass
class CrawlReport:
    source: str
    new: list[str] = field(default_factory=list)
    #: Documents seen before: 304 Not Modified, or downloaded again with the same bytes.
    unchanged: int = 0
    #: Of ``unchanged``, those answered 304 (no body downloaded).
    not_modified: int = 0
    #: Documents that could not be fetched or failed the content checks.
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Links that look like documents (by extension or declared type) but matched no
    #: pattern of the source; also recorded as an ``errors`` row with stage ``discover``.
    unmatched_links: list[str] = field(default_factory=list)


#: How the crawl child starts: ``scrapers.crawl_child`` run as ``__main__`` (as ``python -m``
#: does) with the garbage collector off while it imports Scrapy and Twisted (hundreds of
#: thousands of objects, none of them garbage: the collector's passes over them were about a
#: tenth of the child's start, which is most of an unchanged weekly run).
#: ``scrapers.crawl_child.main`` turns it back on once the imports are done, with what they
#: made frozen out of its scans.
CHILD_START = (
    "import gc, runpy; gc.disable();"
    " runpy.run_module('scrapers.crawl_child', run_name='__main__', alter_sys=True)"
)

#: The running crawl child, so a signal handler can stop it.
CURRENT_CHILD: subprocess.Popen[bytes] | None = None


def crawl(
    sources_file: Path,
    source_names: list[str],
    *,
    db_path: Path,
    archive_root: Path,
    run_id: int | None,
    verbose: bool = False,
    time_limit: float | None = None,
    on_new_document: Callable[[str], None] | None = None,
    child: CrawlChild | None = None,
) -> list[CrawlReport]:
    """Crawl the named sources in one child process; return one report per source.

    The child dies with this process (``records.core.lifeline.die_with_parent``), taking its
    temp folder along; a crawl running past ``time_limit`` seconds is stopped (SIGTERM, then
    SIGKILL) and reported as an error naming the limit.

    ``on_new_document(sha256)`` is called, in this thread, for each new document as soon as
    the child has archived and recorded it, while the crawl goes on (so its parse can start
    before the crawl ends). ``child``: a ``CrawlChild`` started earlier (it has imported
    Scrapy while this process got the run ready); else one is started now."""
    # A child started by the caller is the caller's to close.
    with nullcontext(child) if child is not None else CrawlChild(verbose=verbose) as started:
        return started.crawl(
            sources_file,
            source_names,
            db_path=db_path,
            archive_root=archive_root,
            run_id=run_id,
            time_limit=time_limit,
            on_new_document=on_new_document,
        )


class CrawlChild:
    """A crawl child process, started ahead of its crawl.

    Starting a Python process that imports Scrapy takes about half a second; started first,
    the child does that while this process opens the database and records the run. It then
    waits for its job on stdin (``crawl``). Closed unused (say the source lock was taken),
    it is stopped having done nothing. One crawl per child: the reactor cannot restart."""

    def __init__(self, *, verbose: bool = False) -> None:
        self.verbose = verbose
        self._tmp = tempfile.TemporaryDirectory(prefix="records-crawl-")
        folder = Path(self._tmp.name)
        self.report = folder / "report.json"
        self._notices, child_end = os.pipe()
        start = folder / "start.json"
        start.write_text(
            json.dumps(
                {
                    "log": verbose,
                    # The child removes it if this process dies first (no finally runs here).
                    "workdir": str(folder),
                    "parent": os.getpid(),
                    # One line per new document's sha256, as each is recorded.
                    "notify_fd": child_end,
                }
            )
        )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(_repo_root()), env.get("PYTHONPATH")])
        )
        try:
            self.process = subprocess.Popen(
                # -P: not the current folder's modules first (a `scrapers/` there is not ours).
                [sys.executable, "-P", "-c", CHILD_START, str(start), str(self.report)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                # With --verbose the child's log goes straight to the terminal.
                stderr=None if verbose else subprocess.PIPE,
                env=env,
                pass_fds=(child_end,),
            )
        except BaseException:
            os.close(self._notices)
            self._tmp.cleanup()
            raise
        finally:
            # The child holds its own copy: end of file on ``notices`` once it exits.
            os.close(child_end)
        self._used = False

    def __enter__(self) -> CrawlChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def crawl(
        self,
        sources_file: Path,
        source_names: list[str],
        *,
        db_path: Path,
        archive_root: Path,
        run_id: int | None,
        time_limit: float | None = None,
        on_new_document: Callable[[str], None] | None = None,
    ) -> list[CrawlReport]:
        global CURRENT_CHILD
        if self._used:
            raise RuntimeError("a crawl child runs one crawl")
        self._used = True
        child = self.process
        label = ", ".join(source_names) or "all sources"
        job = {
            "sources_file": str(Path(sources_file).resolve()),
            "sources": source_names,
            "db": str(Path(db_path).resolve()),
            "archive": str(Path(archive_root).resolve()),
            "run_id": run_id,
        }
        assert child.stdin is not None
        try:
            child.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            child.stdin.close()
        except OSError:
            pass  # the child died already: its exit status and stderr say why, below
        CURRENT_CHILD = child
        crash_point("crawl-parent")
        try:
            with os.fdopen(self._notices, "rb") as stream:
                stderr = _wait(child, stream, time_limit, label, on_new_document)
            return self._read_report(child, stderr, label)
        finally:
            CURRENT_CHILD = None
            # The crawl is over: its folder goes now, not when the run ends (a run killed
            # while parsing leaves nothing behind).
            self._tmp.cleanup()

    def _read_report(
        self, child: subprocess.Popen[bytes], stderr: bytes, label: str
    ) -> list[CrawlReport]:
        if child.returncode != 0 or not self.report.exists():
            raise RecordsError(
                f"crawl of {label} failed: " + crash_reason(child.returncode, stderr or b"")
            )
        try:
            entries = json.loads(self.report.read_text())
            return [CrawlReport(**entry) for entry in entries]
        except (ValueError, TypeError) as exc:
            raise RecordsError(f"crawl of {label} wrote an unreadable report: {exc}") from None

    def close(self) -> None:
        """End the child (unused: it is waiting for a job and has written nothing, so it is
        simply terminated) and remove its folder."""
        child = self.process
        if not self._used:
            self._used = True
            os.close(self._notices)
            child.terminate()
            child.communicate()
        self._tmp.cleanup()


#: After a stop request past the time limit, how long the child may take to shut down
#: (Scrapy waits for downloads in flight) before it is killed.
STOP_GRACE_SECONDS = 10


def _wait(
    child: subprocess.Popen[bytes],
    notices: IO[bytes],
    time_limit: float | None,
    label: str,
    on_new_document: Callable[[str], None] | None,
) -> bytes:
    """Wait for the child, handing on its new-document notices as they come; its stderr.

    Threads drain the child's stderr and notices (a full pipe would block the child), and
    this thread makes the calls, so the callback may use this thread's database connection.
    """
    errors: list[bytes] = []
    readers = []
    if child.stderr is not None:
        stderr = child.stderr
        readers.append(threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True))
    lines: queue.Queue[bytes | None] = queue.Queue()

    def read_notices() -> None:
        for line in notices:
            lines.put(line)
        lines.put(None)

    readers.append(threading.Thread(target=read_notices, daemon=True))
    for reader in readers:
        reader.start()
    deadline = None if time_limit is None else time.monotonic() + time_limit
    ended = False
    while not ended:
        timeout = None if deadline is None else deadline - time.monotonic()
        if timeout is not None and timeout <= 0:
            _stop(child)
            for reader in readers:
                reader.join(timeout=STOP_GRACE_SECONDS)
            raise RecordsError(
                f"crawl of {label} stopped: it ran longer than {time_limit:.0f} s"
                " ([settings] crawl_timeout); what was archived is kept"
            )
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            continue
        if line is None:  # end of file: the child (and any grandchild holding it) is gone
            ended = True
        elif on_new_document is not None and line.strip():
            try:
                on_new_document(line.strip().decode("ascii"))
            except BaseException:
                _stop(child)  # no crawl goes on unwatched
                raise
    child.wait()
    for reader in readers:
        reader.join()
    return b"".join(errors)


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Stop a child past its time limit: SIGTERM, then SIGKILL after the grace period."""
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def crash_reason(returncode: int, stderr: bytes) -> str:
    """One line saying why the crawl child died (never a traceback)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    for line in reversed(lines):
        if line.startswith(CRASH_MARKER):
            return line[len(CRASH_MARKER) :]
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the crawl process was killed by {name}"
    last = next((line for line in reversed(lines) if line), "")
    return f"the crawl process exited with status {returncode}" + (f" ({last})" if last else "")


def stop_child() -> None:
    """Ask a running crawl child to stop (Scrapy shuts down gracefully on SIGTERM)."""
    child = CURRENT_CHILD
    if child is not None and child.poll() is None:
        child.send_signal(signal.SIGTERM)


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
