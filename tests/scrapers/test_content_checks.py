"""Bytes are checked before they are archived: type sniffed, empty and truncated refused."""

from __future__ import annotations

from pathlib import Path

from scrapers.items import DocumentItem
from scrapers.pipelines import content_problem
from tests.httpserver import Route, serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources

LOGIN_WALL = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Log in</body></html>"


def test_bad_bodies_are_errors_naming_the_url_and_not_archived(tmp_path: Path) -> None:
    good = tiny_pdf("the one good report")
    routes: dict[str, Route] = {
        "/index.html": lambda h: (
            200,
            {},
            html_page("good.pdf", "login.pdf", "empty.pdf", "cut.pdf", "notes.pdf"),
        ),
        "/good.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, good),
        # The server says PDF; the bytes say otherwise.
        "/login.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, LOGIN_WALL),
        "/empty.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, b""),
        # Promises 5000 bytes, sends 1000 and closes the connection.
        "/cut.pdf": lambda h: (200, {"Content-Length": "5000"}, good[:1000]),
        "/notes.pdf": lambda h: (200, {}, b"\x00\x01\x02 binary junk that is no known type"),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        crawl = Crawl(tmp_path, sources)

    messages = sorted(e["message"] for e in crawl.errors())
    u = site.url
    assert messages == [
        f"{u}/cut.pdf: truncated body (data loss): the connection closed before the"
        " Content-Length bytes arrived (after 1 retry)",
        f"{u}/empty.pdf: empty body; not archived",
        f"{u}/login.pdf: an HTML page, not a document (error page or login wall?); not archived",
        f"{u}/notes.pdf: unexpected file type unknown (expected pdf, xlsx, xls, csv); not archived",
    ]
    assert sorted(e["url"] for e in crawl.errors()) == [
        f"{u}/cut.pdf",
        f"{u}/empty.pdf",
        f"{u}/login.pdf",
        f"{u}/notes.pdf",
    ]
    assert crawl.report.failed == 4 and len(crawl.report.new) == 1
    [document] = crawl.documents()
    assert document["url"] == f"{u}/good.pdf"
    assert document["content_type"] == "application/pdf"
    archived = [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in archived] == [good]
    failed_fetches = crawl.rows("select url, sha256 from fetches where error is not null")
    assert sorted(f["url"] for f in failed_fetches) == [
        f"{u}/cut.pdf",
        f"{u}/empty.pdf",
        f"{u}/login.pdf",
        f"{u}/notes.pdf",
    ]
    assert all(f["sha256"] is None for f in failed_fetches)


def test_content_problem_checks_declared_length_and_allowed_types() -> None:
    pdf = tiny_pdf("x")
    item = DocumentItem(
        "s", "https://agency.example/r.pdf", pdf[:100], 200, {"Content-Length": str(len(pdf))}
    )
    assert content_problem(item, ("pdf",)) == (
        f"truncated body (data loss): 100 of {len(pdf)} bytes; not archived"
    )
    item = DocumentItem("s", "https://agency.example/r.csv", b"a,b\n1,2\n", 200)
    assert content_problem(item, ("pdf",)) == (
        "unexpected file type csv (expected pdf); not archived"
    )
    assert content_problem(item, ("pdf", "csv")) is None
