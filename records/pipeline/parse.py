"""The parse stage: documents waiting for it are parsed in worker processes (page text,
OCR, tables) and loaded here, one transaction per document."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlite_utils

from db.connect import open_db
from db.derived import NOT_PARSED_STATUSES, ocr_facts
from db.documents import documents_to_parse
from db.load import LoadBatch, data_rows, fail_document, load_result
from db.runs import record_error, start_run
from parsers.base import Parser, ParseResult, ParseWarning
from parsers.generic.extract import PAGE_RANGES, page_numbers
from parsers.generic.spill import READ_PAGE_TEXT, SPILL_FOLDER, spill_folder_for
from parsers.reading.document import fewer_collections, pages_not_read
from parsers.registry import (
    PlainParser,
    detect_parser,
    get_parser,
    no_template_recognised,
    stand_in_parser,
    table_specs,
)
from records.core.archive import Archive
from records.core.config import DEFAULT_PARSE_TIMEOUT, Config, Settings, Source
from records.core.errors import RecordsError
from records.core.faults import crash_point
from records.core.paths import Paths
from records.pipeline import ocr
from records.pipeline.guards import interrupt
from records.pipeline.guards.deadruns import close_dead_runs
from records.pipeline.reporting.progress import ParseProgress
from records.pipeline.reporting.summary import Progress, RunSummary, quiet, recorded_run
from records.pipeline.workers.choose import executor_for
from records.pipeline.workers.executors import Executor, LocalPool, OnWait, PrefetchPool
from records.pipeline.workers.timelimit import ParseTimedOut, limit_message, time_limit


def named_parser(document: dict[str, Any], config: Config | None) -> str | None:
    """The parser a document's source names, else the one that parsed it before, or None."""
    if config is not None and document.get("source"):
        for source in config.sources:
            if source.name == document["source"]:
                return source.parser
    return document.get("parser") or None


#: The archive's folder for a parse's spill files (removed once loaded).
SPILL_DIR = "tmp"


#: A spill file older than this is left from a parse that was killed (a live one is
#: removed once its document is loaded): the next parse stage removes it.
STALE_SPILL_SECONDS = 24 * 3600


