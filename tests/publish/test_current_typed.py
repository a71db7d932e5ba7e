"""A corrected spreadsheet re-posted at its URL, read without a template: the typed table's
page, count, CSV and JSON carry the correction's rows only, as a parser's tables do; the
replaced file's rows are one click away. Two real runs against a site on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from tests.httpserver import serve
from tests.parsers.spreadsheets.generated import detention_workbook
from tests.publish.conftest import Built, Client, records_run

SOURCES = """[[source]]
name = "facilities"
agency = "Example agency"
url = "{url}/index.html"
link_regex = "data/[^/]+\\\\.xlsx$"
parser = "spreadsheet"
download_delay = 0.0
"""


def test_a_typed_table_shows_the_correction_not_the_file_it_replaced(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    (site_dir / "data").mkdir(parents=True)
    (site_dir / "index.html").write_text(
        '<html><body><a href="data/facilities.xlsx">Facilities</a></body></html>'
    )
    posted = site_dir / "data" / "facilities.xlsx"
    built = Built(db=tmp_path / "records.db", archive=tmp_path / "archive", workdir=tmp_path)
    with serve(site_dir) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(SOURCES.format(url=site.url), encoding="utf-8")
        detention_workbook(posted, 2019)
        records_run(sources, built, "facilities")
        detention_workbook(posted, 2020)  # re-posted with other figures: a correction
        records_run(sources, built, "facilities")

    con = sqlite3.connect(built.db)
    ((table,),) = con.execute("select name from typed_tables").fetchall()
    ((old,),) = con.execute(
        "select sha256 from documents where sha256 not in (select sha256 from current_documents)"
    ).fetchall()
    ((new,),) = con.execute("select sha256 from current_documents").fetchall()
    # Both files' rows are in the table: three facilities each.
    counts = con.execute(f"select document, count(*) from [{table}] group by 1").fetchall()
    assert set(counts) == {(old, 3), (new, 3)}
    client = Client(built)
    try:
        page = client.json(f"/{client.db}/{table}.json?_size=max&_shape=objects")
        assert page["filtered_table_rows_count"] == 3
        assert {r["document"] for r in page["rows"]} == {new}
        assert sorted(r["Average Daily Population Total"] for r in page["rows"]) == [
            570,
            1010,
            3520,
        ]
        response = client.get(f"/{client.db}/{table}.csv?_stream=on&_labels=off")
        header, *rows = list(csv.reader(io.StringIO(response.text)))
        assert len(rows) == 3 and {r[header.index("document")] for r in rows} == {new}
        replaced = client.json(f"/{client.db}/{table}.json?_editions=superseded&_shape=array")
        assert {r["document"] for r in replaced} == {old} and len(replaced) == 3
        assert sorted(r["Average Daily Population Total"] for r in replaced) == [570, 1010, 3519]
        every = client.json(f"/{client.db}/{table}.json?_editions=all&_size=0")
        assert every["filtered_table_rows_count"] == 6
        html = client.get(f"/{client.db}/{table}").text
        assert "3 rows of reports replaced by a correction are left out" in html
    finally:
        client.close()
