"""The generic listing-page spider: most sources need nothing else (configure sources.toml)."""

from __future__ import annotations

from scrapers.spiders.base import AgencySpider


class ListingSpider(AgencySpider):
    """Reads a listing page, follows links matching the source's regex/CSS, downloads them."""

    name = "listing"
