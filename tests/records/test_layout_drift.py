"""A template that refuses a document's layout: the data stays visible. `records extract`
falls back to the generic extractor (a warning on stderr); the pipeline quarantines the
document and loads its generic tables flagged ``layout_drift``; the document page says why.

The editions are NICS-shaped reports generated from the real November 2015 figures
(``tests/parsers/templates/nics_editions.py``): no real post-2016 edition is among the fixtures.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.connect import open_db
from parsers.generic import extract_tables
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
    finally:
        client.close()
    assert "<dt>Layout drift</dt>" in html
    assert "Not in fbi_nics_checks: fbi-nics v1.1 refused the layout:" in html
    assert f'href="/{client.db}/extracted_rows?document={sha}">56 rows</a>' in html


def test_a_refused_layout_s_no_rows_warning_says_the_generic_tables_were_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """USC's log drafted from its 2024 edition refuses the 2023 one (8 columns, not 10): the
    template's "no rows" is said with the generic tables loaded beside it, not as if the
    document had given nothing."""
    from parsers.templates.draft import draft_template
    from tests.shared import fixture

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
