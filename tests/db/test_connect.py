"""`open_db` and `ensure_tables` skip the schema work a process has already done on the very
schema in front of them (an unchanged weekly run of the scheduler spent a tenth of its time
checking every table again), and redo it as soon as anything changed it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

import db.connect
from db.connect import ensure_tables, open_db, schema_state
from db.tables import PARSED_TABLES
from parsers.registry import table_specs

DDOR_SPECS = table_specs(["ice-ddor"])


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The schema work done, by name, as it is done."""
    done: list[str] = []
    ensure_schema, ensure_spec_tables = db.connect.ensure_schema, db.connect.ensure_spec_tables

    def schema(*args: Any) -> None:
        done.append("ensure_schema")
        ensure_schema(*args)

    def spec_tables(*args: Any) -> bool:
        done.append("ensure_spec_tables")
        return ensure_spec_tables(*args)

    monkeypatch.setattr(db.connect, "ensure_schema", schema)
    monkeypatch.setattr(db.connect, "ensure_spec_tables", spec_tables)
    monkeypatch.setattr(db.connect, "_ENSURED", {})
    return done


def test_a_schema_this_process_ensured_is_not_checked_again(
    tmp_path: Path, calls: list[str]
) -> None:
    path = tmp_path / "r.db"
    first = open_db(path)
    ensure_tables(first, path, DDOR_SPECS)
    made = schema_state(first)
    first.close()
    again = open_db(path)
    ensure_tables(again, path, DDOR_SPECS)
    assert calls == ["ensure_schema", "ensure_spec_tables"]
    assert schema_state(again) == made
    assert "ddor_declined_detainers" in again.table_names()


def test_a_table_dropped_since_is_made_again(tmp_path: Path, calls: list[str]) -> None:
    path = tmp_path / "r.db"
    open_db(path).close()
    other = sqlite_utils.Database(path)  # another process, say
    other.execute("drop table fetches")
    other.close()
    db = open_db(path)
    assert calls == ["ensure_schema", "ensure_schema"]
    assert "fetches" in db.table_names()


def test_a_register_row_deleted_since_is_written_again(tmp_path: Path, calls: list[str]) -> None:
    # No schema change (a row of the register the views are built from): still redone.
    path = tmp_path / "r.db"
    db = open_db(path)
    ensure_tables(db, path, DDOR_SPECS)
    db.execute(f"delete from {PARSED_TABLES} where name = 'ddor_policies'")
    db.conn.commit()
    ensure_tables(db, path, DDOR_SPECS)
    assert calls == ["ensure_schema", "ensure_spec_tables", "ensure_spec_tables"]
    assert [r[0] for r in db.execute(f"select name from {PARSED_TABLES} order by name")] == sorted(
        spec.name for spec in DDOR_SPECS
    )


def test_tables_not_ensured_yet_are_made_on_an_ensured_schema(
    tmp_path: Path, calls: list[str]
) -> None:
    path = tmp_path / "r.db"
    open_db(path).close()
    db = open_db(path, specs=DDOR_SPECS)
    assert calls == ["ensure_schema", "ensure_schema"]
    assert "ddor_declined_detainers" in db.table_names()
    ensure_tables(db, path, DDOR_SPECS)  # made by open_db just now: nothing to do
    assert calls == ["ensure_schema", "ensure_schema"]


def test_commits_do_not_wait_for_the_disk_on_any_connection(tmp_path: Path) -> None:
    """Every connection ``open_db`` hands out commits without an fsync (WAL, NORMAL): the
    weekly run, the crawl child (``ensure=False``) and a schema already ensured alike."""
    path = tmp_path / "r.db"
    fresh = open_db(path)
    again = open_db(path)  # the schema is known: the early return
    child = open_db(path, ensure=False)
    for conn in (fresh, again, child):
        assert conn.journal_mode == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL (FULL is 2)
        conn.close()
