"""Documents seen again unchanged (the server answered 304): their bookkeeping, in batches.

An unchanged weekly run learns one thing per known document: it is still there. Written one
document at a time (a fetch row, then ``last_seen`` on the document and its URL) that was
two commits per document, most of such a run's time; here a batch is one transaction.
"""

from __future__ import annotations

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
