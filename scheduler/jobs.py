"""Unattended ingestion: one APScheduler job per source, from its cron ``schedule``.

This package decides *when*, nothing else: it is handed the function that runs a source and
the functions that stop a run (``Controls``), and never imports the pipeline or the crawl.
``records.pipeline.scheduled`` builds the controls: each job runs exactly what
`records run SOURCE` runs, with ``trigger="schedule"``, so it takes the same per-source lock
and a cron-launched or manual run of the same source makes the job skip, never overlap.

Jobs live in memory and are rebuilt from ``sources.toml`` at every start, under explicit ids
(``run:<source>``, ``replace_existing``), so editing the file and restarting is the whole
deployment story.

Jobs run one at a time (a one-thread executor): two sources due at 09:00 run one after the
other, which is gentler on the machine and the agencies, and keeps one crawl child to stop.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from records.core.config import Config, Source
from records.core.cron import cadence_seconds, crontab_trigger, describe_period
from records.core.errors import Interrupted

log = logging.getLogger("records.scheduler")

#: A run that is late by up to this much (the machine was asleep, a long run of another
#: source held the only worker) still happens; later than that it waits for the next slot.
MISFIRE_GRACE_SECONDS = 3600

JOB_DEFAULTS: dict[str, Any] = {
    # Several missed fire times (the scheduler was paused for days) make one run, not a burst.
    "coalesce": True,
    # A source never runs twice at once inside the scheduler (the lock covers other processes).
    "max_instances": 1,
    "misfire_grace_time": MISFIRE_GRACE_SECONDS,
}

TriggerFor = Callable[[Source, str], BaseTrigger]
#: Runs one source by name and returns its outcome ("ok", "failed", "skipped: locked", ...);
#: never raises for an expected problem, since the scheduler must keep going.
RunSource = Callable[[str], str]

#: The signals that stop the scheduler: the first lets the running job finish its document.
SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass(frozen=True)
class Controls:
    """What the scheduler is handed by its caller (``records.pipeline.scheduled``)."""

    #: Runs a source (the job's body).
    run_source: RunSource
    #: Asks the running job to stop after its current document (given the signal number).
    stop_run: Callable[[int], None]
    #: Stops whatever the job started (the crawl child) before the process exits at once.
    stop_now: Callable[[], None]


def job_id(source: Source | str) -> str:
    return f"run:{source if isinstance(source, str) else source.name}"


def cron_trigger(source: Source, timezone: str) -> CronTrigger:
    """The source's cron ``schedule`` in the configured timezone."""
    return crontab_trigger(source.schedule, ZoneInfo(timezone))


def make_scheduler(
    config: Config,
    *,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
    misfire_grace: int = MISFIRE_GRACE_SECONDS,
) -> BaseScheduler:
    return scheduler_class(
        timezone=ZoneInfo(config.settings.timezone),
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={**JOB_DEFAULTS, "misfire_grace_time": misfire_grace},
    )


def add_source_jobs(
    scheduler: BaseScheduler,
    config: Config,
    run_source: RunSource,
    *,
    trigger_for: TriggerFor = cron_trigger,
    misfire_grace: int = MISFIRE_GRACE_SECONDS,
    **job_options: Any,
) -> list[str]:
    """Add (or replace) one job per source; return the job ids."""
    ids = []
    for source in config.sources:
        scheduler.add_job(
            run_job,
            trigger=trigger_for(source, config.settings.timezone),
            args=[run_source, source.name],
            id=job_id(source),
            name=f"records run {source.name}",
            replace_existing=True,
            coalesce=JOB_DEFAULTS["coalesce"],
            max_instances=JOB_DEFAULTS["max_instances"],
            misfire_grace_time=misfire_grace,
            **job_options,
        )
        ids.append(job_id(source))
    return ids


