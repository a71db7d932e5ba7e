"""Issue 8 in Datasette: records requests with their documents, and page search that lands on
the page; plus what a brand-new user sees on an empty database. Each test is named after what
broke in QA."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest

from db.connect import open_db
from parsers.registry import table_specs
from records.core.paths import Paths
from records.publish.charts import stacked_bar_svg
from records.publish.metadata import runtime_metadata
from records.publish.serve import build_datasette
from tests.publish.conftest import Built, Client
from tests.shared import REPO, expected, fixture

DECLINED = expected("ddor/ddor2017_01-28to02-03.expected.json")["sections"]["II"]["rows"]
# Oklahoma ABLE Commission licence listing (camelot's m27.pdf): 2 pages, ALLEGIANT AIR on p. 1.
LICENSES = "real/camelot/m27.pdf"


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A fresh database, as `records serve` creates it before the first run."""
    work = tmp_path_factory.mktemp("empty")
    open_db(work / "records.db", specs=table_specs(["ice-ddor"])).close()
    client = Client(
        Built(db=work / "records.db", archive=work / "archive", workdir=work), desk=True
    )
    yield client
    client.close()


@pytest.fixture(scope="module")
def request_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """One records request answered with a PDF and a CSV (`records request add-files`)."""
    from records.foia.requests import file_request
    from records.pipeline.add import add_files

    work = tmp_path_factory.mktemp("request")
    paths = Paths(db=work / "records.db", archive=work / "archive", sources=REPO / "none.toml")
    request_id = file_request(
        open_db(paths.db), agency="Travis County Sheriff", subject="Detainer logs 2017",
        filed=date(2020, 1, 6), statute_days=10, business_days=True,
    )  # fmt: skip
    csv_file = work / "bookings.csv"
    csv_file.write_text("name,zip\nAcme,02134\nBeta,00501\n", encoding="utf-8")
    summary = add_files([fixture(LICENSES), csv_file], paths=paths, config=None,
                        request_id=request_id)  # fmt: skip
    if not summary.ok:
        raise RuntimeError(f"adding the request's files failed: {summary.errors}")
    client = Client(Built(db=paths.db, archive=paths.archive, workdir=work), desk=True)
    yield client
    client.close()


def _published(client: Client) -> list[str]:
    database = client.json(f"/{client.db}.json")
    return [v["name"] for v in database["views"]] + [q["name"] for q in database["queries"]]


def test_every_view_and_query_answers_on_an_empty_database(empty_client: Client) -> None:
    # Before the first run, search_pages failed (fts5 syntax error on the empty box) and the
    # Atom feed was a 500 (datasette-atom takes max() of no rows).
    names = _published(empty_client)
    assert {"search_pages", "new_documents", "requests_status", "changes"} <= set(names)
    for name in names:
        for suffix in ("", ".json", ".csv"):
            response = empty_client.get(f"/{empty_client.db}/{name}{suffix}")
            assert response.status_code == 200, (name, suffix, response.text[:300])


