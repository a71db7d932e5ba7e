"""Open the project database: WAL mode, a busy timeout, schema ensured."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from db.migrate import migration_lock
from db.schema import ensure_schema
from db.tables import PARSED_TABLES, ensure_spec_tables
from db.views import ensure_views
from parsers.base import TableSpec

#: Schemas this process has brought up to date, by ``schema_state``: what was ensured in
#: each (``CORE`` for ``ensure_schema``'s tables, views and triggers; a spec's ``repr`` for
#: its table). A long-lived process (``records schedule``) opens the same database for
#: every run; when its schema is still one it ensured, nothing is left to do.
_ENSURED: dict[str, frozenset[str]] = {}
#: More states than this and the record starts again (a process opening many databases).
_ENSURED_LIMIT = 64
CORE = "core"
#: Commits do not wait for the disk (SQLite's default, FULL, makes each one wait): in WAL
#: mode a commit is atomic either way, and a power cut can only undo the last ones, never
#: corrupt the file. What they recorded is then done again by the next run: a document
#: whose record is lost is fetched and parsed again, the archive keeping one copy of it.
#: Waiting cost 3-4 ms a commit here (bench/bench_pipeline.py), a dozen of them in a
#: weekly run that finds nothing new, and about as much as a document's rows when loading.
WAL_SYNCHRONOUS = "PRAGMA synchronous = NORMAL"


def open_db(
    path: Path | str, *, specs: Iterable[TableSpec] = (), ensure: bool = True
) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date,
    with the tables of ``specs`` (the parsers' declared tables) created too.

    Skipped when this process already brought this very schema up to date
    (``schema_state``: unchanged since, by anyone): an unchanged weekly run of the
    scheduler spent about a tenth of its time checking every table again."""
    path = Path(path)
    specs = list(specs)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    # Several processes (a scheduled run, the crawl child, Datasette) share the file.
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    if db.journal_mode == "wal":
        db.execute(WAL_SYNCHRONOUS)
        if not ensure:
            return db
        if _covered(schema_state(db), specs, core=True):
            return db
    # The WAL switch and the schema, one process at a time (db.migrate).
    with migration_lock(path):
        db.enable_wal()
        db.execute(WAL_SYNCHRONOUS)
        if ensure:
            ensure_schema(db, specs)
            _remember(db, specs, also=frozenset({CORE}))
    return db


def ensure_tables(db: sqlite_utils.Database, path: Path | str, specs: Iterable[TableSpec]) -> None:
    """The tables of ``specs`` on a database opened without them (``open_db(path)``), and
    the views over them, as ``open_db(path, specs=specs)`` would have made them."""
    specs = list(specs)
    before = schema_state(db)
    if _covered(before, specs):
        return
    with migration_lock(Path(path)):
        if ensure_spec_tables(db, specs):
            ensure_views(db)
        # What was ensured before stays so: these only add tables and rebuild the views.
        _remember(db, specs, also=_ENSURED.get(before, frozenset()))


def schema_state(db: sqlite_utils.Database) -> str:
    """A digest of everything ``ensure_schema`` reads to decide what to do: the schema
    (tables, indexes, views, triggers), ``user_version`` and the register of parsed-row
    tables (the views are built from it). Equal digests, equal work: none left."""
    digest = hashlib.sha256()
    for row in db.execute(
        "select type, name, tbl_name, sql from sqlite_master order by type, name"
    ):
        digest.update(repr(row).encode("utf-8"))
    digest.update(repr(db.execute("PRAGMA user_version").fetchone()).encode("utf-8"))
    if db.execute(
        "select 1 from sqlite_master where type = 'table' and name = ?", [PARSED_TABLES]
    ).fetchone():
        for row in db.execute(f"select * from [{PARSED_TABLES}] order by name"):
            digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def _covered(state: str, specs: list[TableSpec], *, core: bool = False) -> bool:
    done = _ENSURED.get(state)
    if done is None or (core and CORE not in done):
        return False
    return all(repr(spec) in done for spec in specs)


def _remember(db: sqlite_utils.Database, specs: list[TableSpec], also: frozenset[str]) -> None:
    if len(_ENSURED) >= _ENSURED_LIMIT:
        _ENSURED.clear()
    state = schema_state(db)
    _ENSURED[state] = _ENSURED.get(state, frozenset()) | also | {repr(s) for s in specs}


def memory_db(specs: Iterable[TableSpec] = ()) -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db, specs)
    return db