@dataclass
class Activity:
    """How many scheduled runs are going on, so shutdown can wait for them to wind down."""

    running: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)
    #: Set by the first SIGTERM/SIGINT: jobs due from now on are skipped.
    stopping: threading.Event = field(default_factory=threading.Event)

    def enter(self) -> None:
        with self.condition:
            self.running += 1

    def leave(self) -> None:
        with self.condition:
            self.running -= 1
            self.condition.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self.condition:
            return self.condition.wait_for(lambda: self.running == 0, timeout)


ACTIVITY = Activity()


def run_job(run_source: RunSource, name: str) -> str:
    """The job: run one source, unless the scheduler is shutting down."""
    # SIGTERM/SIGINT must reach the main thread, whose handler stops the run: taken by this
    # thread, they would leave the main thread asleep until the next job is due.
    if threading.current_thread() is not threading.main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    ACTIVITY.enter()  # before the check, so a shutdown starting now waits for this job
    try:
        if ACTIVITY.stopping.is_set():
            return "skipped: shutting down"
        return run_source(name)
    finally:
        ACTIVITY.leave()


@dataclass(frozen=True)
class PlannedJob:
    source: str
    job_id: str
    trigger: str
    next_run: datetime | None
    every: str


def planned_jobs(config: Config, now: datetime | None = None) -> list[PlannedJob]:
    """Each source's job and next run time, computed without starting a scheduler."""
    zone = ZoneInfo(config.settings.timezone)
    now = now or datetime.now(zone)
    plans = []
    for source in config.sources:
        trigger = cron_trigger(source, config.settings.timezone)
        plans.append(
            PlannedJob(
                source=source.name,
                job_id=job_id(source),
                trigger=f"cron {source.schedule!r} ({config.settings.timezone})",
                next_run=trigger.get_next_fire_time(None, now),
                every=describe_period(cadence_seconds(source.schedule, config.settings.timezone)),
            )
        )
    return plans


def serve_forever(
    config: Config,
    controls: Controls,
    *,
    misfire_grace: int = MISFIRE_GRACE_SECONDS,
    run_now: bool = False,
    echo: Callable[[str], None],
) -> None:
    """Run the blocking scheduler until SIGTERM/SIGINT; a running job stops cleanly first.

    ``run_now`` runs every source once at start (one after the other), then on schedule.
    """
    scheduler = make_scheduler(config, misfire_grace=misfire_grace)
    first: dict[str, Any] = (
        {"next_run_time": datetime.now(ZoneInfo(config.settings.timezone))} if run_now else {}
    )
    add_source_jobs(scheduler, config, controls.run_source, misfire_grace=misfire_grace, **first)
    for plan in planned_jobs(config):
        now = " (and now)" if run_now else ""
        echo(f"{plan.job_id}: {plan.trigger}, next {_when(plan.next_run)}{now}")

    def stop(signum: int, frame: FrameType | None) -> None:
        if ACTIVITY.stopping.is_set():
            # Second signal: do not wait. SQLite rolls back the open transaction.
            log.warning("second %s: exiting now", signal.Signals(signum).name)
            controls.stop_now()
            # 130 like every other command stopped by a signal (not 128 + SIGTERM).
            os._exit(Interrupted.exit_code)
        busy = " after the current document" if ACTIVITY.running else ""
        log.warning("%s: stopping%s", signal.Signals(signum).name, busy)
        ACTIVITY.stopping.set()
        controls.stop_run(signum)
        scheduler.shutdown(wait=False)

    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    ACTIVITY.stopping.clear()
    for sig in SIGNALS:
        signal.signal(sig, stop)
    try:
        echo(
            f"scheduler started ({len(config.sources)} job(s), pid {os.getpid()});"
            " SIGTERM or Ctrl-C stops it"
        )
        scheduler.start()
        # start() returns once stop() shut the scheduler down; the job thread may still be
        # finishing its document and marking its run interrupted.
        ACTIVITY.wait_idle()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    echo("scheduler stopped")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z") if moment else "never"
