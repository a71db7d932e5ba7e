"""The pipeline that ties the stages together: crawl -> archive -> parse -> load.

The CLI, the demo and the scheduler all call ``run``; nothing else orchestrates.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from db.connect import open_db
from db.derived import NOT_PARSED_STATUSES, ocr_facts
from db.documents import documents_to_parse
from db.load import fail_document, load_result
from db.runs import finish_run, record_error, start_run
from parsers.base import Parser, ParseResult
from parsers.pdf_pages import use_reader
from parsers.registry import detect_parser, get_parser
from records import interrupt, ocr
from records.archive import Archive
from records.config import Config, Source
from records.crawl import crawl
from records.exceptions import RecordsError
from records.intake import receive_file
from records.paths import Paths
from records.requests import require_request

Progress = Callable[[str], None]


@dataclass
class RunSummary:
    run_id: int | None = None
    documents_new: int = 0
    documents_unchanged: int = 0
    documents_failed: int = 0
    documents_quarantined: int = 0
    rows_added: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ok"

    @property
    def ok(self) -> bool:
        return not self.errors and self.documents_failed == 0


def _quiet(_: str) -> None:
    return None


def run(
    config: Config,
    names: Iterable[str] = (),
    *,
    paths: Paths,
    trigger: str = "cli",
    progress: Progress = _quiet,
    do_crawl: bool = True,
    do_parse: bool = True,
) -> RunSummary:
    """Crawl, parse and load the named sources (default all); record the run.

    Holds each source's lock for the whole run (``records.locks``: a second process for the
    same source gets ``LockHeld``, exit 3) and stops cleanly on SIGTERM/SIGINT
    (``records.interrupt``: the run ends ``interrupted``, no document half-loaded). Then calls
    the sources' notification hooks (``scheduler.notify``).
    """
    from records.interrupt import stop_on_signals
    from records.locks import hold_sources

    sources = config.select(list(names))
    # Lock before writing anything, so the loser of a race leaves no trace but its message.
    with hold_sources(paths.db, [s.name for s in sources], trigger=trigger) as locks:
        with stop_on_signals():
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
            )
    _notify(db, config, sources, summary)
    return summary


def _notify(
    db: sqlite_utils.Database, config: Config, sources: list[Source], summary: RunSummary
) -> None:
    from scheduler.notify import after_run

    if summary.run_id is None:
        return
    try:
        after_run(db, config, sources, summary.run_id)
    except Exception as exc:  # noqa: BLE001 - a notification problem must never fail the run
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
) -> RunSummary:
    from scheduler.health import record_expectations

    sync_sources(db, sources)
    record_expectations(db, config, sources)
    run_id = start_run(db, trigger=trigger, sources=[s.name for s in sources])
    for lock in locks:
        lock.note(run=run_id)
    summary = RunSummary(run_id=run_id)
    with recorded_run(db, summary, progress):
        if do_crawl:
            crawl_sources(
                db, config, sources, paths=paths, run_id=run_id, summary=summary, progress=progress
            )
            # A stop asked for during the crawl: keep what was archived, parse it next run.
            interrupt.check()
        if do_parse:
            # Counted straight into the run's summary, so an interrupted run still says what
            # it loaded before the stop.
            parse_pending(
                db,
                Archive(paths.archive),
                config,
                sources=sources,
                run_id=run_id,
                progress=progress,
                summary=summary,
            )
    return summary


@contextmanager
def recorded_run(
    db: sqlite_utils.Database, summary: RunSummary, progress: Progress = _quiet
) -> Iterator[None]:
    """Close the run however the block ends: ``interrupted`` on a stop, ``failed`` on an
    unexpected error, else from its counts (``close_run``)."""
    try:
        yield
    except KeyboardInterrupt as exc:
        summary.status = "interrupted"
        progress(
            f"run {summary.run_id} interrupted ({str(exc) or 'KeyboardInterrupt'}): documents"
            " loaded so far are kept; the rest are parsed by the next run"
        )
        raise
    except Exception as exc:
        # An unexpected error must leave the run `failed` (and the source's health failing),
        # not `ok` because no error was counted yet.
        message = f"{type(exc).__name__}: {exc}"
        record_error(db, run=summary.run_id, stage="run", message=message)
        summary.errors.append({"stage": "run", "url": None, "message": message})
        raise
    finally:
        close_run(db, summary)


def close_run(db: sqlite_utils.Database, summary: RunSummary) -> None:
    """Settle the run's status (unless interrupted) and write its counts."""
    if summary.run_id is None:
        raise ValueError("close_run needs a summary with a run id")
    if summary.status != "interrupted":
        summary.status = "ok" if summary.ok else "failed"
    finish_run(
        db,
        summary.run_id,
        status=summary.status,
        documents_new=summary.documents_new,
        documents_unchanged=summary.documents_unchanged,
        documents_failed=summary.documents_failed,
        rows_added=summary.rows_added,
        errors=len(summary.errors),
    )