def sweep_spills(folder: Path, older_than: float = STALE_SPILL_SECONDS) -> list[Path]:
    """Remove spill files left in ``folder`` by parses that were killed; the removed."""
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than
    removed = []
    for path in folder.glob("spill-*.sqlite"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # removed meanwhile by its own parse stage
            continue
    return removed


@dataclass
class _Job:
    document: dict[str, Any]
    parser_name: str | None  # None: detect it in the worker, from the file it parses
    path: Path
    plan: ocr.Plan
    #: The sources file's settings: where its template folders are.
    settings: Settings | None = None
    #: Seconds the parse may take ([settings] parse_timeout); None: no limit.
    time_limit: float | None = None


@dataclass
class _Outcome:
    parser_name: str | None
    prepared: ocr.Prepared | None
    result: ParseResult | str  # a string is why the document could not be parsed
    #: A document whose layout the parser refused: the plain parser of its kind
    #: (``parsers.registry.stand_in_parser``) and its reading, loaded flagged layout_drift.
    drift: tuple[PlainParser, ParseResult] | None = None
    #: Pages left unread for their size (``parsers.reading.document.MAX_PAGE_OBJECTS``):
    #: (page number, why), reported as the document's errors when it is loaded.
    unread: list[tuple[int, str]] = field(default_factory=list)
    #: Whether the parser was chosen by detection (no parser named for the document).
    detected: bool = False


def _prepare_and_parse(job: _Job, archive_root: Path) -> _Outcome:
    """Worker: read page text (OCR scans), choose the parser if none is named, parse.

    No database here; an expected failure comes back as its message. A long PDF's rows
    come back in a spill file in the archive's ``tmp`` folder (``parsers.generic.spill``),
    removed once loaded; not on a cluster's worker (``PAGE_RANGES`` set there), whose files
    the coordinator may not see."""
    folder = archive_root / SPILL_DIR if PAGE_RANGES.get() is None else None
    token = SPILL_FOLDER.set(folder)
    try:
        outcome = _parse_job(job, archive_root)
    finally:
        SPILL_FOLDER.reset(token)
    # Pages too big to read, of the file or of its OCR copy: the user is told which.
    unread = dict(pages_not_read(job.path))
    if outcome.prepared is not None and outcome.prepared.target != job.path:
        unread.update(pages_not_read(outcome.prepared.target))
    outcome.unread = sorted(unread.items())
    outcome.detected = job.parser_name is None
    return outcome


def _parse_job(job: _Job, archive_root: Path) -> _Outcome:
    label = job.document.get("filename") or job.document["sha256"][:12]
    prepared: ocr.Prepared | None = None
    name = job.parser_name
    try:
        settings = job.settings
        # The whole job, not only the page reads: tables and text make as many objects.
        with time_limit(job.time_limit), fewer_collections():
            read_with_text = _parse_reading_text(job, settings)
            if read_with_text is not None:
                return read_with_text
            prepared = ocr.prepare(job.path, label, archive_root, job.plan)
            parser = (
                get_parser(name, settings) if name else detect_parser(prepared.target, settings)
            )
            name = parser.name
            result = parser.parse(prepared.target)
            drift = _drift_tables(parser, result, prepared.target, settings)
        return _Outcome(name, prepared, result, drift)
    except ParseTimedOut:
        # Page text read before the limit is not kept: the document is retried whole.
        return _Outcome(name, None, limit_message(job.time_limit or 0))
    except RecordsError as exc:
        return _Outcome(name, prepared, _name_file(str(exc), job.path, label))
    except Exception as exc:  # a broken file must not stop the other documents
        return _Outcome(name, prepared, f"{type(exc).__name__}: {exc}")


def _parse_reading_text(job: _Job, settings: Settings | None) -> _Outcome | None:
    """A long PDF for the generic extractor whose page text is not read yet (and no OCR
    copy made): parsed with its page text read by the extractor's page workers as they
    read each page for its tables, in parallel, the texts written to the parse's spill, not
    held (``parsers.generic.spill.READ_PAGE_TEXT``). None when that does not apply, or
    when a page turns out to be a scan: the document is then prepared (OCR) and parsed as
    any other."""
    plan = job.plan
    if not plan.read_pages or plan.ocr_copy is not None:
        return None
    try:
        if spill_folder_for(lambda: len(page_numbers(job.path))) is None:
            return None
        name = job.parser_name
        parser = get_parser(name, settings) if name else detect_parser(job.path, settings)
    except Exception:  # the usual path names what is wrong with the file
        return None
    if parser.name != "generic":
        return None
    token = READ_PAGE_TEXT.set(True)
    try:
        result = parser.parse(job.path)
    finally:
        READ_PAGE_TEXT.reset(token)
    spilled = result.spilled
    if spilled is None or not spilled.pages or spilled.scanned:
        if spilled is not None:
            spilled.remove()  # parsed again from the OCR copy
        return None
    return _Outcome(parser.name, ocr.Prepared(target=job.path, spilled_pages=spilled), result)


def _drift_tables(
    parser: Parser, result: ParseResult, path: Path, settings: Settings | None
) -> tuple[PlainParser, ParseResult] | None:
    """When a parser refuses a document's layout, the tables of the plain parser of its kind
    (a PDF's generic extractor, a workbook's spreadsheet parser) and that parser, so the data
    stays visible (flagged ``layout_drift``) while the document is quarantined."""
    if result.quarantine is None:
        return None
    plain = stand_in_parser(parser, path, settings)
    if plain is None:
        return None
    try:
        return plain, get_parser(plain.name, settings).parse(path)
    except Exception:
        return None


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
    executor: Executor | None = None,
) -> RunSummary:
    """Parse documents waiting for it, in parallel processes, loading one document at a time.

    Workers read page text, OCR scanned pages and parse; this process writes, one
    transaction per document. Counts go into ``summary`` when given (and it is returned).
    ``executor`` runs the workers (``records.pipeline.workers.executors``; default: ``workers``
    processes on this machine).
    """
    summary = summary if summary is not None else RunSummary(run_id=run_id)
    if documents is None:
        names = [s.name for s in sources] if sources else None
        documents = documents_to_parse(db, sources=names, reparse=reparse or everything)
    settings = config.settings if config is not None else None
    jobs: list[_Job] = []
    for document in documents:
        interrupt.check()
        job = _job_for(db, archive, config, document, parser_override, reparse and not everything)
        if isinstance(job, str):
            _document_failed(db, summary, document, job, run_id)
        elif job is not None:
            jobs.append(job)
    if not jobs:
        return summary
    sweep_spills(archive.root / SPILL_DIR)
    progress(f"parsing {len(jobs)} document(s) ...")
    counts = ParseProgress(progress, [job.document for job in jobs], [job.path for job in jobs])

    # Documents are loaded in batches (``db.load.LoadBatch``): one commit for several, each
    # document in a savepoint of its own, so it is loaded whole or not at all and one
    # document's failure rolls back only its own writes. Commits do not wait for the disk
    # (``db.connect.WAL_SYNCHRONOUS``): one lost to a power cut leaves its documents
    # "fetched", parsed again by the next run.
    batch = LoadBatch(db)

    def commit_while_waiting() -> None:
        # The next outcome is not ready: what is loaded is committed now, not held (and
        # the write lock with it) while the workers parse.
        _add_counts(summary, batch.commit())

    outcomes = _parse_all(jobs, archive.root, workers, executor, commit_while_waiting)
    try:
        for index, (job, outcome) in enumerate(zip(jobs, outcomes, strict=True)):
            # Page text, OCR copy, rows, facts, status and error rows of one document go
            # in together or not at all (a kill before the commit leaves no trace of them).
            load = _DocumentLoad(db, job.document, outcome, run_id, progress, settings)
            failure = batch.load(load)
            if failure is not None and _not_the_documents(failure):
                raise failure
            if failure is not None:
                load.release()  # not loaded: its spill is of no more use
                error = batch.load(_FailedLoad(db, job.document, failure, run_id))
                if error is not None:
                    raise error
            counts.loaded(index, len(outcome.prepared.ocr_pages) if outcome.prepared else 0)
            if batch.due():
                _add_counts(summary, batch.commit())
            # Between documents: a SIGTERM/SIGINT stops here, once the document in hand is
            # loaded (its parse is done: keep it), before waiting for the next one.
            if interrupt.stop_requested():
                _add_counts(summary, batch.commit())
                outcomes.close()  # cancels the parses not started yet
                interrupt.check()
    finally:
        # The documents loaded whole so far are kept, however the loop ended.
        _add_counts(summary, batch.commit())
        counts.close()
    return summary


