"""Run a crawl in a child process (the Twisted reactor cannot restart) and read its report."""

from __future__ import annotations

import gc
import inspect
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import FrameType
from typing import IO, Any

from records.core.errors import RecordsError
from records.core.faults import crash_point
from records.core.lifeline import pid_alive
from scrapers.child_protocol import CRASH_MARKER, DOWNLOAD_COMING
from scrapers.forked import ForkedChild, can_fork


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


#: How the crawl child starts where it cannot be forked (``scrapers.forked.can_fork``): a new
#: interpreter runs ``child_main`` with the garbage collector off while it imports Scrapy and
#: Twisted (hundreds of thousands of objects, none of them garbage: the collector's passes
#: over them were about a tenth of the child's start, which is most of an unchanged weekly
#: run). ``scrapers.crawl_child.main`` turns it back on once the imports are done, with what
#: they made frozen out of its scans.
CHILD_START = "import gc, sys; gc.disable(); from scrapers.crawl import child_main; child_main()"

#: The running crawl child, so a signal handler can stop it.
CURRENT_CHILD: subprocess.Popen[bytes] | ForkedChild | None = None


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
    on_download_coming: Callable[[], None] | None = None,
    child: CrawlChild | None = None,
) -> list[CrawlReport]:
    """Crawl the named sources in one child process; return one report per source.

    The child dies with this process (``records.core.lifeline.die_with_parent``), taking its
    temp folder along; a crawl running past ``time_limit`` seconds is stopped (SIGTERM, then
    SIGKILL) and reported as an error naming the limit.

    ``on_new_document(sha256)`` is called, in this thread, for each new document as soon as
    the child has archived and recorded it, while the crawl goes on (so its parse can start
    before the crawl ends); ``on_download_coming()`` once, in this thread, before the first
    document body is downloaded (never, in a crawl that finds nothing new). ``child``: a
    ``CrawlChild`` started earlier (it has imported Scrapy while this process got the run
    ready); else one is started now."""
    # A child started by the caller is the caller's to close.
    with (
        nullcontext(child)
        if child is not None
        else CrawlChild(verbose=verbose, database=db_path) as started
    ):
        return started.crawl(
            sources_file,
            source_names,
            db_path=db_path,
            archive_root=archive_root,
            run_id=run_id,
            time_limit=time_limit,
            on_new_document=on_new_document,
            on_download_coming=on_download_coming,
        )


#: A crawl's temp folder (``CrawlChild``) is named so: ``records-crawl-<random>``.
TEMP_PREFIX = "records-crawl-"

#: A crawl folder with no start file yet is left alone this long (it may be being made).
UNSTARTED_GRACE = 3600.0


