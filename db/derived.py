"""Documents made from other documents: ZIPs unpacked into their members, OCR copies.

Both kinds keep ``documents.derived_from`` pointing at their parent (a ZIP member at the
ZIP, an OCR copy at the scanned original), so every row can be traced to the bytes an
agency actually sent. Two statuses mark documents that are never parsed on their own:

- ``unpacked``: a ZIP whose members were ingested as documents of their own;
- ``ocr-copy``: a scanned PDF with the text layer OCR added. Its text is parsed, but the
  rows are recorded against the original, which gets the facts ``ocr`` = true,
  ``ocr_pages`` (JSON list of page numbers) and ``ocr_copy`` (the copy's SHA-256).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from db.clock import now
from db.documents import record_document

CONTAINER_STATUS = "unpacked"
OCR_COPY_STATUS = "ocr-copy"

#: Documents ``parse`` must skip: their content is parsed through other documents.
NOT_PARSED_STATUSES: tuple[str, ...] = (CONTAINER_STATUS, OCR_COPY_STATUS)


def mark_unpacked(db: sqlite_utils.Database, sha256: str, members: int) -> None:
    """A ZIP whose members are now documents of their own."""
    db.table("documents").update(
        sha256,
        {"status": CONTAINER_STATUS, "error": None, "parsed_at": now(), "rows": 0},
    )
    db.table("document_facts").upsert(
        {"document": sha256, "name": "zip_members", "value": str(members)},
        pk=("document", "name"),
    )


def record_ocr_copy(
    db: sqlite_utils.Database,
    *,
    original: dict[str, Any],
    sha256: str,
    size: int,
    pages: list[int],
    engine: str,
    confidence: dict[int, float] | None = None,
) -> None:
    """Record the OCR'd copy of ``original`` (already in the archive) and which pages were
    read, with Tesseract's mean word confidence per page where known."""
    stem = (original.get("filename") or original["sha256"][:12]).removesuffix(".pdf")
    with db.atomic():
        record_document(
            db,
            sha256=sha256,
            source=original.get("source"),
            url=None,
            filename=f"{stem}.ocr.pdf",
            content_type="application/pdf",
            size=size,
            request_id=original.get("request_id"),
            derived_from=original["sha256"],
        )
        db.table("documents").update(
            sha256, {"status": OCR_COPY_STATUS, "derived_from": original["sha256"]}
        )
        db.table("document_facts").upsert_all(
            [
                {"document": sha256, "name": "derivation", "value": "ocr"},
                {"document": sha256, "name": "ocr_pages", "value": json.dumps(pages)},
                {"document": sha256, "name": "ocr_engine", "value": engine},
                *(
                    [
                        {
                            "document": sha256,
                            "name": "ocr_confidence",
                            "value": json.dumps(confidence),
                        }
                    ]
                    if confidence
                    else []
                ),
            ],
            pk=("document", "name"),
        )


def ocr_copy_of(db: sqlite_utils.Database, sha256: str) -> tuple[str, list[int]] | None:
    """(SHA-256 of the newest OCR copy of a document, its OCR'd pages), or None."""
    row = db.execute(
        "select d.sha256, f.value from documents d"
        " left join document_facts f on f.document = d.sha256 and f.name = 'ocr_pages'"
        " where d.derived_from = ? and d.status = ? order by d.first_seen desc, d.rowid desc"
        " limit 1",
        [sha256, OCR_COPY_STATUS],
    ).fetchone()
    if row is None:
        return None
    return row[0], [int(p) for p in json.loads(row[1] or "[]")]


def ocr_facts(db: sqlite_utils.Database, sha256: str) -> dict[str, Any]:
    """Facts flagging a document whose rows were read from its OCR copy ({} when none)."""
    copy = ocr_copy_of(db, sha256)
    if copy is None:
        return {}
    facts: dict[str, Any] = {"ocr": True, "ocr_pages": copy[1], "ocr_copy": copy[0]}
    row = db.execute(
        "select value from document_facts where document = ? and name = 'ocr_confidence'",
        [copy[0]],
    ).fetchone()
    if row is not None:
        # Page -> Tesseract's mean word confidence (0-100) on that page.
        facts["ocr_confidence"] = {int(k): float(v) for k, v in json.loads(row[0]).items()}
    return facts
