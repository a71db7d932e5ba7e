"""The crawl child process: custom spider classes, bad ones, and crashes reported in one line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from db.connect import open_db
from records.core.errors import RecordsError
from scrapers.crawl import crash_reason, crawl
from tests.httpserver import Route, serve
from tests.scrapers.crawling import Crawl, tiny_pdf, write_sources


def test_a_source_can_name_its_own_small_spider(tmp_path: Path) -> None:
    pdf = tiny_pdf("from a script tag")
    listing = json.dumps([{"file": "/data/r1.pdf", "title": "Report 1"}])
    page = f'<html><body><script id="reports" type="application/json">{listing}</script>'
    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, page.encode()),
        "/data/r1.pdf": lambda h: (200, {}, pdf),
    }
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path,
            f"{site.url}/",
            link_regex=None,
            spider="tests.scrapers.odd_spider.JsonListingSpider",
        )
        crawl_ = Crawl(tmp_path, sources)
    assert crawl_.report.new == [hashlib.sha256(pdf).hexdigest()]
    assert [d["url"] for d in crawl_.documents()] == [f"{site.url}/data/r1.pdf"]


def test_unknown_spider_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    sources = write_sources(
        tmp_path,
        "http://127.0.0.1:9/",
        link_regex=None,
        spider="scrapers.spiders.no_such_module.Spider",
    )
    crawl_ = Crawl(tmp_path, sources)
    assert [e["message"] for e in crawl_.errors()] == [
        "spider 'scrapers.spiders.no_such_module.Spider' not usable:"
        " No module named 'scrapers.spiders.no_such_module'"
    ]


def test_spider_that_cannot_start_is_an_error_row_not_a_silent_empty_run(tmp_path: Path) -> None:
    # Twisted only logged a crawler that failed to start: the run said 0 errors, exit 0.
    sources = write_sources(
        tmp_path,
        "http://127.0.0.1:9/",
        link_regex=None,
        spider="tests.scrapers.odd_spider.SpiderThatCannotStart",
    )
    crawl_ = Crawl(tmp_path, sources)
    assert [(e["stage"], e["source"], e["message"]) for e in crawl_.errors()] == [
        (
            "crawl",
            "test-agency",
            "http://127.0.0.1:9/: the crawl of test-agency could not start:"
            " ValueError: listing layout option missing",
        )
    ]
    assert crawl_.report.errors[0]["url"] == "http://127.0.0.1:9/"


def test_a_crashing_child_gives_one_clear_line(tmp_path: Path) -> None:
    sources = write_sources(tmp_path, "http://127.0.0.1:9/")
    not_a_db = tmp_path / "db-is-a-folder"
    not_a_db.mkdir()
    with pytest.raises(RecordsError) as caught:
        crawl(
            sources,
            ["test-agency"],
            db_path=not_a_db,
            archive_root=tmp_path / "archive",
            run_id=None,
        )
    message = str(caught.value)
    assert message == (
        "crawl of test-agency failed: OperationalError: unable to open database file"
    )
    assert "\n" not in message and "Traceback" not in message


def test_crash_reason_without_marker() -> None:
    assert crash_reason(-9, b"") == "the crawl process was killed by SIGKILL"
    assert crash_reason(1, b"something\nfatal: out of memory\n\n") == (
        "the crawl process exited with status 1 (fatal: out of memory)"
    )
    assert crash_reason(1, b"Traceback...\ncrawl child failed: KeyError: 'db'\n") == (
        "KeyError: 'db'"
    )


def test_crawl_report_counts_reach_the_run_summary(tmp_path: Path) -> None:
    """`records crawl` (crawl only) reports new/unchanged/failed from the child."""
    pdf = tiny_pdf("summary")
    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, b'<a href="a.pdf">a</a> <a href="gone.pdf">b</a>'),
        "/a.pdf": lambda h: (200, {}, pdf),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/")
        db_path = tmp_path / "records.db"
        open_db(db_path)
        [report] = crawl(
            sources,
            ["test-agency"],
            db_path=db_path,
            archive_root=tmp_path / "archive",
            run_id=None,
        )
    assert (len(report.new), report.unchanged, report.failed) == (1, 0, 1)
    assert report.errors == [
        {
            "url": f"{site.url}/gone.pdf",
            "stage": "fetch",
            "message": f"{site.url}/gone.pdf: HTTP 404 Not Found",
        }
    ]


def test_politeness_settings_come_from_the_source(tmp_path: Path) -> None:
    from records.core.config import load_config
    from scrapers.crawl_child import source_settings

    sources = write_sources(
        tmp_path,
        "https://agency.example/reports",
        download_delay=3.0,
        concurrent_per_domain=1,
        timeout=20,
        max_bytes=5_000_000,
        retries=4,
        settings={"contact": "records@paper.example"},
    )
    config = load_config(sources)
    assert source_settings(config.sources[0], config.settings.agent) == {
        "USER_AGENT": "agency-records/0.1 (newsroom data desk; +mailto:records@paper.example)",
        "DOWNLOAD_DELAY": 3.0,
        "AUTOTHROTTLE_START_DELAY": 3.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": 20,
        "DOWNLOAD_MAXSIZE": 5_000_000,
        "RETRY_TIMES": 4,
        "RETRY_BACKOFF_BASE": 6.0,
    }
