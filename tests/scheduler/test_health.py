"""Source health from a prepared run history: ok, stale, failing, never-run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from db.connect import open_db
from db.sources import sync_sources
from records.cli import cli
from records.cli.status_report import when
from records.core.config import load_config
from records.core.cron import cadence_seconds, describe_period
from records.core.paths import Paths
from records.pipeline.reporting.health import record_expectations, source_health

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = 24 * 3600

SOURCES = """
[settings]
timezone = "America/New_York"

[[source]]
name = "fresh"
url = "https://agency.example.gov/fresh"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"

[[source]]
name = "quiet"
url = "https://agency.example.gov/quiet"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"

[[source]]
name = "broken"
url = "https://agency.example.gov/broken"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"

[[source]]
name = "flaky"
url = "https://agency.example.gov/flaky"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"

[[source]]
name = "monthly"
url = "https://agency.example.gov/monthly"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"
schedule = "0 9 1 * *"

[[source]]
name = "empty"
url = "https://agency.example.gov/empty"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"
stale_after_periods = 3

[[source]]
name = "new"
url = "https://agency.example.gov/new"
link_regex = "\\\\.pdf$"
parser = "ice-ddor"
"""


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat()


def add_run(
    db: sqlite_utils.Database,
    days: float,
    sources: list[str],
    status: str,
    errors: dict[str | None, int] | None = None,
) -> int:
    table = db.table("runs")
    table.insert(
        {
            "started": ago(days),
            "finished": ago(days - 0.01),
            "trigger": "schedule",
            "sources": json.dumps(sources),
            "status": status,
        }
    )
    run_id = table.last_pk
    assert isinstance(run_id, int)
    for source, count in (errors or {}).items():
        for n in range(count):
            db.table("errors").insert(
                {
                    "run": run_id,
                    "source": source,
                    "stage": "fetch",
                    "message": f"HTTP 500 #{n}",
                    "time": ago(days),
                }
            )
    return run_id


def add_document(db: sqlite_utils.Database, source: str, days: float) -> None:
    sha = f"{source}-{days}".ljust(64, "0")
    db.table("documents").insert(
        {
            "sha256": sha,
            "source": source,
            "first_seen": ago(days),
            "last_seen": ago(0),
            "status": "parsed",
        }
    )


@pytest.fixture
def history(paths: Paths) -> sqlite_utils.Database:
    paths.sources.write_text(SOURCES, encoding="utf-8")
    config = load_config(paths.sources)
    db = open_db(paths.db)
    sync_sources(db, config.sources)
    record_expectations(db, config)
    # fresh: weekly runs, a new report 3 days ago.
    add_run(db, 10, ["fresh"], "ok")
    add_document(db, "fresh", 10)
    add_document(db, "fresh", 3)
    # A run of two sources failed, but only because of broken: fresh is fine in it.
    add_run(db, 3, ["fresh", "broken"], "failed", {"broken": 2})
    # quiet: runs fine, last new document 20 days ago (> 2 weekly periods).
    add_run(db, 30, ["quiet"], "ok")
    add_document(db, "quiet", 20)
    add_run(db, 1, ["quiet"], "ok")
    # broken: one success 30 days ago, then three failed runs (one above), an interrupted one.
    add_run(db, 30, ["broken"], "ok")
    add_document(db, "broken", 6)
    add_run(db, 17, ["broken"], "failed", {"broken": 1})
    add_run(db, 10, ["broken"], "failed", {None: 1})  # the whole crawl failed
    add_run(db, 2, ["broken"], "interrupted")
    # flaky: two failures after a success: not yet failing (3 needed).
    add_run(db, 20, ["flaky"], "ok")
    add_run(db, 13, ["flaky"], "failed", {"flaky": 1})
    add_run(db, 6, ["flaky"], "failed")
    add_document(db, "flaky", 5)
    # monthly: last report 40 days ago is fine for a monthly cadence (2 x 31 days).
    add_run(db, 40, ["monthly"], "ok")
    add_document(db, "monthly", 40)
    # empty: runs ok but never found a document; first run 22 days ago (> 3 weeks).
    add_run(db, 22, ["empty"], "ok")
    add_run(db, 1, ["empty"], "ok")
    return db


def test_health_states_from_run_history(history: sqlite_utils.Database) -> None:
    rows = {r["source"]: r for r in source_health(history)}
    assert {name: r["health"] for name, r in rows.items()} == {
        "broken": "failing",
        "empty": "stale",
        "flaky": "ok",
        "fresh": "ok",
        "monthly": "ok",
        "new": "never-run",
        "quiet": "stale",
    }
    broken = rows["broken"]
    assert broken["consecutive_failures"] == 3
    assert broken["last_success"] == ago(30 - 0.01)
    assert broken["last_new_document"] == ago(6)
    assert broken["last_run_status"] == "failed"  # the interrupted run does not count
    fresh = rows["fresh"]
    assert (fresh["last_success"], fresh["last_new_document"]) == (ago(3 - 0.01), ago(3))
    assert fresh["consecutive_failures"] == 0
    assert fresh["documents"] == 2
    quiet = rows["quiet"]
    assert quiet["stale_since"] == ago(20 - 14)
    assert (quiet["period_days"], quiet["stale_after_periods"]) == (7.0, 2)
    assert rows["flaky"]["consecutive_failures"] == 2
    assert rows["monthly"]["period_days"] == 31.0
    assert rows["monthly"]["stale_since"] == ago(40 - 62)
    assert rows["empty"]["last_new_document"] is None
    assert rows["empty"]["stale_since"] == ago(22 - 21)
    new = rows["new"]
    assert (new["last_run"], new["last_success"], new["last_new_document"]) == (None, None, None)


def test_records_status_flags_stale_and_failing(
    history: sqlite_utils.Database, paths: Paths
) -> None:
    result = CliRunner().invoke(
        cli, ["--sources", str(paths.sources), "--db", str(paths.db), "status"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("source health:")
    health = lines[start + 1 : start + 8]
    assert health[0] == (
        "  broken: FAILING: the last 3 runs failed (3 in a row make it failing);"
        f" last new document {when(ago(6))}; last successful run {when(ago(30 - 0.01))}"
    )
    assert health[6] == (
        f"  quiet: STALE since {when(ago(6))}: no new document in 2 periods (weekly);"
        f" last new document {when(ago(20))}; last successful run {when(ago(1 - 0.01))}"
    )
    assert health[5] == "  new: never-run; expected weekly"
    assert health[4] == (
        "  monthly: ok; expected monthly;"
        f" last new document {when(ago(40))}; last successful run {when(ago(40 - 0.01))}"
    )


def test_status_says_when_an_ok_source_has_failed_runs_in_a_row(
    history: sqlite_utils.Database, paths: Paths
) -> None:
    """flaky failed twice after a success: not failing yet (3 needed), but not silently ok."""
    result = CliRunner().invoke(
        cli, ["--sources", str(paths.sources), "--db", str(paths.db), "status"]
    )
    (line,) = [x for x in result.output.splitlines() if x.startswith("  flaky:")]
    assert line == (
        "  flaky: ok; expected weekly; the last 2 runs failed (3 in a row make it failing);"
        f" last new document {when(ago(5))}; last successful run {when(ago(20 - 0.01))}"
    )
    assert when(None) == "never"
    assert when("2026-11-29T05:17:54+00:00") == "2026-11-29 05:17 UTC"


def test_view_is_what_datasette_publishes(history: sqlite_utils.Database) -> None:
    assert "source_health" in history.view_names()
    row = history.execute("select health from source_health where source = 'quiet'").fetchone()
    assert row == ("stale",)


@pytest.mark.parametrize(
    ("schedule", "days", "phrase"),
    [
        ("0 9 * * mon", 7, "weekly"),
        ("0 9 * * mon,thu", 4, "every 4 days"),
        ("0 9 1 * *", 31, "monthly"),
        ("30 6 * * *", 1, "daily"),
    ],
)
def test_cadence_from_cron(schedule: str, days: int, phrase: str) -> None:
    seconds = cadence_seconds(schedule, "America/New_York")
    assert seconds == days * DAY
    assert describe_period(seconds) == phrase


def test_cadence_ignores_daylight_saving(tmp_path: Path) -> None:
    # Sydney's clocks change in the sampled weeks too; a daily job is still 24 h apart.
    assert cadence_seconds("0 2 * * *", "Australia/Sydney") == DAY
    assert cadence_seconds("*/15 * * * *", "America/New_York") == 900
