"""Documents are loaded several to a commit, each still whole: one document failing mid-load
rolls back its own writes only, and the documents around it in the batch are kept."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF

from db.connect import open_db
from db.runs import start_run
from parsers.base import Row
from parsers.registry import get_parser
from records.core.archive import Archive
from records.pipeline.intake import receive_file
from records.pipeline.parse import parse_pending

HEADER = ("case", "county", "amount")


def ruled_table_pdf(first: int) -> bytes:
    """One page: a ruled table, a header and five rows numbered from ``first``."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    rows = [HEADER] + [
        (f"C-{n:04d}", f"County {n}", f"{n * 100:,}") for n in range(first, first + 5)
    ]
    for r, row in enumerate(rows):
        pdf.set_xy(40, 40 + 18 * r)
        for value in row:
            pdf.cell(120, 18, value, border=1)
    return bytes(pdf.output())


class BreaksTheSecond:
    """Parses for real; the second document's outcome gets, after its real rows, a row for
    a table its parser never declared: its load fails half-way (rows already inserted)."""

    def map(
        self, fn: Any, jobs: Sequence[Any], archive_root: Path, failed: Any, on_wait: Any = None
    ) -> Generator[Any, None, None]:
        for number, job in enumerate(jobs):
            outcome = fn(job, archive_root)
            if number == 1:
                outcome.result.rows.append(Row("no_such_table", 1, 0, 0, {"x": 1}))
            yield outcome


def test_the_second_of_three_batched_documents_fails_mid_load(tmp_path: Path) -> None:
    db = open_db(tmp_path / "records.db")
    archive = Archive(tmp_path / "archive")
    run_id = start_run(db, trigger="cli", sources=[])
    documents = []
    for i, first in enumerate((1, 101, 201)):
        intake = receive_file(db, archive, ruled_table_pdf(first), f"doc-{i}.pdf", run_id=run_id)
        documents.extend(intake.to_parse)
    shas = [d["sha256"] for d in documents]
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    summary = parse_pending(
        db, archive, None, documents=documents, executor=BreaksTheSecond(), run_id=run_id
    )
    db.conn.set_trace_callback(None)

    # The three loads shared one commit (the test is about a batch, not three transactions).
    assert [s for s in statements if s.strip().upper() in ("BEGIN", "COMMIT")] == [
        "BEGIN",
        "COMMIT",
    ]
    status = {
        sha: (status, rows, error)
        for sha, status, rows, error in db.execute(
            "select sha256, status, rows, error from documents"
        ).fetchall()
    }
    # Five body rows (extracted_rows) each; the row describing the table is not counted.
    assert status[shas[0]] == ("parsed", 5, None)
    assert status[shas[2]] == ("parsed", 5, None)
    message = (
        "doc-1.pdf: could not be loaded: ValueError:"
        " parser generic returned rows for undeclared no_such_table"
    )
    assert status[shas[1]] == ("failed", None, message)

    def cells(sha: str) -> list[list[str]]:
        return [
            json.loads(c)
            for (c,) in db.execute(
                "select cells from extracted_rows where document = ? order by row_index", [sha]
            ).fetchall()
        ]

    assert cells(shas[0])[0] == ["C-0001", "County 1", "100"]
    assert cells(shas[0])[-1] == ["C-0005", "County 5", "500"]
    assert cells(shas[2])[0] == ["C-0201", "County 201", "20,100"]
    # Nothing of the failed document was written: no rows, no table parts, no page text.
    for table in ("extracted_rows", "extracted_tables", "pages", "document_facts"):
        found = db.execute(f"select count(*) from [{table}] where document = ?", [shas[1]])
        assert found.fetchone()[0] == 0, table
    errors = db.execute("select document, stage, message from errors").fetchall()
    assert errors == [(shas[1], "parse", message)]
    assert summary.documents_failed == 1
    assert summary.errors == [{"stage": "parse", "url": None, "message": message}]


def test_what_is_loaded_is_committed_before_waiting_for_a_parse(tmp_path: Path) -> None:
    """No batch is held open (nor the write lock) while the workers are still parsing."""
    db = open_db(tmp_path / "records.db")
    archive = Archive(tmp_path / "archive")
    run_id = start_run(db, trigger="cli", sources=[])
    documents = []
    for i, first in enumerate((1, 101)):
        intake = receive_file(db, archive, ruled_table_pdf(first), f"doc-{i}.pdf", run_id=run_id)
        documents.extend(intake.to_parse)
    seen_meanwhile: list[tuple[str, int]] = []

    class SecondNotReady:
        def map(
            self, fn: Any, jobs: Sequence[Any], archive_root: Path, failed: Any, on_wait: Any
        ) -> Generator[Any, None, None]:
            yield fn(jobs[0], archive_root)
            on_wait()  # the second parse is not done: the coordinator waits for it
            other = sqlite3.connect(tmp_path / "records.db")
            seen_meanwhile.extend(
                other.execute("select status, rows from documents order by filename").fetchall()
            )
            other.close()
            yield fn(jobs[1], archive_root)

    parse_pending(db, archive, None, documents=documents, executor=SecondNotReady(), run_id=run_id)
    # Another process saw the first document loaded, whole, while the second was parsing.
    assert seen_meanwhile == [("parsed", 5), ("fetched", None)]
    statuses = db.execute("select status, rows from documents order by filename").fetchall()
    assert statuses == [("parsed", 5), ("parsed", 5)]


class ParsesAll:
    def map(
        self, fn: Any, jobs: Sequence[Any], archive_root: Path, failed: Any, on_wait: Any = None
    ) -> Generator[Any, None, None]:
        outcomes = [fn(job, archive_root) for job in jobs]  # all ready: one batch
        yield from outcomes


def test_an_error_that_ends_the_whole_transaction_loses_no_other_document(
    tmp_path: Path,
) -> None:
    """A trigger's RAISE(ROLLBACK) undoes the whole batch, not only the failing document's
    savepoint: the documents before it are loaded again, each whole."""
    db = open_db(tmp_path / "records.db", specs=get_parser("generic").tables)
    archive = Archive(tmp_path / "archive")
    run_id = start_run(db, trigger="cli", sources=[])
    documents = []
    for i, first in enumerate((1, 101, 201)):
        intake = receive_file(db, archive, ruled_table_pdf(first), f"doc-{i}.pdf", run_id=run_id)
        documents.extend(intake.to_parse)
    db.execute(
        "create trigger refuse_case_101 before insert on extracted_rows"
        " when new.cells like '%C-0101%' begin select raise(rollback, 'case 101 refused'); end"
    )
    summary = parse_pending(db, archive, None, documents=documents, executor=ParsesAll())
    statuses = db.execute("select filename, status, rows, error from documents order by filename")
    message = "doc-1.pdf: could not be loaded: IntegrityError: case 101 refused"
    assert statuses.fetchall() == [
        ("doc-0.pdf", "parsed", 5, None),
        ("doc-1.pdf", "failed", None, message),
        ("doc-2.pdf", "parsed", 5, None),
    ]
    per_document = db.execute(
        "select d.filename, count(r.rowid) from documents d left join extracted_rows r"
        " on r.document = d.sha256 group by d.filename order by d.filename"
    )
    assert per_document.fetchall() == [("doc-0.pdf", 5), ("doc-1.pdf", 0), ("doc-2.pdf", 5)]
    # Counted once each, though the first was loaded twice.
    assert (summary.documents_failed, summary.rows_added) == (1, 10)
    assert [e["message"] for e in summary.errors] == [message]
