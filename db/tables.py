"""Tables for parsed rows, created from the parsers' declared ``TableSpec``."""

from __future__ import annotations

import sqlite_utils

from parsers.base import Parser, TableSpec

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
        "table_index": int,
        "row_index": int,
        "parser_version": str,
    }
    for col in spec.columns:
        columns[col.name] = SQL_TYPES[col.type]
    return columns


def ensure_spec_table(db: sqlite_utils.Database, spec: TableSpec) -> None:
    from db.schema import ensure_table

    ensure_table(
        db,
        spec.name,
        table_columns(spec),
        foreign_keys=[("document", "documents", "sha256")],
        indexes=[("document", "table_index", "row_index"), *((f,) for f in spec.facets)],
    )
    if spec.fts and not db.table(spec.name).detect_fts():
        db.table(spec.name).enable_fts(list(spec.fts), create_triggers=True)


def ensure_parser_tables(db: sqlite_utils.Database, parsers: list[Parser] | None = None) -> None:
    """Create the tables of every registered parser (or of the given ones)."""
    if parsers is None:
        from parsers.registry import all_parsers

        parsers = list(all_parsers().values())
    seen: set[str] = set()
    for parser in parsers:
        for spec in parser.tables:
            if spec.name not in seen:
                seen.add(spec.name)
                ensure_spec_table(db, spec)
