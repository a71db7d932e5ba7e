"""The pipeline that ties the stages together: crawl -> archive -> parse -> load.

The CLI, the demo and the scheduler all call ``run``; nothing else orchestrates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.connect import open_db
from db.runs import record_error, start_run
from db.sources import sync_sources
from records.core.archive import Archive
from records.core.config import Config, Source
from records.core.errors import RecordsError
from records.core.paths import Paths
from records.pipeline.guards import interrupt
from records.pipeline.guards.deadruns import close_dead_runs
from records.pipeline.reporting.summary import Progress, RunSummary, quiet, recorded_run
from scrapers.crawl import CrawlChild, crawl

if TYPE_CHECKING:
    import sqlite_utils

    from records.pipeline.workers.executors import Executor


def run(
    config: Config,
    names: Iterable[str] = (),
    *,
    paths: Paths,
    trigger: str = "cli",
    progress: Progress = quiet,
    do_crawl: bool = True,
    do_parse: bool = True,
    cluster: str | None = None,
    shared_archive: bool | None = None,
    crawler: CrawlChild | None = None,
) -> RunSummary:
    """Crawl, parse and load the named sources (default all); record the run.

    Holds each source's lock for the whole run (``records.pipeline.guards.locks``: a second process
    for the same source gets ``LockHeld``, exit 3) and stops cleanly on SIGTERM/SIGINT
    (``records.pipeline.guards.interrupt``: the run ends ``interrupted``, no document half-loaded).
    Then calls the sources' notification hooks (``records.pipeline.reporting.notify``). ``cluster``
    (else ``[settings] cluster``): parse on that Dask cluster
    (``records.pipeline.workers.cluster``). ``crawler``: a crawl child the caller started
    earlier (``records run`` starts it before its own imports) and closes; else one is
    started here if there is anything to crawl.
    """
    sources = config.select(list(names))
    with ExitStack() as stack:
        # The crawl child imports Scrapy while this process gets the run ready; unused (a
        # cluster out of reach, a source lock taken), it is stopped having done nothing.
        if crawler is None and do_crawl and sources:
            crawler = stack.enter_context(CrawlChild(database=paths.db))
        # Imported once the child is on its way; the parse stage (parsers, pdfplumber: most
        # of a `records run` process's imports) only once the crawl has its job.
        from records.pipeline.guards.interrupt import stop_on_signals
        from records.pipeline.guards.locks import hold_sources
        from records.pipeline.workers.choose import executor_for

        # Connect first: an unreachable cluster is one error before anything is crawled or
        # written.
        chosen = executor_for(
            config.settings if do_parse else None,
            Archive(paths.archive),
            cluster=cluster if do_parse else None,
            shared_archive=shared_archive,
            progress=progress,
        )
        # Lock before writing anything, so the loser of a race leaves no trace but its message.
        executor = stack.enter_context(chosen)
        locks = stack.enter_context(
            hold_sources(paths.db, [s.name for s in sources], trigger=trigger)
        )
        with stop_on_signals():
            # The parsers' tables are made once the crawl is over (``_ensure_parser_tables``).
            db = open_db(paths.db)
            summary = _run_locked(
                db,
                config,
                sources,
                paths=paths,
                trigger=trigger,
                progress=progress,
                do_crawl=do_crawl,
                do_parse=do_parse,
                locks=locks,
                executor=executor,
                crawler=crawler,
            )
    try:
        _notify(db, config, sources, summary)
    finally:
        # Closed, not left to the collector: a crawl child is forked only while no
        # database is open in this process (``scrapers.forked.open_databases``), and a
        # scheduler runs the next week's job in this process.
        db.close()
    return summary


def _notify(
    db: sqlite_utils.Database, config: Config, sources: list[Source], summary: RunSummary
) -> None:
    from records.pipeline.reporting.notify import after_run

    if summary.run_id is None:
        return
    try:
        after_run(db, config, sources, summary.run_id)
    except Exception as exc:  # a notification problem must never fail the run
        record_error(db, run=summary.run_id, stage="notify", message=f"notifications: {exc}")


def _run_locked(
    db: sqlite_utils.Database,
    config: Config,
    sources: list[Source],
    *,
    paths: Paths,
    trigger: str,
    progress: Progress,
    do_crawl: bool,
    do_parse: bool,
    locks: list[Any],
    executor: Executor | None = None,
    crawler: CrawlChild | None = None,
) -> RunSummary:
    from records.pipeline.reporting.health import record_expectations

    close_dead_runs(db)
    run_id = start_run(db, trigger=trigger, sources=[s.name for s in sources])
    for lock in locks:
        lock.note(run=run_id)
    summary = RunSummary(run_id=run_id)
    archive = Archive(paths.archive)
    with recorded_run(db, summary, progress), ExitStack() as stack:
        if do_crawl and crawler is not None and sources:
            # The crawl starts now: this process gets the parse stage ready meanwhile (in a
            # weekly run that finds nothing new, the imports no longer come first).
            crawler.send(
                config.path,
                [s.name for s in sources],
                db_path=paths.db,
                archive_root=paths.archive,
                run_id=run_id,
            )
        # The sources' descriptions and cadences while the crawl runs (nothing it writes
        # refers to them): an unchanged weekly run no longer waits for them.
        sync_sources(db, sources)
        record_expectations(db, config, sources)
        from records.pipeline.parse import EarlyParse, parse_pending

        # Parsing on this machine starts with each document the crawl records, not after it.
        # Its worker processes are forked once the crawl says a download is coming (a crawl
        # that finds nothing new forks none: a tenth of an unchanged weekly run's CPU), from
        # this thread, which watches the crawl with no other thread of ours running
        # (``scrapers.crawl._wait``). Pushed, not entered: entering forks them now.
        local = do_crawl and do_parse and executor is None
        early = EarlyParse(db, archive, config, sources) if local else None
        if early is not None:
            stack.push(early)
        if do_crawl:
            crawl_sources(
                db,
                config,
                sources,
                paths=paths,
                run_id=run_id,
                summary=summary,
                progress=progress,
                on_new_document=early.submit if early is not None else None,
                on_download_coming=early.pool.start if early is not None else None,
                crawler=crawler,
            )
        # Once no crawl child writes: changing the schema while it does could fail one of
        # its writes ("database is locked"), its transaction having read the schema before.
        _ensure_parser_tables(db, paths.db, config, sources)
        if do_crawl:
            # A stop asked for during the crawl: keep what was archived, parse it next run.
            interrupt.check()
        if do_parse:
            # Counted straight into the run's summary, so an interrupted run still says what
            # it loaded before the stop.
            parse_pending(
                db,
                archive,
                config,
                sources=sources,
                run_id=run_id,
                progress=progress,
                summary=summary,
                executor=early.pool if early is not None else executor,
            )
    return summary


def _ensure_parser_tables(
    db: sqlite_utils.Database, path: Path, config: Config, sources: list[Source]
) -> None:
    """The tables the sources' parsers declare (and the views over them), as ``open_db``
    makes them when handed their specs: imports those parsers."""
    from db.connect import ensure_tables
    from parsers.registry import table_specs

    ensure_tables(db, path, table_specs((s.parser for s in sources), config.settings))


def crawl_sources(
    db: sqlite_utils.Database,
    config: Config,
    sources: list[Source],
    *,
    paths: Paths,
    run_id: int | None,
    summary: RunSummary,
    progress: Progress = quiet,
    on_new_document: Callable[[str], None] | None = None,
    on_download_coming: Callable[[], None] | None = None,
    crawler: CrawlChild | None = None,
) -> None:
    if not sources:
        return
    progress(f"crawling {', '.join(s.name for s in sources)} ...")
    try:
        reports = crawl(
            config.path,
            [s.name for s in sources],
            db_path=paths.db,
            archive_root=paths.archive,
            run_id=run_id,
            time_limit=config.settings.crawl_timeout,
            on_new_document=on_new_document,
            on_download_coming=on_download_coming,
            child=crawler,
        )
    except RecordsError as exc:
        record_error(db, run=run_id, stage="crawl", message=str(exc))
        summary.errors.append({"stage": "crawl", "url": None, "message": str(exc)})
        return
    for report in reports:
        summary.documents_new += len(report.new)
        summary.documents_unchanged += report.unchanged
        summary.documents_failed += report.failed
        summary.errors.extend({"source": report.source, **e} for e in report.errors)
        progress(
            f"  {report.source}: {len(report.new)} new, {report.unchanged} unchanged"
            f" ({report.not_modified} not modified), {report.failed} failed,"
            f" {len(report.errors)} error(s)" + _unmatched_note(report.unmatched_links)
        )


def _unmatched_note(links: list[str]) -> str:
    """The crawl line's warning about document-looking links that matched no pattern."""
    if not links:
        return ""
    shown = ", ".join(links[:3]) + (f" and {len(links) - 3} more" if len(links) > 3 else "")
    return f"; {len(links)} document-looking link(s) matched no pattern: {shown}"
