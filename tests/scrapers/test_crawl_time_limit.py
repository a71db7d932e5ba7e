"""A crawl that never ends is stopped at the time limit, with an error naming the setting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from db.connect import open_db
from records.core.errors import RecordsError
from scrapers.crawl import crawl
from tests.httpserver import Handler, Route, serve
from tests.scrapers.crawling import html_page, tiny_pdf, write_sources


def test_a_crawl_past_its_time_limit_is_stopped_and_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    crawl_over = threading.Event()

    def never_answers(handler: Handler) -> tuple[int, dict[str, str], bytes]:
        crawl_over.wait(120)  # held until the test is done: the crawl cannot finish
        return 200, {}, tiny_pdf("too late")

    routes: dict[str, Route] = {
        "/index.html": lambda h: (200, {}, html_page("held.pdf")),
        "/held.pdf": never_answers,
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", timeout=600, retries=0)
        open_db(tmp_path / "records.db")
        try:
            with pytest.raises(RecordsError) as caught:
                crawl(
                    sources,
                    ["test-agency"],
                    db_path=tmp_path / "records.db",
                    archive_root=tmp_path / "archive",
                    run_id=None,
                    time_limit=2,
                )
        finally:
            crawl_over.set()
    assert str(caught.value) == (
        "crawl of test-agency stopped: it ran longer than 2 s ([settings] crawl_timeout);"
        " what was archived is kept"
    )
    assert not list(tmp_path.glob("records-crawl-*"))
