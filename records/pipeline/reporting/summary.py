"""A run's counts and its bookkeeping: every ingesting command records one run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from db.runs import finish_run, record_error

Progress = Callable[[str], None]


@dataclass
class RunSummary:
    run_id: int | None = None
    documents_new: int = 0
    documents_unchanged: int = 0
    documents_failed: int = 0
    documents_quarantined: int = 0
    rows_added: int = 0
    #: Rows of the generic tables (a PDF's generic extractor's, a workbook's spreadsheet
    #: parser's) loaded for quarantined documents whose layout their template refused
    #: (flagged ``layout_drift``; not in ``rows_added``).
    drift_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Documents loaded with a warning (``parsers.accounting``: rows they may have missed).
    warnings: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ok"

    @property
    def ok(self) -> bool:
        return not self.errors and self.documents_failed == 0


def quiet(_: str) -> None:
    return None


@contextmanager
def recorded_run(
    db: sqlite_utils.Database, summary: RunSummary, progress: Progress = quiet
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
