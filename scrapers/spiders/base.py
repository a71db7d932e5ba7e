"""The shared base for every spider: it discovers document links and downloads them.

Spiders never parse documents. They yield ``DocumentItem`` for the archive pipeline and
record what went wrong (dead link, error status) in the database through ``scrapers.state``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from records.config import Source
from scrapers.items import DocumentItem

DOC_EXTENSIONS = {
    "pdf": (".pdf",),
    "xlsx": (".xlsx",),
    "xls": (".xls",),
    "csv": (".csv",),
}


class AgencySpider(scrapy.Spider):
    """Base spider configured from one ``Source``."""

    name = "agency"

    def __init__(self, source: Source, state: Any, **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.state = state
        self.start_urls = list(source.urls)
        self.allowed_domains = source.allowed_domains
        self._link_re = re.compile(source.link_regex) if source.link_regex else None

    async def start(self) -> Any:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.listing_failed)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if response.status >= 400:
            self.state.error(response.url, "crawl", f"listing page answered HTTP {response.status}")
            return
        yield from self.follow_documents(response)

    # -- discovery -------------------------------------------------------
    def document_links(self, response: Response) -> list[str]:
        """Absolute document URLs on a listing page, in page order, without duplicates."""
        if self.source.link_css:
            hrefs = response.css(self.source.link_css).css("::attr(href)").getall()
            if not hrefs:  # the selector may point at the <a> elements' containers
                hrefs = response.css(self.source.link_css).xpath(".//a/@href").getall()
        else:
            hrefs = response.css("a::attr(href)").getall()
        links: list[str] = []
        for href in hrefs:
            url = response.urljoin(href.strip())
            if self._link_re and not self._link_re.search(url):
                continue
            if not self.source.link_css and not self._link_re and not self._is_document(url):
                continue
            if url not in links:
                links.append(url)
        return links

    def _is_document(self, url: str) -> bool:
        path = urlparse(url).path.lower()
        return any(path.endswith(ext) for t in self.source.doc_types for ext in DOC_EXTENSIONS[t])

    def follow_documents(self, response: Response) -> Iterator[scrapy.Request]:
        for url in self.document_links(response):
            yield self.document_request(url)

    def document_request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.save_document,
            errback=self.document_failed,
            meta={"source": self.source.name, **meta},
        )

    # -- download --------------------------------------------------------
    def save_document(self, response: Response) -> Iterator[DocumentItem]:
        if response.status >= 400:
            self.state.fetch(response.url, response.status, error=f"HTTP {response.status}")
            self.state.error(response.url, "fetch", f"HTTP {response.status} for {response.url}")
            return
        yield DocumentItem(
            source=self.source.name,
            url=response.url,
            body=response.body,
            http_status=response.status,
            headers=_headers(response),
            capture_url=response.meta.get("capture_url"),
            capture_time=response.meta.get("capture_time"),
        )

    def listing_failed(self, failure: Failure) -> None:
        url = failure.request.url if hasattr(failure, "request") else self.source.url
        self.state.error(url, "crawl", f"listing page unreachable: {failure.getErrorMessage()}")

    def document_failed(self, failure: Failure) -> None:
        url = failure.request.url if hasattr(failure, "request") else "?"
        message = failure.getErrorMessage() or failure.type.__name__
        self.state.fetch(url, None, error=message)
        self.state.error(url, "fetch", f"download failed: {message}")


def _headers(response: Response) -> dict[str, str]:
    out = {}
    for key in (b"ETag", b"Last-Modified", b"Content-Type", b"Content-Length"):
        value = response.headers.get(key)
        if value is not None:
            out[key.decode()] = value.decode("latin-1")
    return out
