"""`records status`: source health, the last runs, documents by status, recent errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlite_utils

from db.connect import open_db
from db.editions import periods_unknown
from records.core.config import load_config
from records.core.cron import cadence_seconds, describe_period
from records.core.errors import ConfigError
from records.core.paths import Paths
from records.core.printable import printable
from records.pipeline.guards.deadruns import DEAD_MESSAGE, dead_runs
from records.pipeline.reporting.health import source_health

#: How each health state is shown; the states themselves come from the source_health view.
HEALTH_LABELS = {"ok": "ok", "stale": "STALE", "failing": "FAILING", "never-run": "never-run"}


def print_status(paths: Paths, *, limit: int, echo: Callable[[str], None]) -> None:
    if not paths.db.exists():
        # A read command: it does not create the database.
        echo(f"database: {paths.db} (not created yet)")
        print_health(None, paths, echo=echo)
        echo("\nno runs yet: try `records run` or `records demo`")
        return
    db = open_db(paths.db)
    echo(f"database: {paths.db}")
    print_health(db, paths, echo=echo)
    counts = list(db.query("select status, count(*) as n from documents group by status"))
    total = sum(r["n"] for r in counts)
    by_status = ", ".join(f"{r['n']} {r['status']}" for r in counts)
    echo(f"\ndocuments: {total}" + (f" ({by_status})" if counts else ""))
    unknown = periods_unknown(db)
    if unknown:
        echo(
            f"  {unknown} parsed document(s) state no report period: a newer file at the same"
            " URL is taken as their correction, not a new edition (docs/editions.md)"
        )
    runs = list(db.query("select * from runs order by id desc limit ?", [limit]))
    # Read only: a run whose process died is shown as interrupted; the next ingesting
    # command writes it so (records.pipeline.guards.deadruns).
    dead = {run["id"]: run for run in dead_runs(db)}
    echo("\nlast runs:" if runs else "\nno runs yet: try `records run` or `records demo`")
    for r in runs:
        names = ", ".join(json.loads(r["sources"] or "[]")) or "-"
        state = "interrupted" if r["id"] in dead else r["status"]
        echo(
            f"  #{r['id']} {when(r['started'])} {r['trigger']:<8} {state:<11} {names}:"
            f" {r['documents_new']} new, {r['rows_added']} rows, {r['errors']} error(s)"
        )
        if r["id"] in dead:
            echo("      " + DEAD_MESSAGE.format(pid=r["pid"], host=r["host"]))
    _print_warnings(db, limit, echo)
    errors = list(db.query("select * from errors order by id desc limit ?", [limit]))
    if errors:
        echo("\nrecent errors:")
        for e in errors:
            echo(f"  run {e['run']} [{e['stage']}] {printable(e['message'])}")


def print_health(
    db: sqlite_utils.Database | None, paths: Paths, *, echo: Callable[[str], None]
) -> None:
    """One line per source: ok, stale, failing or never-run, with the times behind it.

    Reads only: a configured source the database has not heard of yet is never-run."""
    rows = source_health(db) if db is not None else []
    lines = [health_line(row, describe_period) for row in rows]
    if paths.sources.exists():
        try:
            config = load_config(paths.sources)
        except ConfigError as exc:
            echo(f"(sources file not read: {exc})")
        else:
            known = {row["source"] for row in rows}
            timezone = config.settings.timezone
            lines += [
                f"{s.name}: never-run; expected"
                f" {describe_period(cadence_seconds(s.schedule, timezone))}"
                for s in config.sources
                if s.name not in known
            ]
    if lines:
        echo("\nsource health:")
        for line in lines:
            echo("  " + line)


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


def _print_warnings(db: Any, limit: int, echo: Callable[[str], None]) -> None:
    """Documents loaded with a warning (``parsers.accounting``): rows they may have missed."""
    if "warnings" not in db["documents"].columns_dict:
        return
    warned = list(
        db.query(
            "select filename, sha256, warnings from documents where warnings is not null"
            " order by parsed_at desc limit ?",
            [limit],
        )
    )
    if not warned:
        return
    (n,) = next(db.execute("select count(*) from documents where warnings is not null"))
    echo(f"\ndocuments with warnings: {n}")
    for d in warned:
        echo(f"  {d['filename'] or d['sha256'][:12]}: {d['warnings']}")