@dataclass
class _DocumentLoad:
    """One document's writes, for a ``LoadBatch``: its counts go into ``part``, made anew
    each time it runs (a batch may run it again), added to the run's once committed."""

    db: sqlite_utils.Database
    document: dict[str, Any]
    outcome: _Outcome
    run_id: int | None
    progress: Progress
    settings: Settings | None
    part: RunSummary = field(default_factory=RunSummary)

    def release(self) -> None:
        """Remove the outcome's spill files (after the commit: a batch may load it again)."""
        drift = self.outcome.drift[1] if self.outcome.drift is not None else None
        for result in (self.outcome.result, drift):
            if isinstance(result, ParseResult) and result.spilled is not None:
                result.spilled.remove()

    def __call__(self) -> None:
        self.part = RunSummary(run_id=self.run_id)
        _load_outcome(
            self.db,
            self.document,
            self.outcome,
            self.part,
            self.run_id,
            self.progress,
            self.settings,
        )


@dataclass
class _FailedLoad:
    """A document whose load raised: marked failed with the error, its writes rolled back."""

    db: sqlite_utils.Database
    document: dict[str, Any]
    error: Exception
    run_id: int | None
    part: RunSummary = field(default_factory=RunSummary)

    def release(self) -> None:
        """Nothing to remove."""

    def __call__(self) -> None:
        self.part = RunSummary(run_id=self.run_id)
        label = self.document.get("filename") or self.document["sha256"][:12]
        message = f"{label}: could not be loaded: {type(self.error).__name__}: {self.error}"
        _document_failed(self.db, self.part, self.document, message, self.run_id)


