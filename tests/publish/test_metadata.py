"""The Datasette metadata: generated, committed, complete."""

from __future__ import annotations

import json

import sqlite_utils

from db.connect import open_db
from parsers.registry import table_specs
from records.core.config import load_config
from records.publish.metadata import DATABASE, build_metadata, render, runtime_metadata
from tests.publish.conftest import Built, Client, copy_database
from tests.shared import REPO

METADATA_FILE = REPO / "datasette-metadata.json"
CONFIG = load_config(REPO / "sources.toml")


def test_committed_metadata_is_the_generated_one() -> None:
    committed = METADATA_FILE.read_text(encoding="utf-8")
    assert committed == render(build_metadata(config=CONFIG)), (
        "datasette-metadata.json is stale: run `python -m records.publish.metadata "
        "sources.toml > datasette-metadata.json`"
    )


def _published(client: Client) -> dict[str, list[str]]:
    """Every table and view Datasette shows (not hidden), with its columns."""
    data = client.json(f"/{client.db}.json")
    shown = {t["name"]: t["columns"] for t in data["tables"] if not t["hidden"]}
    database = client.ds.databases[client.db]
    for view in client.loop.run_until_complete(database.view_names()):
        shown[view] = client.loop.run_until_complete(database.table_columns(view))
    return shown


def _undescribed(client: Client) -> dict[str, list[str]]:
    tables = client.metadata["databases"][client.db]["tables"]
    missing: dict[str, list[str]] = {}
    for name, columns in _published(client).items():
        described = tables.get(name, {}).get("columns", {})
        lacking = [c for c in columns if not described.get(c)]
        if lacking or not tables.get(name, {}).get("description"):
            missing[name] = lacking or ["(table description)"]
    return missing


def test_every_published_column_is_described(site_client: Client, series_client: Client) -> None:
    assert _undescribed(site_client) == {}
    assert _undescribed(series_client) == {}


def test_the_check_notices_an_undescribed_column(
    ddor_series: Built, series_client: Client, tmp_path
) -> None:
    copy = tmp_path / "records.db"
    copy_database(ddor_series.db, copy)
    db = sqlite_utils.Database(copy)
    db.execute("alter table ddor_policies add column effective_date text")
    db.close()
    client = Client(Built(copy, ddor_series.archive, tmp_path))
    try:
        before = _undescribed(series_client)
        after = _undescribed(client)
        assert {k: v for k, v in after.items() if before.get(k) != v} == {
            "ddor_policies": ["effective_date"]
        }
    finally:
        client.close()


def test_parsed_tables_carry_source_license_facets_and_caveats() -> None:
    tables = build_metadata(config=CONFIG)["databases"][DATABASE]["tables"]
    declined = tables["ddor_declined_detainers"]
    assert declined["source_url"] == "https://www.ice.gov/declined-detainer-outcome-report"
    assert declined["license"] == "Public domain (U.S. federal government work)"
    assert declined["facets"] == ["state", "county", "citizenship", "notable_criminal_activity",
                                  "document"]  # fmt: skip
    assert declined["sort_desc"] == "declined_date"
    # The caveats reporters need are on the table itself.
    assert "when ICE recorded the decline" in declined["description"]
    assert "suspended the series on April 13, 2017" in declined["description"]
    assert "correction to the first report" in declined["description"]
    assert tables["documents"]["label_column"] == "edition"
    for name in ("ddor_top_jurisdictions", "ddor_policies"):
        assert tables[name]["license"] == declined["license"]
        assert tables[name]["facets"][-1] == "document"


def test_runtime_metadata_follows_the_served_database(ddor_series: Built, tmp_path) -> None:
    copy = tmp_path / "weekly.db"
    copy_database(ddor_series.db, copy)
    metadata = runtime_metadata(copy, tmp_path / "archive", REPO / "sources.toml")
    assert list(metadata["databases"]) == ["weekly"]
    assert metadata["plugins"]["agency-records"]["archive"] == str(tmp_path / "archive")
    assert 'href="weekly/new_documents.atom"' in metadata["description_html"]
    tables = metadata["databases"]["weekly"]["tables"]
    assert tables["ddor_declined_detainers"]["license"] == (
        "Public domain (U.S. federal government work)"
    )
    # Only the tables the database has: no template's tables, no generic extractor's.
    assert "ca_warn_notices" not in tables and "extracted_rows" not in tables
    queries = metadata["databases"]["weekly"]["queries"]
    assert {"declined_per_week_by_state", "top_jurisdictions_over_time", "search_pages"} <= set(
        queries
    )
    charts = [c["name"] for c in metadata["plugins"]["agency-records"]["charts"]]
    assert charts == ["declined-detainers"]


def test_runtime_metadata_drops_what_the_database_lacks(tmp_path) -> None:
    # A newsroom that loads only its state's WARN notices: no DDOR table, query or chart.
    open_db(tmp_path / "warn.db", specs=table_specs(["ca-warn"])).close()
    metadata = runtime_metadata(tmp_path / "warn.db", tmp_path / "archive")
    database = metadata["databases"]["warn"]
    assert not [t for t in database["tables"] if t.startswith("ddor_")]
    assert not [q for q, v in database["queries"].items() if "ddor_" in v["sql"]]
    assert "detainer" not in json.dumps(metadata).lower()
    charts = [c["name"] for c in metadata["plugins"]["agency-records"]["charts"]]
    assert charts == ["warn-employees-per-month"]
    assert 'href="-/charts/warn-employees-per-month"' in metadata["description_html"]


def test_metadata_of_a_missing_database_lists_no_parsed_table(tmp_path) -> None:
    metadata = runtime_metadata(tmp_path / "none.db", tmp_path / "archive")
    assert metadata["databases"]["none"]["tables"] == {}
    assert metadata["plugins"]["agency-records"]["charts"] == []
