"""The walking pipeline, end to end: a copy of the DDOR agency page on 127.0.0.1 ->
`records run ice-ddor` -> rows in SQLite that match the report's ground truth."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from click.testing import CliRunner

from records.cli import cli
from tests.conftest import sources_for
from tests.httpserver import Site
from tests.shared import DDOR_TRUTH, DECLINED_COLUMNS, expected

EXPECTED = expected(DDOR_TRUTH)


def run_cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "records.db"), "--archive", str(tmp_path / "archive"), *args],
        catch_exceptions=False,
    )
    return result.exit_code, result.output


def test_run_ice_ddor_loads_every_section_ii_row_with_its_page(
    tmp_path: Path, ddor_site: Site
) -> None:
    sources = sources_for(ddor_site.url, tmp_path)
    code, output = run_cli(tmp_path, "--sources", str(sources), "run", "ice-ddor")
    assert code == 0, output
    assert "1 new document(s)" in output
    db = sqlite_utils.Database(tmp_path / "records.db")
    assert db["ddor_declined_detainers"].count == 206
    rows = list(
        db.query(
            "select page, row_index, "
            + ", ".join(DECLINED_COLUMNS)
            + " from ddor_declined_detainers order by row_index"
        )
    )
    want = EXPECTED["sections"]["II"]["rows"]
    got = [{k: r[k] for k in ("page", *DECLINED_COLUMNS)} for r in rows]
    # blank cells are kept as null (the ground truth writes them as "")
    assert got == [
        {k: (w[k] if w[k] != "" else None) for k in ("page", *DECLINED_COLUMNS)} for w in want
    ]
    # spot checks a reporter would make against the PDF
    assert got[0] == {
        "page": 3,
        "state": "CA",
        "county": "Alameda County",
        "facility": "Santa Rita Jail",
        "citizenship": "Cambodia",
        "detainer_issued_date": "2016-11-09",
        "declined_date": "2017-01-31",
        "notable_criminal_activity": "Domestic Violence",
    }
    assert got[-1]["page"] == 12
    travis = db.execute(
        "select count(*) from ddor_declined_detainers where county = "
        "'Travis County' and state = 'TX'"
    ).fetchone()[0]
    assert travis == 142


def test_run_records_the_document_its_fetch_and_the_run(tmp_path: Path, ddor_site: Site) -> None:
    sources = sources_for(ddor_site.url, tmp_path)
    code, _ = run_cli(tmp_path, "--sources", str(sources), "run", "ice-ddor")
    assert code == 0
    db = sqlite_utils.Database(tmp_path / "records.db")
    doc = next(db["documents"].rows)
    assert doc["status"] == "parsed"
    assert doc["filename"] == "ddor2017_01-28to02-03.pdf"
    assert doc["url"] == f"{ddor_site.url}/doclib/ddor/ddor2017_01-28to02-03.pdf"
    assert doc["pages"] == 35
    assert doc["report_period_start"] == "2017-01-28"
    assert doc["report_period_end"] == "2017-02-03"
    # The release date is printed only on the agency's page, beside the link.
    assert doc["release_date"] == EXPECTED["report"]["release_date"] == "2017-03-20"
    assert doc["link_text"].startswith("Weekly Declined Detainer Outcome Report for Recorded")
    archived = tmp_path / "archive" / doc["sha256"][:2] / doc["sha256"]
    assert (
        archived.read_bytes()
        == (
            Path(__file__).resolve().parents[1].parent
            / "shared/fixtures/ddor/ddor2017_01-28to02-03.pdf"
        ).read_bytes()
    )
    fetch_urls = [f["url"] for f in db["fetches"].rows]
    assert doc["url"] in fetch_urls
    run = next(db["runs"].rows)
    assert (run["trigger"], run["status"], run["documents_new"]) == ("cli", "ok", 1)
    assert run["rows_added"] == 206 + 10 + 155
