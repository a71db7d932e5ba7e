"""A link with a cache-buster is crawled and loaded; document links no pattern takes are
shown on the crawl's progress line and noted in the run's errors (stage discover)."""

from __future__ import annotations

from pathlib import Path

from db.connect import open_db
from records.core.config import load_config
from records.core.paths import Paths
from records.pipeline.run import run
from tests.httpserver import Route, serve
from tests.scrapers.crawling import html_page, write_sources
from tests.shared import fixture

NICS = fixture("real/pdfplumber/nics-background-checks-2015-11.pdf")


def test_query_string_link_is_crawled_and_loaded(tmp_path: Path) -> None:
    body = NICS.read_bytes()
    routes: dict[str, Route] = {
        "/nics": lambda h: (200, {}, html_page("/doclib/x/report.pdf?v=2", "/doclib/x/data.xlsx")),
        "/doclib/x/report.pdf": lambda h: (200, {"Content-Type": "application/pdf"}, body),
    }
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path, f"{site.url}/nics", name="fbi-nics", parser="fbi-nics", link_regex=r"\.pdf$"
        )
        lines: list[str] = []
        paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "a", sources=sources)
        summary = run(load_config(sources), paths=paths, progress=lines.append)
    assert summary.ok, summary.errors
    assert summary.documents_new == 1 and summary.rows_added == 55
    db = open_db(paths.db, ensure=False)
    (document,) = db.query("select url, status, parser from documents")
    assert document == {
        "url": f"{site.url}/doclib/x/report.pdf?v=2",
        "status": "parsed",
        "parser": "fbi-nics",
    }
    assert db.execute("select count(*) from fbi_nics_checks").fetchone()[0] == 55
    crawl_line = next(line for line in lines if line.startswith("  fbi-nics: 1 new"))
    assert crawl_line.endswith(
        f"; 1 document-looking link(s) matched no pattern: {site.url}/doclib/x/data.xlsx"
    )
    (note,) = db.query("select stage, source, url, message from errors")
    assert note["stage"] == "discover" and note["url"] == f"{site.url}/doclib/x/data.xlsx"
