"""A template that refuses a document's layout: the data stays visible. `records extract`
falls back to the plain parser of the file's kind (a PDF's generic extractor, a workbook's
spreadsheet parser; a warning on stderr); the pipeline quarantines the document and loads
that parser's tables flagged ``layout_drift``; the document page says why and links to them.

The editions are NICS-shaped reports generated from the real November 2015 figures
(``tests/parsers/templates/nics_editions.py``): no real post-2016 edition is among the fixtures.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from db.connect import open_db
from db.documents import record_document
from parsers.generic import extract_tables
from parsers.spreadsheets.draft import draft_sheet_template
from records.cli import cli
from records.core.archive import Archive
from records.core.paths import Paths
from records.pipeline.add import add_files
from records.pipeline.parse import parse_pending
from tests.parsers.templates.nics_editions import (
    Edition,
    groups_with,
    real_2015_rows,
    real_cell,
    write_edition,
)
from tests.publish.conftest import Built, Client
from tests.shared import fixture

#: The Louisiana results workbook its sheet template is drafted from.
LA_FEBRUARY = fixture("series/la-sos-election-results/20230218.xlsx")


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Edition]:
    folder = tmp_path_factory.mktemp("nics-editions")
    rows = real_2015_rows()
    return {
        "2016": write_edition(
            folder / "nics-2016-03.pdf",
            "March - 2016",
            rows,
            groups_with(added={"Permit Recheck": "Permit"}),
            real_cell,
        ),
        "drifted": write_edition(
            folder / "nics-2019-07.pdf",
            "July - 2019",
            rows,
            groups_with(added={"Permit Recheck": "Permit", "Permit Denied": "Admin"}),
            real_cell,
        ),
    }


def test_extract_falls_back_to_the_generic_tables(editions: dict[str, Edition]) -> None:
    path = editions["drifted"].path
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)
    generic = extract_tables(path)
    assert [t["table"] for t in tables] == [f"p{t.page}-t{t.table_index}" for t in generic]
    assert [t["rows"] for t in tables] == [t.rows for t in generic]
    assert ["Alabama", "18,870", "2,695"] == tables[0]["rows"][0][:3]
    assert len(tables[0]["rows"]) == 56  # 55 states and territories, and Totals
    assert result.stderr.startswith(
        "Warning: nics-2019-07.pdf: layout does not match template fbi-nics v1.1:"
    )
    assert "(columns added: 'Permit Denied')" in result.stderr
    assert "showing the tables the generic extractor finds instead" in result.stderr
    # Naming the template still refuses, saying why.
    named = CliRunner().invoke(cli, ["extract", str(path), "--parser", "fbi-nics"])
    assert named.exit_code == 1
    assert "columns added: 'Permit Denied'" in named.output


def test_extract_falls_back_to_the_spreadsheet_parser_for_a_refused_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Louisiana's December 2023 workbook, refused by the template drafted from February's:
    `records extract` shows what the spreadsheet parser reads (before: only the refusal)."""
    december = fixture("series/la-sos-election-results/20231216.xlsx")
    _louisiana_template(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["extract", str(december)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Warning: la-results v1.0 layout drift: no table of the workbook has the columns of"
        " state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2; showing the tables the"
        " spreadsheet parser finds instead (name a parser with --parser to see what"
        " la-results reads)\n"
    )
    tables = json.loads(result.stdout)
    plain = CliRunner().invoke(cli, ["extract", str(december), "--parser", "spreadsheet"])
    assert tables == json.loads(plain.stdout)
    assert [(t["table"], len(t["rows"])) for t in tables] == [
        ("spreadsheet_sheets", 2),
        ("spreadsheet_rows", 20),
    ]
    # No layout_drift column: the loader sets it, a parse never does.
    assert tables[1]["columns"] == ["sheet", "sheet_name", "sheet_row", "cells", "text"]
    assert tables[1]["rows"][-1][:3] == [2, "St. Landry", 22]
    named = CliRunner().invoke(cli, ["extract", str(december), "--parser", "la-results"])
    assert named.exit_code == 1
    assert "no table of the workbook has the columns of" in named.output


def _louisiana_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, in_sources: bool = False
) -> Path:
    """The sheet template drafted from Louisiana's February 2023 workbook, in a folder the
    commands read (``RECORDS_TEMPLATES``, or ``in_sources``: the sources file's ``[settings]
    templates``), and a database and archive in ``tmp_path``; the sources file's path."""
    folder = tmp_path / "templates"
    folder.mkdir()
    drafted = draft_sheet_template(LA_FEBRUARY, name="la-results")
    (folder / "la-results.sheet.toml").write_text(drafted, encoding="utf-8")
    sources = tmp_path / "sources.toml"
    if in_sources:
        sources.write_text('[settings]\ntemplates = ["templates"]\n', encoding="utf-8")
        monkeypatch.delenv("RECORDS_TEMPLATES", raising=False)
    else:
        monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    monkeypatch.setenv("RECORDS_SOURCES", str(sources))
    monkeypatch.setenv("RECORDS_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("RECORDS_ARCHIVE", str(tmp_path / "archive"))
    return sources


def test_pipeline_loads_new_edition_and_flags_refused_one(
    tmp_path: Path, editions: dict[str, Edition]
) -> None:
    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "a", sources=tmp_path / "none.toml")
    summary = add_files([editions["2016"].path], paths=paths, config=None)
    assert summary.ok, summary.errors
    db = open_db(paths.db, ensure=False)
    rows = list(db.query("select * from fbi_nics_checks order by row_index"))
    assert len(rows) == 55
    assert [r["permit_recheck"] for r in rows] == [
        r["Permit Recheck"] for r in editions["2016"].rows
    ]
    assert rows[0]["state"] == "Alabama" and rows[0]["permit_recheck"] == 2695

    drifted = editions["drifted"].path
    summary = add_files([drifted], paths=paths, config=None)
    assert summary.documents_quarantined == 1
    sha = hashlib.sha256(drifted.read_bytes()).hexdigest()
    document = db.table("documents").get(sha)
    assert document["status"] == "quarantined" and document["parser"] == "fbi-nics"
    assert "(columns added: 'Permit Denied')" in document["error"]
    # Named by its file, not by its archived copy's digest (before: "8502adfe...: layout").
    assert document["error"].startswith(
        "nics-2019-07.pdf: layout does not match template fbi-nics v1.1:"
    )
    assert db.execute("select count(*) from fbi_nics_checks").fetchone()[0] == 55  # not in it
    flagged = list(db.query("select * from extracted_tables where document = ?", [sha]))
    assert len(flagged) == 1
    # The refusal said once (before: "fbi-nics v1.1 refused the layout: nics-2019-07.pdf:
    # layout does not match template fbi-nics v1.1: ...").
    assert flagged[0]["layout_drift"].startswith(
        "nics-2019-07.pdf: layout does not match template fbi-nics v1.1: table fbi_nics_checks:"
    )
    cells = [
        json.loads(r["cells"])
        for r in db.query(
            "select cells from extracted_rows where document = ? and layout_drift is not null"
            " order by row_index",
            [sha],
        )
    ]
    assert cells == extract_tables(drifted)[0].rows
    assert cells[-1][0] == "Totals"
    # Each row keeps where it is printed, for its page image (before: no box at all).
    boxes = [
        r["bbox"]
        for r in db.query(
            "select bbox from extracted_rows where document = ? order by row_index", [sha]
        )
    ]
    assert len(boxes) == 56 and all(b and len(b.split(",")) == 4 for b in boxes)
    assert boxes == sorted(boxes, key=lambda b: float(b.split(",")[1]))  # top to bottom

    client = Client(Built(db=paths.db, archive=paths.archive, workdir=tmp_path))
    try:
        html = client.get(f"/{client.db}/documents/{sha}").text
        linked = _linked_rows(client, html, "56 rows")
        shown = _shown_by_default(client, "extracted_rows")
    finally:
        client.close()
    # The table's page, count, JSON and CSV show the drift rows by default (before: none,
    # and a note calling them rows "of reports replaced by a correction").
    assert shown == {"count": 56, "json": {sha: 56}, "csv": {sha: 56}, "left out": False}
    assert "<dt>Layout drift</dt>" in html
    assert (
        "Not in fbi_nics_checks: nics-2019-07.pdf: layout does not match template fbi-nics v1.1:"
        in html
    )
    assert "Its tables were read by the generic extractor instead:" in html
    # The link shows them by default: a quarantined document no correction replaced is shown.
    rows_url = f"/{client.db}/extracted_rows?document={sha}"
    assert f'href="{rows_url}">56 rows</a>' in html
    assert [json.loads(r["cells"]) for r in linked] == extract_tables(drifted)[0].rows


