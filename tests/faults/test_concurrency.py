"""Two commands at once: first opens of a new database, and `parse` beside `run`."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
from pathlib import Path

from db.connect import open_db
from parsers.registry import parser_names, table_specs
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

TRIALS = 10


def _open(path: str, barrier: object) -> None:
    barrier.wait(GUARD_SECONDS)  # type: ignore[attr-defined]
    # Every parser's tables: the most schema a first open can create (FTS included).
    open_db(path, specs=table_specs(parser_names()))


def test_two_processes_opening_a_new_database_at_once_both_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    outcomes = []
    for trial in range(TRIALS):
        path = str(tmp_path / f"trial{trial}.db")
        barrier = context.Barrier(2)
        workers = [context.Process(target=_open, args=(path, barrier)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(GUARD_SECONDS)
        outcomes.append([worker.exitcode for worker in workers])
        assert integrity(Path(path)) == [("ok",)]
        assert query(Path(path), "select count(*) from sqlite_master where name = 'pages_fts'") == [
            (1,)
        ]
    assert outcomes == [[0, 0]] * TRIALS


def test_two_records_status_on_a_new_database_both_succeed(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, "http://127.0.0.1:9")
    results = []
    for trial in range(TRIALS):
        db = tmp_path / f"trial{trial}.db"
        db.touch()  # an empty file: a new database, as sqlite3 creates it
        command = work.command("status")
        command[command.index("--db") + 1] = str(db)
        pair = [
            subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=work.env(),
                cwd=tmp_path,
            )
            for _ in range(2)
        ]
        for process in pair:
            _, stderr = process.communicate(timeout=GUARD_SECONDS)
            results.append((process.returncode, "database is locked" in stderr))
    assert results == [(0, False)] * (2 * TRIALS)


def test_parse_beside_run_of_the_same_source_waits_its_turn_and_loads_once(
    tmp_path: Path, ddor_site: Site
) -> None:
    work = Workspace(tmp_path)
    write_sources(tmp_path, ddor_site.url)
    # The run holds the ice-ddor lock, stopped inside its document's transaction.
    run = work.start("run", "ice-ddor", crash_at="after-page-text:stop")
    try:
        wait_for(lambda: stopped(run.pid), "the run to reach its document's transaction")
        parse = work.records("parse", "ice-ddor")
        os.kill(run.pid, signal.SIGCONT)
        stdout, stderr = run.communicate(timeout=GUARD_SECONDS)
    finally:
        if run.poll() is None:
            run.kill()
    assert parse.returncode == 3, parse.stderr
    assert f"ice-ddor: already being ingested by pid {run.pid}" in parse.stderr
    assert run.returncode == 0, stderr
    assert f"{ALL_ROWS} row(s) added" in stdout
    # Loaded once: one run, one set of rows.
    assert query(work.db, "select id, status, rows_added from runs") == [(1, "ok", ALL_ROWS)]
    assert query(work.db, "select count(*) from ddor_declined_detainers") == [(SECTION_II_ROWS,)]
    assert integrity(work.db) == [("ok",)]
