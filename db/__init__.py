"""The database: schema, and every write (sqlite-utils over SQLite).

Importing ``db`` imports sqlite-utils without pandas and numpy: sqlite-utils imports the two
whenever they are installed (camelot, a bench extra, brings them) only to map their scalar
types to column types, and nothing here writes such values. They were 0.3-1 s of every
process that writes the database (the crawl child included: most of an unchanged weekly
run). They are hidden only while sqlite-utils loads, so anything wanting them later still
imports them.
"""

from __future__ import annotations

import sys

#: Imported by sqlite-utils only to know their types; nothing in ``db`` writes them.
NOT_NEEDED_BY_SQLITE_UTILS = ("pandas", "numpy")


def _import_sqlite_utils_alone() -> None:
    """Import sqlite-utils with ``NOT_NEEDED_BY_SQLITE_UTILS`` looking absent (unless a
    process imported them, or sqlite-utils, already)."""
    if "sqlite_utils.db" in sys.modules:
        return
    hidden = [name for name in NOT_NEEDED_BY_SQLITE_UTILS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


_import_sqlite_utils_alone()
