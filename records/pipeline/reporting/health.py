"""Each source's expected cadence, read from its cron schedule, and its health.

The health states themselves are computed in SQL (the ``source_health`` view, ``db.health``)
so that Datasette and `records status` can never disagree; this module writes what the view
needs from ``sources.toml`` and reads the view back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

from db.health import HEALTH_VIEW, write_expectations
from records.core.config import Config, Source
from records.core.cron import cadence_seconds


def record_expectations(
    db: sqlite_utils.Database, config: Config, sources: Iterable[Source] | None = None
) -> None:
    """Write the cadence and thresholds of ``sources`` (default all) for the health view."""
    chosen = list(config.sources if sources is None else sources)
    timezone = config.settings.timezone
    write_expectations(
        db,
        [
            {
                "source": s.name,
                "schedule": s.schedule,
                "timezone": timezone,
                "period_seconds": cadence_seconds(s.schedule, timezone),
                "stale_after_periods": s.stale_after_periods,
                "failing_after_runs": s.failing_after_runs,
            }
            for s in chosen
        ],
    )


def source_health(
    db: sqlite_utils.Database, names: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Rows of the ``source_health`` view (all sources, or the named ones)."""
    rows = list(db.query(f"select * from {HEALTH_VIEW}"))
    if names is None:
        return rows
    wanted = set(names)
    return [r for r in rows if r["source"] in wanted]
