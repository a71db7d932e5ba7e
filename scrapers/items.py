"""What spiders hand to the pipelines: a downloaded file and where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapers.listing_context import LinkContext


@dataclass
class DocumentItem:
    source: str
    url: str
    body: bytes
    http_status: int
    headers: dict[str, str] = field(default_factory=dict)
    #: For a file fetched from a web archive: the capture URL and its timestamp.
    capture_url: str | None = None
    capture_time: str | None = None
    #: What the listing page said beside the link (``scrapers.listing_context``).
    link: LinkContext | None = None
