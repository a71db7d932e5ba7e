"""The ``sources`` table: each configured source as last read from the sources file."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from db.clock import now
from records.core.config import Source


def sync_sources(db: sqlite_utils.Database, sources: Iterable[Source]) -> None:
    """Upsert the sources' descriptions (Datasette's ``sources`` table shows them)."""
    db.table("sources").upsert_all(
        (
            {
                "name": s.name,
                "agency": s.agency,
                "title": s.title,
                "description": s.description,
                "url": s.url,
                "parser": s.parser,
                "schedule": s.schedule,
                "source_url": s.source_url or s.url,
                "license": s.license,
                "license_url": s.license_url,
                "updated": now(),
            }
            for s in sources
        ),
        pk="name",
    )
