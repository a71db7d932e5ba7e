"""Documents seen again unchanged (the server answered 304): their bookkeeping, in batches.

An unchanged weekly run learns one thing per known document: it is still there. Written one
document at a time (a fetch row, then ``last_seen`` on the document and its URL) that was
two commits per document, most of such a run's time; here a batch is one transaction. The
stored validators of a listing's links are read the same way, in one query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class NotModified:
    """One 304 answer: the document ``sha256`` is still at ``url``, as of ``time``."""

    url: str
    sha256: str
    time: str


def record_not_modified(
    db: sqlite_utils.Database, *, run: int | None, source: str | None, seen: Sequence[NotModified]
) -> None:
    """For each answer, what ``record_fetch`` and ``mark_seen`` write for one: a fetch row
    (status 304, no bytes) and ``last_seen`` on the document and its URL; one transaction."""
    if not seen:
        return
    with db.atomic():
        db.conn.executemany(
            "insert into fetches (run, source, url, time, http_status, sha256, not_modified,"
            " bytes) values (?, ?, ?, ?, 304, ?, 1, 0)",
            [(run, source, s.url, s.time, s.sha256) for s in seen],
        )
        db.conn.executemany(
            "update documents set last_seen = ? where sha256 = ?",
            [(s.time, s.sha256) for s in seen],
        )
        db.conn.executemany(
            "insert into document_urls (document, url, first_seen, last_seen) values (?, ?, ?, ?)"
            " on conflict (document, url) do update set last_seen = excluded.last_seen",
            [(s.sha256, s.url, s.time, s.time) for s in seen],
        )


def validators_by_url(db: sqlite_utils.Database, urls: Sequence[str]) -> dict[str, dict[str, str]]:
    """For each of ``urls`` seen before, what ``db.documents.validators_for`` gives for it (the
    stored ETag, Last-Modified and sha256 of the newest document seen there), in one query:
    a listing page's links are looked up together, not one query per document."""
    found: dict[str, dict[str, str]] = {}
    if not urls:
        return found
    rows = db.execute(
        "select url, etag, last_modified, sha256 from ("
        " select u.url, d.etag, d.last_modified, d.sha256, row_number() over ("
        "  partition by u.url order by u.last_seen desc, d.first_seen desc) as newest"
        " from document_urls u join documents d on d.sha256 = u.document"
        " where u.url in (select value from json_each(?))"
        ") where newest = 1",
        [json.dumps(list(urls))],
    ).fetchall()
    for url, etag, last_modified, sha256 in rows:
        row = {"etag": etag, "last_modified": last_modified, "sha256": sha256}
        found[url] = {k: v for k, v in row.items() if v}
    return found
