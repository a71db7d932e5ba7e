"""Each source's expected cadence, read from its cron schedule, and its health.

The health states themselves are computed in SQL (the ``source_health`` view, ``db.health``)
so that Datasette and `records status` can never disagree; this module writes what the view
needs from ``sources.toml`` and reads the view back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from db.clock import now
from db.health import EXPECTATIONS_TABLE, HEALTH_VIEW
from records.config import Config, Source
from scheduler.cron import crontab_trigger

#: Cadence is measured on a fixed stretch of calendar so it never depends on today's date:
#: the longest wall-clock gap between the first fire times after this moment.
CADENCE_REFERENCE = datetime(2023, 1, 2, 0, 0)  # a Monday
#: Enough fire times to see every gap of a weekly pattern and a year of a monthly one.
CADENCE_SAMPLES = 13


def cadence_seconds(schedule: str, timezone: str) -> int:
    """Expected seconds between two runs of a cron schedule: its longest regular gap.

    "0 9 * * mon" gives 7 days, "0 9 * * mon,thu" 4 days, "0 9 1 * *" 31 days. Gaps are
    measured in local wall-clock time, so a daylight-saving change does not make a daily
    schedule look 25 hours long.
    """
    zone = ZoneInfo(timezone)
    trigger = crontab_trigger(schedule, zone)
    fire_times: list[datetime] = []
    previous: datetime | None = None
    moment = CADENCE_REFERENCE.replace(tzinfo=zone)
    for _ in range(CADENCE_SAMPLES):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        fire_times.append(fire)
        previous = fire
        moment = fire
    if len(fire_times) < 2:
        # A schedule that fires once at most (a fixed year) has no cadence; treat it as weekly.
        return 7 * 24 * 3600
    walls = [t.replace(tzinfo=None) for t in fire_times]
    return int(max((b - a).total_seconds() for a, b in zip(walls, walls[1:], strict=False)))


def describe_period(seconds: float) -> str:
    """A short human phrase for a cadence: 'weekly', 'daily', 'every 4 days', 'every 15 min'."""
    day = 24 * 3600
    named = {day: "daily", 7 * day: "weekly", 14 * day: "every 2 weeks"}
    if int(seconds) in named:
        return named[int(seconds)]
    if 28 * day <= seconds <= 31 * day:
        return "monthly"
    if seconds >= day:
        days = seconds / day
        return f"every {days:g} days" if days != int(days) else f"every {int(days)} days"
    if seconds >= 3600:
        return f"every {seconds / 3600:g} h"
    return f"every {seconds / 60:g} min"


def record_expectations(
    db: sqlite_utils.Database, config: Config, sources: Iterable[Source] | None = None
) -> None:
    """Write the cadence and thresholds of ``sources`` (default all) for the health view."""
    chosen = list(config.sources if sources is None else sources)
    if not chosen:
        return
    timezone = config.settings.timezone
    db.table(EXPECTATIONS_TABLE).upsert_all(
        (
            {
                "source": s.name,
                "schedule": s.schedule,
                "timezone": timezone,
                "period_seconds": cadence_seconds(s.schedule, timezone),
                "stale_after_periods": s.stale_after_periods,
                "failing_after_runs": s.failing_after_runs,
                "updated": now(),
            }
            for s in chosen
        ),
        pk="source",
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
