"""The changes view on a series of generated reports: three weeks and a corrected week 1.

Expected differences are computed from the generated data, never typed in.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

from db.connect import open_db
from db.tables import ensure_spec_tables
from db.views import ensure_views
from parsers.base import Column, TableSpec
from parsers.ice_ddor.parser import PARSER
from records.demo.sample_reports import CORRECTION_WITHDRAWN, demo_series
from tests.publish.conftest import Built, Client, copy_database

SERIES = demo_series()
WEEK1, WEEK2, WEEK3, CORRECTED = SERIES
COLUMNS = ("state", "county", "facility", "citizenship", "detainer_issued_date",
           "declined_date", "notable_criminal_activity")  # fmt: skip


def _declined(report) -> Counter:
    return Counter(tuple(r.get(c) or None for c in COLUMNS) for r in report.data["declined_rows"])


def _changes(built: Built, where: str, params: list) -> Counter:
    con = sqlite3.connect(built.db)
    rows = con.execute(f"select row_values from changes where {where}", params).fetchall()
    return Counter(tuple(json.loads(v)[c] for c in COLUMNS) for (v,) in rows)


def test_the_correction_lists_exactly_the_withdrawn_rows(ddor_series: Built) -> None:
    withdrawn = Counter(
        {k: n for k, n in _declined(WEEK1).items() if (k[0], k[1]) in CORRECTION_WITHDRAWN}
    )
    assert sum(withdrawn.values()) == sum(_declined(WEEK1).values()) - sum(
        _declined(CORRECTED).values()
    )
    removed = _changes(
        ddor_series,
        "comparison = 'correction' and change = 'removed' and table_name = ?"
        " and from_filename = ? and to_filename = ?",
        ["ddor_declined_detainers", WEEK1.filename, CORRECTED.filename],
    )
    assert removed == withdrawn
    con = sqlite3.connect(ddor_series.db)
    assert con.execute(
        "select count(*) from changes where comparison = 'correction' and change = 'added'"
    ).fetchone() == (0,)
    # Sections I and III were re-issued unchanged.
    assert con.execute(
        "select distinct table_name from changes where comparison = 'correction'"
    ).fetchall() == [("ddor_declined_detainers",)]


def test_consecutive_reports_compare_current_versions(ddor_series: Built) -> None:
    added = _changes(
        ddor_series,
        "comparison = 'next report' and change = 'added' and table_name = ? and to_filename = ?",
        ["ddor_declined_detainers", WEEK2.filename],
    )
    assert added == _declined(WEEK2) - _declined(CORRECTED)
    con = sqlite3.connect(ddor_series.db)
    pairs = con.execute(
        "select distinct comparison, from_filename, to_filename from changes order by 2, 3"
    ).fetchall()
    # The superseded original is compared only with its correction.
    assert sorted(pairs) == sorted(
        [
            ("correction", WEEK1.filename, CORRECTED.filename),
            ("next report", CORRECTED.filename, WEEK2.filename),
            ("next report", WEEK2.filename, WEEK3.filename),
        ]
    )
    current = [r[0] for r in con.execute("select filename from current_documents order by 1")]
    assert current == sorted([WEEK2.filename, WEEK3.filename, CORRECTED.filename])


def test_new_in_latest_report_query(series_client: Client) -> None:
    rows = series_client.json(f"/{series_client.db}/new_in_latest_report.json?_shape=array")
    declined = Counter(
        tuple(json.loads(r["row_values"])[c] for c in COLUMNS)
        for r in rows
        if r["table_name"] == "ddor_declined_detainers"
    )
    assert declined == _declined(WEEK3) - _declined(WEEK2)
    assert {r["report"] for r in rows} == {WEEK3.filename}
    assert {r["compared_with"] for r in rows} == {WEEK2.filename}


def test_counts_use_the_corrected_report(series_client: Client) -> None:
    rows = series_client.json(f"/{series_client.db}/declined_per_week_by_state.json?_shape=array")
    per_week = Counter()
    for r in rows:
        per_week[r["week_start"]] += r["declined_detainers"]
    assert per_week == {
        report.data["period_start"]: sum(_declined(report).values())
        for report in (CORRECTED, WEEK2, WEEK3)
    }


def test_changes_page_names_both_documents(series_client: Client) -> None:
    html = series_client.get(
        f"/{series_client.db}/changes?comparison=correction&change=removed"
    ).text
    assert WEEK1.filename in html and CORRECTED.filename in html
    withdrawn = sum(
        (r["state"], r["county"]) in CORRECTION_WITHDRAWN for r in WEEK1.data["declined_rows"]
    )
    assert f"{withdrawn} rows" in html
    assert 'href="/-/archive/' in html and "#page=" in html


def test_views_are_not_recreated_when_unchanged(ddor_series: Built, tmp_path) -> None:
    copy = tmp_path / "copy.db"
    copy_database(ddor_series.db, copy)
    db = open_db(copy)
    before = db.execute("pragma schema_version").fetchone()[0]
    ensure_views(db)
    assert db.execute("pragma schema_version").fetchone()[0] == before
    # A new column in a parsed table changes the view's SQL: the view follows.
    db.execute("alter table ddor_policies add column effective_date text")

    class Wider:
        name = PARSER.name
        tables = tuple(
            TableSpec(s.name, s.description, (*s.columns, Column("effective_date", "date", "x")))
            if s.name == "ddor_policies"
            else s
            for s in PARSER.tables
        )

    ensure_spec_tables(db, Wider.tables)
    ensure_views(db)
    sql = db.execute("select sql from sqlite_master where name = 'changes'").fetchone()[0]
    assert "'effective_date', [effective_date]" in sql


def test_a_row_edited_by_a_correction_is_one_changed_row(tmp_path) -> None:
    """A correction that edits a row in place (no row withdrawn): one 'changed' row naming
    the edited values, old → new; the table's own changes view has the values as columns."""
    from dataclasses import replace

    from db.sources import sync_sources
    from records.core.config import load_config
    from records.core.paths import Paths
    from records.pipeline.add import add_files
    from tests.shared import REPO

    rows = [dict(r) for r in WEEK1.data["declined_rows"]]
    edited = 3
    old = dict(rows[edited])
    rows[edited]["citizenship"] = "Canada" if old["citizenship"] != "Canada" else "Peru"
    rows[edited]["notable_criminal_activity"] = "Fraud"
    corrected = replace(CORRECTED, data={**WEEK1.data, "declined_rows": rows, "corrected": True})
    paths = Paths(db=tmp_path / "e.db", archive=tmp_path / "a", sources=REPO / "sources.toml")
    config = load_config(paths.sources)
    sync_sources(open_db(paths.db), config.sources)
    (tmp_path / "pdf").mkdir()
    for report in (WEEK1, corrected):
        summary = add_files([report.write(tmp_path / "pdf")], paths=paths, config=config,
                            source="ice-ddor")  # fmt: skip
        assert summary.ok, summary.errors
    con = sqlite3.connect(paths.db)
    con.row_factory = sqlite3.Row
    (row,) = con.execute("select * from changes").fetchall()
    assert (row["comparison"], row["table_name"], row["change"]) == (
        "correction",
        "ddor_declined_detainers",
        "changed",
    )
    assert row["what_changed"] == (
        f"citizenship: {old['citizenship']} → {rows[edited]['citizenship']}; "
        f"notable_criminal_activity: {old['notable_criminal_activity']} → Fraud"
    )
    assert row["from_label"] == f"{WEEK1.filename} (2017-01-28 to 2017-02-03, superseded)"
    assert row["to_label"] == f"{CORRECTED.filename} (2017-01-28 to 2017-02-03, correction)"
    assert json.loads(row["row_values"]) == rows[edited]
    (wide,) = con.execute("select * from changes_ddor_declined_detainers").fetchall()
    assert {c: wide[c] for c in COLUMNS} == rows[edited]
    assert (wide["report"], wide["compared_with"], wide["change"]) == (
        f"{CORRECTED.filename} (2017-01-28 to 2017-02-03, correction)",
        f"{WEEK1.filename} (2017-01-28 to 2017-02-03, superseded)",
        "changed",
    )


def test_each_table_has_its_changes_with_values_as_columns(ddor_series: Built) -> None:
    con = sqlite3.connect(ddor_series.db)
    con.row_factory = sqlite3.Row
    for table in ("ddor_declined_detainers", "ddor_top_jurisdictions", "ddor_policies"):
        long = con.execute(
            "select row_values, change, document, page, row_index from changes"
            " where table_name = ? order by document, page, row_index, change",
            [table],
        ).fetchall()
        wide = con.execute(
            f"select * from changes_{table} order by document, page, row_index, change"
        ).fetchall()
        assert len(wide) == len(long) > 0
        for w, r in zip(wide, long, strict=True):
            values = json.loads(r["row_values"])
            assert {c: w[c] for c in values} == values
            assert (w["change"], w["document"], w["page"]) == (r[1], r[2], r[3])
