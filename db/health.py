"""Source health, in SQL so Datasette shows the same thing `records status` prints.

``source_expectations`` holds what each source promises: its cron schedule, the expected
period between reports derived from it (``records.core.cron.cadence_seconds``; cron cannot be
read in SQL) and the thresholds from ``sources.toml``. Every run writes it.

``source_health`` is a view over ``sources``, ``runs``, ``errors`` and ``documents``:

- ``never-run``: no finished (ok or failed) run has included the source;
- ``failing``: its last ``failing_after_runs`` finished runs all errored for it;
- ``stale``: no new document for ``stale_after_periods`` expected periods (counted from the
  newest document's ``first_seen``, else from the first run);
- ``ok`` otherwise.

A run "errored for a source" when it failed and either it ran that source alone, or the
errors table has an error of that source (or one without a source, e.g. the whole crawl).
Interrupted runs count neither way. ``ensure_health_schema`` is registered in
``db.schema.EXTRA_SCHEMA``.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.clock import now
from db.ddl import ensure_table

EXPECTATIONS_TABLE = "source_expectations"
HEALTH_VIEW = "source_health"

#: Used for a source that has a ``sources`` row but no expectations yet.
DEFAULT_PERIOD_SECONDS = 7 * 24 * 3600
DEFAULT_STALE_AFTER_PERIODS = 2
DEFAULT_FAILING_AFTER_RUNS = 3

EXPECTATIONS_COLUMNS: dict[str, type] = {
    "source": str,
    "schedule": str,
    "timezone": str,
    "period_seconds": int,
    "stale_after_periods": int,
    "failing_after_runs": int,
    "updated": str,
}

HEALTH_SQL = f"""with expect as (
  select s.name as source,
    x.schedule, x.timezone,
    coalesce(x.period_seconds, {DEFAULT_PERIOD_SECONDS}) as period_seconds,
    coalesce(x.stale_after_periods, {DEFAULT_STALE_AFTER_PERIODS}) as stale_after_periods,
    coalesce(x.failing_after_runs, {DEFAULT_FAILING_AFTER_RUNS}) as failing_after_runs
  from sources s left join {EXPECTATIONS_TABLE} x on x.source = s.name
),
source_runs as (
  select e.source, r.id, r.started, r.finished, r.status,
    case when r.status = 'failed' and (
      json_array_length(r.sources) = 1
      or exists (
        select 1 from errors er
        where er.run = r.id and (er.source = e.source or er.source is null)
      )
    ) then 1 else 0 end as errored,
    row_number() over (partition by e.source order by r.started desc, r.id desc) as recency
  from expect e
  join runs r on r.status in ('ok', 'failed') and json_valid(r.sources)
  join json_each(r.sources) j on j.value = e.source
),
run_stats as (
  select source,
    count(*) as runs,
    min(started) as first_run,
    max(case when recency = 1 then finished end) as last_run,
    max(case when recency = 1 then status end) as last_run_status,
    max(case when errored = 0 then started end) as last_success_started,
    max(case when errored = 0 then finished end) as last_success
  from source_runs group by source
),
failures as (
  select sr.source, count(*) as consecutive_failures
  from source_runs sr join run_stats st on st.source = sr.source
  where sr.errored = 1 and sr.started > coalesce(st.last_success_started, '')
  group by sr.source
),
newest as (
  select source, max(first_seen) as last_new_document, count(*) as documents
  from documents where source is not null group by source
),
measured as (
  select e.*, st.runs, st.first_run, st.last_success, st.last_run, st.last_run_status,
    coalesce(f.consecutive_failures, 0) as consecutive_failures,
    n.last_new_document, coalesce(n.documents, 0) as documents,
    strftime('%Y-%m-%dT%H:%M:%S+00:00',
      julianday(coalesce(n.last_new_document, st.first_run))
      + e.stale_after_periods * e.period_seconds / 86400.0) as stale_since
  from expect e
  left join run_stats st on st.source = e.source
  left join failures f on f.source = e.source
  left join newest n on n.source = e.source
)
select source,
  case
    when runs is null then 'never-run'
    when consecutive_failures >= failing_after_runs then 'failing'
    when julianday(stale_since) < julianday('now') then 'stale'
    else 'ok'
  end as health,
  last_run, last_run_status, last_success, last_new_document, documents,
  consecutive_failures, stale_since, schedule, timezone,
  period_seconds, round(period_seconds / 86400.0, 2) as period_days,
  stale_after_periods, failing_after_runs
from measured
order by source"""


def ensure_health_schema(db: sqlite_utils.Database) -> None:
    """Create the expectations table and (re-)create the view when its SQL changed."""
    ensure_table(db, EXPECTATIONS_TABLE, EXPECTATIONS_COLUMNS, pk="source")
    row = db.execute(
        "select sql from sqlite_master where type = 'view' and name = ?", [HEALTH_VIEW]
    ).fetchone()
    wanted = f"CREATE VIEW {HEALTH_VIEW} AS {HEALTH_SQL}"
    if row and row[0] == wanted:
        return
    with db.atomic():
        if row:
            db.execute(f"DROP VIEW {HEALTH_VIEW}")
        db.execute(wanted)


#: Published with the database (``records.publish.metadata`` reads every EXTRA_SCHEMA module's).
TABLE_METADATA: dict[str, dict[str, Any]] = {
    HEALTH_VIEW: {
        "title": "Source health",
        "description": (
            "Is each source still delivering? ok; stale (no new document for "
            "stale_after_periods expected periods); failing (its last failing_after_runs "
            "runs errored); never-run. Interrupted runs count neither way."
        ),
        "columns": {
            "source": "Source name, as in sources.toml.",
            "health": "ok, stale, failing or never-run.",
            "last_run": "When the latest finished (ok or failed) run of the source ended (UTC).",
            "last_run_status": "Status of that run: ok or failed.",
            "last_success": "When the latest run that did not error for this source ended (UTC).",
            "last_new_document": "When the newest document of the source was first seen (UTC).",
            "documents": "Documents of the source in the archive.",
            "consecutive_failures": "Runs in a row, up to the latest, that errored for it.",
            "stale_since": (
                "When the source is (or was) due to count as stale: the newest document's "
                "first sighting (else the first run) plus stale_after_periods periods (UTC)."
            ),
            "schedule": "Cron schedule of the source (minute hour day month weekday).",
            "timezone": "Timezone the schedule is read in.",
            "period_seconds": "Expected time between reports, from the schedule, in seconds.",
            "period_days": "The same in days (weekly = 7, monthly = 31).",
            "stale_after_periods": "Periods without a new document before it counts as stale.",
            "failing_after_runs": "Errored runs in a row before it counts as failing.",
        },
    },
    EXPECTATIONS_TABLE: {
        "title": "Source expectations",
        "description": (
            "What each source promises, from sources.toml, written by every run: the cadence "
            "the source_health view measures it against."
        ),
        "columns": {
            "source": "Source name, as in sources.toml.",
            "schedule": "Cron schedule of the source (minute hour day month weekday).",
            "timezone": "Timezone the schedule is read in.",
            "period_seconds": "Longest regular gap between two scheduled runs, in seconds.",
            "stale_after_periods": "Periods without a new document before it counts as stale.",
            "failing_after_runs": "Errored runs in a row before it counts as failing.",
            "updated": "When this row was last written (UTC).",
        },
    },
}


def write_expectations(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Upsert each source's cadence and thresholds (the ``source_health`` view reads them)."""
    if rows:
        stamp = now()
        db.table(EXPECTATIONS_TABLE).upsert_all(
            ({**r, "updated": stamp} for r in rows), pk="source"
        )