#: SQLite errors of the machine, not of the document: the run stops (the CLI says what to do).
_MACHINE_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY")
_MACHINE_ERRORS += ("SQLITE_CORRUPT", "SQLITE_NOMEM", "SQLITE_CANTOPEN", "SQLITE_NOTADB")


def _not_the_documents(error: Exception) -> bool:
    """A full disk, a locked or broken database: no fault of the document being loaded."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return isinstance(error, sqlite3.Error) and name.startswith(_MACHINE_ERRORS)


def _add_counts(summary: RunSummary, loads: Iterable[Any]) -> None:
    """Add the counts of committed document loads to the run's (and let go of their spills)."""
    for load in loads:
        load.release()
        part: RunSummary = load.part
        summary.documents_failed += part.documents_failed
        summary.documents_quarantined += part.documents_quarantined
        summary.rows_added += part.rows_added
        summary.drift_rows += part.drift_rows
        summary.errors.extend(part.errors)
        summary.warnings.extend(part.warnings)


def _job_for(
    db: sqlite_utils.Database,
    archive: Archive,
    config: Config | None,
    document: dict[str, Any],
    parser_override: str | None = None,
    skip_current: bool = False,
) -> _Job | str | None:
    """The parse job of a document; a string says why it cannot be parsed; None: nothing to
    do (an unpacked ZIP, an OCR copy, or with ``skip_current`` a document already parsed by
    the current version of its parser)."""
    if document.get("status") in NOT_PARSED_STATUSES:  # unpacked ZIPs, OCR copies
        return None
    settings = config.settings if config is not None else None
    try:
        path = archive.get(document["sha256"])
        plan = ocr.plan(db, archive, document, path)
        name = parser_override or named_parser(document, config)
        if name is None and plan.ocr_copy is not None:
            name = detect_parser(archive.get(plan.ocr_copy), settings).name
        parser = get_parser(name, settings) if name else None
    except RecordsError as exc:
        return str(exc)
    # `--reparse` skips documents already parsed by the current version of their parser.
    if (
        skip_current
        and parser is not None
        and document.get("status") in ("parsed", "quarantined")
        and (document.get("parser"), document.get("parser_version"))
        == (parser.name, parser.version)
    ):
        return None
    return _Job(
        document,
        name,
        path,
        plan,
        settings=settings,
        time_limit=parse_timeout(config),
    )


