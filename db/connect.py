"""Open the project database: WAL mode, a busy timeout, schema ensured."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from db.migrate import migration_lock
from db.schema import ensure_schema
from db.tables import ensure_spec_tables
from db.views import ensure_views
from parsers.base import TableSpec


def open_db(
    path: Path | str, *, specs: Iterable[TableSpec] = (), ensure: bool = True
) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date,
    with the tables of ``specs`` (the parsers' declared tables) created too."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    # Several processes (a scheduled run, the crawl child, Datasette) share the file.
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    if db.journal_mode == "wal" and not ensure:
        return db
    # The WAL switch and the schema, one process at a time (db.migrate).
    with migration_lock(path):
        db.enable_wal()
        if ensure:
            ensure_schema(db, specs)
    return db


def ensure_tables(db: sqlite_utils.Database, path: Path | str, specs: Iterable[TableSpec]) -> None:
    """The tables of ``specs`` on a database opened without them (``open_db(path)``), and
    the views over them, as ``open_db(path, specs=specs)`` would have made them."""
    with migration_lock(Path(path)):
        if ensure_spec_tables(db, specs):
            ensure_views(db)


def memory_db(specs: Iterable[TableSpec] = ()) -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db, specs)
    return db
