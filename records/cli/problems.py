"""Faults of the machine, not of the input, as one line each: a full disk, a damaged
database. ``records.cli.common.RecordsGroup`` calls ``explain`` for errors no pipeline stage
handles; see docs/failures.md."""

from __future__ import annotations

import errno
import sqlite3

from records.core.paths import Paths

#: SQLite's words for a file that is not (or no longer) a database.
_CORRUPT = ("file is not a database", "malformed", "database corrupt")
_FULL = ("database or disk is full",)

#: Exit status for a damaged database (as for a bad configuration: fix the file, rerun).
CORRUPT_EXIT = 2
#: Exit status for a full disk (the run failed; rerun when there is room).
FULL_EXIT = 1


def explain(exc: BaseException, paths: Paths | None) -> tuple[str, int] | None:
    """(one-line message, exit status) for a disk-full or corrupt-database error, else None."""
    db = str(paths.db) if paths is not None else "the database"
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if any(word in text for word in _FULL):
            return _full(db), FULL_EXIT
        if any(word in text for word in _CORRUPT):
            return (
                f"{db}: not a usable SQLite database ({text}); it was left untouched."
                " Restore it from a backup, or move it aside and run again to rebuild it"
                " from the archive",
                CORRUPT_EXIT,
            )
        return None
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _full(exc.filename or db), FULL_EXIT
    return None


def _full(where: str) -> str:
    return (
        f"{where}: no space left on the disk; nothing half-written was kept. Free some"
        " space and run again: documents already archived and loaded are kept"
    )
