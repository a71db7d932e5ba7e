"""`records status`: source health, the last runs, documents by status, recent errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlite_utils

from db.connect import open_db
from records.exceptions import ConfigError
from records.paths import Paths

#: How each health state is shown; the states themselves come from the source_health view.
HEALTH_LABELS = {"ok": "ok", "stale": "STALE", "failing": "FAILING", "never-run": "never-run"}


def print_status(paths: Paths, *, limit: int, echo: Callable[[str], None]) -> None:
    db = open_db(paths.db)
    echo(f"database: {paths.db}")
    print_health(db, paths, echo=echo)
    counts = list(db.query("select status, count(*) as n from documents group by status"))
    total = sum(r["n"] for r in counts)
    by_status = ", ".join(f"{r['n']} {r['status']}" for r in counts)
    echo(f"\ndocuments: {total}" + (f" ({by_status})" if counts else ""))
    runs = list(db.query("select * from runs order by id desc limit ?", [limit]))
    echo("\nlast runs:" if runs else "\nno runs yet: try `records run` or `records demo`")
    for r in runs:
        names = ", ".join(json.loads(r["sources"] or "[]")) or "-"
        echo(
            f"  #{r['id']} {when(r['started'])} {r['trigger']:<8} {r['status']:<11} {names}:"
            f" {r['documents_new']} new, {r['rows_added']} rows, {r['errors']} error(s)"
        )
    errors = list(db.query("select * from errors order by id desc limit ?", [limit]))
    if errors:
        echo("\nrecent errors:")
        for e in errors:
            echo(f"  run {e['run']} [{e['stage']}] {e['message']}")


def print_health(db: sqlite_utils.Database, paths: Paths, *, echo: Callable[[str], None]) -> None:
    """One line per source: ok, stale, failing or never-run, with the times behind it."""
    from records.pipeline import sync_sources
    from scheduler.health import describe_period, record_expectations, source_health

    if paths.sources.exists():
        # Configured sources that never ran must show up too (as never-run).
        try:
            from records.config import load_config

            config = load_config(paths.sources)
        except ConfigError as exc:
            echo(f"(sources file not read: {exc})")
        else:
            sync_sources(db, config.sources)
            record_expectations(db, config)
    rows = source_health(db)
    if not rows:
        return
    echo("\nsource health:")
    for row in rows:
        echo("  " + health_line(row, describe_period))


def health_line(row: dict[str, Any], describe_period: Callable[[float], str]) -> str:
    """e.g. 'quiet: STALE since 2026-11-23 14:00 UTC: no new document in 2 weekly periods;
    last new document ...; last successful run ...'."""
    label = HEALTH_LABELS.get(row["health"], row["health"])
    every = describe_period(row["period_seconds"])
    failures = row["consecutive_failures"] or 0
    limit = row["failing_after_runs"]
    if row["health"] == "stale":
        head = (
            f"{label} since {when(row['stale_since'])}: no new document in"
            f" {row['stale_after_periods']} periods ({every})"
        )
    elif row["health"] == "failing":
        head = f"{label}: the last {failures} runs failed ({limit} in a row make it failing)"
    elif row["health"] == "never-run":
        return f"{row['source']}: {label}; expected {every}"
    else:
        head = f"{label}; expected {every}"
    parts = [f"{row['source']}: {head}"]
    if failures and row["health"] != "failing":
        # Not failing yet, but say so: "ok" after a failed run would hide the trouble.
        runs = "run" if failures == 1 else f"{failures} runs"
        parts.append(f"the last {runs} failed ({limit} in a row make it failing)")
    parts.append(f"last new document {when(row['last_new_document'])}")
    parts.append(f"last successful run {when(row['last_success'])}")
    return "; ".join(parts)


def when(stamp: str | None) -> str:
    """A stored UTC timestamp as people read it: '2026-11-29 05:17 UTC' ('never' for none)."""
    if not stamp:
        return "never"
    return stamp[:16].replace("T", " ") + " UTC" if len(stamp) >= 16 else stamp
