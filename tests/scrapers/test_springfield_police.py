"""The example odd-site spider (a paginated JSON API listing), found by Scrapy's own spider
loader: by ``records`` through the source's ``spider`` field, by ``scrapy list`` and by
``scrapy crawl``. The site is served on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.connect import open_db
from tests.httpserver import Route, serve
from tests.scrapers.crawling import Crawl, tiny_pdf, write_sources
from tests.shared import REPO

SCRAPY = str(Path(sys.executable).with_name("scrapy"))
FIRST = tiny_pdf("Use of force, 2024 Q1")
SECOND = tiny_pdf("Use of force, 2024 Q2")


def _api(reports: list[dict[str, str]], following: str | None) -> Route:
    body = json.dumps({"reports": reports, "next": following}).encode()
    return lambda h: (200, {"Content-Type": "application/json"}, body)


@pytest.fixture
def site() -> Iterator[str]:
    routes: dict[str, Route] = {
        "/api/reports?page=1": _api(
            [{"title": "Use of force, 2024 Q2", "posted": "2024-07-01", "file": "/files/q2.pdf"}],
            "/api/reports?page=2",
        ),
        "/api/reports?page=2": _api(
            [{"title": "Use of force, 2024 Q1", "posted": "2024-04-02", "file": "/files/q1.pdf"}],
            None,
        ),
        "/files/q1.pdf": lambda h: (200, {}, FIRST),
        "/files/q2.pdf": lambda h: (200, {}, SECOND),
    }
    with serve(routes=routes) as server:
        yield server.url


def _sources(folder: Path, site: str) -> Path:
    return write_sources(
        folder,
        f"{site}/api/reports?page=1",
        name="springfield-police",
        link_regex=None,
        spider="springfield-police",
    )


def test_records_crawls_the_json_listing_page_by_page(tmp_path: Path, site: str) -> None:
    crawl = Crawl(tmp_path, _sources(tmp_path, site))
    # Downloads run two at a time (the source's concurrency), so the second listing page's
    # report may be archived before the first page's: the order of arrival is not asserted.
    assert sorted(crawl.report.new) == sorted(
        [hashlib.sha256(SECOND).hexdigest(), hashlib.sha256(FIRST).hexdigest()]
    )
    assert sorted((d["url"], d["link_text"], d["release_date"]) for d in crawl.documents()) == [
        (f"{site}/files/q1.pdf", "Use of force, 2024 Q1", "2024-04-02"),
        (f"{site}/files/q2.pdf", "Use of force, 2024 Q2", "2024-07-01"),
    ]
    assert crawl.errors() == []


def test_scrapy_list_shows_the_spiders() -> None:
    result = subprocess.run([SCRAPY, "list"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["listing", "springfield-police"]


def test_scrapy_crawl_runs_one_source(tmp_path: Path, site: str) -> None:
    env = {
        **os.environ,
        "RECORDS_DB": str(tmp_path / "records.db"),
        "RECORDS_ARCHIVE": str(tmp_path / "archive"),
        "RECORDS_SOURCES": str(_sources(tmp_path, site)),
    }
    result = subprocess.run(
        [SCRAPY, "crawl", "springfield-police", "-a", "source=springfield-police"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    db = open_db(tmp_path / "records.db", ensure=False)
    documents = list(db.query("select sha256, source, status from documents order by url"))
    assert documents == [
        {"sha256": hashlib.sha256(FIRST).hexdigest(), "source": "springfield-police",
         "status": "fetched"},
        {"sha256": hashlib.sha256(SECOND).hexdigest(), "source": "springfield-police",
         "status": "fetched"},
    ]  # fmt: skip
    assert (tmp_path / "archive").is_dir()


def test_an_unknown_spider_name_is_an_error_row(tmp_path: Path) -> None:
    sources = write_sources(tmp_path, "http://127.0.0.1:9/", link_regex=None, spider="nope")
    crawl = Crawl(tmp_path, sources)
    assert [e["message"] for e in crawl.errors()] == [
        "spider 'nope' not usable: no spider named 'nope' in scrapers/spiders (see `scrapy list`)"
    ]
