"""Open the project database: WAL mode, a busy timeout, schema ensured."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from db.schema import ensure_schema
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
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    if ensure:
        ensure_schema(db, specs)
    return db


def memory_db(specs: Iterable[TableSpec] = ()) -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db, specs)
    return db