def sync_sources(db: sqlite_utils.Database, sources: Iterable[Source]) -> None:
    from db.clock import now

    db.table("sources").upsert_all(
        (
            {
                "name": s.name,
                "agency": s.agency,
                "title": s.title,
                "description": s.description,
                "url": s.url,
                "parser": s.parser,
                "schedule": s.schedule,
                "source_url": s.source_url or s.url,
                "license": s.license,
                "license_url": s.license_url,
                "updated": now(),
            }
            for s in sources
        ),
        pk="name",
    )


def crawl_sources(
    db: sqlite_utils.Database,
    config: Config,
    sources: list[Source],
    *,
    paths: Paths,
    run_id: int | None,
    summary: RunSummary,
    progress: Progress = _quiet,
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
            f" {len(report.errors)} error(s)"
        )


def named_parser(document: dict[str, Any], config: Config | None) -> str | None:
    """The parser a document's source names, else the one that parsed it before, or None."""
    if config is not None and document.get("source"):
        for source in config.sources:
            if source.name == document["source"]:
                return source.parser
    return document.get("parser") or None


@dataclass
class _Job:
    document: dict[str, Any]
    parser_name: str | None  # None: detect it in the worker, from the file it parses
    path: Path
    plan: ocr.Plan
    pdf_reader: str = "fast"


@dataclass
class _Outcome:
    parser_name: str | None
    prepared: ocr.Prepared | None
    result: ParseResult | str  # a string is why the document could not be parsed


def _prepare_and_parse(job: _Job, archive_root: Path) -> _Outcome:
    """Worker: read page text (OCR scans), choose the parser if none is named, parse.

    No database here; an expected failure comes back as its message."""
    label = job.document.get("filename") or job.document["sha256"][:12]
    prepared: ocr.Prepared | None = None
    name = job.parser_name
    try:
        use_reader(job.pdf_reader)
        prepared = ocr.prepare(job.path, label, archive_root, job.plan)
        parser = get_parser(name) if name else detect_parser(prepared.target)
        name = parser.name
        return _Outcome(name, prepared, parser.parse(prepared.target))
    except RecordsError as exc:
        return _Outcome(name, prepared, _name_file(str(exc), job.path, label))
    except Exception as exc:  # noqa: BLE001 - a broken file must not stop the other documents
        return _Outcome(name, prepared, f"{type(exc).__name__}: {exc}")


def _name_file(message: str, path: Path, label: str) -> str:
    """Messages from parsers name the archived file by its digest: say the file's name
    (the caller puts it in front, so a leading name is dropped)."""
    for prefix in (f"{path.name}: ", f"{label}: "):
        message = message.removeprefix(prefix)
    return message.replace(path.name, label)


def parse_pending(
    db: sqlite_utils.Database,
    archive: Archive,
    config: Config | None,
    *,
    sources: list[Source] | None = None,
    documents: list[dict[str, Any]] | None = None,
    run_id: int | None = None,
    reparse: bool = False,
    everything: bool = False,
    parser_override: str | None = None,
    workers: int | None = None,
    progress: Progress = _quiet,
    summary: RunSummary | None = None,
) -> RunSummary:
    """Parse documents waiting for it, in parallel processes, loading one document at a time.

    Workers read page text, OCR scanned pages and parse; this process writes, one
    transaction per document. Counts go into ``summary`` when given (and it is returned).
    """
    summary = summary if summary is not None else RunSummary(run_id=run_id)
    if documents is None:
        names = [s.name for s in sources] if sources else None
        documents = documents_to_parse(db, sources=names, reparse=reparse or everything)
    jobs: list[_Job] = []
    for document in documents:
        interrupt.check()
        if document.get("status") in NOT_PARSED_STATUSES:  # unpacked ZIPs, OCR copies
            continue
        try:
            path = archive.get(document["sha256"])
            plan = ocr.plan(db, archive, document, path)
            name = parser_override or named_parser(document, config)
            if name is None and plan.ocr_copy is not None:
                name = detect_parser(archive.get(plan.ocr_copy)).name
            parser = get_parser(name) if name else None
        except (RecordsError, KeyError) as exc:
            _document_failed(db, summary, document, str(exc).strip("'\""), run_id)
            continue
        # `--reparse` skips documents already parsed by the current version of their parser.
        if (
            reparse
            and not everything
            and parser is not None
            and document.get("status") in ("parsed", "quarantined")
            and (document.get("parser"), document.get("parser_version"))
            == (parser.name, parser.version)
        ):
            continue
        reader = config.settings.pdf_reader if config is not None else "fast"
        jobs.append(_Job(document, name, path, plan, reader))
    if not jobs:
        return summary
    progress(f"parsing {len(jobs)} document(s) ...")
    outcomes = _parse_all(jobs, archive.root, workers)
    for job, outcome in zip(jobs, outcomes, strict=True):
        _load_outcome(db, job.document, outcome, summary, run_id, progress)
        # Between documents: a SIGTERM/SIGINT stops here, once the document in hand is
        # loaded (its parse is done: keep it), before waiting for the next one.
        if interrupt.stop_requested():
            outcomes.close()  # cancels the parses not started yet
            interrupt.check()
    return summary


