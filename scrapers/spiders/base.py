"""The shared base for every spider: it discovers document links and downloads them.

Spiders never parse documents. They yield ``DocumentItem`` for the archive pipeline and
record what went wrong (dead link, error status, robots.txt refusal) in the database
through ``scrapers.state``. Documents seen before are requested conditionally, so an
unchanged document costs a 304 and no body. A source with ``archive_fallback`` whose
listing page is gone is crawled from the Wayback Machine instead (``scrapers.wayback``).

A spider for an odd site, in three steps (``springfield_police.py`` is a worked example):

1. Add ``scrapers/spiders/<place>_<agency>.py`` with a class that subclasses
   ``AgencySpider`` and sets ``name`` (the spider's name, e.g. ``"springfield-police"``).
   Scrapy's own ``SpiderLoader`` finds it there (``SPIDER_MODULES`` in
   ``scrapers/settings.py``): ``scrapy list`` shows it.
2. Override ``document_links(response)`` (the document URLs a listing response names) and,
   if the listing has more pages, ``next_page(response)``. Everything else (conditional
   requests, content checks, archiving, error rows, Wayback fallback) is shared.
3. Name it in the source: ``spider = "springfield-police"`` in ``sources.toml``, and test it
   against a copy of the site served on 127.0.0.1 (``tests/scrapers/test_springfield_police.py``).

``scrapy crawl NAME -a source=SOURCE`` runs one source's crawl outside ``records`` (archive and
database from ``RECORDS_DB``/``RECORDS_ARCHIVE``/``RECORDS_SOURCES`` or their defaults); its
documents are parsed by the next ``records parse``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlparse

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from db.connect import open_db
from records.core.config import Source, load_config
from records.core.filetypes import DOCUMENT_ENDINGS, DOCUMENT_TYPE_WORDS, extensions
from records.core.paths import Paths
from scrapers.failures import describe_failure, http_status, retry_note
from scrapers.items import DocumentItem
from scrapers.listing_context import LinkContext, link_context
from scrapers.state import CrawlState
from scrapers.wayback import (
    MAX_LISTING_CAPTURES,
    Capture,
    capture_url,
    cdx_query_url,
    parse_cdx,
)

#: How many unmatched document links a crawl's note lists by URL.
LISTED_UNMATCHED = 10
#: Listing-page answers that mean "this page is gone", which sends a source with
#: ``archive_fallback`` to the Wayback Machine. Other errors may be temporary.
GONE_STATUSES = (404, 410)

logger = logging.getLogger(__name__)


def _standalone(name: str, sources: str | None) -> tuple[Source, CrawlState]:
    """The source named on ``scrapy crawl``'s command line and a crawl state for it (no run)."""
    paths = Paths.resolve(sources=sources)
    (source,) = load_config(paths.sources).select([name])
    open_db(paths.db).close()  # the schema, as `records` creates it before crawling
    return source, CrawlState(paths.db, paths.archive, run_id=None, source=source.name)