def sweep_leftovers(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove the temp folders of crawls whose parent process is gone (killed after its
    child had already exited: nobody was left to remove it); the folders removed.

    A folder's ``start.json`` names its parent. A living parent's folder (this process's,
    another run's) is left alone, as is a folder without a readable start file younger than
    ``UNSTARTED_GRACE``, or one this user may not remove."""
    removed: list[Path] = []
    base = Path(root if root is not None else tempfile.gettempdir())
    try:
        folders = [p for p in base.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for folder in folders:
        try:
            parent = int(json.loads((folder / "start.json").read_text())["parent"])
        except (OSError, ValueError, KeyError, TypeError):
            try:
                if time.time() - folder.stat().st_mtime < UNSTARTED_GRACE:
                    continue
            except OSError:
                continue
        else:
            if pid_alive(parent):
                continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


class CrawlChild:
    """A crawl child process, started ahead of its crawl.

    Importing Scrapy and Twisted takes a few tenths of a second; started first, the child
    does that while this process opens the database and records the run. It then waits for
    its job (``crawl``). Closed unused (say the source lock was taken), it is stopped having
    done nothing. One crawl per child: the reactor cannot restart. The child is forked from
    this process (``scrapers.forked``: no interpreter to start, and this process's modules
    already imported) unless ``fork`` is False or this process cannot fork it (``database``,
    the file the crawl writes, open here: ``scrapers.forked.can_fork``); then it is a new
    interpreter (``CHILD_START``)."""

    def __init__(
        self,
        *,
        verbose: bool = False,
        fork: bool = True,
        database: str | os.PathLike[str] | None = None,
    ) -> None:
        self.verbose = verbose
        sweep_leftovers()
        self._tmp = tempfile.TemporaryDirectory(prefix=TEMP_PREFIX)
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
        self.process: subprocess.Popen[bytes] | ForkedChild
        try:
            if fork and can_fork(database):
                self.process = ForkedChild(
                    partial(_forked_main, start, self.report),
                    # With --verbose the child's log goes straight to the terminal.
                    capture_stderr=not verbose,
                    close_in_child=(self._notices,),
                )
            else:
                self.process = _spawn(start, self.report, verbose=verbose, notify_fd=child_end)
        except BaseException:
            os.close(self._notices)
            self._tmp.cleanup()
            raise
        finally:
            # The child holds its own copy: end of file on ``notices`` once it exits.
            os.close(child_end)
        self._used = False
        #: Whether its report was there when the crawl was waited for (``_read_report``).
        self._reported = False
        self._job: dict[str, object] | None = None
        self._sent_at = 0.0

    def __enter__(self) -> CrawlChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(
        self,
        sources_file: Path,
        source_names: list[str],
        *,
        db_path: Path,
        archive_root: Path,
        run_id: int | None,
    ) -> None:
        """Give the child its job: the crawl starts now, while this process does what it
        must before waiting for it (``records.pipeline.run`` imports the parse stage);
        ``crawl`` then waits for it. Once per child."""
        global CURRENT_CHILD
        if self._job is not None or self._used:
            raise RuntimeError("a crawl child runs one crawl")
        self._job = {
            "sources_file": str(Path(sources_file).resolve()),
            "sources": source_names,
            "db": str(Path(db_path).resolve()),
            "archive": str(Path(archive_root).resolve()),
            "run_id": run_id,
        }
        child = self.process
        assert child.stdin is not None
        try:
            child.stdin.write(json.dumps(self._job).encode("utf-8") + b"\n")
            child.stdin.close()
        except OSError:
            pass  # the child died already: its exit status and stderr say why, in ``crawl``
        self._sent_at = time.monotonic()
        # A signal from now on stops the crawl (``stop_child``).
        CURRENT_CHILD = child
        # Dying here, this process leaves a child that has just got its job: crawling, not
        # done (later, in a `records run` process importing its parse stage meanwhile, a
        # small crawl could be over, its child gone, before this process died).
        crash_point("crawl-parent")

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
        on_download_coming: Callable[[], None] | None = None,
    ) -> list[CrawlReport]:
        """The crawl's reports: the job sent (unless ``send`` sent it), its new documents
        handed to ``on_new_document`` as they come (``on_download_coming`` called before the
        first is downloaded), the child waited for."""
        global CURRENT_CHILD
        if self._used:
            raise RuntimeError("a crawl child runs one crawl")
        if self._job is None:
            self.send(
                sources_file,
                source_names,
                db_path=db_path,
                archive_root=archive_root,
                run_id=run_id,
            )
        self._used = True
        child = self.process
        label = ", ".join(source_names) or "all sources"
        try:
            with os.fdopen(self._notices, "rb") as stream:
                stderr = _wait(
                    child,
                    stream,
                    time_limit,
                    label,
                    _Notices(on_new_document, on_download_coming),
                    self._sent_at,
                )
            return self._read_report(child, stderr, label)
        finally:
            CURRENT_CHILD = None
            # The crawl is over: its folder goes now, not when the run ends (a run killed
            # while parsing leaves nothing behind).
            self._tmp.cleanup()

    def _read_report(
        self, child: subprocess.Popen[bytes] | ForkedChild, stderr: bytes, label: str
    ) -> list[CrawlReport]:
        # The report is written whole, last: there, the crawl is over, and the child, still
        # exiting, is waited for by ``close``. Else its exit status says why.
        self._reported = self.report.exists()
        returncode = child.poll() if self._reported else child.wait()
        if returncode not in (0, None) or not self.report.exists():
            raise RecordsError(
                f"crawl of {label} failed: " + crash_reason(returncode, stderr or b"")
            )
        try:
            entries = json.loads(self.report.read_text())
            return [CrawlReport(**entry) for entry in entries]
        except (ValueError, TypeError) as exc:
            raise RecordsError(f"crawl of {label} wrote an unreadable report: {exc}") from None

    def close(self) -> None:
        """End the child (unused: it is waiting for a job and has written nothing, so it is
        simply terminated) and remove its folder."""
        global CURRENT_CHILD
        child = self.process
        if not self._used:  # never waited for: waiting for its job, or crawling unwatched
            self._used = True
            os.close(self._notices)
            child.terminate()
            child.communicate()
            if CURRENT_CHILD is child:
                CURRENT_CHILD = None
        if self._reported:  # it has hung up, its report written: it is exiting
            child.wait()
        else:
            # Left crawling (the wait for it was cut short, say by a second Ctrl-C, which
            # also asked it to stop): the grace period, then stopped.
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _stop(child)
        self._tmp.cleanup()


#: After a stop request past the time limit, how long the child may take to shut down
#: (Scrapy waits for downloads in flight) before it is killed.
STOP_GRACE_SECONDS = 10


@dataclass
class _Notices:
    """What to call for the lines the child writes on its notices pipe."""

    on_new_document: Callable[[str], None] | None
    on_download_coming: Callable[[], None] | None

    def line(self, line: str) -> None:
        if line == DOWNLOAD_COMING:
            if self.on_download_coming is not None:
                self.on_download_coming()
                self.on_download_coming = None  # once (one line per source's crawl)
        elif line and self.on_new_document is not None:
            self.on_new_document(line)


def _wait(
    child: subprocess.Popen[bytes] | ForkedChild,
    notices: IO[bytes],
    time_limit: float | None,
    label: str,
    calls: _Notices,
    started: float,
) -> bytes:
    """Wait until the child hangs up (its report written: ``crawl_child._hang_up``) or is
    gone, handing on its notices as they come; its stderr.

    Both of the child's pipes are drained (a full pipe would block the child) in this
    thread, which also makes the calls: a callback may use this thread's database
    connection, and may fork (the parse workers start when the first download is coming)
    with no other thread of ours running, as forking safely wants.
    """
    errors: list[bytes] = []
    pending = b""
    # Counted from the job's start (``CrawlChild.send``), not from this wait.
    deadline = None if time_limit is None else started + time_limit
    with selectors.DefaultSelector() as selector:
        selector.register(notices.fileno(), selectors.EVENT_READ, "notices")
        if child.stderr is not None:
            selector.register(child.stderr.fileno(), selectors.EVENT_READ, "stderr")
        # Until end of file on both: the child has hung up or is gone (and any grandchild
        # holding them too).
        while selector.get_map():
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                _stop(child)
                raise RecordsError(
                    f"crawl of {label} stopped: it ran longer than {time_limit:.0f} s"
                    " ([settings] crawl_timeout); what was archived is kept"
                )
            for key, _ in selector.select(timeout):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fd)
                elif key.data == "stderr":
                    errors.append(chunk)
                else:
                    *lines, pending = (pending + chunk).split(b"\n")
                    for line in lines:
                        try:
                            calls.line(line.strip().decode("ascii"))
                        except BaseException:
                            _stop(child)  # no crawl goes on unwatched
                            raise
    return b"".join(errors)


def _stop(child: subprocess.Popen[bytes] | ForkedChild) -> None:
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


def _spawn(start: Path, report: Path, *, verbose: bool, notify_fd: int) -> subprocess.Popen[bytes]:
    """The crawl child as a new interpreter running ``child_main``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_repo_root()), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        # -P: not the current folder's modules first (a `scrapers/` there is not ours).
        [sys.executable, "-P", "-c", CHILD_START, str(start), str(report)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        # With --verbose the child's log goes straight to the terminal.
        stderr=None if verbose else subprocess.PIPE,
        env=env,
        pass_fds=(notify_fd,),
    )


def child_main() -> None:
    """A spawned crawl child (``CHILD_START``): the crawl of ``sys.argv``'s job, then exit."""
    with frames_without_source():
        from scrapers import crawl_child
    crawl_child.exit_now(crawl_child.run(sys.argv[1:]))


def _forked_main(start: Path, report: Path, jobs: IO[str]) -> int:
    """A forked crawl child (``scrapers.forked.ForkedChild``): the crawl of the job on ``jobs``."""
    # As CHILD_START: no collections over the imports; ``crawl_child.main`` freezes what is
    # there by then (this process's inheritance included) and turns collection back on.
    gc.disable()
    with frames_without_source():
        from scrapers import crawl_child
    return crawl_child.run([str(start), str(report)], jobs)


def import_for_forks() -> bool:
    """Import here, once, what a forked crawl child imports at its start (Scrapy, Twisted,
    our spiders, every component the crawl loads), so each child forked from this process
    later starts with them: for a long-lived process that runs crawl after crawl (``records
    schedule`` calls it at start). Never a reactor: ``twisted.internet.reactor`` is not
    imported (a child could not install Scrapy's, and ``can_fork`` would then say no).

    Call it before any thread may start a crawl child: a fork in the middle of an import
    would leave the child that module's lock. Returns whether children will be forked (not
    where ``can_fork`` says no, e.g. off Linux; then nothing is imported)."""
    if not can_fork():
        return False
    collecting = gc.isenabled()
    gc.disable()  # as in the child: no collections over the imports' many objects
    try:
        with frames_without_source():
            from scrapers import crawl_child

            crawl_child.import_components(crawl_child.project_settings())
    finally:
        if collecting:
            gc.enable()
    return can_fork()


@contextmanager
def frames_without_source() -> Iterator[None]:
    """For the block, ``inspect.stack()`` gives the same frames without looking up their
    source (file name as compiled, no lines of context).

    Scrapy 2.19 makes three deprecated aliases of classes when its TLS modules are imported,
    each calling ``inspect.stack()`` only to take its caller's module from the frame; the
    real one looks for the source file of every frame on the stack, deep during an import,
    and reads a line of each: 50-100 ms of the crawl child's start."""
    stack = inspect.stack

    def frames(context: int = 1) -> list[inspect.FrameInfo]:
        found = []
        frame: FrameType | None = sys._getframe(1)  # as inspect.stack: its caller's frame first
        while frame is not None:
            code = frame.f_code
            found.append(
                inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None)
            )
            frame = frame.f_back
        return found

    inspect.stack = frames
    try:
        yield
    finally:
        inspect.stack = stack


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