def _load_outcome(
    db: sqlite_utils.Database,
    document: dict[str, Any],
    outcome: _Outcome,
    summary: RunSummary,
    run_id: int | None,
    progress: Progress,
) -> None:
    """Write what a worker produced for one document: page text, then its rows or failure."""
    label = document.get("filename") or document["sha256"][:12]
    if outcome.prepared is not None:
        ocr.record_prepared(db, document, outcome.prepared, run_id=run_id, errors=summary.errors)
    parser = get_parser(outcome.parser_name) if outcome.parser_name else None
    if isinstance(outcome.result, str):
        _document_failed(db, summary, document, f"{label}: {outcome.result}", run_id, parser)
        return
    if parser is None:  # unreachable: a parsed result always names its parser
        raise RuntimeError(f"{label}: parsed without a parser")
    result = outcome.result
    result.document.update(ocr_facts(db, document["sha256"]))  # flags rows read by OCR
    status, rows = load_result(db, document["sha256"], parser, result)
    if status == "quarantined":
        summary.documents_quarantined += 1
        message = f"{label}: quarantined: {result.quarantine_reason()}"
        record_error(
            db,
            run=run_id,
            stage="check",
            message=message,
            source=document.get("source"),
            url=document.get("url"),
            document=document["sha256"],
        )
        summary.errors.append({"stage": "check", "url": document.get("url"), "message": message})
    summary.rows_added += rows
    count = len(result.rows)
    progress(
        f"  {label}: {status}, {count} row{'' if count == 1 else 's'}"
        f" ({parser.name} {parser.version})"
    )


def _parse_all(
    jobs: list[_Job], archive_root: Path, workers: int | None
) -> Generator[_Outcome, None, None]:
    """Outcomes in job order, each as soon as it is ready, so loading keeps pace and a stop
    request (closing this generator) drops the parses not started yet."""
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) == 1:
        for job in jobs:
            yield _prepare_and_parse(job, archive_root)
        return
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        yield from pool.map(_prepare_and_parse, jobs, [archive_root] * len(jobs))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _document_failed(
    db: sqlite_utils.Database,
    summary: RunSummary,
    document: dict[str, Any],
    message: str,
    run_id: int | None,
    parser: Parser | None = None,
) -> None:
    fail_document(db, document["sha256"], message, parser)
    record_error(
        db,
        run=run_id,
        stage="parse",
        message=message,
        source=document.get("source"),
        url=document.get("url"),
        document=document["sha256"],
    )
    summary.documents_failed += 1
    summary.errors.append({"stage": "parse", "url": document.get("url"), "message": message})


def add_files(
    files: Iterable[Path],
    *,
    paths: Paths,
    config: Config | None,
    source: str | None = None,
    parser_name: str | None = None,
    request_id: int | None = None,
    progress: Progress = _quiet,
) -> RunSummary:
    """Archive local files (e.g. records-request responses) and parse them like crawled ones."""
    db = open_db(paths.db)
    archive = Archive(paths.archive)
    if request_id is not None:
        require_request(db, request_id)  # RequestError before anything is archived
    run_id = start_run(db, trigger="cli", sources=[source] if source else [])
    summary = RunSummary(run_id=run_id)
    added: list[dict[str, Any]] = []
    with recorded_run(db, summary, progress):
        for file in files:
            file = Path(file)
            try:
                data = file.read_bytes()
            except OSError as exc:
                message = f"{file}: cannot read: {exc.strerror}"
                record_error(db, run=run_id, stage="add", message=message, source=source)
                summary.errors.append({"stage": "add", "url": str(file), "message": message})
                continue
            if not data:
                message = f"{file}: empty file"
                record_error(db, run=run_id, stage="add", message=message, source=source)
                summary.errors.append({"stage": "add", "url": str(file), "message": message})
                continue
            # Archive and record it (a ZIP: and each member); see records.intake for bad input.
            received = receive_file(
                db,
                archive,
                data,
                file.name,
                source=source,
                request_id=request_id,
                run_id=run_id,
                parser_name=parser_name,
                progress=progress,
            )
            received.add_to(summary)
            added.extend(received.to_parse)
        parse_pending(
            db,
            archive,
            config,
            documents=added,
            run_id=run_id,
            parser_override=parser_name,
            progress=progress,
            summary=summary,
        )
    return summary


def parse_archived(
    config: Config,
    names: Iterable[str] = (),
    *,
    paths: Paths,
    reparse: bool = False,
    everything: bool = False,
    workers: int | None = None,
    progress: Progress = _quiet,
) -> RunSummary:
    """`records parse`: parse archived documents (of the named sources) as a recorded run."""
    names = list(names)
    sources = config.select(names) if names else None
    db = open_db(paths.db)
    run_id = start_run(db, trigger="cli", sources=names)
    summary = RunSummary(run_id=run_id)
    with recorded_run(db, summary, progress):
        parse_pending(
            db,
            Archive(paths.archive),
            config,
            sources=sources,
            run_id=run_id,
            reparse=reparse,
            everything=everything,
            workers=workers,
            progress=progress,
            summary=summary,
        )
    return summary
