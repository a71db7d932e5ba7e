"""Create-or-migrate for one table: what every module of ``db/`` builds its schema with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils
from sqlite_utils.db import DescIndex

#: The columns of one index, in order; ``DescIndex(name)`` for a descending one.
IndexColumns = tuple[str | DescIndex, ...]


def ensure_table(
    db: sqlite_utils.Database,
    name: str,
    columns: dict[str, Any],
    pk: str | tuple[str, ...] | None = None,
    foreign_keys: Iterable[tuple[str, str, str]] = (),
    indexes: Iterable[IndexColumns] = (),
) -> None:
    """Create ``name`` if missing, else add any missing columns, and any missing index of
    ``indexes`` (an older database gains them). Safe to call repeatedly."""
    table = db.table(name)
    if not table.exists():
        table.create(
            columns,
            pk=pk,
            foreign_keys=list(foreign_keys) or None,
            not_null=None,
        )
    else:
        existing = set(table.columns_dict)
        for column, col_type in columns.items():
            if column not in existing:
                table.add_column(column, col_type)
    for index in indexes:
        table.create_index(list(index), if_not_exists=True)
