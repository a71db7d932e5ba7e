"""SIGTERM/SIGINT to `run`, `parse`, `add` and `schedule`, once and twice, at a known point.

Each command is held (SIGSTOP) right after a document's page text is written, inside its
transaction (``RECORDS_CRASH_AT=after-page-text:stop``); the test sends the signal(s) and lets
it go on (SIGCONT). Once: the document in hand is finished and the command stops, exit 130.
Twice (SIGTERM and SIGINT, both pending): it stops at once, the transaction rolls back,
exit 130. Never click's "Aborted!" or a traceback, never a run left ``running`` after the next
command, and the next run loads exactly the 206 section II rows.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.faults.harness import (
    ALL_ROWS,
    GUARD_SECONDS,
    SECTION_II_ROWS,
    Workspace,
    integrity,
    query,
    stopped,
    wait_for,
)
from tests.httpserver import Site
from tests.scheduler.agency_site import write_sources
from tests.shared import DDOR_PDF, fixture

HOLD = "after-page-text:stop"


def start(work: Workspace, command: str) -> tuple[object, list[str]]:
    if command == "run":
        return work.start("run", "ice-ddor", crash_at=HOLD)
    if command == "parse":
        crawled = work.records("crawl", "ice-ddor")
        assert crawled.returncode == 0, crawled.stderr
        return work.start("parse", crash_at=HOLD)
    if command == "add":
        return work.start("add", "--source", "ice-ddor", str(fixture(DDOR_PDF)), crash_at=HOLD)
    return work.start("schedule", "--run-now", crash_at=HOLD)


@pytest.mark.parametrize("times", [1, 2], ids=["once", "twice"])
@pytest.mark.parametrize("command", ["run", "parse", "add", "schedule"])
def test_signals_stop_with_130_and_leave_nothing_half_written(
    tmp_path: Path, ddor_site: Site, command: str, times: int
) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, ddor_site.url)
    process = start(work, command)
    try:
        wait_for(lambda: stopped(process.pid), f"`records {command}` to reach the hold point")
        process.send_signal(signal.SIGTERM)
        if times == 2:
            process.send_signal(signal.SIGINT)
        os.kill(process.pid, signal.SIGCONT)
        _, stderr = process.communicate(timeout=GUARD_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
    # The scheduler's first signal is a clean service stop (exit 0 for systemd).
    expected = 0 if (command, times) == ("schedule", 1) else 130
    assert process.returncode == expected, stderr
    assert "Aborted!" not in stderr
    assert "Traceback" not in stderr

    (document,) = query(work.db, "select sha256, status, rows from documents")
    pages = query(work.db, "select count(*) from pages where document = ?", (document[0],))
    if times == 1:
        # The document in hand was finished whole.
        assert (document[1], document[2], pages) == ("parsed", ALL_ROWS, [(35,)])
    else:
        # Stopped inside the transaction: nothing of it was kept, page text included.
        assert (document[1], document[2], pages) == ("fetched", None, [(0,)])
    assert integrity(work.db) == [("ok",)]

    rerun = work.records("run", "ice-ddor")
    assert rerun.returncode == 0, rerun.stderr
    assert query(work.db, "select count(*) from runs where status = 'running'") == [(0,)]
    assert query(work.db, "select status from runs order by id")[-1] == ("ok",)
    assert query(work.db, "select count(*) from ddor_declined_detainers") == [(SECTION_II_ROWS,)]
    assert not work.processes()
