"""The scheduler: one job per source from its cron schedule, runs logged with trigger
`schedule`, missed runs coalesced, `records schedule --list`."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner

from db.connect import open_db
from records.cli import cli
from records.core.config import load_config
from records.core.paths import Paths
from records.pipeline.scheduled import scheduled_runner
from scheduler.jobs import add_source_jobs, make_scheduler, planned_jobs
from tests.scheduler.agency_site import (
    DDOR_ROWS,
    GUARD_SECONDS,
    AgencySite,
    archived,
    ddor_bytes,
    write_sources,
)

NEW_YORK = ZoneInfo("America/New_York")


def next_monday_9(now: datetime) -> datetime:
    """Next Monday 09:00 New York time strictly after ``now``, by plain date arithmetic."""
    local = now.astimezone(NEW_YORK)
    days = (0 - local.weekday()) % 7
    candidate = datetime(local.year, local.month, local.day, 9, tzinfo=NEW_YORK) + timedelta(
        days=days
    )
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate


class Outcomes:
    """Collects job events from the scheduler thread; waits for a given number of them."""

    def __init__(self) -> None:
        self.events: list[JobExecutionEvent] = []
        self.changed = threading.Condition()

    def __call__(self, event: JobExecutionEvent) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    def wait_for(self, count: int) -> list[JobExecutionEvent]:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.events) >= count, GUARD_SECONDS):
                raise AssertionError(f"only {len(self.events)} job event(s) arrived")
            return list(self.events)


def two_source_config(folder: Path, url: str) -> Path:
    path = write_sources(folder, url, names=("ice-ddor", "ddor-mirror"))
    text = path.read_text().replace(
        'name = "ddor-mirror"', 'name = "ddor-mirror"\nschedule = "30 6 1 * *"'
    )
    path.write_text(text)
    return path


def test_list_shows_each_source_trigger_and_next_run(paths: Paths) -> None:
    two_source_config(paths.db.parent, "https://agency.example.gov")
    before = datetime.now(NEW_YORK)
    result = CliRunner().invoke(cli, ["--sources", str(paths.sources), "schedule", "--list"])
    assert result.exit_code == 0, result.output
    monday = next_monday_9(before)
    lines = result.output.splitlines()
    assert lines[0] == (f"2 job(s) from {paths.sources} (timezone America/New_York):")
    assert lines[1] == (
        "  ice-ddor: cron '0 9 * * mon' (America/New_York), weekly;"
        f" next run {monday:%Y-%m-%d} 09:00 {monday:%Z} (Mon)"
    )
    assert lines[2].startswith("  ddor-mirror: cron '30 6 1 * *' (America/New_York), monthly;")
    assert lines[2].endswith("06:30 " + lines[2].split(" 06:30 ")[1])
    assert " next run " in lines[2] and "-01 06:30" in lines[2]
    # Listing starts nothing and writes nothing.
    assert not paths.db.exists()


def test_jobs_have_ids_cron_triggers_and_no_overlap_settings(paths: Paths) -> None:
    two_source_config(paths.db.parent, "https://agency.example.gov")
    config = load_config(paths.sources)
    scheduler = make_scheduler(config, scheduler_class=BackgroundScheduler, misfire_grace=900)
    add_source_jobs(scheduler, config, scheduled_runner(paths), misfire_grace=900)
    # Rebuilding from sources.toml (a restart) replaces the jobs instead of doubling them.
    add_source_jobs(scheduler, config, scheduled_runner(paths), misfire_grace=900)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert sorted(jobs) == ["run:ddor-mirror", "run:ice-ddor"]
        weekly = jobs["run:ice-ddor"]
        assert (weekly.coalesce, weekly.max_instances, weekly.misfire_grace_time) == (True, 1, 900)
        assert str(weekly.trigger) == (
            "cron[month='*', day='*', day_of_week='mon', hour='9', minute='0']"
        )
        assert weekly.args[1] == "ice-ddor"
        planned = {p.source: p.next_run for p in planned_jobs(config)}
        assert weekly.next_run_time == planned["ice-ddor"]
        assert weekly.next_run_time.weekday() == 0 and weekly.next_run_time.hour == 9
        assert str(weekly.next_run_time.tzinfo) == "America/New_York"
    finally:
        scheduler.shutdown(wait=False)


def test_scheduled_run_crawls_parses_and_is_logged_as_schedule(
    agency_site: AgencySite, paths: Paths, tmp_path: Path
) -> None:
    payload = tmp_path / "new-document.json"
    write_sources(
        paths.db.parent,
        agency_site.url,
        extra=f'\n[source.hooks]\non_new_document = [{{command = "cat > {payload}"}}]\n',
    )
    config = load_config(paths.sources)
    scheduler = make_scheduler(config, scheduler_class=BackgroundScheduler)
    outcomes = Outcomes()
    scheduler.add_listener(outcomes, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    add_source_jobs(
        scheduler,
        config,
        scheduled_runner(paths),
        trigger_for=lambda source, tz: IntervalTrigger(seconds=1),
    )
    scheduler.start()
    try:
        (event,) = outcomes.wait_for(1)[:1]
    finally:
        scheduler.shutdown(wait=True)
    assert (event.code, event.job_id, event.retval) == (EVENT_JOB_EXECUTED, "run:ice-ddor", "ok")
    db = open_db(paths.db)
    run = list(db.query("select * from runs order by id"))[0]
    assert (run["trigger"], run["status"], run["documents_new"], run["rows_added"]) == (
        "schedule",
        "ok",
        1,
        DDOR_ROWS,
    )
    assert list(db.query("select status, rows from documents")) == [
        {"status": "parsed", "rows": DDOR_ROWS}
    ]
    sent = json.loads(payload.read_text())
    assert (sent["event"], sent["source"], sent["run_id"], sent["trigger"]) == (
        "on_new_document",
        "ice-ddor",
        run["id"],
        "schedule",
    )
    assert [d["filename"] for d in sent["new_documents"]] == ["a.pdf"]
    assert sent["new_documents"][0]["report_period_start"] == "2017-01-28"


def test_missed_runs_within_grace_coalesce_into_one(agency_site: AgencySite, paths: Paths) -> None:
    # The report is already in the database, so each run only re-checks the site: this test
    # is about how often the job runs, not what it loads.
    write_sources(paths.db.parent, agency_site.url)
    archived(paths, agency_site, "a.pdf", ddor_bytes())
    config = load_config(paths.sources)
    scheduler = make_scheduler(config, scheduler_class=BackgroundScheduler, misfire_grace=600)
    outcomes = Outcomes()
    scheduler.add_listener(outcomes, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    now = datetime.now(NEW_YORK)
    # Three fire times were missed (150, 90 and 30 s ago) while the scheduler was not running.
    missed = now - timedelta(seconds=150)
    add_source_jobs(
        scheduler,
        config,
        scheduled_runner(paths),
        misfire_grace=600,
        trigger_for=lambda source, tz: IntervalTrigger(minutes=1, start_date=missed),
        next_run_time=missed,
    )
    scheduler.start()
    try:
        events = outcomes.wait_for(1)
        job = scheduler.get_job("run:ice-ddor")
        next_run = job.next_run_time
    finally:
        scheduler.shutdown(wait=True)
    assert [(e.code, e.retval) for e in events] == [(EVENT_JOB_EXECUTED, "ok")]
    # The one run stood for the latest missed time; the next is in the future.
    assert (
        abs((events[0].scheduled_run_time - (missed + timedelta(seconds=120))).total_seconds()) < 1
    )
    assert next_run > now
    runs = list(open_db(paths.db).query("select trigger, status, documents_unchanged from runs"))
    assert runs == [{"trigger": "schedule", "status": "ok", "documents_unchanged": 1}]


def test_run_missed_beyond_grace_is_skipped(agency_site: AgencySite, paths: Paths) -> None:
    write_sources(paths.db.parent, agency_site.url)
    config = load_config(paths.sources)
    scheduler = make_scheduler(config, scheduler_class=BackgroundScheduler, misfire_grace=60)
    outcomes = Outcomes()
    scheduler.add_listener(outcomes, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    late = datetime.now(NEW_YORK) - timedelta(hours=2)
    add_source_jobs(
        scheduler,
        config,
        scheduled_runner(paths),
        misfire_grace=60,
        trigger_for=lambda source, tz: IntervalTrigger(days=1, start_date=late),
        next_run_time=late,
    )
    scheduler.start()
    try:
        events = outcomes.wait_for(1)
    finally:
        scheduler.shutdown(wait=True)
    assert [e.code for e in events] == [EVENT_JOB_MISSED]
    assert agency_site.site.log == []
    assert not paths.db.exists() or open_db(paths.db).table("runs").count == 0
