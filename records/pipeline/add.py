"""`records add`: local files (records-request responses, downloads) archived and parsed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from db.connect import open_db
from db.runs import record_error, start_run
from records.core.archive import Archive
from records.core.config import Config
from records.core.paths import Paths
from records.foia.requests import require_request
from records.pipeline.executors import Executor, executor_for
from records.pipeline.intake import receive_file
from records.pipeline.parse import parse_pending
from records.pipeline.summary import Progress, RunSummary, quiet, recorded_run


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
) -> RunSummary:
    """Archive local files (e.g. records-request responses) and parse them like crawled ones
    (on the Dask cluster ``cluster``, else ``[settings] cluster``, when there is one)."""
    archive = Archive(paths.archive)
    settings = config.settings if config is not None else None
    with executor_for(
        settings, archive, cluster=cluster, shared_archive=shared_archive, progress=progress
    ) as executor:
        return _add_files(
            files,
            paths=paths,
            config=config,
            source=source,
            parser_name=parser_name,
            request_id=request_id,
            progress=progress,
            executor=executor,
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
) -> RunSummary:
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
            # Archive and record it (a ZIP: and each member); records.pipeline.intake: bad input.
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
            executor=executor,
        )
    return summary
