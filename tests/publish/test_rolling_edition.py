"""A rolling "current" file replaced by the next month (issue 23, done-when 1): the agency
overwrites one URL with each new report. Two real runs against a site on 127.0.0.1: two
current editions, both editions' rows in the published table, no 'correction'."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from records.demo.sample_reports import weekly_series
from tests.httpserver import serve
from tests.publish.conftest import Built, Client, fixture_sources, records_run

TABLE = "ddor_declined_detainers"


def test_a_rolling_current_file_gives_two_current_editions(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    (site_dir / "doclib" / "ddor").mkdir(parents=True)
    (site_dir / "index.html").write_text(
        '<html><body><a href="doclib/ddor/AbbreRptCurrent.pdf">Current report</a></body></html>'
    )
    current = site_dir / "doclib" / "ddor" / "AbbreRptCurrent.pdf"
    first, second = weekly_series(2)
    built = Built(db=tmp_path / "records.db", archive=tmp_path / "archive", workdir=tmp_path)
    with serve(site_dir) as site:
        sources = fixture_sources(site.url, tmp_path / "sources.toml")
        first.write(tmp_path).replace(current)
        records_run(sources, built, "ice-ddor")
        second.write(tmp_path).replace(current)  # the next week, same URL
        records_run(sources, built, "ice-ddor")

    con = sqlite3.connect(built.db)
    editions = con.execute("select edition from current_documents order by 1").fetchall()
    assert editions == [
        ("AbbreRptCurrent.pdf (2017-01-28 to 2017-02-03)",),
        ("AbbreRptCurrent.pdf (2017-02-04 to 2017-02-10)",),
    ]
    # The newer file is linked to the older (same URL), as a new edition.
    assert con.execute(
        "select count(*) from documents where supersedes is not null"
    ).fetchone() == (1,)
    comparisons = {r[0] for r in con.execute("select comparison from changes")}
    assert comparisons == {"next report"}
    both = len(first.data["declined_rows"]) + len(second.data["declined_rows"])
    client = Client(built)
    try:
        page = client.json(f"/{client.db}/{TABLE}.json?_size=0")
        assert page["filtered_table_rows_count"] == both
        html = client.get(f"/{client.db}/{TABLE}").text
        assert "replaced by a correction are left out" not in html
    finally:
        client.close()
