from __future__ import annotations

from pathlib import Path

import sqlite_utils

from db.connect import open_db
from db.schema import CORE_TABLES, ensure_schema
from parsers.registry import table_specs
from tests.shared import DECLINED_COLUMNS


def schema_sql(db: sqlite_utils.Database) -> list[str]:
    return sorted(r[0] for r in db.execute("select sql from sqlite_master where sql is not null"))


DDOR_SPECS = table_specs(["ice-ddor"])


def test_schema_creation_is_idempotent(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db", specs=DDOR_SPECS)
    before = schema_sql(db)
    ensure_schema(db, DDOR_SPECS)
    ensure_schema(db)
    assert schema_sql(db) == before
    names = set(db.table_names())
    assert {t.name for t in CORE_TABLES} <= names
    assert {"ddor_declined_detainers", "ddor_top_jurisdictions", "ddor_policies"} <= names
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_db_creates_only_the_tables_it_is_handed(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db")
    assert not [name for name in db.table_names() if name.startswith("ddor_")]
    assert list(db.query("select count(*) as n from changes")) == [{"n": 0}]


def test_provenance_columns_on_parsed_tables(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db", specs=DDOR_SPECS)
    columns = db["ddor_declined_detainers"].columns_dict
    for name in (
        "document",
        "page",
        "bbox",
        "table_index",
        "row_index",
        "parser_version",
        *DECLINED_COLUMNS,
    ):
        assert name in columns
    assert columns["bbox"] is str
    fks = {
        (fk.column, fk.other_table, fk.other_column)
        for fk in db["ddor_declined_detainers"].foreign_keys
    }
    assert ("document", "documents", "sha256") in fks


def test_migrates_an_older_database_by_adding_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old["documents"].create({"sha256": str, "url": str}, pk="sha256")
    old["documents"].insert({"sha256": "a" * 64, "url": "http://x/y.pdf"})
    db = open_db(path)
    assert "supersedes" in db["documents"].columns_dict
    assert next(db["documents"].rows)["url"] == "http://x/y.pdf"


def _indexes(db: sqlite_utils.Database, table: str) -> dict[tuple[str, ...], list[bool]]:
    """Each index of ``table``: its key columns, and for each whether it is descending."""
    found = {}
    for (name,) in db.execute(
        "select name from sqlite_master where type = 'index' and tbl_name = ?", [table]
    ).fetchall():
        keys = [r for r in db.execute(f"pragma index_xinfo('{name}')").fetchall() if r[5]]
        found[tuple(r[2] for r in keys)] = [bool(r[3]) for r in keys]
    return found


def test_published_tables_are_indexed_on_their_default_sort_and_facets(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db", specs=DDOR_SPECS)
    declined = _indexes(db, "ddor_declined_detainers")
    # sort_desc = "declined_date": descending, so Datasette's "declined_date desc, rowid"
    # (a page, and each step of a streamed export) reads the index in order.
    assert declined[("declined_date",)] == [True]
    for facet in ("state", "county", "citizenship", "notable_criminal_activity"):
        assert declined[(facet,)] == [False]
    assert declined[("document", "table_index", "row_index")] == [False, False, False]
    top = _indexes(db, "ddor_top_jurisdictions")
    assert top[("rank",)] == [False]
    assert top[("state",)] == [False]
    assert _indexes(db, "documents")[("first_seen", "sha256")] == [True, False]
    plan = db.execute(
        "explain query plan select rowid, * from ddor_declined_detainers"
        " order by declined_date desc, rowid limit 5001"
    ).fetchall()
    assert [row[3] for row in plan] == [
        "SCAN ddor_declined_detainers USING INDEX idx_ddor_declined_detainers_declined_date"
    ]


def test_an_older_database_gains_the_sort_index(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db", specs=DDOR_SPECS)
    db.execute("drop index idx_ddor_declined_detainers_declined_date")
    assert ("declined_date",) not in _indexes(db, "ddor_declined_detainers")
    db.close()
    again = open_db(tmp_path / "r.db", specs=DDOR_SPECS)
    assert _indexes(again, "ddor_declined_detainers")[("declined_date",)] == [True]
