"""`run` gives the crawl its job as soon as the run is recorded, gets the parse stage ready
while it crawls, and changes the schema (the parsers' tables) only once no crawl child writes:
made while the child wrote, they failed a run with "database is locked"."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import records.pipeline.run as pipeline_run
import scrapers.crawl
from db.connect import open_db
from parsers.registry import get_parser
from records.core.config import load_config
from records.core.paths import Paths
from records.demo.sample_reports import weekly_series
from tests.httpserver import serve
from tests.scrapers.crawling import html_page, write_sources


@contextmanager
def _one_report_site(tmp_path: Path) -> Iterator[Paths]:
    """A site on 127.0.0.1 with one weekly report, and the paths of a run against it."""
    (tmp_path / "site").mkdir()
    report = weekly_series(1)[0]
    report.write(tmp_path / "site")
    (tmp_path / "site" / "index.html").write_bytes(html_page(report.filename))
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", parser="ice-ddor")
        yield Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=sources)


def test_the_parsers_tables_are_made_after_the_crawl_not_while_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site").mkdir()
    report = weekly_series(1)[0]
    report.write(tmp_path / "site")
    (tmp_path / "site" / "index.html").write_bytes(html_page(report.filename))
    events: list[str] = []
    send, ensure = scrapers.crawl.CrawlChild.send, pipeline_run._ensure_parser_tables

    def sent(self: scrapers.crawl.CrawlChild, *args: Any, **kwargs: Any) -> None:
        events.append("job sent")
        send(self, *args, **kwargs)

    def tables(db: Any, path: Path, *args: Any) -> None:
        crawling = scrapers.crawl.CURRENT_CHILD is not None
        fetched = db.execute("select count(*) from fetches").fetchone()[0]
        events.append(f"tables made: crawl child running {crawling}, {fetched} fetch(es)")
        ensure(db, path, *args)

    monkeypatch.setattr(scrapers.crawl.CrawlChild, "send", sent)
    monkeypatch.setattr(pipeline_run, "_ensure_parser_tables", tables)
    ddor_tables = [spec.name for spec in get_parser("ice-ddor").tables]
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html", parser="ice-ddor")
        paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "archive", sources=sources)
        first = pipeline_run.run(load_config(sources), paths=paths)
        # The ice-ddor tables were made (after the crawl, before loading).
        assert set(ddor_tables) <= set(open_db(paths.db, ensure=False).table_names())
        unchanged = pipeline_run.run(load_config(sources), paths=paths)
    assert (first.ok, first.documents_new, first.errors) == (True, 1, [])
    assert first.rows_added > 0
    assert (unchanged.ok, unchanged.documents_new, unchanged.documents_unchanged) == (True, 0, 1)
    assert events == [
        "job sent",
        "tables made: crawl child running False, 1 fetch(es)",
        "job sent",
        "tables made: crawl child running False, 2 fetch(es)",
    ]


def test_a_run_leaves_no_database_open_so_the_next_crawl_child_is_forked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A scheduler runs each week's job in one process; a database left open by a run (or
    # collected later) made every later crawl child a new interpreter (no warm fork).
    from scrapers.forked import ForkedChild, open_databases

    monkeypatch.delitem(sys.modules, "twisted.internet.reactor", raising=False)
    children: list[object] = []
    start = scrapers.crawl.CrawlChild.__init__

    def started(self: scrapers.crawl.CrawlChild, *args: Any, **kwargs: Any) -> None:
        start(self, *args, **kwargs)
        children.append(self.process)

    monkeypatch.setattr(scrapers.crawl.CrawlChild, "__init__", started)
    with _one_report_site(tmp_path) as paths:
        sources = paths.sources
        for _ in range(2):
            pipeline_run.run(load_config(sources), paths=paths)
            assert open_databases(paths.db) == []
    assert [isinstance(child, ForkedChild) for child in children] == [True, True]


def test_parse_workers_are_forked_only_when_a_download_is_coming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unchanged weekly run (nothing but 304s) forked two parse workers and shut them
    # down again: a tenth of its CPU. They now start when the crawl says a body is coming.
    from records.pipeline.workers.executors import PrefetchPool

    forked: list[str] = []
    start = PrefetchPool.start

    def started(self: PrefetchPool) -> None:
        if self.pool is None:
            crawling = scrapers.crawl.CURRENT_CHILD is not None
            forked.append(f"workers forked, crawl running {crawling}")
        start(self)

    monkeypatch.setattr(PrefetchPool, "start", started)
    with _one_report_site(tmp_path) as paths:
        sources = paths.sources
        first = pipeline_run.run(load_config(sources), paths=paths)
        assert forked == ["workers forked, crawl running True"]
        unchanged = pipeline_run.run(load_config(sources), paths=paths)
    assert (first.ok, first.documents_new, first.errors) == (True, 1, [])
    assert first.rows_added > 0
    assert (unchanged.ok, unchanged.documents_new, unchanged.documents_unchanged) == (True, 0, 1)
    assert forked == ["workers forked, crawl running True"]
