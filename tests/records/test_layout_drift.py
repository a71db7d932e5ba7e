"""A template that refuses a document's layout: the data stays visible. `records extract`
falls back to the plain parser of the file's kind (a PDF's generic extractor, a workbook's
spreadsheet parser; a warning on stderr); the pipeline quarantines the document and loads
that parser's tables flagged ``layout_drift``; the document page says why and links to them.

The editions are NICS-shaped reports generated from the real November 2015 figures
(``tests/parsers/templates/nics_editions.py``): no real post-2016 edition is among the fixtures.
"""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from db.connect import open_db
from parsers.generic import extract_tables
from parsers.spreadsheets.draft import draft_sheet_template
from records.cli import cli
from records.core.paths import Paths
from records.pipeline.add import add_files
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
        " state_representative_93rd_representative_district; showing the tables the"
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


def _louisiana_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet template drafted from Louisiana's February 2023 workbook, in a folder the
    commands read (``RECORDS_TEMPLATES``), and a database and archive in ``tmp_path``."""
    folder = tmp_path / "templates"
    folder.mkdir()
    drafted = draft_sheet_template(LA_FEBRUARY, name="la-results")
    (folder / "la-results.sheet.toml").write_text(drafted, encoding="utf-8")
    monkeypatch.setenv("RECORDS_TEMPLATES", str(folder))
    monkeypatch.setenv("RECORDS_SOURCES", str(tmp_path / "none.toml"))
    monkeypatch.setenv("RECORDS_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("RECORDS_ARCHIVE", str(tmp_path / "archive"))


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
    assert db.execute("select count(*) from fbi_nics_checks").fetchone()[0] == 55  # not in it
    flagged = list(db.query("select * from extracted_tables where document = ?", [sha]))
    assert len(flagged) == 1
    assert flagged[0]["layout_drift"].startswith(
        "fbi-nics v1.1 refused the layout: nics-2019-07.pdf: layout does not match"
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

    client = Client(Built(db=paths.db, archive=paths.archive, workdir=tmp_path))
    try:
        html = client.get(f"/{client.db}/documents/{sha}").text
        linked = _linked_rows(client, html, "56 rows")
    finally:
        client.close()
    assert "<dt>Layout drift</dt>" in html
    assert "Not in fbi_nics_checks: fbi-nics v1.1 refused the layout:" in html
    assert "Its tables were read by the generic extractor instead:" in html
    # The link shows them: a quarantined document is not current, so it asks for every
    # edition's rows (before, it led to "0 rows where document is current").
    rows_url = f"/{client.db}/extracted_rows?document={sha}&amp;_editions=all"
    assert f'href="{rows_url}">56 rows</a>' in html
    assert [json.loads(r["cells"]) for r in linked] == extract_tables(drifted)[0].rows


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
        "1 quarantined; 0 row(s) added; 20 row(s) in the generic tables of quarantined"
        " documents; 1 error(s)" in result.output
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
        "1 quarantined; 46 row(s) added; 20 row(s) in the generic tables of quarantined"
        " documents; 1 error(s)" in result.output
    )

    db = open_db(tmp_path / "records.db")
    sha = hashlib.sha256(december.read_bytes()).hexdigest()
    document = db.table("documents").get(sha)
    assert document["status"] == "quarantined" and document["parser"] == "la-results"
    refusal = (
        "la-results v1.0 refused the layout: la-results v1.0 layout drift: no table of the"
        " workbook has the columns of state_representative_93rd_representative_district"
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
    finally:
        client.close()
    assert "<dt>Layout drift</dt>" in html
    assert (
        "Not in state_representative_93rd_representative_district,"
        " state_representative_93rd_representative_district_2: " + refusal in html
    )
    assert "Its tables were read by the spreadsheet parser instead:" in html
    only_it = f"?document={sha}&amp;_editions=all"
    assert f'href="/{client.db}/spreadsheet_sheets{only_it}">2 tables</a>' in html
    assert f'href="/{client.db}/spreadsheet_rows{only_it}">20 rows</a>' in html
    assert [r["sheet_name"] for r in linked_sheets] == ["Cameron", "St. Landry"]
    assert [(r["sheet_name"], r["sheet_row"], r["cells"]) for r in linked] == [
        (r["sheet_name"], r["sheet_row"], r["cells"]) for r in rows
    ]
