"""Politeness and failures: robots.txt, User-Agent, retries with backoff, size limit, dead hosts."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

from scrapers.backoff import backoff_delay
from tests.httpserver import Handler, Route, serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources


def test_robots_txt_disallow_is_obeyed_and_recorded(tmp_path: Path) -> None:
    pdf = tiny_pdf("public")
    routes: dict[str, Route] = {
        "/robots.txt": lambda h: (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nDisallow: /private/\n",
        ),
        "/index.html": lambda h: (200, {}, html_page("public.pdf", "private/secret.pdf")),
        "/public.pdf": lambda h: (200, {}, pdf),
        "/private/secret.pdf": lambda h: (200, {}, tiny_pdf("secret")),
    }
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path, f"{site.url}/index.html", settings={"contact": "desk@newsroom.example"}
        )
        crawl = Crawl(tmp_path, sources)
    assert site.requests_for("/private/secret.pdf") == []
    assert crawl.report.new == [hashlib.sha256(pdf).hexdigest()]
    assert crawl.report.failed == 1
    [error] = crawl.errors()
    assert error["url"] == f"{site.url}/private/secret.pdf"
    assert error["message"] == (
        f"{site.url}/private/secret.pdf: disallowed by the site's robots.txt; not fetched"
    )
    # Every request named the project and the configured contact address.
    agents = {r.headers.get("User-Agent") for r in site.log}
    assert agents == {"agency-records/0.1 (newsroom data desk; +mailto:desk@newsroom.example)"}
    assert [r.path for r in site.log][0] == "/robots.txt"


def test_server_error_is_retried_then_succeeds(tmp_path: Path) -> None:
    pdf = tiny_pdf("flaky server")
    calls: list[int] = []

    def flaky(handler: Handler) -> tuple[int, dict[str, str], bytes]:
        calls.append(1)
        if len(calls) <= 2:
            return 500, {"Content-Type": "text/html"}, b"<html>Internal Server Error</html>"
        return 200, {"Content-Type": "application/pdf"}, pdf

    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("r.pdf")),
        "/r.pdf": flaky,
    }
    with serve(routes=routes) as site:
        # download_delay 0.1 -> backoff 0.2 s then 0.4 s before the two retries.
        sources = write_sources(tmp_path, f"{site.url}/index.html", retries=2, download_delay=0.1)
        crawl = Crawl(tmp_path, sources)
    assert [r.status for r in site.requests_for("/r.pdf")] == [500, 500, 200]
    assert crawl.report.new == [hashlib.sha256(pdf).hexdigest()]
    assert crawl.errors() == []
    # Only the successful download is a fetch; retries happen inside Scrapy.
    assert [(f["http_status"], f["error"]) for f in crawl.fetches()] == [(200, None)]


def test_retries_exhausted_is_an_error_naming_the_url(tmp_path: Path) -> None:
    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("down.pdf")),
        "/down.pdf": lambda h: (503, {"Content-Type": "text/html"}, b"<html>busy</html>"),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", retries=2)
        crawl = Crawl(tmp_path, sources)
    assert len(site.requests_for("/down.pdf")) == 3
    assert [e["message"] for e in crawl.errors()] == [
        f"{site.url}/down.pdf: HTTP 503 Service Unavailable (after 2 retries)"
    ]
    assert crawl.report.failed == 1
    assert crawl.documents() == []


def test_backoff_doubles_and_honours_retry_after_within_cap() -> None:
    assert [backoff_delay(n, 2.0, 60.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert backoff_delay(7, 2.0, 60.0) == 60.0
    assert backoff_delay(1, 2.0, 60.0, retry_after="30") == 30.0
    assert backoff_delay(1, 2.0, 60.0, retry_after="3600") == 60.0
    assert backoff_delay(3, 0.0, 60.0) == 0.0  # tests and local sites: no waiting


def test_backoff_spaces_out_retries(tmp_path: Path) -> None:
    import time

    times: list[float] = []

    def always_500(handler: Handler) -> tuple[int, dict[str, str], bytes]:
        times.append(time.monotonic())
        return 500, {}, b"<html>error</html>"

    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("r.pdf")),
        "/r.pdf": always_500,
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", retries=2, download_delay=0.2)
        Crawl(tmp_path, sources)
    assert len(site.requests_for("/r.pdf")) == 3
    # Backoff 0.4 s then 0.8 s (twice the delay, doubling); without it the gaps would be
    # about one download delay (0.1-0.3 s with Scrapy's randomisation).
    assert times[2] - times[1] >= 0.8


def test_oversize_document_is_an_error_not_a_crash(tmp_path: Path) -> None:
    small, big = tiny_pdf("small"), tiny_pdf("big") + b"%" + b"x" * 20_000
    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("small.pdf", "big.pdf")),
        "/small.pdf": lambda h: (200, {}, small),
        "/big.pdf": lambda h: (200, {}, big),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", max_bytes=10_000)
        crawl = Crawl(tmp_path, sources)
    assert crawl.report.new == [hashlib.sha256(small).hexdigest()]
    assert [e["message"] for e in crawl.errors()] == [
        f"{site.url}/big.pdf: larger than the download size limit of 10000 bytes; not archived"
        " (raise the source's max_bytes in sources.toml if the file is expected)"
    ]
    assert [d["url"] for d in crawl.documents()] == [f"{site.url}/small.pdf"]


def test_unreachable_document_host_is_an_error_naming_the_url(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/gone.pdf"
    routes: dict[str, Route] = {"/index.html": lambda h: (200, {}, html_page(dead))}
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        crawl = Crawl(tmp_path, sources)
    assert [e["message"] for e in crawl.errors()] == [
        f"{dead}: connection refused: server down or unreachable (after 1 retry)"
    ]
    [fetch] = crawl.fetches()
    assert (fetch["url"], fetch["http_status"]) == (dead, None)
    assert fetch["error"].startswith("connection refused")


def test_slow_server_times_out_with_an_error_naming_the_url(tmp_path: Path) -> None:
    import threading

    # The answer is held until the crawl is over, so it is late however busy the machine is
    # (a fixed sleep could end before a slow crawl's 1 s timeout even started counting).
    crawl_over = threading.Event()

    def stuck(handler: Handler) -> tuple[int, dict[str, str], bytes]:
        crawl_over.wait(120)
        return 200, {}, tiny_pdf("too late")

    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("slow.pdf")),
        "/slow.pdf": stuck,
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", timeout=1, retries=0)
        try:
            crawl = Crawl(tmp_path, sources)
        finally:
            crawl_over.set()
    assert [e["message"] for e in crawl.errors()] == [f"{site.url}/slow.pdf: timed out after 1 s"]
    assert crawl.documents() == []


def test_failure_messages_for_dns_and_size() -> None:
    from scrapy.exceptions import CannotResolveHostError, DownloadCancelledError
    from twisted.python.failure import Failure

    from scrapers.failures import describe_failure

    dns = Failure(
        CannotResolveHostError(
            "DNS lookup failed: no results for hostname lookup: reports.agency.invalid."
        )
    )
    assert describe_failure(dns, timeout=60, max_bytes=100) == (
        "DNS lookup failed: no results for hostname lookup: reports.agency.invalid."
    )
    cancelled = Failure(DownloadCancelledError(""))
    assert describe_failure(cancelled, timeout=60, max_bytes=1024) == (
        "larger than the download size limit of 1024 bytes; not archived"
        " (raise the source's max_bytes in sources.toml if the file is expected)"
    )
    assert describe_failure(cancelled, timeout=60, max_bytes=5_000_000).startswith(
        "larger than the download size limit of 5 MB (5000000 bytes); not archived"
    )


def test_listing_disallowed_by_robots_is_not_fetched_from_the_archive_either(
    tmp_path: Path,
) -> None:
    from tests.scrapers.fake_wayback import FakeWayback

    wayback = FakeWayback()
    routes: dict[str, Route] = {"/robots.txt": lambda h: (200, {}, b"User-agent: *\nDisallow: /\n")}
    with serve(routes=wayback.routes()) as archive_org, serve(routes=routes) as site:
        sources = write_sources(
            tmp_path,
            f"{site.url}/reports.html",
            archive_fallback=True,
            wayback_cdx=f"{archive_org.url}/cdx/search/cdx",
        )
        crawl = Crawl(tmp_path, sources)
    assert [r.path for r in site.log] == ["/robots.txt"]
    assert wayback.queries == []
    assert [e["message"] for e in crawl.errors()] == [
        f"{site.url}/reports.html: listing page disallowed by the site's robots.txt; not fetched"
    ]
