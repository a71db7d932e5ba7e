"""The text of every PDF page, crawled or received, with full-text search.

``pages`` has one row per page: the document (SHA-256 of the archived original), the
1-based page number, its text, how many characters its own text layer prints, whether it
is a scan (no text layer, mostly image) and whether its text came from OCR. The text is
read in the parse workers (``records.pipeline.ocr.prepare``); this module only stores and searches
it. For a scanned document the text of OCR'd pages comes from the OCR copy, but the row
still names the original: a search hit cites what the agency sent.

``pages_fts`` (SQLite FTS5, kept in sync by triggers) indexes ``text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from db.ddl import ensure_table
from parsers.reading.pagetext import VERSION, PageText

PAGES_COLUMNS: dict[str, type] = {
    "document": str,
    "page": int,
    "text": str,
    "chars": int,
    "scanned": int,
    "ocr": int,
    "extractor_version": str,
}


def ensure_pages_schema(db: sqlite_utils.Database) -> None:
    ensure_table(
        db,
        "pages",
        PAGES_COLUMNS,
        pk=("document", "page"),
        foreign_keys=(("document", "documents", "sha256"),),
    )
    if not db.table("pages").detect_fts():
        db.table("pages").enable_fts(["text"], create_triggers=True)


def pages_indexed(db: sqlite_utils.Database, sha256: str) -> bool:
    """True when the document's pages are indexed by the current extractor."""
    row = db.execute(
        "select count(*), sum(extractor_version = ?) from pages where document = ?",
        [VERSION, sha256],
    ).fetchone()
    return bool(row[0]) and row[0] == row[1]


def unread_scans(db: sqlite_utils.Database, sha256: str) -> bool:
    """True when some scanned page of the document has no OCR text yet."""
    row = db.execute(
        "select 1 from pages where document = ? and scanned = 1 and ocr = 0 limit 1", [sha256]
    ).fetchone()
    return row is not None


def index_pages(
    db: sqlite_utils.Database,
    sha256: str,
    pages: Iterable[PageText],
    ocr_texts: dict[int, str] | None = None,
) -> int:
    """(Re)write the page rows of an archived PDF; return how many pages it has.

    ``pages`` is the original's text (``parsers.reading.pagetext.read_pages``, or a long
    PDF's read back from its parse's spill: written as they come, not held); ``ocr_texts``
    the text of its OCR'd pages, read from the OCR copy (``records.pipeline.ocr``).
    """
    ocr_texts = ocr_texts or {}
    count = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        for p in pages:
            count += 1
            yield {
                "document": sha256,
                "page": p.page,
                "text": ocr_texts.get(p.page, p.text),
                "chars": p.n_chars,
                "scanned": int(p.needs_ocr),
                "ocr": int(p.page in ocr_texts),
                "extractor_version": VERSION,
            }

    with db.atomic():
        db.execute("delete from pages where document = ?", [sha256])
        db.table("pages").insert_all(rows(), batch_size=200)
        # Not every parser reports a page count; the page text always knows it.
        db.execute(
            "update documents set pages = ? where sha256 = ? and pages is null",
            [count, sha256],
        )
    return count


def phrase_query(text: str) -> str:
    """An FTS5 query matching ``text`` as one phrase (quotes inside are escaped)."""
    return '"' + text.replace('"', '""') + '"'


def search_pages(db: sqlite_utils.Database, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Pages matching an FTS5 query, best first: document, filename, page, ocr, excerpt."""
    return list(
        db.query(
            "select p.document, d.filename, p.page, p.ocr,"
            " snippet(pages_fts, 0, '[', ']', ' … ', 12) as excerpt"
            " from pages_fts join pages p on p.rowid = pages_fts.rowid"
            " join documents d on d.sha256 = p.document"
            " where pages_fts match ? order by rank limit ?",
            [query, limit],
        )
    )


#: Datasette descriptions (published by ``records.publish.metadata``).
TABLE_METADATA: dict[str, dict[str, Any]] = {
    "pages": {
        "title": "Pages of every PDF (full-text search)",
        "description": (
            "The text of every page of every PDF, crawled or received, searchable. Scanned "
            "pages are read by OCR (ocr = 1): their text comes from the document's OCR copy, "
            "but the row names the original document as sent. The page link (p. N) opens the "
            "archived PDF at that page. For search results with an excerpt around each hit, "
            "use the 'Search every PDF page' query."
        ),
        "columns": {
            "document": "SHA-256 of the archived PDF (links to documents).",
            "page": "Page number (1-based).",
            "text": "The page's text (from OCR when ocr = 1).",
            "chars": "Characters printed by the page's own text layer (0 for a pure scan).",
            "scanned": "1 when the page has no text layer but is mostly image: a scan.",
            "ocr": "1 when the text was read by OCR (Tesseract) and may contain misreadings.",
            "extractor_version": "Version of the page-text extraction.",
        },
    },
}
