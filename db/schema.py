"""The schema: core tables, declared once, created or migrated idempotently.

Every command calls ``ensure_schema``. A table that is missing is created; a table that
exists gains any column added here since (SQLite can add columns in place). Tables for
parsed rows come from the parsers' declared ``TableSpec`` (see ``db.tables``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from db.ddl import ensure_table
from db.editions import ensure_editions
from db.foia import ensure_requests_schema
from db.health import ensure_health_schema
from db.pages import ensure_pages_schema
from db.tables import ensure_spec_tables
from db.views import ensure_views
from parsers.base import TableSpec

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class CoreTable:
    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...] | None = None
    not_null: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)


CORE_TABLES: list[CoreTable] = [
    CoreTable(
        "sources",
        {
            "name": str,
            "agency": str,
            "title": str,
            "description": str,
            "url": str,
            "parser": str,
            "schedule": str,
            "source_url": str,
            "license": str,
            "license_url": str,
            "updated": str,
        },
        pk="name",
    ),
    CoreTable(
        "documents",
        {
            "sha256": str,
            "source": str,
            "url": str,
            "filename": str,
            "content_type": str,
            "bytes": int,
            "pages": int,
            "first_seen": str,
            "last_seen": str,
            "etag": str,
            "last_modified": str,
            "report_period_start": str,
            "report_period_end": str,
            "status": str,
            "parser": str,
            "parser_version": str,
            "parsed_at": str,
            "rows": int,
            "error": str,
            "warnings": str,
            "supersedes": str,
            "derived_from": str,
            "request_id": int,
            "capture_url": str,
            "capture_time": str,
            "link_text": str,
            "release_date": str,
            "edition": str,
        },
        pk="sha256",
        indexes=(("source",), ("status",), ("url",)),
    ),
    CoreTable(
        "document_urls",
        {
            "document": str,
            "url": str,
            "first_seen": str,
            "last_seen": str,
            "capture_url": str,
            "capture_time": str,
        },
        pk=("document", "url"),
        foreign_keys=(("document", "documents", "sha256"),),
    ),
    CoreTable(
        "document_facts",
        {"document": str, "name": str, "value": str},
        pk=("document", "name"),
        foreign_keys=(("document", "documents", "sha256"),),
    ),
    CoreTable(
        "fetches",
        {
            "id": int,
            "run": int,
            "source": str,
            "url": str,
            "time": str,
            "http_status": int,
            "sha256": str,
            "not_modified": int,
            "bytes": int,
            "error": str,
        },
        pk="id",
        indexes=(("url",), ("run",)),
    ),
    CoreTable(
        "runs",
        {
            "id": int,
            "started": str,
            "finished": str,
            "trigger": str,
            "sources": str,
            "status": str,
            "documents_new": int,
            "documents_unchanged": int,
            "documents_failed": int,
            "rows_added": int,
            "errors": int,
            "pid": int,
            "host": str,
        },
        pk="id",
    ),
    CoreTable(
        "errors",
        {
            "id": int,
            "run": int,
            "source": str,
            "url": str,
            "document": str,
            "stage": str,
            "message": str,
            "time": str,
        },
        pk="id",
        indexes=(("run",),),
    ),
    CoreTable(
        "quarantined_rows",
        {
            "document": str,
            "table_name": str,
            "page": int,
            "bbox": str,
            "table_index": int,
            "row_index": int,
            "parser_version": str,
            "values_json": str,
        },
        pk=("document", "table_name", "table_index", "row_index"),
        foreign_keys=(("document", "documents", "sha256"),),
    ),
]

#: Further schema owned by other modules of ``db/``, run in order after the core tables
#: (records requests, page text, source health); parsed-row tables and views come last.
EXTRA_SCHEMA: list[Callable[[sqlite_utils.Database], None]] = [
    ensure_requests_schema,
    ensure_pages_schema,
    ensure_health_schema,
    ensure_editions,
]


def ensure_schema(db: sqlite_utils.Database, specs: Iterable[TableSpec] = ()) -> None:
    """Create or migrate every core table, the extras, the tables of ``specs`` (the parsers'
    declared tables, handed in by the caller), and the views over every parsed-row table."""
    for spec in CORE_TABLES:
        ensure_table(db, spec.name, spec.columns, spec.pk, spec.foreign_keys, spec.indexes)
    for hook in EXTRA_SCHEMA:
        hook(db)
    ensure_spec_tables(db, specs)
    ensure_views(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
