"""An unchanged weekly run: conditional requests, sent as many at a time as the source allows,
no body downloaded, and the 304 answers' bookkeeping written in batches."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

import scrapers.state
from db.connect import open_db
from db.documents import record_document
from db.seen import NotModified, record_not_modified
from scrapers.state import CrawlState
from tests.httpserver import Handler, serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources

REPORTS = [f"r{n}.pdf" for n in range(1, 7)]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class InFlight:
    """Counts document requests being answered at once; the first one is held until a
    second arrives (or ``patience`` seconds pass), so one at a time shows as 1."""

    def __init__(self, patience: float = 30.0) -> None:
        self.now = 0
        self.most = 0
        self.patience = patience
        self.held = False
        self.changed = threading.Condition()

    def answer(self, handler: Handler) -> tuple[int, dict[str, str], bytes]:
        with self.changed:
            self.now += 1
            self.most = max(self.most, self.now)
            self.changed.notify_all()
            if not self.held:
                self.held = True
                self.changed.wait_for(lambda: self.now >= 2, timeout=self.patience)
        try:
            return handler._static(handler.path.split("?", 1)[0])
        finally:
            with self.changed:
                self.now -= 1


def _site(folder: Path) -> list[bytes]:
    (folder / "site").mkdir()
    pdfs = [tiny_pdf(f"weekly report {name}") for name in REPORTS]
    (folder / "site" / "index.html").write_bytes(html_page(*REPORTS))
    for name, pdf in zip(REPORTS, pdfs, strict=True):
        (folder / "site" / name).write_bytes(pdf)
    return pdfs


def test_unchanged_run_sends_conditional_requests_concurrently_within_the_limit(
    tmp_path: Path,
) -> None:
    pdfs = _site(tmp_path)
    with serve(tmp_path / "site") as site:
        # The held request must not time out (a retry would be a second one in flight).
        sources = write_sources(
            tmp_path, f"{site.url}/index.html", concurrent_per_domain=2, timeout=60
        )
        first = Crawl(tmp_path, sources, run_id=1)
        assert sorted(first.report.new) == sorted(_sha(p) for p in pdfs)
        before = {d["sha256"]: d["last_seen"] for d in first.documents()}
        site.log.clear()
        flight = InFlight()
        for name in REPORTS:
            site.routes[f"/{name}"] = flight.answer
        second = Crawl(tmp_path, sources, run_id=2)

    # Two conditional requests were answered at once, never more than the source's two.
    assert flight.most == 2
    assert (second.report.new, second.report.failed) == ([], 0)
    assert (second.report.unchanged, second.report.not_modified) == (6, 6)
    requests = [r for r in site.log if r.path.endswith(".pdf")]
    assert sorted(r.path for r in requests) == [f"/{name}" for name in REPORTS]
    assert {(r.status, r.body_bytes) for r in requests} == {(304, 0)}
    assert all(r.headers.get("If-None-Match") for r in requests)
    # Bookkeeping: one 304 fetch row per document, last_seen moved on document and URL.
    fetches = second.rows(
        "select url, http_status, not_modified, bytes, sha256, source from fetches"
        " where run = 2 order by url"
    )
    assert fetches == [
        {
            "url": f"{site.url}/{name}",
            "http_status": 304,
            "not_modified": 1,
            "bytes": 0,
            "sha256": _sha(pdf),
            "source": "test-agency",
        }
        for name, pdf in zip(REPORTS, pdfs, strict=True)
    ]
    after = {d["sha256"]: d for d in second.documents()}
    assert set(after) == set(before)
    for sha, document in after.items():
        assert document["last_seen"] >= before[sha]
        [url] = second.rows("select * from document_urls where document = ?", [sha])
        assert url["last_seen"] == document["last_seen"]
        assert url["first_seen"] == document["first_seen"]
    assert second.errors() == []


def _known_documents(db_path: Path, count: int) -> list[tuple[str, str]]:
    db = open_db(db_path)
    known = []
    for n in range(count):
        sha, url = f"{n:064x}", f"http://agency.example/r{n}.pdf"
        record_document(
            db, sha256=sha, source="s", url=url, filename=f"r{n}.pdf", content_type="pdf", size=1
        )
        known.append((sha, url))
    db.execute("update documents set last_seen = '2020-01-01T00:00:00+00:00'")
    db.execute("update document_urls set last_seen = '2020-01-01T00:00:00+00:00'")
    db.conn.commit()
    return known


def test_304_bookkeeping_is_written_in_batches_and_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scrapers.state, "NOT_MODIFIED_BATCH", 2)
    known = _known_documents(tmp_path / "r.db", 3)
    state = CrawlState(tmp_path / "r.db", tmp_path / "archive", run_id=7, source="s")
    reader = open_db(tmp_path / "r.db", ensure=False)

    def written() -> list[tuple[str, str]]:
        return reader.execute(
            "select f.sha256, d.last_seen > '2020' from fetches f"
            " join documents d on d.sha256 = f.sha256 where f.run = 7 order by f.sha256"
        ).fetchall()

    state.unmodified(known[0][1], known[0][0])
    assert written() == []  # held for the batch
    state.unmodified(known[1][1], known[1][0])
    assert written() == [(known[0][0], 1), (known[1][0], 1)]
    state.unmodified(known[2][1], known[2][0])
    assert len(written()) == 2
    report = state.report()  # the end of the crawl writes what is left
    assert written() == [(sha, 1) for sha, _ in known]
    assert (report["unchanged"], report["not_modified"]) == (3, 3)
    assert state.pending_not_modified == []


def test_a_304_at_a_new_url_of_a_known_document_adds_the_url(tmp_path: Path) -> None:
    [(sha, url)] = _known_documents(tmp_path / "r.db", 1)
    db = open_db(tmp_path / "r.db", ensure=False)
    mirror = "http://mirror.example/r0.pdf"
    record_not_modified(
        db,
        run=3,
        source="s",
        seen=[
            NotModified(url, sha, "2026-12-06T10:00:00+00:00"),
            NotModified(mirror, sha, "2026-12-06T10:00:01+00:00"),
        ],
    )
    urls = db.execute(
        "select url, first_seen, last_seen from document_urls where document = ? order by url",
        [sha],
    ).fetchall()
    first_seen = db.execute("select first_seen from documents").fetchone()[0]
    assert urls == [
        (url, first_seen, "2026-12-06T10:00:00+00:00"),
        (mirror, "2026-12-06T10:00:01+00:00", "2026-12-06T10:00:01+00:00"),
    ]
    assert db.execute("select last_seen from documents").fetchone()[0] == (
        "2026-12-06T10:00:01+00:00"
    )
    assert db.execute("select count(*), sum(not_modified) from fetches").fetchone() == (2, 2)
