"""The pages table: text of every PDF page, searchable, filled by the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils
from datasette.utils import escape_fts

from db.connect import open_db
from db.documents import record_document
from db.pages import index_pages, phrase_query, search_pages
from parsers.reading.pagetext import read_pages
from records.core.archive import Archive
from records.core.errors import ParseError
from records.foia.requests import CANNED_QUERIES
from records.pipeline.parse import parse_pending
from tests.shared import fixture

# Congressional Research Service, "Worker Adjustment and Retraining Notification (WARN) Act:
# A Primer" (R42693), 11 pages.
CRS_PRIMER = "real/warn-scraper/R42693.pdf"


def _archived(tmp_path: Path, relative: str) -> tuple[sqlite_utils.Database, Archive, str]:
    db = open_db(tmp_path / "r.db")
    archive = Archive(tmp_path / "archive")
    data = fixture(relative).read_bytes()
    sha = archive.put(data)
    record_document(
        db,
        sha256=sha,
        source="crs",
        url="https://example.org/R42693.pdf",
        filename="R42693.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    return db, archive, sha


def test_index_and_search_a_phrase_returns_its_page(tmp_path: Path) -> None:
    db, archive, sha = _archived(tmp_path, CRS_PRIMER)
    assert index_pages(db, sha, read_pages(archive.get(sha))) == 11
    rows = list(
        db.query("select page, scanned, ocr from pages where document = ? order by page", [sha])
    )
    assert [r["page"] for r in rows] == list(range(1, 12))
    assert {(r["scanned"], r["ocr"]) for r in rows} == {(0, 0)}

    hits = search_pages(db, phrase_query("provided to each affected employee 60 calendar days"))
    assert [(h["filename"], h["page"]) for h in hits] == [("R42693.pdf", 7)]
    assert "must be [provided]" in hits[0]["excerpt"]
    # A section title: on its page and in the table of contents (page 3).
    hits = search_pages(db, phrase_query("Notification Requirements"))
    assert sorted(h["page"] for h in hits) == [3, 7]
    hits = search_pages(db, phrase_query("Linda Levine authored"))
    assert [h["page"] for h in hits] == [11]
    assert search_pages(db, phrase_query("Linda Levine retired")) == []

    canned = CANNED_QUERIES["search_pages"]["sql"]
    db.register_function(escape_fts)  # Datasette registers it on its connections
    rows = list(db.query(canned, {"search": phrase_query("Linda Levine authored")}))
    assert [(r["filename"], r["page"], r["ocr"]) for r in rows] == [("R42693.pdf", 11, 0)]


def test_reindexing_replaces_rows(tmp_path: Path) -> None:
    db, archive, sha = _archived(tmp_path, CRS_PRIMER)
    pages = read_pages(archive.get(sha))
    index_pages(db, sha, pages)
    index_pages(db, sha, pages)
    assert db.execute("select count(*) from pages").fetchone()[0] == 11
    assert len(search_pages(db, phrase_query("Linda Levine authored"))) == 1


def test_crawled_pdf_is_indexed_by_the_parse_step(tmp_path: Path) -> None:
    db, archive, sha = _archived(tmp_path, CRS_PRIMER)
    document = db.table("documents").get(sha)
    parse_pending(db, archive, None, documents=[document])
    assert db.execute("select count(*) from pages where document = ?", [sha]).fetchone()[0] == 11
    hits = search_pages(db, phrase_query("Linda Levine authored a previous version"))
    assert [(h["document"], h["page"]) for h in hits] == [(sha, 11)]


def test_page_text_of_real_pdf() -> None:
    pages = read_pages(fixture(CRS_PRIMER))
    assert pages[0].text.splitlines()[:3] == [
        "Worker Adjustment and Retraining",
        "Notification (WARN) Act: A Primer",
        "Updated January 2, 2013",
    ]
    assert not any(p.needs_ocr for p in pages)


def test_encrypted_and_broken_pdfs_name_the_file(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="locked")
    locked = tmp_path / "locked.pdf"
    pdf.output(str(locked))
    with pytest.raises(ParseError, match=r"^response\.pdf: encrypted PDF: it needs a password"):
        read_pages(locked, "response.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"garbage " * 50)
    with pytest.raises(ParseError, match=r"^broken\.pdf: not a readable PDF"):
        read_pages(broken)


def test_indexing_fills_a_missing_page_count(tmp_path: Path) -> None:
    """Regression: documents.pages stayed empty for PDFs whose parser reports no page count."""
    db, archive, sha = _archived(tmp_path, CRS_PRIMER)
    assert db.table("documents").get(sha)["pages"] is None
    index_pages(db, sha, read_pages(archive.get(sha)))
    assert db.table("documents").get(sha)["pages"] == 11
