"""`records add`: local files (records-request responses, downloads) archived and parsed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from db.connect import open_db
from db.runs import record_error, start_run
from records.core.archive import Archive
from records.core.config import DEFAULT_ADD_MAX_BYTES, Config
from records.core.paths import Paths
from records.foia.requests import require_request
from records.pipeline.guards import interrupt
from records.pipeline.guards.deadruns import close_dead_runs
from records.pipeline.intake import receive_file
from records.pipeline.parse import parse_pending
from records.pipeline.reporting.summary import Progress, RunSummary, quiet, recorded_run
from records.pipeline.workers.choose import executor_for
from records.pipeline.workers.executors import Executor


def add_files(
    files: Iterable[Path],
    *,
    paths: Paths,
    config: Config | None,
    source: str | None = None,
    parser_name: str | None = None,
    request_id: int | None = None,
    progress: Progress = quiet,
    cluster: str | None = None,
    shared_archive: bool | None = None,
    max_bytes: int | None = None,
) -> RunSummary:
    """Archive local files (e.g. records-request responses) and parse them like crawled ones
    (on the Dask cluster ``cluster``, else ``[settings] cluster``, when there is one).

    A file larger than ``max_bytes`` (default ``[settings] max_bytes``) is refused with an
    error naming it; the others go on. SIGTERM/SIGINT stop between documents."""
    from records.pipeline.guards.interrupt import stop_on_signals

    if max_bytes is None:
        max_bytes = config.settings.max_bytes if config is not None else DEFAULT_ADD_MAX_BYTES
    archive = Archive(paths.archive)
    settings = config.settings if config is not None else None
    with (
        executor_for(
            settings, archive, cluster=cluster, shared_archive=shared_archive, progress=progress
        ) as executor,
        stop_on_signals(),
    ):
        return _add_files(
            files,
            paths=paths,
            config=config,
            source=source,
            parser_name=parser_name,
            request_id=request_id,
            progress=progress,
            executor=executor,
            max_bytes=max_bytes,
        )


def _add_files(
    files: Iterable[Path],
    *,
    paths: Paths,
    config: Config | None,
    source: str | None,
    parser_name: str | None,
    request_id: int | None,
    progress: Progress,
    executor: Executor | None,
    max_bytes: int,
) -> RunSummary:
    db = open_db(paths.db)
    archive = Archive(paths.archive)
    if request_id is not None:
        require_request(db, request_id)  # RequestError before anything is archived
    close_dead_runs(db)
    run_id = start_run(db, trigger="cli", sources=[source] if source else [])
    summary = RunSummary(run_id=run_id)
    added: list[dict[str, Any]] = []
    with recorded_run(db, summary, progress):
        for file in files:
            file = Path(file)
            interrupt.check()

            def refuse(message: str, file: Path = file) -> None:
                record_error(db, run=run_id, stage="add", message=message, source=source)
                summary.errors.append({"stage": "add", "url": str(file), "message": message})

            try:
                size = file.stat().st_size
                if size > max_bytes:
                    refuse(
                        f"{file}: {size} bytes, over the limit of {max_bytes} bytes"
                        " ([settings] max_bytes or --max-bytes); not added"
                    )
                    continue
                data = file.read_bytes()
            except OSError as exc:
                refuse(f"{file}: cannot read: {exc.strerror}")
                continue
            if not data:
                refuse(f"{file}: empty file")
                continue
            # Archive and record it (a ZIP: and each member); records.pipeline.intake: bad input.
            try:
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
            except OSError as exc:
                # Disk full (ENOSPC) or a read-only archive: say which file; the others go on.
                refuse(f"{file}: cannot archive in {archive.root}: {exc.strerror or exc}")
                continue
            received.add_to(summary)
            added.extend(received.to_parse)
        # The last file's bytes are archived: not held through its parse (the page workers
        # fork from this process; a 45 MB PDF stayed in each of them).
        data = b""
        parse_pending(
            db,
            archive,
            config,
            documents=added,
            run_id=run_id,
            parser_override=parser_name,
            progress=progress,
            summary=summary,
            executor=executor,
        )
    return summary
