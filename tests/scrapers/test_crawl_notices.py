"""New documents are handed to the parent while the crawl goes on, not only in the report."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from db.connect import open_db
from scrapers.crawl import CrawlChild, crawl
from tests.httpserver import Route, serve
from tests.scrapers.crawling import html_page, tiny_pdf, write_sources

#: Generous: the second document's response waits this long at most for the first notice.
NOTICE_WAIT_SECONDS = 60


def test_each_new_document_is_announced_before_the_crawl_ends(tmp_path: Path) -> None:
    first, second = tiny_pdf("week one"), tiny_pdf("week two")
    heard: list[tuple[str, list[str]]] = []
    announced = threading.Event()
    db_path = tmp_path / "records.db"
    open_db(db_path)

    def second_pdf(handler: object) -> tuple[int, dict[str, str], bytes]:
        # Answered only once the parent has heard of the first document: the notice must
        # come while the crawl is still waiting for this response.
        if not announced.wait(NOTICE_WAIT_SECONDS):
            return 500, {}, b"no notice of the first document during the crawl"
        return 200, {"Content-Type": "application/pdf"}, second

    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, html_page("/a/one.pdf", "/b/two.pdf")),
        "/a/one.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, first),
        "/b/two.pdf": second_pdf,
    }

    def on_new_document(sha256: str) -> None:
        # Called in this thread, with the document already committed by the child.
        with_status = open_db(db_path, ensure=False).execute(
            "select status from documents where sha256 = ?", [sha256]
        )
        heard.append((sha256, [row[0] for row in with_status.fetchall()]))
        announced.set()

    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path, f"{site.url}/", concurrent_per_domain=2, timeout=NOTICE_WAIT_SECONDS + 30
        )
        [report] = crawl(
            sources,
            [],
            db_path=db_path,
            archive_root=tmp_path / "archive",
            run_id=None,
            on_new_document=on_new_document,
        )
    one, two = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()
    assert report.errors == []
    assert sorted(report.new) == sorted([one, two])
    assert heard == [(one, ["fetched"]), (two, ["fetched"])]


def test_a_document_seen_before_is_not_announced(tmp_path: Path) -> None:
    pdf = tiny_pdf("the same week")
    heard: list[str] = []
    db_path = tmp_path / "records.db"
    open_db(db_path)
    routes: dict[str, Route] = {
        "/": lambda h: (200, {}, html_page("/r.pdf")),
        "/r.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, pdf),
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/")
        for _ in range(2):
            crawl(
                sources,
                [],
                db_path=db_path,
                archive_root=tmp_path / "archive",
                run_id=None,
                on_new_document=heard.append,
            )
    assert heard == [hashlib.sha256(pdf).hexdigest()]


def test_the_parent_hears_a_download_is_coming_only_when_one_is(tmp_path: Path) -> None:
    # The parent forks its parse workers when told (records.pipeline.run): before the first
    # new document is recorded, and never in a weekly run that finds nothing new (304s).
    (tmp_path / "site").mkdir()
    pdf = tiny_pdf("the same week")
    (tmp_path / "site" / "r.pdf").write_bytes(pdf)
    (tmp_path / "site" / "index.html").write_bytes(html_page("r.pdf"))
    heard: list[list[str]] = []
    db_path = tmp_path / "records.db"
    open_db(db_path)
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        for _ in range(2):
            heard.append([])
            [report] = crawl(
                sources,
                [],
                db_path=db_path,
                archive_root=tmp_path / "archive",
                run_id=None,
                on_new_document=lambda sha256: heard[-1].append("new"),
                on_download_coming=lambda: heard[-1].append("download coming"),
            )
            assert report.errors == []
        assert [r.status for r in site.requests_for("/r.pdf")] == [200, 304]
    assert heard == [["download coming", "new"], []]


def test_a_crawl_child_started_ahead_but_not_needed_leaves_nothing() -> None:
    # `records run` starts the child before taking the source locks; a lock held elsewhere
    # means no crawl: the child must go, with its folder, having written nothing.
    child = CrawlChild()
    folder = child.report.parent
    assert folder.is_dir() and child.process.poll() is None
    child.close()
    assert child.process.returncode is not None
    assert not folder.exists()


def test_a_child_read_before_it_has_exited_is_reaped_on_close(tmp_path: Path) -> None:
    # The child hangs up once its report is written, and the parent reads the report at
    # once; the child may still be exiting then: `close` waits for it (no zombie left).
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "r.pdf").write_bytes(tiny_pdf("a week"))
    (tmp_path / "site" / "index.html").write_bytes(html_page("r.pdf"))
    db_path = tmp_path / "records.db"
    open_db(db_path)
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        with CrawlChild(database=db_path) as child:
            [report] = child.crawl(
                sources, [], db_path=db_path, archive_root=tmp_path / "archive", run_id=None
            )
    assert (len(report.new), report.errors) == (1, [])
    assert child.process.returncode == 0
    assert not child.report.parent.exists()
