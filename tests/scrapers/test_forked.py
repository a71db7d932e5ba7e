"""The crawl child forked from its parent (``scrapers.forked``): what it shares with a spawned
one (its job, its crash line, its stop on SIGTERM, its report) and what it must not inherit."""

from __future__ import annotations

import hashlib
import inspect
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

from db.connect import open_db
from records.core.errors import RecordsError
from scrapers.crawl import CrawlChild, crawl, frames_without_source
from scrapers.forked import ForkedChild, can_fork, open_databases
from tests.httpserver import serve
from tests.scrapers.crawling import html_page, tiny_pdf, write_sources

#: Generous bound for a forked child to answer (a loaded machine).
CHILD_BOUND_SECONDS = 120


def _echo_job(jobs: IO[str]) -> int:
    line = jobs.readline().strip()
    print(f"job was {line}", file=sys.stderr)
    return len(line)


def test_a_forked_child_reads_its_job_and_its_stderr_and_status_reach_the_parent() -> None:
    child = ForkedChild(_echo_job, capture_stderr=True)
    assert child.stdin is not None
    child.stdin.write(b"weekly\n")
    _, errors = child.communicate()
    # Written to ``sys.stderr``, which pytest had replaced in this process: the child's own.
    assert errors == b"job was weekly\n"
    assert child.returncode == len("weekly")


def _raise(jobs: IO[str]) -> int:
    raise ValueError("no such source")


def test_a_forked_child_that_raises_exits_1_with_its_traceback_on_stderr() -> None:
    child = ForkedChild(_raise, capture_stderr=True)
    _, errors = child.communicate()
    assert child.returncode == 1
    assert errors is not None
    assert errors.decode().splitlines()[-1] == "ValueError: no such source"


def _wait_for_job(jobs: IO[str]) -> int:
    jobs.readline()
    return 0


def test_a_forked_child_stops_on_sigterm_whatever_handler_its_parent_has() -> None:
    # `records run` has its own SIGTERM handler (a graceful stop of the run): the child gets
    # the default one, or terminating a child that waits for its job would never end it.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        child = ForkedChild(_wait_for_job, capture_stderr=True)
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.2)  # waiting for its job: still there
        child.terminate()
        assert child.wait(timeout=CHILD_BOUND_SECONDS) == -signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_crawl_children_are_forked_unless_a_reactor_was_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "twisted.internet.reactor", raising=False)
    database = tmp_path / "records.db"
    assert can_fork(database)
    with CrawlChild(database=database) as child:
        assert isinstance(child.process, ForkedChild)
    with CrawlChild(fork=False, database=database) as child:
        assert isinstance(child.process, subprocess.Popen)
    # A reactor installed here would be inherited: Scrapy could not install its own.
    monkeypatch.setitem(sys.modules, "twisted.internet.reactor", object())
    assert not can_fork(database)
    with CrawlChild(database=database) as child:
        assert isinstance(child.process, subprocess.Popen)


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
def test_a_forked_and_a_spawned_crawl_child_record_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    monkeypatch.delitem(sys.modules, "twisted.internet.reactor", raising=False)
    pdf = tiny_pdf("week one")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(html_page("one.pdf"))
    (tmp_path / "site" / "one.pdf").write_bytes(pdf)
    db_path = tmp_path / "records.db"
    open_db(db_path).close()  # not open here when the child is forked (``open_databases``)
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        reports = []
        for run_id in (None, None):
            with CrawlChild(fork=fork, database=db_path) as child:
                assert isinstance(child.process, ForkedChild) is fork
                reports += crawl(
                    sources,
                    [],
                    db_path=db_path,
                    archive_root=tmp_path / "archive",
                    run_id=run_id,
                    child=child,
                )
        document_requests = site.requests_for("/one.pdf")
    first, unchanged = reports
    assert first.new == [hashlib.sha256(pdf).hexdigest()]
    assert (first.errors, first.unchanged) == ([], 0)
    assert (unchanged.new, unchanged.unchanged, unchanged.not_modified) == ([], 1, 1)
    assert [r.status for r in document_requests] == [200, 304]
    db = open_db(db_path, ensure=False)
    assert [tuple(r) for r in db.execute("select http_status, not_modified from fetches")] == [
        (200, 0),
        (304, 1),
    ]
    db.close()


def test_a_forked_crawl_child_crash_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(sys.modules, "twisted.internet.reactor", raising=False)
    sources = write_sources(tmp_path, "http://127.0.0.1:9/")
    not_a_db = tmp_path / "db-is-a-folder"
    not_a_db.mkdir()
    with pytest.raises(RecordsError) as caught, CrawlChild(database=not_a_db) as child:
        assert isinstance(child.process, ForkedChild)
        crawl(
            sources,
            ["test-agency"],
            db_path=not_a_db,
            archive_root=tmp_path / "archive",
            run_id=None,
            child=child,
        )
    assert str(caught.value) == (
        "crawl of test-agency failed: OperationalError: unable to open database file"
    )


def _stacks() -> tuple[list[inspect.FrameInfo], list[inspect.FrameInfo]]:
    real = inspect.stack()
    with frames_without_source():
        quick = inspect.stack()
    return real, quick


def test_frames_without_source_are_the_same_frames_without_lines() -> None:
    real, quick = _stacks()
    assert inspect.stack.__module__ == "inspect"  # restored
    assert [f.frame for f in quick] == [f.frame for f in real]
    assert [f.function for f in quick] == [f.function for f in real]
    assert [f.lineno for f in quick[1:]] == [f.lineno for f in real[1:]]
    assert quick[0].function == "_stacks"
    assert quick[0].lineno == real[0].lineno + 2
    assert {f.code_context for f in quick} == {None}
    assert all(f.code_context for f in real[:2])
    # What Scrapy takes from it: the caller's module.
    assert inspect.getmodule(quick[1].frame) is sys.modules[__name__]


def test_a_child_forked_from_a_thread_blocking_sigterm_still_stops_on_it() -> None:
    # The scheduler runs jobs in a thread that blocks SIGTERM/SIGINT (they are the main
    # thread's); its crawl child must not keep them blocked.
    children: list[ForkedChild] = []

    def start() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        children.append(ForkedChild(_wait_for_job, capture_stderr=True))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join(CHILD_BOUND_SECONDS)
    [child] = children
    child.terminate()
    assert child.wait(timeout=CHILD_BOUND_SECONDS) == -signal.SIGTERM


def test_no_crawl_child_is_forked_while_its_database_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A child forked with a connection to its database open shares SQLite's record of the
    # file with it: its commits were not seen by the parent (test_crawl_notices.py).
    monkeypatch.delitem(sys.modules, "twisted.internet.reactor", raising=False)
    database = tmp_path / "records.db"
    assert open_databases(database) == []
    db = open_db(database)
    assert str(tmp_path / "records.db-shm") in open_databases(database)
    assert str(tmp_path / "records.db-shm") in open_databases()  # any database
    assert not can_fork(database)
    with CrawlChild(database=database) as child:
        assert isinstance(child.process, subprocess.Popen)
    # Another database open here is no obstacle: the child writes only this one.
    assert can_fork(tmp_path / "another.db")
    db.close()
    assert open_databases(database) == []
    assert can_fork(database)
