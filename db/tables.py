"""Tables for parsed rows, created from the parsers' declared ``TableSpec``."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlite_utils

from db.ddl import ensure_table
from parsers.base import TableSpec

SQL_TYPES: dict[str, type] = {
    "text": str,
    "integer": int,
    "float": float,
    "date": str,
    "boolean": int,
}


def table_columns(spec: TableSpec) -> dict[str, type]:
    columns: dict[str, type] = {
        "document": str,
        "page": int,
        "bbox": str,
        "table_index": int,
        "row_index": int,
        "parser_version": str,
    }
    for col in spec.columns:
        columns[col.name] = SQL_TYPES[col.type]
    return columns


def ensure_spec_table(db: sqlite_utils.Database, spec: TableSpec) -> None:
    ensure_table(
        db,
        spec.name,
        table_columns(spec),
        foreign_keys=[("document", "documents", "sha256")],
        indexes=[("document", "table_index", "row_index"), *((f,) for f in spec.facets)],
    )
    if spec.fts and not db.table(spec.name).detect_fts():
        db.table(spec.name).enable_fts(list(spec.fts), create_triggers=True)


TABLE_METADATA = {
    "parsed_tables": {
        "title": "Parsed tables",
        "description": "Every table of parsed rows in this database, with its value columns"
        " (the changes view compares rows on them).",
        "columns": {
            "name": "The table's name.",
            "value_columns": "Its value columns (JSON list), provenance columns left out.",
            "key": "Columns naming what a row is about (JSON list; empty: none declared):"
            " changes_by_key compares editions on them.",
            "facets": "Its facet columns (JSON list): the digest of a new edition compares"
            " counts by them.",
        },
    }
}

#: Every parsed-row table created so far, with its value columns: the views (``changes``)
#: are built from it, so opening the database never needs the parser registry.
PARSED_TABLES = "parsed_tables"


def ensure_spec_tables(db: sqlite_utils.Database, specs: Iterable[TableSpec]) -> bool:
    """Create (or migrate) the tables of the specs the caller hands in, and register them;
    True when the register changed (the views over parsed rows must then be rebuilt)."""
    changed = False
    ensure_table(
        db, PARSED_TABLES, {"name": str, "value_columns": str, "key": str, "facets": str}, pk="name"
    )
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            continue
        seen.add(spec.name)
        ensure_spec_table(db, spec)
        existing = set(db.table(spec.name).columns_dict)
        columns = [c.name for c in spec.columns if c.name in existing]
        known = db.table(PARSED_TABLES).rows_where("name = ?", [spec.name])
        registered = next(iter(known), None)
        entry = {
            "name": spec.name,
            "value_columns": json.dumps(columns),
            "key": json.dumps([c for c in spec.key if c in existing]),
            "facets": json.dumps([c for c in spec.facets if c in existing]),
        }
        if registered is None or any(registered.get(k) != v for k, v in entry.items()):
            db.table(PARSED_TABLES).upsert(entry, pk="name")
            changed = True
    return changed


def parsed_tables(db: sqlite_utils.Database) -> list[tuple[str, list[str]]]:
    """(table, value columns) of every registered parsed-row table that exists."""
    if not db.table(PARSED_TABLES).exists():
        return []
    return [
        (row["name"], json.loads(row["value_columns"]))
        for row in db.query(f"select * from {PARSED_TABLES} order by name")
        if db.table(row["name"]).exists()
    ]


def keyed_tables(db: sqlite_utils.Database) -> list[tuple[str, list[str], list[str]]]:
    """(table, key columns, value columns) of every parsed table that declares a key."""
    if not db.table(PARSED_TABLES).exists() or "key" not in db.table(PARSED_TABLES).columns_dict:
        return []
    found = []
    for row in db.query(f"select * from {PARSED_TABLES} where key is not null order by name"):
        key = json.loads(row["key"] or "[]")
        if key and db.table(row["name"]).exists():
            found.append((row["name"], key, json.loads(row["value_columns"])))
    return found