class EarlyParse:
    """Parses the documents a crawl records while the crawl goes on.

    ``submit`` (the crawl's new-document callback) starts the parse of a document in this
    machine's worker processes; ``parse_pending``, handed ``pool`` as its executor once the
    crawl is done, takes those outcomes instead of parsing again, and parses the rest in the
    same processes. Loading still happens after the crawl, in job order, one transaction each.
    A document whose job changed in between (say, seen at a second URL) is parsed again."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        archive: Archive,
        config: Config,
        sources: list[Source],
        workers: int | None = None,
    ) -> None:
        self.db = db
        self.archive = archive
        self.config = config
        self.sources = {s.name for s in sources}
        self.pool = PrefetchPool(workers, key=_job_key)

    def __enter__(self) -> EarlyParse:
        # The worker processes are forked now, before the crawl's reader threads exist,
        # and are ready by the time the first document arrives.
        self.pool.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.close()

    def submit(self, sha256: str) -> None:
        try:
            rows = list(self.db.query("select * from documents where sha256 = ?", [sha256]))
            if not rows or rows[0].get("status") != "fetched":
                return
            if rows[0]["source"] not in self.sources:
                return
            job = _job_for(self.db, self.archive, self.config, rows[0])
            if isinstance(job, _Job):
                self.pool.submit(job, _prepare_and_parse, self.archive.root)
        except Exception:  # parsing early is only a head start
            # The document is parsed after the crawl as if never started; a real problem
            # with it is reported there, once, naming it.
            return


def _job_key(job: _Job) -> str:
    return str(job.document["sha256"])


def _load_outcome(
    db: sqlite_utils.Database,
    document: dict[str, Any],
    outcome: _Outcome,
    summary: RunSummary,
    run_id: int | None,
    progress: Progress,
    settings: Settings | None = None,
) -> None:
    """Write what a worker produced for one document: page text, then its rows or failure."""
    label = document.get("filename") or document["sha256"][:12]
    if outcome.prepared is not None:
        ocr.record_prepared(db, document, outcome.prepared, run_id=run_id, errors=summary.errors)
        crash_point("after-page-text")
    for page, why in outcome.unread:
        _document_error(db, summary, document, "parse", f"{label}: page {page} {why}", run_id)
    parser = get_parser(outcome.parser_name, settings) if outcome.parser_name else None
    if isinstance(outcome.result, str):
        _document_failed(db, summary, document, f"{label}: {outcome.result}", run_id, parser)
        return
    if parser is None:  # unreachable: a parsed result always names its parser
        raise RuntimeError(f"{label}: parsed without a parser")
    result = outcome.result
    result.document.update(ocr_facts(db, document["sha256"]))  # flags rows read by OCR
    drift = None
    stand_in: PlainParser | None = None
    if result.quarantine is not None:
        # The archived file is named by its digest: say the document's name (documents.error,
        # the layout_drift flag, the run's error).
        result.quarantine = result.quarantine.replace(document["sha256"], label)
    if outcome.drift is not None and result.quarantine is not None:
        stand_in, read = outcome.drift
        drift = (get_parser(stand_in.name, settings), read, result.quarantine)
        result.warnings = [_drift_said(w, parser.name, stand_in) for w in result.warnings]
    status, rows = load_result(db, document["sha256"], parser, result, drift=drift)
    if status == "quarantined":
        summary.documents_quarantined += 1
        reason = _name_file(result.quarantine_reason() or "", Path(document["sha256"]), label)
        loaded = ""
        if drift is not None and stand_in is not None:
            kept = data_rows(drift[0], drift[1])
            summary.drift_rows += kept
            loaded = (
                f"its tables loaded by {stand_in.called}"
                f" ({kept} row{'' if kept == 1 else 's'}), flagged layout_drift"
            )
            progress(f"  {label}: {loaded}")
        # ``records status`` lists this error: it says where the data is when it was loaded.
        message = f"{label}: quarantined: {reason}" + (f"; {loaded}" if loaded else "")
        _document_error(db, summary, document, "check", message, run_id)
    summary.rows_added += rows
    count = data_rows(parser, result)
    unrecognised = _no_template_note(parser, outcome, settings)
    progress(
        f"  {label}: {status}, {count} row{'' if count == 1 else 's'}"
        f" ({parser.name} {parser.version}){unrecognised}"
    )
    for warning in result.warnings:  # stored on the document too (documents.warnings)
        summary.warnings.append(
            {
                "url": document.get("url"),
                "document": document["sha256"],
                "kind": warning.kind,
                "message": f"{label}: {warning.message}",
            }
        )


def _drift_said(warning: ParseWarning, template: str, plain: PlainParser) -> ParseWarning:
    """A template's "no rows loaded" on a document whose layout it refused: its rows are
    not the document's only ones, the plain parser's tables are loaded beside them."""
    if warning.kind != "no_rows":
        return warning
    return replace(
        warning,
        message=f"{template} read no rows: {warning.message.removeprefix('no rows loaded, but ')};"
        f" {plain.called}'s tables are loaded instead, flagged layout_drift",
    )


def _no_template_note(parser: Parser, outcome: _Outcome, settings: Settings | None) -> str:
    """``parsers.registry.no_template_recognised`` for a document whose parser was detected."""
    note = no_template_recognised(parser, settings) if outcome.detected else None
    return f"; {note}" if note else ""


def _parse_all(
    jobs: list[_Job],
    archive_root: Path,
    workers: int | None,
    executor: Executor | None = None,
    on_wait: OnWait | None = None,
) -> Generator[_Outcome, None, None]:
    """Outcomes in job order, each as soon as it is ready, so loading keeps pace and a stop
    request (closing this generator) drops the parses not started yet. ``on_wait`` runs
    before waiting for an outcome not ready yet."""
    executor = executor if executor is not None else LocalPool(workers)
    return executor.map(_prepare_and_parse, jobs, archive_root, _lost, on_wait)


def _lost(job: _Job, message: str) -> _Outcome:
    """The outcome of a parse the executor lost (every cluster worker running it died)."""
    return _Outcome(job.parser_name, None, message)


def _document_failed(
    db: sqlite_utils.Database,
    summary: RunSummary,
    document: dict[str, Any],
    message: str,
    run_id: int | None,
    parser: Parser | None = None,
) -> None:
    fail_document(db, document["sha256"], message, parser)
    _document_error(db, summary, document, "parse", message, run_id)
    summary.documents_failed += 1


def _document_error(
    db: sqlite_utils.Database,
    summary: RunSummary,
    document: dict[str, Any],
    stage: str,
    message: str,
    run_id: int | None,
) -> None:
    """One error of a document: in the ``errors`` table and in the run's summary."""
    record_error(
        db,
        run=run_id,
        stage=stage,
        message=message,
        source=document.get("source"),
        url=document.get("url"),
        document=document["sha256"],
    )
    summary.errors.append({"stage": stage, "url": document.get("url"), "message": message})


