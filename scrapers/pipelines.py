"""Archive-first: raw bytes go to the content-addressed archive before anything else."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from db.documents import record_document
from records.core.faults import crash_point
from records.core.filetypes import content_type, sniff
from scrapers.items import DocumentItem


class ArchivePipeline:
    """Check, archive and record each downloaded file. Never parses it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler)

    def process_item(self, item: DocumentItem, spider: Any = None) -> DocumentItem:
        # Older Scrapy passes ``spider``, newer none (deprecated): read it from the crawler.
        spider = self.crawler.spider
        state = spider.state
        problem = content_problem(item, spider.source.doc_types)
        if problem:
            state.fetch(item.url, item.http_status, size=len(item.body), error=problem)
            state.error(item.url, "fetch", f"{item.url}: {problem}", document=True)
            return item
        sha = state.archive.put(item.body)
        crash_point("after-archive-write")
        state.fetch(item.url, item.http_status, sha256=sha, size=len(item.body))
        is_new = record_document(
            state.db,
            sha256=sha,
            source=item.source,
            url=item.url,
            filename=_filename(item.url),
            content_type=content_type(sniff(item.body)),
            size=len(item.body),
            etag=item.headers.get("ETag"),
            last_modified=item.headers.get("Last-Modified"),
            capture_url=item.capture_url,
            capture_time=item.capture_time,
            link_text=item.link.text if item.link else None,
            release_date=item.link.posted if item.link else None,
        )
        if is_new:
            state.added(sha)
        else:
            state.unchanged += 1
        return item


def content_problem(item: DocumentItem, allowed: tuple[str, ...]) -> str | None:
    """Why these bytes are not a document we should archive, or None."""
    if not item.body:
        return "empty body; not archived"
    declared = item.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > len(item.body):
        return f"truncated body (data loss): {len(item.body)} of {declared} bytes; not archived"
    kind = sniff(item.body)
    if kind == "html":
        return "an HTML page, not a document (error page or login wall?); not archived"
    if kind not in allowed:
        return (
            f"unexpected file type {kind or 'unknown'} (expected {', '.join(allowed)});"
            " not archived"
        )
    return None


def _filename(url: str) -> str:
    name = urlparse(url).path.rsplit("/", 1)[-1]
    return name or "document"
