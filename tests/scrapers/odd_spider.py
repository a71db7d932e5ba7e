"""An "odd site" spider for tests: the listing page keeps its documents in a JSON blob that a
script renders, so there are no <a> links to follow. Overriding ``document_links`` is all
such a spider needs; requests, conditional GETs, checks and archiving come from the base."""

from __future__ import annotations

import json

from scrapy.http import Response

from scrapers.spiders.base import AgencySpider


class JsonListingSpider(AgencySpider):
    name = "json-listing"

    def document_links(self, response: Response, base: str | None = None) -> list[str]:
        data = json.loads(response.css("script#reports::text").get() or "[]")
        return [response.urljoin(entry["file"]) for entry in data]


class SpiderThatCannotStart(AgencySpider):
    """A spider whose setup fails (as a bad setting or a bug in a custom spider would)."""

    name = "cannot-start"

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise ValueError("listing layout option missing")
