"""Example odd-site spider: Springfield Police Department's report archive, whose listing is
a paginated JSON API instead of an HTML page of links.

The site (generic: the place and agency stand for any city whose records portal works this
way) answers ``GET /api/reports?page=1`` with::

    {"reports": [{"title": "Use of force, 2024 Q1", "posted": "2024-04-02",
                  "file": "/files/uof-2024-q1.pdf"}, ...],
     "next": "/api/reports?page=2"}

and ``"next": null`` on the last page. Only the two discovery steps differ from a listing
page; conditional requests, content checks, archiving and error rows come from the base.

Use it from ``sources.toml``::

    [[source]]
    name = "springfield-police"
    url = "https://police.springfield.example/api/reports?page=1"
    spider = "springfield-police"
    parser = "generic"
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import Response

from scrapers.listing_context import LinkContext
from scrapers.spiders.base import AgencySpider


def _listing(response: Response) -> dict[str, Any]:
    try:
        data = json.loads(response.text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class SpringfieldPoliceSpider(AgencySpider):
    """Reads the JSON report list, page by page (``next``), and downloads each ``file``."""

    name = "springfield-police"

    def document_links(self, response: Response, base: str | None = None) -> list[str]:
        links: list[str] = []
        for entry in _listing(response).get("reports", []):
            if not isinstance(entry, dict) or not entry.get("file"):
                continue
            url = response.urljoin(str(entry["file"]))
            if self._link_re and not self._link_re.search(url):
                continue
            if url not in links:
                links.append(url)
                # The API says what a listing page would print beside the link.
                self.link_contexts.setdefault(
                    url, LinkContext(text=entry.get("title"), posted=entry.get("posted"))
                )
        return links

    def next_page(self, response: Response, base: str | None = None) -> str | None:
        following = _listing(response).get("next")
        return response.urljoin(str(following)) if following else None
