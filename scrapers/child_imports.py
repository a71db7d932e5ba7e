"""What the crawl child imports before anything else: sqlite-utils without pandas and numpy.

sqlite-utils imports pandas and numpy whenever they are installed (camelot, a bench extra,
brings them) only to map their scalar types to column types. A crawl writes none of those
types, and importing the two was about a third of the crawl child's start (0.3-0.9 s), all
of it on an unchanged weekly run's critical path. They are hidden while sqlite-utils loads,
then visible again, so a spider that wants them can still import them.
"""

from __future__ import annotations

import sys

#: Imported by sqlite-utils only to know their types; nothing in a crawl needs them.
UNUSED_BY_A_CRAWL = ("pandas", "numpy")


def import_sqlite_utils_alone() -> None:
    """Import sqlite-utils with ``UNUSED_BY_A_CRAWL`` looking absent (unless already loaded)."""
    if "sqlite_utils.db" in sys.modules:
        return
    hidden = [name for name in UNUSED_BY_A_CRAWL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


import_sqlite_utils_alone()