def test_atom_feed_of_an_empty_database_is_an_empty_feed(empty_client: Client) -> None:
    response = empty_client.get(f"/{empty_client.db}/new_documents.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    feed = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == f"{atom}feed" and feed.findall(f"{atom}entry") == []
    assert feed.findtext(f"{atom}title") == "Newly loaded documents"


def test_chart_of_an_empty_database_says_nothing_is_loaded(empty_client: Client) -> None:
    html = empty_client.get("/-/charts/declined-detainers").text
    assert "No DDOR reports are loaded yet" in html
    assert 'id="chart-title"' not in html and ">0.2<" not in html


def test_chart_axis_ticks_are_whole_numbers() -> None:
    svg = stacked_bar_svg([("week 1", "TX", 2), ("week 2", "CA", 1)], title="t", unit="n")
    ticks = re.findall(r'text-anchor="end" fill="#444">([^<]+)<', svg)
    assert ticks == ["0", "1", "2"]


def test_search_pages_with_an_empty_box_shows_the_form(site_client: Client) -> None:
    for query in ("", "?search=", "?search=++"):
        response = site_client.get(f"/{site_client.db}/search_pages{query}")
        assert response.status_code == 200, response.text[:300]
        assert 'name="search"' in response.text
        assert site_client.json(f"/{site_client.db}/search_pages.json{query}")["rows"] == []


def test_search_pages_accepts_punctuation(site_client: Client) -> None:
    # "Travis County, TX" and "U.S." were FTS5 syntax errors; a reporter pastes such text.
    data = site_client.json(
        f"/{site_client.db}/search_pages.json?_shape=objects&search=Travis+County,+TX"
    )
    pages = {row["page"] for row in data["rows"]}
    assert {r["page"] for r in DECLINED if r["county"] == "Travis County"} <= pages
    assert site_client.json(f"/{site_client.db}/search_pages.json?search=U.S.")["ok"]


def test_search_hit_lands_on_the_archived_page(site_client: Client) -> None:
    db = site_client.db
    data = site_client.json(f"/{db}/search_pages.json?_shape=objects&search=%22Santa+Rita+Jail%22")
    hits = {(row["document"], row["page"]) for row in data["rows"]}
    (sha256,) = {document for document, _ in hits}
    assert {r["page"] for r in DECLINED if r["facility"] == "Santa Rita Jail"} <= {
        page for _, page in hits
    }
    html = site_client.get(f"/{db}/search_pages?search=%22Santa+Rita+Jail%22").text
    for _, page in hits:
        assert f'href="/-/archive/{sha256}#page={page}"' in html
    # The file name leads to the document's provenance, not a bare hash.
    assert f'<a href="/{db}/documents/{sha256}" title="Where this document came from">' in html
    pdf = site_client.get(f"/-/archive/{sha256}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_request_page_lists_the_documents_received(request_client: Client) -> None:
    db = request_client.db
    html = request_client.get(f"/{db}/requests/1").text
    assert "Documents received for this request" in html
    documents = request_client.json(f"/{db}/request_documents.json?_shape=objects&request_id=1")
    names = sorted(row["filename"] for row in documents["rows"])
    assert names == ["bookings.csv", "m27.pdf"]
    for row in documents["rows"]:
        assert f'<a href="/{db}/documents/{row["document"]}">{row["filename"]}</a>' in html
    assert f'href="/{db}/request_documents?request_id=1"' in html


def test_request_views_link_the_request_and_facet_by_status(request_client: Client) -> None:
    db = request_client.db
    status = request_client.json(f"/{db}/requests_status.json?_shape=objects")
    (row,) = status["rows"]
    assert (row["overdue"], row["documents"]) == (1, 2)
    assert set(status["facet_results"]) == {"status", "overdue", "agency"}
    assert status["human_description_en"] == "sorted by days_overdue descending"
    for path in ("requests_status", "request_documents", "overdue_requests"):
        html = request_client.get(f"/{db}/{path}").text
        assert f'<a href="/{db}/requests/1" title="Records request 1">1</a>' in html, path


def test_search_finds_a_received_pdf_page(request_client: Client) -> None:
    db = request_client.db
    data = request_client.json(f"/{db}/search_pages.json?_shape=objects&search=ALLEGIANT+AIR")
    assert [(r["filename"], r["page"], r["ocr"]) for r in data["rows"]] == [("m27.pdf", 1, 0)]


def test_home_page_links_keep_base_url(site_client: Client, ddor_site: Built) -> None:
    # The introduction linked to the chart and /records/...: off the site when
    # Datasette is served under a path prefix (base_url).
    # `records serve --base-url news` builds it this way.
    ds = build_datasette(
        Paths(db=ddor_site.db, archive=ddor_site.archive, sources=REPO / "sources.toml"),
        base_url="news",
    )
    assert ds.setting("base_url") == "/news/"
    loop = asyncio.new_event_loop()
    try:
        for page in ("/", f"/{ddor_site.name}"):
            response = loop.run_until_complete(ds.client.get(page))
            assert response.status_code == 200
            page_url = "http://localhost/news" + page
            links = re.findall(r'href="([^"#]+)"', response.text)
            resolved = {urljoin(page_url, href) for href in links if "://" not in href}
            assert resolved and all(u.startswith("http://localhost/news/") for u in resolved)
            for target in ("-/charts/declined-detainers", f"{ddor_site.name}/search_pages"):
                assert f"http://localhost/news/{target}" in resolved
    finally:
        loop.close()


def test_runtime_description_names_the_served_database(tmp_path: Path) -> None:
    metadata = runtime_metadata(tmp_path / "series.db", tmp_path)
    for html in (metadata["description_html"], metadata["databases"]["series"]["description_html"]):
        assert 'href="series/new_documents.atom"' in html and "records/" not in html


def test_corrected_document_names_the_report_it_supersedes(series_client: Client) -> None:
    # The Versions line showed "supersedes 2cc78bab2523…", a hash, instead of the file name.
    db = series_client.db
    (corrected,) = series_client.json(
        f"/{db}/documents.json?_shape=objects&supersedes__notblank=1"
    )["rows"]
    original = series_client.json(f"/{db}/documents/{corrected['supersedes']}.json?_shape=objects")
    (original_row,) = original["rows"]
    html = series_client.get(f"/{db}/documents/{corrected['sha256']}").text
    link = (
        f'corrects <a href="/{db}/documents/{original_row["sha256"]}" '
        f'title="{original_row["sha256"]}">{original_row["edition"]}</a>'
    )
    assert link in html
    html = series_client.get(f"/{db}/documents/{original_row['sha256']}").text
    assert f'corrected by <a href="/{db}/documents/{corrected["sha256"]}">' in html
