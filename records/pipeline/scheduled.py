"""What the scheduler is handed: the function that runs a source, and the ones that stop it."""

from __future__ import annotations

import logging

from parsers.registry import parser_names
from records.core.config import load_config
from records.core.errors import Interrupted, LockHeld, RecordsError
from records.core.paths import Paths
from records.pipeline.guards import interrupt
from records.pipeline.run import run
from scheduler.jobs import Controls, RunSource
from scrapers.crawl import stop_child

log = logging.getLogger("records.scheduler")


def scheduled_runner(paths: Paths) -> RunSource:
    """`records run NAME` with trigger ``schedule``, returning the run's outcome.

    Never raises for an expected problem (lock held, bad config, failed run): the scheduler
    must keep going, and each of those is logged (and, for runs, recorded in ``runs``).
    """

    def run_source(name: str) -> str:
        if interrupt.stop_requested():
            return "skipped: shutting down"
        try:
            # Read the file afresh: parser or URL edits apply without restarting.
            config = load_config(paths.sources, known_parsers=parser_names)
            summary = run(config, [name], paths=paths, trigger="schedule", progress=log.info)
        except LockHeld as exc:
            log.warning("skipped scheduled run: %s", exc)
            return "skipped: locked"
        except Interrupted:
            log.warning("scheduled run of %s interrupted", name)
            return "interrupted"
        except RecordsError as exc:
            log.error("scheduled run of %s could not start: %s", name, exc)
            return "error"
        log.info(
            "scheduled run %s of %s: %s; %d new, %d unchanged, %d failed, %d rows, %d error(s)",
            summary.run_id,
            name,
            summary.status,
            summary.documents_new,
            summary.documents_unchanged,
            summary.documents_failed,
            summary.rows_added,
            len(summary.errors),
        )
        return summary.status

    return run_source


def scheduler_controls(paths: Paths) -> Controls:
    return Controls(
        run_source=scheduled_runner(paths),
        stop_run=interrupt.request_stop,
        stop_now=stop_child,
    )
