"""No overlap: one process ingests a source at a time; the others say who holds it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from db.connect import open_db
from records.core.errors import LockHeld
from records.core.paths import Paths
from records.pipeline.guards.locks import acquire, hold_sources, holder_of, lock_dir
from records.pipeline.scheduled import scheduled_runner
from tests.scheduler.agency_site import (
    GUARD_SECONDS,
    AgencySite,
    add_document,
    archived,
    ddor_bytes,
    start_records,
    write_sources,
)
from tests.shared import REPO


def test_second_run_of_a_source_exits_3_naming_the_holder(
    agency_site: AgencySite, paths: Paths
) -> None:
    write_sources(paths.db.parent, agency_site.url)
    # The report is known already; its download is held back to keep the first run going.
    del agency_site.site.routes["/doclib/ddor/a.pdf"]
    archived(paths, agency_site, "b.pdf", ddor_bytes())
    add_document(agency_site, "b.pdf", ddor_bytes(), gated=True)
    first = start_records(paths, "run", "ice-ddor")
    try:
        agency_site.gate.wait_arrived()  # the first run is mid-crawl, holding the lock
        second = start_records(paths, "run", "ice-ddor")
        _, second_err = second.communicate(timeout=GUARD_SECONDS)
        agency_site.gate.release()
        first_out, first_err = first.communicate(timeout=GUARD_SECONDS)
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
    assert second.returncode == 3
    assert f"ice-ddor: already being ingested by pid {first.pid} on {socket.gethostname()}" in (
        second_err
    )
    assert "trigger cli, run 1 since 20" in second_err
    assert first.returncode == 0, first_err
    assert first_out.startswith("run 1: 0 new document(s), 1 unchanged, 0 failed")
    # The loser wrote nothing: one run in the database, the winner's.
    db = open_db(paths.db)
    runs = list(db.query("select id, status, pid from runs"))
    assert runs == [{"id": 1, "status": "ok", "pid": first.pid}]
    assert holder_of(paths.db, "ice-ddor") is None


def test_lock_names_holder_and_is_all_or_nothing(paths: Paths) -> None:
    with hold_sources(paths.db, ["b-source", "a-source"], trigger="schedule") as held:
        assert [lock.source for lock in held] == ["a-source", "b-source"]
        held[0].note(run=7)
        holder = holder_of(paths.db, "a-source")
        assert holder is not None
        assert (holder["pid"], holder["host"], holder["trigger"], holder["run"]) == (
            os.getpid(),
            socket.gethostname(),
            "schedule",
            7,
        )
        # A second holder in the same process is refused too (separate open file).
        with pytest.raises(LockHeld, match=r"a-source: already being ingested by pid \d+"):
            acquire(paths.db, "a-source")
        # Wanting c (free) and b (held) takes neither.
        with pytest.raises(LockHeld, match="b-source"):
            with hold_sources(paths.db, ["c-source", "b-source"]):
                pass
        assert holder_of(paths.db, "c-source") is None
    assert holder_of(paths.db, "a-source") is None
    assert holder_of(paths.db, "b-source") is None


def test_lock_of_a_killed_process_is_free_at_once(paths: Paths) -> None:
    """No stale locks: the kernel drops a dead holder's lock, whatever killed it."""
    code = (
        "import sys; from records.pipeline.guards.locks import acquire;"
        f" lock = acquire({str(paths.db)!r}, 'ice-ddor');"
        " print('locked', flush=True); sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        info = holder_of(paths.db, "ice-ddor")
        assert info is not None and info["pid"] == holder.pid
        with pytest.raises(LockHeld, match=f"pid {holder.pid}"):
            acquire(paths.db, "ice-ddor")
        holder.send_signal(signal.SIGKILL)
        holder.wait(GUARD_SECONDS)
    finally:
        if holder.poll() is None:
            holder.kill()
    lock = acquire(paths.db, "ice-ddor", trigger="cli")
    try:
        assert holder_of(paths.db, "ice-ddor")["pid"] == os.getpid()  # type: ignore[index]
    finally:
        lock.release()
    assert (lock_dir(paths.db) / "ice-ddor.lock").exists()


def test_scheduled_run_skips_a_source_another_process_holds(
    agency_site: AgencySite, paths: Paths
) -> None:
    write_sources(paths.db.parent, agency_site.url)
    with hold_sources(paths.db, ["ice-ddor"], trigger="cli"):
        outcome = scheduled_runner(paths)("ice-ddor")
    assert outcome == "skipped: locked"
    assert agency_site.site.log == []  # never crawled
    assert open_db(paths.db).table("runs").count == 0
