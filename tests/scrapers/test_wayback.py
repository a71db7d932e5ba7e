"""Vanished sources: a dead listing page is crawled from (a fake of) the Wayback Machine."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

from scrapers.wayback import Capture, capture_url, cdx_query_url, parse_cdx, replay_base
from tests.httpserver import serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources
from tests.scrapers.fake_wayback import FakeWayback


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dead_origin() -> str:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_unreachable_listing_is_crawled_from_wayback_captures(tmp_path: Path) -> None:
    origin = _dead_origin()
    listing = f"{origin}/ddor/index.html"
    week1, week1_fixed, week2 = tiny_pdf("week 1"), tiny_pdf("week 1 corrected"), tiny_pdf("w2")
    wayback = FakeWayback()
    # Two captures of the listing: week 2 appears only in the later one.
    wayback.add(listing, "20170320101500", html_page("doclib/week1.pdf"))
    wayback.add(listing, "20170401120000", html_page("doclib/week1.pdf", "doclib/week2.pdf"))
    # Week 1 was re-issued with a correction at the same URL.
    wayback.add(f"{origin}/ddor/doclib/week1.pdf", "20170321000000", week1)
    wayback.add(f"{origin}/ddor/doclib/week1.pdf", "20170325083000", week1_fixed)
    wayback.add(f"{origin}/ddor/doclib/week2.pdf", "20170402000000", week2)

    with serve(routes=wayback.routes()) as archive_org:
        cdx = f"{archive_org.url}/cdx/search/cdx"
        sources = write_sources(
            tmp_path,
            listing,
            archive_fallback=True,
            wayback_cdx=cdx,
            link_regex=r"doclib/[^/]+\.pdf$",
        )
        first = Crawl(tmp_path, sources, run_id=1)
        first_log = list(archive_org.log)
        archive_org.log.clear()
        second = Crawl(tmp_path, sources, run_id=2)

    assert first.errors() == []
    assert sorted(first.report.new) == sorted(_sha(b) for b in (week1, week1_fixed, week2))
    web = f"{archive_org.url}/web"
    docs = {d["sha256"]: d for d in first.documents()}
    assert docs[_sha(week1)]["url"] == f"{origin}/ddor/doclib/week1.pdf"
    assert docs[_sha(week1)]["capture_url"] == (
        f"{web}/20170321000000id_/{origin}/ddor/doclib/week1.pdf"
    )
    assert docs[_sha(week1)]["capture_time"] == "2017-03-21T00:00:00Z"
    # The correction supersedes the original issue, in capture order.
    assert docs[_sha(week1_fixed)]["supersedes"] == _sha(week1)
    assert docs[_sha(week1_fixed)]["capture_time"] == "2017-03-25T08:30:00Z"
    assert docs[_sha(week2)]["capture_url"] == (
        f"{web}/20170402000000id_/{origin}/ddor/doclib/week2.pdf"
    )
    urls = first.rows(
        "select url, capture_url, capture_time from document_urls where document = ?", [_sha(week2)]
    )
    assert urls == [
        {
            "url": f"{origin}/ddor/doclib/week2.pdf",
            "capture_url": f"{web}/20170402000000id_/{origin}/ddor/doclib/week2.pdf",
            "capture_time": "2017-04-02T00:00:00Z",
        }
    ]
    # Each document's captures were asked for once although both listing captures link week 1.
    assert sorted(wayback.queries) == sorted(
        [listing, f"{origin}/ddor/doclib/week1.pdf", f"{origin}/ddor/doclib/week2.pdf"] * 2
    )
    assert len([r for r in first_log if r.path.endswith(".pdf")]) == 3

    # Second run: captures never change, so none is downloaded again.
    assert second.report.new == [] and second.report.unchanged == 3
    assert [r.path for r in archive_org.log if r.path.endswith(".pdf")] == []
    assert len(second.documents()) == 3 and second.errors() == []


def test_gone_listing_with_no_captures_names_both_problems(tmp_path: Path) -> None:
    wayback = FakeWayback()
    with serve(routes=wayback.routes()) as archive_org:
        with serve(routes={}) as agency:  # the listing page answers 404
            listing = f"{agency.url}/reports.html"
            sources = write_sources(
                tmp_path,
                listing,
                archive_fallback=True,
                settings={"wayback_cdx": f"{archive_org.url}/cdx/search/cdx"},
            )
            crawl = Crawl(tmp_path, sources)
    assert [e["message"] for e in crawl.errors()] == [
        f"{listing}: listing page answered HTTP 404 Not Found;"
        " and the Wayback Machine has no capture of it"
    ]
    assert wayback.queries == [listing]


def test_document_without_capture_is_an_error(tmp_path: Path) -> None:
    origin = _dead_origin()
    listing = f"{origin}/index.html"
    wayback = FakeWayback()
    wayback.add(listing, "20170320000000", html_page("a.pdf", "lost.pdf"))
    wayback.add(f"{origin}/a.pdf", "20170320000001", tiny_pdf("a"))
    with serve(routes=wayback.routes()) as archive_org:
        sources = write_sources(
            tmp_path,
            listing,
            archive_fallback=True,
            wayback_cdx=f"{archive_org.url}/cdx/search/cdx",
        )
        crawl = Crawl(tmp_path, sources)
    assert [(e["stage"], e["message"]) for e in crawl.errors()] == [
        ("fetch", f"{origin}/lost.pdf: no capture of this document in the Wayback Machine")
    ]
    assert crawl.report.failed == 1 and len(crawl.report.new) == 1


def test_cdx_helpers() -> None:
    cdx = "https://web.archive.org/cdx/search/cdx"
    assert replay_base(cdx) == "https://web.archive.org/web/"
    query = cdx_query_url(cdx, "https://www.ice.gov/declined-detainer-outcome-report")
    assert query == (
        "https://web.archive.org/cdx/search/cdx?url=https%3A%2F%2Fwww.ice.gov%2F"
        "declined-detainer-outcome-report&output=json&fl=timestamp%2Coriginal%2Cstatuscode"
        "%2Cdigest&filter=statuscode%3A200&collapse=digest"
    )
    body = (
        b'[["timestamp","original","statuscode","digest"],'
        b'["20170405000000","https://a.gov/r.pdf","200","B"],'
        b'["20170320000000","https://a.gov/r.pdf","200","A"],'
        b'["20170330000000","https://a.gov/r.pdf","200","A"],'
        b'["20170331000000","https://a.gov/r.pdf","404","C"]]'
    )
    captures = parse_cdx(body)
    assert [(c.timestamp, c.digest) for c in captures] == [
        ("20170320000000", "A"),
        ("20170405000000", "B"),
    ]
    assert capture_url(cdx, Capture("20170320000000", "https://a.gov/r.pdf", "A")) == (
        "https://web.archive.org/web/20170320000000id_/https://a.gov/r.pdf"
    )
    assert parse_cdx(b"[]") == [] and parse_cdx(b"") == []
    for bad, reason in ((b"<html>", "not JSON"), (b'{"a": 1}', "not a JSON list")):
        try:
            parse_cdx(bad)
        except ValueError as exc:
            assert str(exc).startswith(reason)
        else:
            raise AssertionError(f"{bad!r} was accepted")
