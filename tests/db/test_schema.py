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
