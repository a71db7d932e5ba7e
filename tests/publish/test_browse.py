"""Browsing the DDOR fixture database: descriptions, facets, search, labels, canned queries,
downloads. Values come from the fixture's ground truth (expected.json)."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import Counter

import pytest

from tests.publish.conftest import Built, Client
from tests.shared import expected

TRUTH = expected("ddor/ddor2017_01-28to02-03.expected.json")
DECLINED = TRUTH["sections"]["II"]["rows"]
TOP = TRUTH["sections"]["I"]["rows"]


def test_table_page_shows_descriptions_source_and_license(site_client: Client) -> None:
    html = site_client.get(f"/{site_client.db}/ddor_declined_detainers").text
    assert "<h1" in html and "DDOR section II: declined detainers" in html
    assert "Date ICE recorded the detainer as declined (not necessarily the release date)." in html
    assert "Public domain (U.S. federal government work)" in html
    assert 'href="https://www.ice.gov/declined-detainer-outcome-report"' in html
    assert "206 rows" in html


def test_default_facets_count_the_fixture_rows(site_client: Client) -> None:
    data = site_client.json(f"/{site_client.db}/ddor_declined_detainers.json?_labels=on")
    facets = data["facet_results"]
    assert list(facets) == ["state", "county", "citizenship", "notable_criminal_activity",
                            "document"]  # fmt: skip
    states = {v["value"]: v["count"] for v in facets["state"]["results"]}
    assert states == dict(Counter(r["state"] for r in DECLINED))
    assert len(states) == 16
    counties = {v["value"]: v["count"] for v in facets["county"]["results"]}
    assert counties["Travis County"] == 142
    # The report facet shows the edition (file name and period), not the hash.
    (report,) = facets["document"]["results"]
    assert report["label"] == "ddor2017_01-28to02-03.pdf (2017-01-28 to 2017-02-03)"
    assert report["count"] == 206


def test_default_sort_and_document_label(site_client: Client) -> None:
    data = site_client.json(
        f"/{site_client.db}/ddor_declined_detainers.json?_shape=objects&_labels=on&_size=1"
    )
    assert data["human_description_en"] == "sorted by declined_date descending"
    row = data["rows"][0]
    assert row["declined_date"] == max(r["declined_date"] for r in DECLINED)
    assert row["document"]["label"] == "ddor2017_01-28to02-03.pdf (2017-01-28 to 2017-02-03)"


def test_full_text_search_on_facility_and_offense(site_client: Client) -> None:
    data = site_client.json(
        f"/{site_client.db}/ddor_declined_detainers.json?_search=%22Santa+Rita%22&_shape=objects"
    )
    assert data["filtered_table_rows_count"] == sum("Santa Rita" in r["facility"] for r in DECLINED)
    assert any(r["citizenship"] == "Cambodia" for r in data["rows"])


def _query(client: Client, name: str, params: str = "") -> list[dict]:
    return client.json(f"/{client.db}/{name}.json?_shape=array&{params}")


def test_canned_queries_count_what_the_report_says(site_client: Client) -> None:
    by_jurisdiction = _query(site_client, "declined_by_jurisdiction_and_week")
    assert sum(r["declined_detainers"] for r in by_jurisdiction) == 206
    travis = [r for r in by_jurisdiction if r["county"] == "Travis County"]
    assert [(r["week_start"], r["week_end"], r["declined_detainers"]) for r in travis] == [
        ("2017-01-28", "2017-02-03", 142)
    ]
    texas = _query(site_client, "declined_by_jurisdiction_and_week", "state=tx")
    assert sum(r["declined_detainers"] for r in texas) == sum(r["state"] == "TX" for r in DECLINED)

    top = _query(site_client, "top_jurisdictions_over_time")
    assert len(top) == len(TOP) == 10
    assert {(r["jurisdiction"], r["detainers_issued_total"]) for r in top} == {
        (r["jurisdiction"], r["detainers_issued"]) for r in TOP
    }
    assert all(r["weeks_in_top_ten"] == 1 for r in top)

    documents = _query(site_client, "documents_and_status")
    assert [(d["filename"], d["status"], d["rows"]) for d in documents] == [
        ("ddor2017_01-28to02-03.pdf", "parsed", 206 + 10 + TRUTH["sections"]["III"]["row_count"])
    ]
    assert _query(site_client, "errors_of_last_run") == []
    assert _query(site_client, "quarantined_documents") == []


def _published_names(client: Client) -> list[str]:
    data = client.json(f"/{client.db}.json")
    names = [t["name"] for t in data["tables"] if not t["hidden"]]
    return names + [v["name"] for v in data["views"]]


@pytest.mark.parametrize("which", ["site", "series"])
def test_csv_and_json_exports_hold_every_row(
    which: str, site_client: Client, series_client: Client, ddor_site: Built, ddor_series: Built
) -> None:
    client, built = (site_client, ddor_site) if which == "site" else (series_client, ddor_series)
    con = sqlite3.connect(built.db)
    checked = 0
    parsed = {name for (name,) in con.execute("select name from parsed_tables")}
    for name in _published_names(client):
        count = con.execute(f"select count(*) from [{name}]").fetchone()[0]
        if name in parsed:  # parsed tables publish the rows of current documents
            count = con.execute(
                f"select count(*) from [{name}]"
                " where document in (select sha256 from current_documents)"
            ).fetchone()[0]
        response = client.get(f"/{client.db}/{name}.csv?_stream=on&_labels=off")
        assert response.status_code == 200, name
        rows = list(csv.reader(io.StringIO(response.text)))
        assert len(rows) - 1 == count, name
        json_rows = client.json(f"/{client.db}/{name}.json?_shape=array&_size=max&_nofacet=1")
        assert len(json_rows) == count, name
        checked += count
    assert checked > 206


def test_csv_export_equals_the_table(site_client: Client, ddor_site: Built) -> None:
    response = site_client.get(f"/{site_client.db}/ddor_declined_detainers.csv?_stream=on")
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    con = sqlite3.connect(ddor_site.db)
    cursor = con.execute("select rowid, * from ddor_declined_detainers order by rowid")
    columns = [c[0] for c in cursor.description]
    assert header == columns
    table = [["" if v is None else str(v) for v in row] for row in cursor]
    # Default sort is by declined date; compare as sets of whole rows keyed by rowid.
    assert sorted(rows, key=lambda r: int(r[0])) == table
    assert len(table) == 206


def test_atom_feed_lists_the_new_document(site_client: Client, ddor_site: Built) -> None:
    response = site_client.get(f"/{site_client.db}/new_documents.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    feed = response.text
    sha = sqlite3.connect(ddor_site.db).execute("select sha256 from documents").fetchone()[0]
    assert feed.count("<entry>") == 1
    assert f"<id>urn:sha256:{sha}</id>" in feed
    assert "ddor2017_01-28to02-03.pdf (2017-01-28 to 2017-02-03)" in feed


def test_chart_draws_the_weekly_totals(site_client: Client) -> None:
    svg = site_client.get("/-/charts/declined-detainers.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert ">206</text>" in svg.text  # the bar's total label
    texas = sum(r["state"] == "TX" for r in DECLINED)
    assert f"TX, Jan 28–Feb 3, 2017: declined detainers: {texas}</title>" in svg.text
    page = site_client.get("/-/charts/declined-detainers")
    assert page.status_code == 200 and "<svg" in page.text
    assert f"/{site_client.db}/declined_per_week_by_state" in page.text
