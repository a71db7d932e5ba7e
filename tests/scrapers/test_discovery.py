"""Finding documents from sources.toml alone: link regex, CSS selector, pagination."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.httpserver import Route, serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _body(data: bytes) -> Route:
    return lambda handler: (200, {}, data)


def test_pagination_over_three_listing_pages(tmp_path: Path) -> None:
    pdfs = {n: tiny_pdf(f"week {n}") for n in (1, 2, 3)}
    nav = '<nav class="pager"><a class="next" href="{}">Next</a></nav>'
    routes: dict[str, Route] = {
        "/reports": lambda h: (200, {}, html_page("/files/w1.pdf", extra=nav.format("?page=2"))),
        "/reports?page=2": lambda h: (
            200,
            {},
            html_page("/files/w2.pdf", "/files/w1.pdf", extra=nav.format("?page=3")),
        ),
        # The last page links back to the first: the crawl must not loop.
        "/reports?page=3": lambda h: (
            200,
            {},
            html_page("/files/w3.pdf", extra=nav.format("/reports")),
        ),
        **{f"/files/w{n}.pdf": _body(pdf) for n, pdf in pdfs.items()},
    }
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path,
            f"{site.url}/reports",
            next_css="nav.pager a.next",
            link_regex=r"/files/w\d+\.pdf$",
        )
        crawl = Crawl(tmp_path, sources)
    listing = [r for r in site.log if r.path == "/reports"]
    assert len(listing) == 3  # pages 1, 2, 3 once each (the path log drops the query)
    assert sorted(crawl.report.new) == sorted(_sha(p) for p in pdfs.values())
    assert sorted(d["url"] for d in crawl.documents()) == [
        f"{site.url}/files/w{n}.pdf" for n in (1, 2, 3)
    ]
    assert len(site.requests_for("/files/w1.pdf")) == 1  # linked twice, fetched once
    assert crawl.errors() == []


def test_css_selector_and_doc_types_choose_links(tmp_path: Path) -> None:
    pdf, csv = tiny_pdf("in the reports list"), b"county,count\nTravis,142\n"
    page = (
        b'<html><body><ul class="reports"><li><a href="a.pdf">A</a></li>'
        b'<li><a href="b.csv">B</a></li></ul>'
        b'<div class="sidebar"><a href="unrelated.pdf">brochure</a></div></body></html>'
    )
    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, page),
        "/a.pdf": lambda h: (200, {}, pdf),
        "/b.csv": lambda h: (200, {}, csv),
        "/unrelated.pdf": lambda h: (200, {}, tiny_pdf("brochure")),
    }
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path,
            f"{site.url}/",
            link_regex=None,
            link_css="ul.reports",
            doc_types=["pdf", "csv"],
        )
        crawl = Crawl(tmp_path, sources)
    assert site.requests_for("/unrelated.pdf") == []
    docs = {d["url"]: d for d in crawl.documents()}
    assert set(docs) == {f"{site.url}/a.pdf", f"{site.url}/b.csv"}
    assert docs[f"{site.url}/b.csv"]["content_type"] == "text/csv"
    assert docs[f"{site.url}/a.pdf"]["sha256"] == _sha(pdf)


def test_listing_without_matching_links_is_reported(tmp_path: Path) -> None:
    routes: dict[str, Route] = {"/": lambda h: (200, {}, html_page("about.html", "contact.html"))}
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/")
        crawl = Crawl(tmp_path, sources)
    assert [e["message"] for e in crawl.errors()] == [
        f"{site.url}/: no document links found on the listing page"
        " (has the site changed? check link_regex / link_css)"
    ]


def test_dead_listing_page_without_fallback_is_an_error(tmp_path: Path) -> None:
    with serve(routes={}) as site:
        sources = write_sources(tmp_path, f"{site.url}/reports.html")
        crawl = Crawl(tmp_path, sources)
    assert [(e["stage"], e["url"], e["message"]) for e in crawl.errors()] == [
        (
            "crawl",
            f"{site.url}/reports.html",
            f"{site.url}/reports.html: listing page answered HTTP 404 Not Found; the page"
            " may have moved or been taken down: check the url of source 'test-agency', or"
            " set archive_fallback = true to crawl its Wayback Machine copies",
        )
    ]


def test_query_string_link_matches_a_pattern_ending_in_pdf(tmp_path: Path) -> None:
    """Agencies add cache-busters: ``report.pdf?v=2`` is the document ``report.pdf``."""
    pdf = tiny_pdf("report with a cache-buster")
    page = html_page("/doclib/x/report.pdf?v=2", "/doclib/x/notes.pdf#page=3")
    routes: dict[str, Route] = {
        "/reports": lambda h: (200, {}, page),
        "/doclib/x/report.pdf": _body(pdf),
        "/doclib/x/notes.pdf": _body(tiny_pdf("notes")),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/reports", link_regex=r"doclib/.*\.pdf$")
        crawl = Crawl(tmp_path, sources)
    assert sorted(d["url"] for d in crawl.documents()) == [
        f"{site.url}/doclib/x/notes.pdf",
        f"{site.url}/doclib/x/report.pdf?v=2",
    ]
    assert _sha(pdf) in crawl.report.new
    assert crawl.report.unmatched_links == []
    assert crawl.errors() == []


def test_document_links_no_pattern_matched_are_listed(tmp_path: Path) -> None:
    """A too-narrow pattern is noticed: document-looking links it skipped are reported
    (a note in ``errors`` with stage ``discover``), the HTML links are not."""
    page = html_page(
        "/files/weekly-1.pdf",
        "/files/Weekly-2.PDF",
        "/files/summary.xlsx?ver=3",
        "/files/bundle.zip",
        "/about.html",
        extra='<a href="/get?id=7" type="application/pdf">download</a>',
    )
    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, page),
        "/files/weekly-1.pdf": _body(tiny_pdf("week 1")),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/", link_regex=r"weekly-\d+\.pdf$")
        crawl = Crawl(tmp_path, sources)
    skipped = [
        f"{site.url}/files/Weekly-2.PDF",
        f"{site.url}/files/summary.xlsx?ver=3",
        f"{site.url}/files/bundle.zip",
        f"{site.url}/get?id=7",
    ]
    assert crawl.report.unmatched_links == skipped
    assert [d["url"] for d in crawl.documents()] == [f"{site.url}/files/weekly-1.pdf"]
    (note,) = crawl.errors()
    assert note["stage"] == "discover"
    assert note["source"] == "test-agency"
    assert note["message"] == (
        "4 link(s) that look like documents matched no pattern of source 'test-agency'"
        " (link_regex 'weekly-\\\\d+\\\\.pdf$'): " + ", ".join(skipped)
    )