def _shown_by_default(client: Client, table: str) -> dict[str, Any]:
    """What a reporter gets from ``table`` asking for nothing: its page's row count, its
    JSON and CSV rows by document, and whether the page says rows are left out."""
    page = client.json(f"/{client.db}/{table}.json?_size=0&_nofacet=1")
    rows = client.json(f"/{client.db}/{table}.json?_shape=array&_size=max&_nofacet=1")
    header, *lines = csv.reader(
        io.StringIO(client.get(f"/{client.db}/{table}.csv?_stream=on").text)
    )
    column = header.index("document")
    return {
        "count": page["filtered_table_rows_count"],
        "json": dict(Counter(r["document"] for r in rows)),
        "csv": dict(Counter(line[column] for line in lines)),
        "left out": "are left out" in client.get(f"/{client.db}/{table}").text,
    }


def _linked_rows(client: Client, html: str, text: str) -> list[dict[str, Any]]:
    """The rows (as JSON) of the table page the document page links to as ``text``."""
    (href,) = re.findall(rf'href="([^"]+)">{re.escape(text)}</a>', html)
    path, query = unescape(href).split("?", 1)
    return list(client.json(f"{path}.json?{query}&_shape=array&_size=max"))


def test_a_refused_layout_s_no_rows_warning_says_the_generic_tables_were_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """USC's log drafted from its 2024 edition refuses the 2023 one (8 columns, not 10): the
    template's "no rows" is said with the generic tables loaded beside it, not as if the
    document had given nothing."""
    from parsers.templates.draft import draft_template

    folder = tmp_path / "templates"
    folder.mkdir()
    drafted = draft_template(fixture("series/usc-dps-daily-crime-log/030124.pdf"), name="usc-log")
    (folder / "usc-log.toml").write_text(drafted, encoding="utf-8")
    monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "none.toml"))
    monkeypatch.setenv("RECORDS_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("RECORDS_ARCHIVE", str(tmp_path / "archive"))
    edition = fixture("series/usc-dps-daily-crime-log/100323.pdf")
    result = CliRunner().invoke(cli, ["add", str(edition)])
    assert (
        "100323.pdf: its tables loaded by the generic extractor (20 rows), flagged layout_drift"
        in result.output
    )
    # The run's summary counts them apart from the template's rows (none).
    assert (
        "1 quarantined; 0 row(s) added; 20 row(s) of quarantined documents loaded flagged"
        " layout_drift; 1 error(s)" in result.output
    )
    db = open_db(tmp_path / "records.db")
    (document,) = db["documents"].rows
    assert document["status"] == "quarantined"
    assert document["warnings"] == (
        "usc-log read no rows: 26 table-like lines printed on pages 1-2; the generic"
        " extractor's tables are loaded instead, flagged layout_drift"
    )


def test_a_refused_workbook_s_rows_are_loaded_by_the_spreadsheet_parser_flagged_layout_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Louisiana's results workbook, its template drafted from the February 2023 edition,
    refuses December's (other races, other candidates). Before, a refused workbook's rows
    went to no published table (only the archive and quarantined_rows): the plain
    spreadsheet parser's tables now hold them, flagged ``layout_drift``, as the generic
    extractor's do for a refused PDF."""
    february = LA_FEBRUARY
    december = fixture("series/la-sos-election-results/20231216.xlsx")
    _louisiana_template(tmp_path, monkeypatch)

    result = CliRunner().invoke(cli, ["add", str(february), str(december)])
    assert result.exit_code == 1  # a quarantined document is an error of the run
    assert "20230218.xlsx: parsed, 46 rows (la-results 1.0)" in result.output
    assert (
        "20231216.xlsx: its tables loaded by the spreadsheet parser (20 rows), flagged"
        " layout_drift" in result.output
    )
    assert "20231216.xlsx: quarantined, 0 rows (la-results 1.0)" in result.output
    # The run's summary counts them apart from the template's rows (February's 46).
    assert (
        "1 quarantined; 46 row(s) added; 20 row(s) of quarantined documents loaded flagged"
        " layout_drift; 1 error(s)" in result.output
    )
    # The run's error, which `records status` lists, says where the data went.
    error = (
        "20231216.xlsx: quarantined: la-results v1.0 layout drift: no table of the workbook"
        " has the columns of state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2; its tables"
        " loaded by the spreadsheet parser (20 rows), flagged layout_drift"
    )
    assert f"  error [check] {error}\n" in result.output
    status = CliRunner().invoke(cli, ["status"])
    assert f"  run 1 [check] {error}\n" in status.output

    db = open_db(tmp_path / "records.db")
    sha = hashlib.sha256(december.read_bytes()).hexdigest()
    document = db.table("documents").get(sha)
    assert document["status"] == "quarantined" and document["parser"] == "la-results"
    refusal = (
        "la-results v1.0 layout drift: no table of the workbook has the columns of"
        " state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2"
    )
    sheets = list(
        db.query(
            "select sheet_name, n_rows, layout_drift from spreadsheet_sheets where document = ?"
            " order by sheet",
            [sha],
        )
    )
    assert sheets == [
        {"sheet_name": "Cameron", "n_rows": 5, "layout_drift": refusal},
        {"sheet_name": "St. Landry", "n_rows": 15, "layout_drift": refusal},
    ]
    rows = list(
        db.query(
            "select sheet_name, sheet_row, cells, layout_drift from spreadsheet_rows"
            " where document = ? order by sheet, row_index",
            [sha],
        )
    )
    assert len(rows) == 20 and {r["layout_drift"] for r in rows} == {refusal}
    # The workbook's cells (openpyxl): Cameron B8:C8, the "Total Votes" row printed above
    # the precincts, and St. Landry's last row, "Early Voting " (its trailing space dropped).
    assert (rows[0]["sheet_name"], rows[0]["sheet_row"], json.loads(rows[0]["cells"])) == (
        "Cameron",
        8,
        {"column_1": "Total Votes", "Mark Daigle (REP)": 225, 'Earnestine "Tina" Horn (IND)': 187},
    )
    assert (rows[-1]["sheet_name"], rows[-1]["sheet_row"], json.loads(rows[-1]["cells"])) == (
        "St. Landry",
        22,
        {"column_1": "Early Voting", "John Guilbeaux (DEM)": 77, "Victor Lewis (DEM)": 84},
    )
    # The template's tables hold February's rows only; the spreadsheet parser's, December's.
    feb = hashlib.sha256(february.read_bytes()).hexdigest()

    def by_document(table: str) -> dict[str, int]:
        counted = db.execute(f"select document, count(*) from [{table}] group by document")
        return dict(counted.fetchall())

    template_tables = [t for t in db.table_names() if t.startswith("state_representative_93rd")]
    assert [by_document(t) for t in sorted(template_tables)] == [{feb: 1}, {feb: 45}]
    assert by_document("spreadsheet_rows") == {sha: 20}

    built = Built(db=tmp_path / "records.db", archive=tmp_path / "archive", workdir=tmp_path)
    client = Client(built)
    try:
        html = client.get(f"/{client.db}/documents/{sha}").text
        linked_sheets = _linked_rows(client, html, "2 tables")
        linked = _linked_rows(client, html, "20 rows")
        shown = _shown_by_default(client, "spreadsheet_rows")
    finally:
        client.close()
    assert shown == {"count": 20, "json": {sha: 20}, "csv": {sha: 20}, "left out": False}
    assert "<dt>Layout drift</dt>" in html
    assert (
        "Not in state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2: " + refusal in html
    )
    assert "Its tables were read by the spreadsheet parser instead:" in html
    only_it = f"?document={sha}"
    assert f'href="/{client.db}/spreadsheet_sheets{only_it}">2 tables</a>' in html
    assert f'href="/{client.db}/spreadsheet_rows{only_it}">20 rows</a>' in html
    assert [r["sheet_name"] for r in linked_sheets] == ["Cameron", "St. Landry"]
    assert [(r["sheet_name"], r["sheet_row"], r["cells"]) for r in linked] == [
        (r["sheet_name"], r["sheet_row"], r["cells"]) for r in rows
    ]


#: Where the agency posts its monthly report, each month at the same address.
NICS_URL = "https://www.fbi.gov/file-repository/nics_firearm_checks_-_month_year_by_state_type.pdf"


def test_a_drifted_report_a_parsed_correction_replaces_is_left_out_by_default(
    tmp_path: Path, editions: dict[str, Edition]
) -> None:
    """July 2019 refused (a column added), then re-posted at the same address in the layout
    the template reads: the correction is parsed and supersedes the quarantined edition, whose
    generic rows go behind ?_editions=superseded, counted as rows of a replaced report."""
    correction = write_edition(
        tmp_path / "nics-2019-07-corrected.pdf",
        "July - 2019",
        real_2015_rows(),
        groups_with(added={"Permit Recheck": "Permit"}),
        real_cell,
    )
    db = open_db(tmp_path / "r.db")
    archive = Archive(tmp_path / "a")
    drifted_sha, correction_sha = "", ""
    for path in (editions["drifted"].path, correction.path):
        data = path.read_bytes()
        sha = archive.put(data)
        record_document(
            db, sha256=sha, source=None, url=NICS_URL, filename=path.name,
            content_type="application/pdf", size=len(data),
        )  # fmt: skip
        parse_pending(db, archive, None)  # one month's run, then the next
        drifted_sha, correction_sha = correction_sha or sha, sha
    drifted = db.table("documents").get(drifted_sha)
    corrected = db.table("documents").get(correction_sha)
    assert (drifted["status"], corrected["status"]) == ("quarantined", "parsed")
    assert corrected["supersedes"] == drifted_sha
    assert drifted["edition"] == "nics-2019-07.pdf (period not stated, superseded)"
    shown = [r[0] for r in db.execute("select sha256 from shown_documents")]
    assert shown == [correction_sha]

    client = Client(Built(db=tmp_path / "r.db", archive=tmp_path / "a", workdir=tmp_path))
    try:
        left = _shown_by_default(client, "extracted_rows")
        page = client.get(f"/{client.db}/extracted_rows").text
        filtered = client.json(f"/{client.db}/extracted_rows.json?_size=0")
        superseded = client.json(
            f"/{client.db}/extracted_rows.json?_editions=superseded&_shape=array&_size=max"
        )
        checks = _shown_by_default(client, "fbi_nics_checks")
        html = client.get(f"/{client.db}/documents/{drifted_sha}").text
        linked = _linked_rows(client, html, "56 rows")
    finally:
        client.close()
    assert left == {"count": 0, "json": {}, "csv": {}, "left out": True}
    assert "56 rows of reports replaced by a correction are left out" in page
    # A plain parser's table: the rows it shows by default include quarantined documents'.
    assert filtered["human_description_en"].startswith(
        "where document is current (or quarantined: rows flagged layout_drift)"
    )
    generic = extract_tables(editions["drifted"].path)[0].rows
    assert [json.loads(r["cells"]) for r in superseded] == generic
    assert checks == {
        "count": 55,
        "json": {correction_sha: 55},
        "csv": {correction_sha: 55},
        "left out": False,
    }
    # The document page's link still reaches its rows: it asks for every edition's.
    rows_url = f"/{client.db}/extracted_rows?document={drifted_sha}&amp;_editions=all"
    assert f'href="{rows_url}">56 rows</a>' in html
    assert len(linked) == 56 and {r["document"] for r in linked} == {drifted_sha}


def test_the_document_page_names_the_template_s_tables_from_the_sources_file_s_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template sits in a folder the sources file names (``[settings] templates``), not
    in ``RECORDS_TEMPLATES``: the server reads the sources file, so the document page names
    the template's tables (before: "Not in the template's tables")."""
    sources = _louisiana_template(tmp_path, monkeypatch, in_sources=True)
    december = fixture("series/la-sos-election-results/20231216.xlsx")
    result = CliRunner().invoke(cli, ["add", str(LA_FEBRUARY), str(december)])
    assert "20231216.xlsx: quarantined, 0 rows (la-results 1.0)" in result.output
    sha = hashlib.sha256(december.read_bytes()).hexdigest()
    built = Built(db=tmp_path / "records.db", archive=tmp_path / "archive", workdir=tmp_path)
    client = Client(built, sources=sources)
    try:
        html = client.get(f"/{client.db}/documents/{sha}").text
    finally:
        client.close()
    assert (
        "Not in state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2: la-results v1.0 layout drift:"
        " no table of the workbook has the columns of"
        " state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2." in html
    )
