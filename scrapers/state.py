"""What one source's crawl learned, written to the database as it happens."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.clock import now
from db.connect import open_db
from db.documents import capture_seen, record_fetch, validators_for
from db.runs import record_error
from db.seen import NotModified, record_not_modified, validators_by_url
from records.core.archive import Archive
from records.core.faults import crash_point
from scrapers.child_protocol import DOWNLOAD_COMING

#: Documents answered 304 are written to the database this many at a time (one transaction
#: each), and whatever is left when the crawl ends (``flush``).
NOT_MODIFIED_BATCH = 200


@dataclass
class CrawlState:
    db_path: Path
    archive_root: Path
    run_id: int | None
    source: str
    new: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_modified: int = 0
    #: Documents that could not be fetched or failed the content checks.
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Links that looked like documents but matched none of the source's link rules.
    unmatched_links: list[str] = field(default_factory=list)
    #: Where each new document's sha256 is written as a line once it is recorded (the
    #: parent starts parsing it while the crawl goes on); None: nowhere.
    notify_fd: int | None = None
    #: 304 answers not yet written (``NOT_MODIFIED_BATCH``).
    pending_not_modified: list[NotModified] = field(default_factory=list)
    #: Validators read ahead for a listing's links (``read_validators``), taken once each.
    known_validators: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Whether the parent was told a document body is coming (``download_coming``).
    told_download: bool = False

    def __post_init__(self) -> None:
        self.db = open_db(self.db_path, ensure=False)
        self.archive = Archive(self.archive_root)

    def fetch(
        self,
        url: str,
        status: int | None,
        *,
        sha256: str | None = None,
        not_modified: bool = False,
        size: int | None = None,
        error: str | None = None,
    ) -> None:
        record_fetch(
            self.db,
            run=self.run_id,
            source=self.source,
            url=url,
            http_status=status,
            sha256=sha256,
            not_modified=not_modified,
            size=size,
            error=error,
        )
        crash_point("crawl-child")

    def added(self, sha256: str) -> None:
        """A document never seen before, archived and recorded (committed)."""
        self.new.append(sha256)
        self._notify(sha256)

    def download_coming(self) -> None:
        """A document body will be downloaded (a link never seen, or a changed document): the
        parent is told once (``DOWNLOAD_COMING``), so it gets its parsing ready meanwhile."""
        if self.told_download:
            return
        self.told_download = True
        self._notify(DOWNLOAD_COMING)

    def _notify(self, line: str) -> None:
        if self.notify_fd is not None:
            try:
                os.write(self.notify_fd, f"{line}\n".encode("ascii"))
            except OSError:
                self.notify_fd = None  # the parent stopped listening: the report still says

    def error(self, url: str | None, stage: str, message: str, *, document: bool = False) -> None:
        """Record an error; ``document`` when it means one document was not obtained."""
        if document:
            self.failed += 1
        self.errors.append({"url": url, "stage": stage, "message": message})
        record_error(
            self.db, run=self.run_id, source=self.source, url=url, stage=stage, message=message
        )

    def unmatched(self, links: list[str], message: str) -> None:
        """Document-looking links the source's rules skipped: a note in the ``errors`` table
        (stage ``discover``), not a failure of the run."""
        self.unmatched_links.extend(u for u in links if u not in self.unmatched_links)
        record_error(
            self.db,
            run=self.run_id,
            source=self.source,
            url=links[0] if links else None,
            stage="discover",
            message=message,
        )

    def read_validators(self, urls: list[str]) -> None:
        """Read the stored validators of all these URLs in one query, for ``validators``."""
        found = validators_by_url(self.db, urls)
        self.known_validators.update({url: found.get(url, {}) for url in urls})

    def validators(self, url: str) -> dict[str, str]:
        """Stored ETag / Last-Modified (and sha256) of the newest document seen at ``url``
        (read ahead by ``read_validators``, else now)."""
        known = self.known_validators.pop(url, None)
        return known if known is not None else validators_for(self.db, url)

    def unmodified(self, url: str, sha256: str) -> None:
        """The server answered 304 to our conditional request: nothing downloaded. Written
        with others in one transaction (``NOT_MODIFIED_BATCH``, and ``flush`` at the end)."""
        self.pending_not_modified.append(NotModified(url, sha256, now()))
        self.not_modified += 1
        self.unchanged += 1
        if len(self.pending_not_modified) >= NOT_MODIFIED_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the 304 answers not written yet."""
        seen, self.pending_not_modified = self.pending_not_modified, []
        record_not_modified(self.db, run=self.run_id, source=self.source, seen=seen)
        if seen:
            crash_point("crawl-child")

    def capture_known(self, capture_url: str) -> bool:
        return capture_seen(self.db, capture_url)

    def report(self) -> dict[str, Any]:
        """What the crawl of this source did, for the parent; anything pending written first."""
        self.flush()
        return {
            "source": self.source,
            "new": self.new,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "failed": self.failed,
            "errors": self.errors,
            "unmatched_links": self.unmatched_links,
        }
