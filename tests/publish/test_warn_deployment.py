"""A newsroom that follows only California's WARN notices: its site says nothing about the
DDOR (no detainer chart, query, table or link) and its home page links the WARN chart."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest

from records.core.config import load_config
from records.core.paths import Paths
from records.pipeline.add import add_files
from records.publish.serve import build_datasette
from tests.shared import expected, fixture

WARN = "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf"
TRUTH = "real/pdfplumber/expected/WARN-Report-for-7-1-2015-to-03-25-2016.expected.json"
SOURCES = """[settings]
contact = "datadesk@example.org"

[[source]]
name = "ca-warn"
agency = "California Employment Development Department (EDD)"
title = "WARN Report"
url = "https://edd.ca.gov/en/jobs_and_training/Layoff_Services_WARN"
link_regex = "WARN.*\\\\.pdf$"
parser = "ca-warn"
"""
CHART = "/-/charts/warn-employees-per-month"


class Site:
    def __init__(self, paths: Paths) -> None:
        self.loop = asyncio.new_event_loop()
        self.ds = build_datasette(paths)
        # Logged in as the data desk, so the records-request pages (private) are walked too.
        self.cookies = {"ds_actor": self.ds.sign({"a": {"id": "desk"}}, "actor")}

    def get(self, path: str) -> tuple[int, str, str]:
        response = self.loop.run_until_complete(self.ds.client.get(path, cookies=self.cookies))
        return response.status_code, response.headers.get("content-type", ""), response.text


@pytest.fixture(scope="module")
def warn_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("warn-only")
    sources = work / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    paths = Paths(db=work / "records.db", archive=work / "archive", sources=sources)
    summary = add_files([fixture(WARN)], paths=paths, config=load_config(sources), source="ca-warn")
    assert summary.ok, summary.errors
    site = Site(paths)
    yield site
    site.loop.close()


def _links(page_url: str, html: str) -> set[str]:
    """Site-internal links of a page, as paths with their query strings."""
    found = set()
    for href in re.findall(r'(?:href|src)="([^"#]*)', html):
        url = urlsplit(urljoin(page_url, unescape(href)))
        if url.netloc in ("", "localhost") and url.path.startswith("/"):
            found.add(url.path + (f"?{url.query}" if url.query else ""))
    return found


def test_no_page_within_two_clicks_of_home_mentions_detainers(warn_site: Site) -> None:
    seen: dict[str, int] = {}
    level = {"/"}
    for _ in range(3):  # the home page, the pages it links, and the pages those link
        following: set[str] = set()
        for path in sorted(level - seen.keys()):
            status, content_type, text = warn_site.get(path)
            seen[path] = status
            assert "detainer" not in text.lower(), path
            if content_type.startswith("text/html"):
                following |= _links(f"http://localhost{path}", text)
        level = following
    assert len(seen) > 100  # the crawl reached the tables, rows, facets and queries
    assert not [p for p in seen if "ddor" in p or "declined" in p]


def test_home_page_links_the_warn_chart_and_it_renders(warn_site: Site) -> None:
    _, _, home = warn_site.get("/")
    assert CHART in _links("http://localhost/", home)
    status, _, page = warn_site.get(CHART)
    assert status == 200 and "<svg" in page
    assert "53,515 employees affected in all." in page  # every notice, cancelled included
    status, content_type, svg = warn_site.get(f"{CHART}.svg")
    assert status == 200 and content_type.startswith("image/svg+xml")
    # Each month's bar total is the report's own monthly summary, plus the one cancelled
    # notice (Buca Restaurants, 61 employees, received July 2015) that the summary leaves out.
    summary = expected(TRUTH)["summary_table_from_pdf_itself"]["rows"][:-1]
    totals = re.findall(r'font-weight="bold">(\d+)</text>', svg)
    assert [int(t) for t in totals] == [
        int(row[2].replace(",", "")) + (61 if row[0] == "July 2015" else 0) for row in summary
    ]
    assert "Jul 2015" in svg and "Mar 2016" in svg


def test_the_ddor_chart_is_not_served_here(warn_site: Site) -> None:
    assert warn_site.get("/-/charts/declined-detainers")[0] == 404


def test_the_menu_lists_only_the_warn_chart(warn_site: Site) -> None:
    _, _, home = warn_site.get("/")
    charts = sorted(set(re.findall(r'href="/-/charts/([^"]+)"', home)))
    assert charts == ["warn-employees-per-month"]


def _every_page(site: Site) -> list[str]:
    """Every kind of page the deployment serves: each table and view (hidden ones too), as
    HTML, JSON and CSV, superseded rows included; each canned query; each chart; each
    document's page and page check; the first row of every table; what's new and its feed;
    Datasette's own pages."""
    import json

    _, _, data = site.get("/records.json")
    database = json.loads(data)
    names = [t["name"] for t in database["tables"]] + [v["name"] for v in database["views"]]
    paths = ["/", "/records", "/-/whats-new", "/-/whats-new/ca-warn", "/-/whats-new/ca-warn.atom"]
    paths += ["/-/metadata", "/-/plugins", "/-/settings", "/records/new_documents.atom"]
    for name in names:
        base = f"/records/{name}"
        paths += [base, f"{base}.json", f"{base}.csv", f"{base}?_editions=all"]
        _, _, rows = site.get(f"{base}.json?_size=1&_shape=objects")
        for row in json.loads(rows).get("rows", []):
            if "rowid" in row:
                paths.append(f"{base}/{row['rowid']}")
    paths += [f"/records/{q['name']}" for q in database["queries"]]
    paths += [CHART, f"{CHART}.svg"]
    _, _, documents = site.get("/records/documents.json?_shape=array")
    for document in json.loads(documents):
        paths += [
            f"/records/documents/{document['sha256']}",
            f"/-/archive/{document['sha256']}/page/1",
        ]
    return paths


def test_no_page_of_a_warn_only_deployment_mentions_the_ddor(warn_site: Site) -> None:
    """Issue 21: no report's words in generic publishing text, on any page."""
    paths = _every_page(warn_site)
    assert len(paths) > 150
    for path in paths:
        status, _, text = warn_site.get(path)
        assert status == 200, (path, status, text[:300])
        lowered = text.lower()
        for word in ("detainer", "ddor", "ice-ddor", "immigration"):
            assert word not in lowered, (path, word)
