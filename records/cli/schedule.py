"""`records schedule`: the unattended weekly ingestion (APScheduler), or its plan with --list.

Registered on the ``records`` group in ``records/cli/__init__.py``.
"""

from __future__ import annotations

import logging

import click

from records.cli.common import load_sources, pass_paths
from records.core.paths import Paths


@click.command(short_help="Run every source on its schedule until stopped.")
@click.option(
    "--list",
    "list_only",
    is_flag=True,
    help="Print each source's trigger and next run time, then exit.",
)
@click.option(
    "--misfire-grace",
    type=int,
    default=3600,
    show_default=True,
    metavar="SECONDS",
    help="A run late by up to this much (machine asleep, busy worker) still happens.",
)
@click.option(
    "--run-now",
    is_flag=True,
    help="Also run every source once at start (e.g. to check a new deployment).",
)
@pass_paths
def schedule(paths: Paths, list_only: bool, misfire_grace: int, run_now: bool) -> None:
    """Run every source on its cron `schedule` (default Mondays 09:00, in the configured
    timezone) until stopped; each run is `records run SOURCE` with trigger `schedule`.

    One job per source, never two runs of a source at once (a manual or cron `records run`
    of the same source makes the scheduled run skip). SIGTERM or Ctrl-C lets the current
    document finish and marks the run interrupted. See docs/scheduling.md.
    """
    from records.pipeline.scheduled import scheduler_controls
    from scheduler.jobs import planned_jobs, serve_forever
    from scrapers.crawl import import_for_forks

    if list_only:
        config = load_sources(paths, to_crawl=True)
        click.echo(
            f"{len(config.sources)} job(s) from {config.path}"
            f" (timezone {config.settings.timezone}):"
        )
        for plan in planned_jobs(config):
            when = plan.next_run.strftime("%Y-%m-%d %H:%M %Z (%a)") if plan.next_run else "never"
            click.echo(f"  {plan.source}: {plan.trigger}, {plan.every}; next run {when}")
        return
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Its INFO lines ("Adding job tentatively ...") repeat what we print ourselves.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)
    # Once, before any job thread: every crawl child is forked with Scrapy and Twisted
    # already imported (no reactor), so a weekly run that finds nothing new skips that start.
    import_for_forks()
    serve_forever(
        load_sources(paths, to_crawl=True),
        scheduler_controls(paths),
        misfire_grace=misfire_grace,
        run_now=run_now,
        echo=click.echo,
    )
