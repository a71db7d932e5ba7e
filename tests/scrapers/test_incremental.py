"""Incremental crawling: conditional requests, sha256 dedup, versions that supersede."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.httpserver import Handler, Route, serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_second_crawl_sends_conditional_requests_and_downloads_no_body(tmp_path: Path) -> None:
    pdf = tiny_pdf("report one")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(html_page("r1.pdf"))
    (tmp_path / "site" / "r1.pdf").write_bytes(pdf)
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        first = Crawl(tmp_path, sources, run_id=1)
        assert first.report.new == [_sha(pdf)]
        site.log.clear()
        second = Crawl(tmp_path, sources, run_id=2)

    assert second.report.new == []
    assert (second.report.unchanged, second.report.not_modified, second.report.failed) == (1, 1, 0)
    [pdf_request] = site.requests_for("/r1.pdf")
    assert pdf_request.headers["If-None-Match"] == '"' + _sha(pdf)[:16] + '"'
    assert pdf_request.headers["If-Modified-Since"] == "Mon, 20 Mar 2017 08:53:20 GMT"
    assert (pdf_request.status, pdf_request.body_bytes) == (304, 0)
    assert len(second.documents()) == 1
    assert len(second.rows("select * from document_urls")) == 1
    fetch = second.rows("select * from fetches where run = 2")
    assert [(f["url"], f["http_status"], f["not_modified"], f["sha256"]) for f in fetch] == [
        (f"{site.url}/r1.pdf", 304, 1, _sha(pdf))
    ]
    assert second.errors() == []


def test_without_validators_same_bytes_are_unchanged(tmp_path: Path) -> None:
    pdf = tiny_pdf("no validators")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(html_page("r.pdf"))
    (tmp_path / "site" / "r.pdf").write_bytes(pdf)
    with serve(tmp_path / "site", conditional=False) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        Crawl(tmp_path, sources, run_id=1)
        second = Crawl(tmp_path, sources, run_id=2)
    requests = site.requests_for("/r.pdf")
    assert [r.status for r in requests] == [200, 200]
    assert "If-None-Match" not in requests[1].headers
    assert second.report.new == []
    assert (second.report.unchanged, second.report.not_modified) == (1, 0)
    [document] = second.documents()
    assert (document["sha256"], document["status"]) == (_sha(pdf), "fetched")
    fetches = second.rows("select http_status, sha256, not_modified from fetches where run = 2")
    assert fetches == [{"http_status": 200, "sha256": _sha(pdf), "not_modified": 0}]


def test_changed_bytes_at_same_url_supersede_the_old_version(tmp_path: Path) -> None:
    versions = [tiny_pdf("first issue"), tiny_pdf("corrected issue")]
    served: list[bytes] = []

    def report(handler: Handler) -> tuple[int, dict[str, str], bytes]:
        body = versions[len(served) and 1]
        served.append(body)
        etag = '"' + _sha(body)[:8] + '"'
        if handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "application/pdf", "ETag": etag}, body

    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("report.pdf")),
        "/report.pdf": report,
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        first = Crawl(tmp_path, sources, run_id=1)
        second = Crawl(tmp_path, sources, run_id=2)

    old, new = _sha(versions[0]), _sha(versions[1])
    assert first.report.new == [old] and second.report.new == [new]
    # The second request carried the first version's ETag and got the new bytes.
    assert site.requests_for("/report.pdf")[1].headers["If-None-Match"] == '"' + old[:8] + '"'
    docs = {d["sha256"]: d for d in second.documents()}
    assert set(docs) == {old, new}
    assert docs[new]["supersedes"] == old and docs[old]["supersedes"] is None
    assert docs[new]["etag"] == '"' + new[:8] + '"'
    urls = second.rows("select document, url from document_urls order by first_seen, rowid")
    assert urls == [
        {"document": old, "url": f"{site.url}/report.pdf"},
        {"document": new, "url": f"{site.url}/report.pdf"},
    ]
    archive = tmp_path / "archive"
    assert (archive / old[:2] / old).read_bytes() == versions[0]  # nothing overwritten
    assert (archive / new[:2] / new).read_bytes() == versions[1]


def test_same_bytes_at_two_urls_are_one_document(tmp_path: Path) -> None:
    pdf = tiny_pdf("posted twice")
    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("a/report.pdf", "b/copy.pdf")),
        "/a/report.pdf": lambda h: (200, {}, pdf),
        "/b/copy.pdf": lambda h: (200, {}, pdf),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        crawl = Crawl(tmp_path, sources, run_id=1)
    assert crawl.report.new == [_sha(pdf)]
    assert crawl.report.unchanged == 1
    [document] = crawl.documents()
    assert document["sha256"] == _sha(pdf)
    urls = crawl.rows("select url from document_urls where document = ? order by url", [_sha(pdf)])
    assert [u["url"] for u in urls] == [f"{site.url}/a/report.pdf", f"{site.url}/b/copy.pdf"]
    assert len(crawl.fetches()) == 2