def parse_archived(
    config: Config,
    names: Iterable[str] = (),
    *,
    paths: Paths,
    reparse: bool = False,
    everything: bool = False,
    workers: int | None = None,
    progress: Progress = quiet,
    cluster: str | None = None,
    shared_archive: bool | None = None,
) -> RunSummary:
    """`records parse`: parse archived documents (of the named sources) as a recorded run.

    ``cluster``: a Dask scheduler's address, else ``[settings] cluster``, else this machine.

    Takes the same source locks as `records run` (a run loading the same documents makes
    this exit 3, and the other way round) and stops between documents on SIGTERM/SIGINT."""
    from records.pipeline.guards.interrupt import stop_on_signals
    from records.pipeline.guards.locks import hold_sources

    names = list(names)
    sources = config.select(names) if names else None
    locked = [s.name for s in (sources or config.sources)]
    archive = Archive(paths.archive)
    # Connect first: an unreachable cluster is one error before anything is written.
    chosen = executor_for(
        config.settings, archive, cluster=cluster, shared_archive=shared_archive, progress=progress
    )
    with chosen as executor, hold_sources(paths.db, locked, trigger="cli"), stop_on_signals():
        specs = table_specs((s.parser for s in config.sources), config.settings)
        db = open_db(paths.db, specs=specs)
        close_dead_runs(db)
        run_id = start_run(db, trigger="cli", sources=names)
        summary = RunSummary(run_id=run_id)
        with recorded_run(db, summary, progress):
            parse_pending(
                db,
                archive,
                config,
                sources=sources,
                run_id=run_id,
                reparse=reparse,
                everything=everything,
                workers=workers,
                progress=progress,
                summary=summary,
                executor=executor,
            )
    return summary
