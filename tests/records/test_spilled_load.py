"""A long PDF's rows come from the parse worker in a spill file (``parsers.generic.spill``)
and are loaded from it in the document's one transaction: the database ends up as with
the rows held in memory, the file is removed once loaded, and a load failing half-way
leaves nothing of the document (and no file) behind."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from db.connect import open_db
from db.runs import start_run
from parsers.generic import spill
from records.core.archive import Archive
from records.core.errors import OcrError
from records.pipeline import ocr
from records.pipeline.intake import receive_file
from records.pipeline.parse import SPILL_DIR, STALE_SPILL_SECONDS, parse_pending, sweep_spills
from tests.parsers.generic.test_streamed import continued_table_pdf

#: What a load writes of a document, row for row, in insertion order.
TABLES = ("extracted_tables", "extracted_rows", "document_facts", "pages")


def load(tmp_path: Path, pdf: Path, executor: Any = None) -> tuple[sqlite_utils.Database, str]:
    db = open_db(tmp_path / "records.db")
    archive = Archive(tmp_path / "archive")
    run_id = start_run(db, trigger="cli", sources=[])
    intake = receive_file(db, archive, pdf.read_bytes(), "long.pdf", run_id=run_id)
    parse_pending(db, archive, None, documents=intake.to_parse, run_id=run_id, executor=executor)
    return db, intake.to_parse[0]["sha256"]


def dump(db: sqlite_utils.Database) -> dict[str, list[tuple[Any, ...]]]:
    names = [*TABLES, *(r["name"] for r in db.query("select name from typed_tables"))]
    out = {
        name: [tuple(r) for r in db.execute(f"select * from [{name}] order by rowid").fetchall()]
        for name in names
    }
    out["documents"] = db.execute(
        "select status, rows, error, warnings, pages from documents"
    ).fetchall()
    out["typed_tables"] = db.execute("select * from typed_tables order by name").fetchall()
    return out


def spill_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "archive" / SPILL_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_spilled_document_loads_as_one_held_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = continued_table_pdf(tmp_path / "long.pdf")
    (tmp_path / "memory").mkdir()
    (tmp_path / "spilled").mkdir()
    in_memory, _ = load(tmp_path / "memory", pdf)
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)

    def read_again(*args: object) -> None:
        raise AssertionError("page text read before the parse: the page workers read it")

    monkeypatch.setattr(ocr, "read_pages", read_again)
    spilled, sha = load(tmp_path / "spilled", pdf)
    assert dump(spilled) == dump(in_memory)
    assert (tmp_path / "spilled" / "archive" / SPILL_DIR).is_dir()  # the file was made there...
    assert spill_files(tmp_path / "spilled") == []  # ...and removed once loaded
    assert spilled.execute("select status, rows from documents").fetchall() == [("parsed", 21)]
    cells = [
        json.loads(c)
        for (c,) in spilled.execute("select cells from extracted_rows order by rowid").fetchall()
    ]
    assert cells[0] == ["C-0001", "County 1", "100"]
    assert cells[-1] == ["South", "7"]
    assert spilled.execute("select count(*), sum(amount) from case_county_amount").fetchone() == (
        18,
        17100,
    )


class BreaksTheLoad:
    """Parses for real; the outcome's spill then names a table its parser never declared,
    after its real ones: the load fails half-way (rows already inserted)."""

    def map(
        self, fn: Any, jobs: Sequence[Any], archive_root: Path, failed: Any, on_wait: Any = None
    ) -> Generator[Any, None, None]:
        for job in jobs:
            outcome = fn(job, archive_root)
            outcome.result.spilled.tables["no_such_table"] = ["x"]
            yield outcome


def test_a_spilled_load_failing_half_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = continued_table_pdf(tmp_path / "long.pdf")
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)
    db, sha = load(tmp_path, pdf, BreaksTheLoad())
    message = (
        "long.pdf: could not be loaded: ValueError:"
        " parser generic returned rows for undeclared no_such_table"
    )
    assert db.execute("select status, rows, error from documents").fetchall() == [
        ("failed", None, message)
    ]
    # The rows inserted before the failure were rolled back (the parser's tables with them).
    assert not db["extracted_rows"].exists()
    for table in ("pages", "document_facts"):
        found = db.execute(f"select count(*) from [{table}] where document = ?", [sha])
        assert found.fetchone()[0] == 0, table
    assert spill_files(tmp_path) == []


def scanned_page_pdf(path: Path) -> Path:
    """The three pages of ``continued_table_pdf``, then a page that is only an image."""
    from PIL import Image

    image = path.with_suffix(".png")
    Image.new("RGB", (850, 1100), "white").save(image)
    return continued_table_pdf(path, scan=image)


def test_a_scanned_page_sends_the_document_the_usual_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page workers see a scan: their reading is dropped (spill removed) and the page
    text is read, OCR tried, and the document parsed as any other."""
    pdf = scanned_page_pdf(tmp_path / "scanned.pdf")

    def no_ocr(path: Path, pages: list[int], *, name: str) -> None:
        raise OcrError(f"{name}: OCR unavailable here (pages {pages})")

    monkeypatch.setattr(ocr, "run_ocr_with_confidence", no_ocr)
    (tmp_path / "memory").mkdir()
    (tmp_path / "spilled").mkdir()
    in_memory, _ = load(tmp_path / "memory", pdf)
    monkeypatch.setattr(spill, "SPILL_MIN_PAGES", 1)
    spilled, _ = load(tmp_path / "spilled", pdf)
    assert dump(spilled) == dump(in_memory)
    assert spill_files(tmp_path / "spilled") == []
    errors = spilled.execute("select stage, message from errors").fetchall()
    assert errors == [("ocr", "long.pdf: OCR unavailable here (pages [4])")]
    assert spilled.execute("select page, scanned from pages where scanned").fetchall() == [(4, 1)]


def test_spill_files_left_by_a_killed_parse_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / SPILL_DIR
    folder.mkdir()
    old, recent, other = folder / "spill-old.sqlite", folder / "spill-new.sqlite", folder / "x"
    for path in (old, recent, other):
        path.write_bytes(b"")
    day_ago = time.time() - STALE_SPILL_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    assert sweep_spills(folder) == [old]
    assert sorted(p.name for p in folder.iterdir()) == ["spill-new.sqlite", "x"]
    assert sweep_spills(tmp_path / "missing") == []