class AgencySpider(scrapy.Spider):
    """Base spider configured from one ``Source``. Not a spider of its own: it has no name,
    so ``scrapy list`` leaves it out."""

    def __init__(
        self,
        source: Source | str,
        state: CrawlState | None = None,
        cdx: str = "",
        **kwargs: Any,
    ) -> None:
        if isinstance(source, str):  # scrapy crawl NAME -a source=SOURCE
            source, state = _standalone(source, kwargs.pop("sources", None))
        if state is None:
            raise TypeError("AgencySpider needs the crawl state of its source")
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.state = state
        self.cdx = cdx
        self.start_urls = list(source.urls)
        self.allowed_domains = source.allowed_domains
        self._link_re = re.compile(source.link_regex) if source.link_regex else None
        self.links_found = 0
        #: Links that look like documents but matched no pattern (reported at the end).
        self.unmatched_links: list[str] = []
        self.listings_read = 0
        #: What the listing page says beside each document link (its text, date posted).
        self.link_contexts: dict[str, LinkContext] = {}

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """The spider's ``custom_settings``, and back in its lists any component
        ``scrapers.settings`` left out that they switch on (say ``COOKIES_ENABLED``)."""
        super().update_settings(settings)
        switched_off = settings.getdict("SWITCHED_OFF_COMPONENTS")
        for path, (listing, switch, order) in switched_off.items():
            if settings.getbool(switch) and path not in settings.getwithbase(listing):
                settings.set(listing, {**settings.getdict(listing), path: order}, "spider")

    async def start(self) -> Any:
        for url in self.start_urls:
            yield scrapy.Request(
                url,
                callback=self.parse,
                errback=self.listing_failed,
                meta={"listing": url, "first_page": True},
            )

    # -- listing pages ---------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        listing = response.meta.get("listing", response.url)
        first = response.meta.get("first_page", False)
        if response.status >= 400:
            why = f"listing page answered {http_status(response.status)}{_retries(response)}"
            if first and response.status in GONE_STATUSES:
                yield from self.fallback(listing, why)
            else:
                self.state.error(response.url, "crawl", f"{response.url}: {why}")
            return
        self.listings_read += 1
        links = self.document_links(response)
        next_url = self.next_page(response)
        self.links_found += len(links)
        if first and not links and not next_url and self.source.archive_fallback:
            # A redesigned or emptied page: the documents may survive only in the archive.
            yield from self.fallback(listing, "listing page lists no documents")
            return
        self.state.read_validators(links)  # one query for the page's links
        for url in links:
            yield self.document_request(url)
        if next_url and self._listing_cap_reached(next_url):
            return
        if next_url:
            yield scrapy.Request(
                next_url,
                callback=self.parse,
                errback=self.listing_failed,
                meta={"listing": next_url},
            )

    def listing_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        listing = request.meta.get("listing", request.url)
        if failure.check(IgnoreRequest):  # robots.txt or offsite: not ours to fetch
            why = f"listing page {self.describe(failure)}"
            self.state.error(request.url, "crawl", f"{request.url}: {why}")
            return
        why = f"listing page unreachable: {self.describe(failure)}"
        if request.meta.get("first_page"):
            yield from self.fallback(listing, why)
        else:
            self.state.error(request.url, "crawl", f"{request.url}: {why}")

    def _listing_cap_reached(self, next_url: str) -> bool:
        """True (and an error row) when the crawl has read ``max_listing_pages`` listing
        pages: a site that paginates without end must not hold the run for hours."""
        cap = self.source.max_listing_pages
        if self.listings_read < cap:
            return False
        self.state.error(
            next_url,
            "crawl",
            f"{next_url}: not read: the crawl already read {cap} listing pages, the limit"
            f" (max_listing_pages of source {self.source.name!r}); does the site paginate"
            " without end? raise the limit if the listing really is that long",
        )
        return True

    def closed(self, reason: str) -> None:
        self.state.flush()  # the 304 answers still pending (scrapers.state)
        if self.unmatched_links:
            self.state.unmatched(self.unmatched_links, _unmatched_message(self))
        if self.listings_read and not self.links_found:
            pages = ", ".join(self.start_urls)
            self.state.error(
                self.start_urls[0],
                "crawl",
                f"{pages}: no document links found on the listing page"
                " (has the site changed? check link_regex / link_css)",
            )

    # -- discovery -------------------------------------------------------
    def document_links(self, response: Response, base: str | None = None) -> list[str]:
        """Absolute document URLs on a listing page, in page order, without duplicates.

        ``base`` is the page's original address when ``response`` is an archived copy.
        """
        base = base or response.url
        if self.source.link_css:
            selected = response.css(self.source.link_css)
            anchors = selected.xpath("self::a[@href]") or selected.xpath(".//a[@href]")
        else:
            anchors = response.css("a[href]")
        links: list[str] = []
        for anchor in anchors:
            url = _join(response, base, anchor.attrib.get("href", ""))
            if url is None:
                continue
            if self._link_re and not self.link_matches(url):
                self._note_unmatched(url, anchor.attrib.get("type", ""))
                continue
            if not self.source.link_css and not self._link_re and not self._is_document(url):
                self._note_unmatched(url, anchor.attrib.get("type", ""))
                continue
            if url not in links:
                links.append(url)
                self.link_contexts.setdefault(url, link_context(anchor))
        return links

    def link_matches(self, url: str) -> bool:
        """The source's ``link_regex`` against the absolute URL, and against it without its
        query string: a cache-buster (``report.pdf?v=2``) must not hide a document."""
        if self._link_re is None:
            return True
        return bool(self._link_re.search(url) or self._link_re.search(_without_query(url)))

    def _note_unmatched(self, url: str, declared_type: str) -> None:
        path = urlparse(url).path.lower()
        looks = path.endswith(DOCUMENT_ENDINGS) or any(
            t in declared_type.lower() for t in DOCUMENT_TYPE_WORDS
        )
        if looks and url not in self.unmatched_links:
            self.unmatched_links.append(url)

    def next_page(self, response: Response, base: str | None = None) -> str | None:
        """The next listing page (``next_css``), if any."""
        if not self.source.next_css:
            return None
        selected = response.css(self.source.next_css)
        hrefs = selected.css("::attr(href)").getall() or selected.xpath(".//a/@href").getall()
        for href in hrefs:
            url = _join(response, base or response.url, href)
            if url:
                return url
        return None

    def _is_document(self, url: str) -> bool:
        path = urlparse(url).path.lower()
        return path.endswith(extensions(self.source.doc_types))

    # -- download --------------------------------------------------------
    def document_request(self, url: str) -> scrapy.Request:
        """A request for one document; conditional when we hold validators for its URL."""
        known = self.state.validators(url)
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        if not headers:
            self.state.download_coming()
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.save_document,
            errback=self.document_failed,
            # Documents are chosen by the source's link rules, wherever they are hosted.
            meta={
                "document_url": url,
                "link": self.link_contexts.get(url),
                # Only a conditional request can be answered "not modified".
                "known_sha256": known.get("sha256") if headers else None,
                "allow_offsite": True,
            },
        )

    def save_document(self, response: Response) -> Iterator[Any]:
        url = response.meta.get("document_url", response.url)
        if response.status == 304 and response.meta.get("known_sha256"):
            self.state.unmodified(url, response.meta["known_sha256"])
        elif response.status >= 300:
            why = f"{http_status(response.status)}{_retries(response)}"
            self.state.fetch(url, response.status, error=why)
            self.state.error(url, "fetch", f"{url}: {why}", document=True)
        else:
            self.state.download_coming()
            yield DocumentItem(
                source=self.source.name,
                url=url,
                body=response.body,
                http_status=response.status,
                headers=_headers(response, validators=not response.meta.get("capture_url")),
                capture_url=response.meta.get("capture_url"),
                capture_time=response.meta.get("capture_time"),
                link=response.meta.get("link") or self.link_contexts.get(url),
            )
        yield from self._next_capture(response.meta)

    def document_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url = request.meta.get("document_url", request.url)
        message = self.describe(failure) + retry_note(request.meta.get("retry_times", 0))
        if request.meta.get("capture_url"):
            message += f" (Wayback capture {request.meta['capture_url']})"
        self.state.fetch(url, None, error=message)
        self.state.error(url, "fetch", f"{url}: {message}", document=True)
        yield from self._next_capture(request.meta)

    def describe(self, failure: Failure) -> str:
        settings = self.crawler.settings
        return describe_failure(
            failure,
            timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            max_bytes=settings.getint("DOWNLOAD_MAXSIZE"),
        )

    # -- Wayback Machine fallback ----------------------------------------
    def fallback(self, listing: str, why: str) -> Iterator[scrapy.Request]:
        """Crawl ``listing`` from the Wayback Machine, or record why we cannot."""
        if not self.source.archive_fallback or not self.cdx:
            self.state.error(listing, "crawl", f"{listing}: {why}{_gone_hint(why, self.source)}")
            return
        logger.warning("%s: %s; trying the Wayback Machine", listing, why)
        yield self._cdx_request(listing, self.listing_captures, {"listing": listing, "why": why})

    def _cdx_request(self, url: str, callback: Any, meta: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(
            cdx_query_url(self.cdx, url),
            callback=callback,
            errback=self.cdx_failed,
            meta={**meta, "cdx_for": url, "allow_offsite": True},
        )

    def cdx_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._cdx_error(request.meta, f"the Wayback CDX query failed: {self.describe(failure)}")

    def _cdx_error(self, meta: dict[str, Any], what: str) -> None:
        url = meta["cdx_for"]
        why = f"{meta['why']}; " if meta.get("why") else ""
        self.state.error(
            url,
            "crawl" if "listing" in meta else "fetch",
            f"{url}: {why}{what}",
            document="listing" not in meta,
        )

    def _captures(self, response: Response) -> list[Capture] | None:
        if response.status >= 400:
            self._cdx_error(response.meta, f"the Wayback CDX API answered HTTP {response.status}")
            return None
        try:
            return parse_cdx(response.body)
        except ValueError as exc:
            self._cdx_error(response.meta, f"unreadable Wayback CDX answer: {exc}")
            return None

    def listing_captures(self, response: Response) -> Iterator[scrapy.Request]:
        captures = self._captures(response)
        if captures is None:
            return
        if not captures:
            self._cdx_error(response.meta, "and the Wayback Machine has no capture of it")
            return
        for capture in reversed(captures[-MAX_LISTING_CAPTURES:]):
            yield scrapy.Request(
                capture_url(self.cdx, capture),
                callback=self.parse_listing_capture,
                errback=self.listing_failed,
                meta={"original": capture.original, "allow_offsite": True},
            )

    def parse_listing_capture(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status >= 400:
            self.state.error(
                response.url,
                "crawl",
                f"{response.url}: Wayback capture answered"
                f" {http_status(response.status)}{_retries(response)}",
            )
            return
        original = response.meta["original"]
        self.listings_read += 1
        links = self.document_links(response, base=original)
        self.links_found += len(links)
        for url in links:
            # The dupe filter drops the same query made from another capture of the page.
            yield self._cdx_request(url, self.document_captures, {"document_url": url})
        next_url = self.next_page(response, base=original)
        if next_url and not self._listing_cap_reached(next_url):
            yield self._cdx_request(next_url, self.listing_captures, {"listing": next_url})

    def document_captures(self, response: Response) -> Iterator[scrapy.Request]:
        captures = self._captures(response)
        if captures is None:
            return
        if not captures:
            self._cdx_error(response.meta, "no capture of this document in the Wayback Machine")
            return
        # Every distinct capture, oldest first and one at a time, so that a corrected
        # re-issue supersedes the original in the order the agency published them.
        pending = [{"url": capture_url(self.cdx, c), "time": c.time} for c in captures]
        yield from self._next_capture({"then": pending, "document_url": response.meta["cdx_for"]})

    def _next_capture(self, meta: dict[str, Any]) -> Iterator[scrapy.Request]:
        pending = list(meta.get("then") or [])
        while pending:
            capture = pending.pop(0)
            if self.state.capture_known(capture["url"]):
                self.state.unchanged += 1  # a capture never changes: no need to fetch it again
                continue
            yield scrapy.Request(
                capture["url"],
                callback=self.save_document,
                errback=self.document_failed,
                meta={
                    "document_url": meta["document_url"],
                    "capture_url": capture["url"],
                    "capture_time": capture["time"],
                    "then": pending,
                    "allow_offsite": True,
                },
            )
            return


def _join(response: Response, base: str, href: str) -> str | None:
    """Absolute http(s) URL for ``href`` on a page at ``base``; None for mailto:, #, etc."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    url = urljoin(base, href) if base != response.url else response.urljoin(href)
    url = url.split("#", 1)[0]
    return url if urlparse(url).scheme in ("http", "https") else None


def _without_query(url: str) -> str:
    """``url`` without its query string (the fragment is already gone, see ``_join``)."""
    return url.split("?", 1)[0]


def _unmatched_message(spider: AgencySpider) -> str:
    links = spider.unmatched_links
    shown = ", ".join(links[:LISTED_UNMATCHED])
    more = f" and {len(links) - LISTED_UNMATCHED} more" if len(links) > LISTED_UNMATCHED else ""
    rule = (
        f"link_regex {spider.source.link_regex!r}"
        if spider.source.link_regex
        else f"doc_types {list(spider.source.doc_types)}"
    )
    return (
        f"{len(links)} link(s) that look like documents matched no pattern of source"
        f" {spider.source.name!r} ({rule}): {shown}{more}"
    )


def _gone_hint(why: str, source: Source) -> str:
    """What to do about a listing page that is gone, for a source not using the archive."""
    if source.archive_fallback or not any(f"HTTP {s} " in why for s in GONE_STATUSES):
        return ""
    return (
        f"; the page may have moved or been taken down: check the url of source"
        f" {source.name!r}, or set archive_fallback = true to crawl its Wayback Machine copies"
    )


def _retries(response: Response) -> str:
    return retry_note(response.meta.get("retry_times", 0))


def _headers(response: Response, *, validators: bool = True) -> dict[str, str]:
    """The headers the pipeline needs. A web archive's validators are its own, not the
    agency's, so they are left out for captures."""
    out = {}
    keys = (b"Content-Type", b"Content-Length")
    for key in (b"ETag", b"Last-Modified", *keys) if validators else keys:
        value = response.headers.get(key)
        if value is not None:
            out[key.decode()] = value.decode("latin-1")
    return out
