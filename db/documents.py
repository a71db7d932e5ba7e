"""Writes about fetched and added files: documents, their URLs, fetches."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.clock import now


def record_document(
    db: sqlite_utils.Database,
    *,
    sha256: str,
    source: str | None,
    url: str | None,
    filename: str,
    content_type: str,
    size: int,
    etag: str | None = None,
    last_modified: str | None = None,
    request_id: int | None = None,
    derived_from: str | None = None,
    capture_url: str | None = None,
    capture_time: str | None = None,
    link_text: str | None = None,
    release_date: str | None = None,
) -> bool:
    """Record an archived file; True when these bytes were never seen before.

    ``link_text`` and ``release_date`` are what the listing page said beside the link.

    The same bytes seen again (at the same or another URL) update ``last_seen`` and add the
    URL to ``document_urls``. New bytes at a URL that already had a document supersede the
    newest earlier document from that URL: nothing is overwritten.
    """
    seen = now()
    documents = db.table("documents")
    with db.atomic():
        existing = documents.get(sha256) if _exists(db, sha256) else None
        if existing is None:
            supersedes = _latest_at_url(db, url) if url else None
            documents.insert(
                {
                    "sha256": sha256,
                    "source": source,
                    "url": url,
                    "filename": filename,
                    "content_type": content_type,
                    "bytes": size,
                    "first_seen": seen,
                    "last_seen": seen,
                    "etag": etag,
                    "last_modified": last_modified,
                    "status": "fetched",
                    "supersedes": supersedes,
                    "request_id": request_id,
                    "derived_from": derived_from,
                    "capture_url": capture_url,
                    "capture_time": capture_time,
                    "link_text": link_text,
                    "release_date": release_date,
                }
            )
        else:
            update: dict[str, Any] = {"last_seen": seen}
            if etag:
                update["etag"] = etag
            if last_modified:
                update["last_modified"] = last_modified
            if request_id is not None and existing.get("request_id") is None:
                update["request_id"] = request_id
            for key, value in (("link_text", link_text), ("release_date", release_date)):
                if value and not existing.get(key):
                    update[key] = value
            documents.update(sha256, update)
        if url:
            record_document_url(db, sha256, url, capture_url=capture_url, capture_time=capture_time)
    return existing is None


def record_document_url(
    db: sqlite_utils.Database,
    sha256: str,
    url: str,
    *,
    capture_url: str | None = None,
    capture_time: str | None = None,
) -> None:
    seen = now()
    urls = db.table("document_urls")
    row = list(urls.rows_where("document = ? and url = ?", [sha256, url], limit=1))
    if row:
        urls.update((sha256, url), {"last_seen": seen})
    else:
        urls.insert(
            {
                "document": sha256,
                "url": url,
                "first_seen": seen,
                "last_seen": seen,
                "capture_url": capture_url,
                "capture_time": capture_time,
            }
        )


def record_fetch(
    db: sqlite_utils.Database,
    *,
    run: int | None,
    source: str | None,
    url: str,
    http_status: int | None,
    sha256: str | None = None,
    not_modified: bool = False,
    size: int | None = None,
    error: str | None = None,
) -> None:
    db.table("fetches").insert(
        {
            "run": run,
            "source": source,
            "url": url,
            "time": now(),
            "http_status": http_status,
            "sha256": sha256,
            "not_modified": int(not_modified),
            "bytes": size,
            "error": error,
        }
    )


def validators_for(db: sqlite_utils.Database, url: str) -> dict[str, str]:
    """The stored ETag and Last-Modified of the newest document seen at ``url``."""
    rows = db.query(
        "select d.etag, d.last_modified, d.sha256 from document_urls u"
        " join documents d on d.sha256 = u.document"
        " where u.url = ? order by u.last_seen desc, d.first_seen desc limit 1",
        [url],
    )
    for row in rows:
        return {k: v for k, v in row.items() if v}
    return {}


def mark_seen(db: sqlite_utils.Database, sha256: str, url: str) -> None:
    """A 304 Not Modified: the document is still at ``url``; update ``last_seen`` only."""
    with db.atomic():
        db.table("documents").update(sha256, {"last_seen": now()})
        record_document_url(db, sha256, url)


def capture_seen(db: sqlite_utils.Database, capture_url: str) -> bool:
    """True when a web-archive capture was already fetched (captures never change)."""
    return bool(
        db.execute(
            "select 1 from document_urls where capture_url = ? limit 1", [capture_url]
        ).fetchone()
    )


def _exists(db: sqlite_utils.Database, sha256: str) -> bool:
    return bool(db.execute("select 1 from documents where sha256 = ?", [sha256]).fetchone())


def _latest_at_url(db: sqlite_utils.Database, url: str) -> str | None:
    row = db.execute(
        "select d.sha256 from document_urls u join documents d on d.sha256 = u.document"
        " where u.url = ? order by d.first_seen desc, d.rowid desc limit 1",
        [url],
    ).fetchone()
    return row[0] if row else None


def documents_to_parse(
    db: sqlite_utils.Database, *, sources: list[str] | None = None, reparse: bool = False
) -> list[dict[str, Any]]:
    """Documents waiting for a parser: status fetched (or, with reparse, every one)."""
    where = ["1 = 1"] if reparse else ["status = 'fetched'"]
    params: list[Any] = []
    if sources:
        where.append(f"source in ({', '.join('?' for _ in sources)})")
        params.extend(sources)
    return list(
        db.query(
            f"select * from documents where {' and '.join(where)} order by first_seen, rowid",
            params,
        )
    )
