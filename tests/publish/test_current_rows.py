"""Current rows by default (issue 23): on the demo series (three weeks and a correction of
week 1 that withdrew rows), the declined-detainers table, its count, facets, CSV and JSON
carry no row of the superseded report; the chart agrees; superseded rows are one click away,
marked."""

from __future__ import annotations

import csv
import html
import io
import sqlite3
from pathlib import Path

from db.connect import open_db
from db.load import fail_document
from records.core.paths import Paths
from records.pipeline.add import add_files
from tests.publish.conftest import Built, Client
from tests.shared import fixture

TABLE = "ddor_declined_detainers"


def _counts(built: Built) -> tuple[int, int, str]:
    con = sqlite3.connect(built.db)
    (superseded,) = con.execute(
        "select sha256 from documents where sha256 not in (select sha256 from current_documents)"
        " and status = 'parsed'"
    ).fetchone()
    total = con.execute(f"select count(*) from {TABLE}").fetchone()[0]
    old = con.execute(f"select count(*) from {TABLE} where document = ?", [superseded]).fetchone()
    return total, old[0], superseded


def test_table_count_csv_json_and_chart_agree_on_current_rows(
    series_client: Client, ddor_series: Built
) -> None:
    total, old, superseded = _counts(ddor_series)
    current = total - old
    assert old > 0
    db = series_client.db
    page = series_client.json(f"/{db}/{TABLE}.json?_size=0")
    assert page["filtered_table_rows_count"] == current
    # A template's table holds no rows of quarantined documents: the filter says only this.
    assert page["human_description_en"].startswith("where document is current sorted by")
    # The report facet lists current documents only.
    facet = series_client.json(f"/{db}/{TABLE}.json?_size=0&_facet=document")
    documents = {r["value"] for r in facet["facet_results"]["document"]["results"]}
    assert superseded not in documents and len(documents) == 3
    response = series_client.get(f"/{db}/{TABLE}.csv?_stream=on&_labels=off")
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == current
    assert superseded not in {r[header.index("document")] for r in rows}
    json_rows = series_client.json(f"/{db}/{TABLE}.json?_shape=array&_size=max&_nofacet=1")
    assert len(json_rows) == current
    chart = series_client.get("/-/charts/declined-detainers").text
    assert f"{current:,} declined detainers in all" in chart


def test_superseded_rows_are_one_click_away_and_marked(
    series_client: Client, ddor_series: Built
) -> None:
    total, old, superseded = _counts(ddor_series)
    db = series_client.db
    page = series_client.get(f"/{db}/{TABLE}").text
    assert f"{old} rows of reports replaced by a correction are left out" in page
    (link,) = [
        html.unescape(part.split('"')[0])
        for part in page.split('class="superseded-rows" href="')[1:]
    ]
    assert link == f"/{db}/{TABLE}?_editions=superseded"
    marked = series_client.get(link).text
    assert "<strong>Superseded rows</strong>" in marked
    data = series_client.json(f"/{db}/{TABLE}.json?_editions=superseded&_size=max&_shape=array")
    assert len(data) == old and {r["document"] for r in data} == {superseded}
    labelled = series_client.json(
        f"/{db}/{TABLE}.json?_editions=all&_size=max&_shape=objects&_labels=on&_nofacet=1"
    )["rows"]
    marked = [r for r in labelled if r["document"]["label"].endswith(", superseded)")]
    assert len(marked) == old and {r["document"]["value"] for r in marked} == {superseded}
    every = series_client.json(f"/{db}/{TABLE}.json?_editions=all&_size=0")
    assert every["filtered_table_rows_count"] == total
    # Tables that are not parsed rows are left alone.
    documents = series_client.json(f"/{db}/documents.json?_size=0")
    assert documents["filtered_table_rows_count"] == 4


def test_rows_of_a_document_whose_last_parse_failed_are_not_called_superseded(
    tmp_path: Path,
) -> None:
    """A parsed report whose next parse failed keeps its rows (``db.load.fail_document``) but
    is neither current nor replaced: the page says why they are left out, and does not count
    them as rows of a report a correction replaced."""
    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "a", sources=tmp_path / "none.toml")
    report = fixture("real/pdfplumber/nics-background-checks-2015-11.pdf")
    assert add_files([report], paths=paths, config=None).ok
    db = open_db(paths.db, ensure=False)
    (sha,) = [r["sha256"] for r in db["documents"].rows]
    fail_document(db, sha, "nics-background-checks-2015-11.pdf: the parse failed")
    db.close()
    client = Client(Built(db=paths.db, archive=paths.archive, workdir=tmp_path))
    try:
        page = client.get(f"/{client.db}/fbi_nics_checks").text
        counts = [
            client.json(f"/{client.db}/fbi_nics_checks.json?_size=0&_nofacet=1{also}")[
                "filtered_table_rows_count"
            ]
            for also in ("", "&_editions=superseded", "&_editions=all")
        ]
    finally:
        client.close()
    assert (
        "55 rows of documents whose last parse failed are left out (also of the counts, CSV and"
        " JSON)." in page
    )
    assert "replaced by a correction" not in page
    assert counts == [0, 0, 55]
