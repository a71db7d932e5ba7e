"""The parse stage: documents waiting for it are parsed in worker processes (page text,
OCR, tables) and loaded here, one transaction per document."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from db.connect import open_db
from db.derived import NOT_PARSED_STATUSES, ocr_facts
from db.documents import documents_to_parse
from db.load import fail_document, load_result
from db.runs import record_error, start_run
from parsers.base import Parser, ParseResult
from parsers.registry import detect_parser, get_parser, table_specs
from records.core.archive import Archive
from records.core.config import DEFAULT_PARSE_TIMEOUT, Config, Source
from records.core.errors import RecordsError
from records.core.faults import crash_point
from records.core.paths import Paths
from records.pipeline import interrupt, ocr
from records.pipeline.deadruns import close_dead_runs
from records.pipeline.summary import Progress, RunSummary, quiet, recorded_run
from records.pipeline.timelimit import ParseTimedOut, limit_message, time_limit


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
    #: Seconds the parse may take ([settings] parse_timeout); None: no limit.
    time_limit: float | None = None


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
        with time_limit(job.time_limit):
            prepared = ocr.prepare(job.path, label, archive_root, job.plan)
            parser = get_parser(name) if name else detect_parser(prepared.target)
            name = parser.name
            result = parser.parse(prepared.target)
        return _Outcome(name, prepared, result)
    except ParseTimedOut:
        # Page text read before the limit is not kept: the document is retried whole.
        return _Outcome(name, None, limit_message(job.time_limit or 0))
    except RecordsError as exc:
        return _Outcome(name, prepared, _name_file(str(exc), job.path, label))
    except Exception as exc:  # noqa: BLE001 - a broken file must not stop the other documents
        return _Outcome(name, prepared, f"{type(exc).__name__}: {exc}")


def parse_timeout(config: Config | None) -> float:
    return config.settings.parse_timeout if config is not None else DEFAULT_PARSE_TIMEOUT


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
    progress: Progress = quiet,
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
        jobs.append(_Job(document, name, path, plan, parse_timeout(config)))
    if not jobs:
        return summary
    progress(f"parsing {len(jobs)} document(s) ...")
    outcomes = _parse_all(jobs, archive.root, workers)
    for job, outcome in zip(jobs, outcomes, strict=True):
        # One transaction per document: page text, OCR copy, rows, facts, status and its
        # error rows commit together or not at all (a kill in between leaves no trace).
        with db.atomic():
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
        crash_point("after-page-text")
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


def parse_archived(
    config: Config,
    names: Iterable[str] = (),
    *,
    paths: Paths,
    reparse: bool = False,
    everything: bool = False,
    workers: int | None = None,
    progress: Progress = quiet,
) -> RunSummary:
    """`records parse`: parse archived documents (of the named sources) as a recorded run.

    Takes the same source locks as `records run` (a run loading the same documents makes
    this exit 3, and the other way round) and stops between documents on SIGTERM/SIGINT."""
    from records.pipeline.interrupt import stop_on_signals
    from records.pipeline.locks import hold_sources

    names = list(names)
    sources = config.select(names) if names else None
    locked = [s.name for s in (sources or config.sources)]
    with hold_sources(paths.db, locked, trigger="cli"), stop_on_signals():
        db = open_db(paths.db, specs=table_specs(s.parser for s in config.sources))
        close_dead_runs(db)
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
