"""SIGTERM / SIGINT during a run: the run ends `interrupted`, nothing is half-written, and
the next run picks up where it stopped."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

import db.load as loader
import records.pipeline.parse as parse_stage
import records.pipeline.run as pipeline
from db.connect import open_db
from parsers.registry import get_parser
from records.core.config import load_config
from records.core.paths import Paths
from records.pipeline.guards.locks import holder_of
from tests.scheduler.agency_site import (
    DDOR_ROWS,
    GUARD_SECONDS,
    AgencySite,
    add_document,
    archived,
    ddor_bytes,
    not_a_ddor_pdf,
    start_records,
    write_sources,
)

DDOR_TABLES = [spec.name for spec in get_parser("ice-ddor").tables]


def rows_of(db: sqlite_utils.Database, sha256: str) -> int:
    return sum(
        db.execute(f"select count(*) from [{t}] where document = ?", [sha256]).fetchone()[0]
        for t in DDOR_TABLES
        if db.table(t).exists()
    )


def assert_consistent(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_sigterm_during_crawl_marks_run_interrupted_and_loads_nothing(
    agency_site: AgencySite, paths: Paths
) -> None:
    write_sources(paths.db.parent, agency_site.url)
    add_document(agency_site, "b.pdf", ddor_bytes(copy=1), gated=True)
    process = start_records(paths, "run", "ice-ddor")
    try:
        # The crawl is now waiting for b.pdf: the run is certainly in progress.
        agency_site.gate.wait_arrived()
        process.send_signal(signal.SIGTERM)
        agency_site.gate.release()
        _, stderr = process.communicate(timeout=GUARD_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert "interrupted (received SIGTERM)" in stderr

    db = open_db(paths.db)
    (run,) = list(db.query("select * from runs"))
    assert (run["status"], run["trigger"]) == ("interrupted", "cli")
    assert run["finished"] is not None
    # Whatever the crawl archived before stopping waits, unparsed, for the next run.
    documents = list(db.query("select sha256, status, rows from documents"))
    assert all(d["status"] == "fetched" and d["rows"] is None for d in documents)
    assert all(rows_of(db, d["sha256"]) == 0 for d in documents)
    assert_consistent(paths.db)
    assert holder_of(paths.db, "ice-ddor") is None


def test_sigterm_while_loading_finishes_that_document_and_stops(
    agency_site: AgencySite, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_sources(paths.db.parent, agency_site.url)
    # Two documents waiting for the parser, in this order: the DDOR report, then a notice.
    report = archived(paths, agency_site, "a.pdf", ddor_bytes(), status="fetched")
    notice_bytes = not_a_ddor_pdf()
    notice = archived(paths, agency_site, "b.pdf", notice_bytes, status="fetched")
    add_document(agency_site, "b.pdf", notice_bytes)
    real_load = parse_stage.load_result
    loaded: list[str] = []

    def load_then_signalled(db: Any, sha256: str, parser: Any, result: Any, **kw: Any) -> Any:
        # SIGTERM arrives as the first document's transaction is about to start.
        if not loaded:
            os.kill(os.getpid(), signal.SIGTERM)
        loaded.append(sha256)
        return real_load(db, sha256, parser, result, **kw)

    monkeypatch.setattr(parse_stage, "load_result", load_then_signalled)
    previous_handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt, match="received SIGTERM"):
        pipeline.run(load_config(paths.sources), ["ice-ddor"], paths=paths)
    assert signal.getsignal(signal.SIGTERM) is previous_handler

    db = open_db(paths.db)
    (run,) = list(db.query("select * from runs"))
    assert (run["status"], run["documents_unchanged"], run["rows_added"]) == (
        "interrupted",
        2,
        DDOR_ROWS,
    )
    # The document being loaded was finished whole; the next one was never started.
    assert loaded == [report]
    first = db.table("documents").get(report)
    assert (first["status"], first["rows"]) == ("parsed", DDOR_ROWS)
    assert rows_of(db, report) == DDOR_ROWS
    second = db.table("documents").get(notice)
    assert (second["status"], second["rows"], second["error"]) == ("fetched", None, None)
    assert db.execute("select count(*) from quarantined_rows").fetchone()[0] == 0
    assert_consistent(paths.db)
    assert holder_of(paths.db, "ice-ddor") is None


def test_second_signal_mid_transaction_rolls_the_document_back(
    agency_site: AgencySite, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_sources(paths.db.parent, agency_site.url)
    real_insert_parsed = loader._insert_parsed
    inserted: list[int] = []

    def insert_then_signalled(
        database: sqlite_utils.Database, table: str, *args: Any, **kwargs: Any
    ) -> None:
        # The loader writes a parsed table's rows through this one function.
        real_insert_parsed(database, table, *args, **kwargs)
        if table in DDOR_TABLES and not inserted:
            inserted.append(database.table(table).count)
            # Rows are in, the transaction is open: stop now, twice (the second one forces).
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(loader, "_insert_parsed", insert_then_signalled)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(load_config(paths.sources), ["ice-ddor"], paths=paths)

    assert inserted and inserted[0] > 0  # rows really were written inside the transaction
    db = open_db(paths.db)
    (run,) = list(db.query("select * from runs"))
    assert run["status"] == "interrupted"
    (document,) = list(db.query("select * from documents"))
    assert document["status"] == "fetched"
    assert rows_of(db, document["sha256"]) == 0
    assert db.execute("select count(*) from document_facts").fetchone()[0] == 0
    assert_consistent(paths.db)


def test_scheduler_process_stops_on_sigterm_after_marking_its_run(
    agency_site: AgencySite, paths: Paths
) -> None:
    write_sources(paths.db.parent, agency_site.url)
    add_document(agency_site, "b.pdf", ddor_bytes(copy=1), gated=True)
    scheduler = start_records(paths, "schedule", "--run-now")
    try:
        agency_site.gate.wait_arrived()  # the scheduled run is mid-crawl
        scheduler.send_signal(signal.SIGTERM)
        agency_site.gate.release()
        stdout, stderr = scheduler.communicate(timeout=GUARD_SECONDS)
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
    # A clean stop: exit 0, so systemd does not report the service as failed.
    assert scheduler.returncode == 0, stderr
    assert stdout.splitlines()[-1] == "scheduler stopped"
    assert "SIGTERM: stopping after the current document" in stderr
    db = open_db(paths.db)
    (run,) = list(db.query("select trigger, status, finished from runs"))
    assert (run["trigger"], run["status"]) == ("schedule", "interrupted")
    assert run["finished"] is not None
    assert all(rows_of(db, d["sha256"]) == 0 for d in db.query("select sha256 from documents"))
    assert_consistent(paths.db)
    assert holder_of(paths.db, "ice-ddor") is None
