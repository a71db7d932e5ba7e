"""Changes by key: a table declaring ``key`` is compared per key between editions (issue 23):
'Harris: total_population 8,429 → 8,868', keys that appeared and disappeared; a table
without a key keeps the row-by-row changes."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.connect import memory_db
from db.documents import record_document
from parsers.base import Column, TableSpec

COLUMNS = (
    Column("county", "text", "County."),
    Column("facility", "text", "Facility."),
    Column("total_population", "integer", "People held."),
)
KEYED = TableSpec("jail_counts", "Counts by county.", COLUMNS, facets=("county",), key=("county",))
PLAIN = TableSpec("jail_counts_plain", "The same, no key.", COLUMNS)
URL = "https://agency.example/AbbreRptCurrent.pdf"


def _edition(db: sqlite_utils.Database, sha: str, month: str, rows: list[tuple[Any, ...]]) -> None:
    record_document(
        db, sha256=sha, source="abbre", url=URL, filename="AbbreRptCurrent.pdf",
        content_type="application/pdf", size=1,
    )  # fmt: skip
    db.table("documents").update(
        sha,
        {
            "status": "parsed",
            "report_period_start": f"{month}-01",
            "report_period_end": f"{month}-28",
        },
    )
    for table in ("jail_counts", "jail_counts_plain"):
        db.table(table).insert_all(
            {"document": sha, "page": 1, "table_index": 0, "row_index": i,
             "county": c, "facility": f, "total_population": n}
            for i, (c, f, n) in enumerate(rows)
        )  # fmt: skip


def _series() -> sqlite_utils.Database:
    db = memory_db([KEYED, PLAIN])
    september = [("Harris", "Main", 8429), ("Dallas", "Lew", 5000), ("Bexar", "Annex", 3000),
                 ("Travis", "Del", 2000)]  # fmt: skip
    october = [("Harris", "Main", 8868), ("Dallas", "Lew", 5000), ("Bexar", "North", 2990),
               ("Tarrant", "Ctr", 4100)]  # fmt: skip
    _edition(db, "a" * 64, "2026-09", september)
    _edition(db, "b" * 64, "2026-10", october)
    return db


def test_a_keyed_two_edition_series_shows_per_key_value_changes() -> None:
    db = _series()
    rows = list(db.query("select * from changes_by_key order by key"))
    got = [(r["comparison"], r["key"], r["change"], r["what_changed"], r["delta"]) for r in rows]
    assert got == [
        ("next report", "Bexar", "changed",
         "facility: Annex → North; total_population: 3,000 → 2,990", -10),
        ("next report", "Harris", "changed", "total_population: 8,429 → 8,868", 439),
        ("next report", "Tarrant", "appeared", None, None),
        ("next report", "Travis", "disappeared", None, None),
    ]  # fmt: skip
    (harris,) = [r for r in rows if r["key"] == "Harris"]
    assert harris["largest_column"] == "total_population"
    assert harris["to_label"] == "AbbreRptCurrent.pdf (2026-10-01 to 2026-10-28)"
    assert harris["from_label"] == "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-28)"
    assert harris["document"] == "b" * 64 and harris["page"] == 1
    # Only keyed tables are compared by key; the plain one keeps its row-by-row changes.
    assert {r["table_name"] for r in rows} == {"jail_counts"}
    plain = list(db.query("select change from changes where table_name = 'jail_counts_plain'"))
    assert sorted(r["change"] for r in plain) == ["added"] * 3 + ["removed"] * 3


def test_a_correction_is_compared_by_key_too() -> None:
    db = _series()
    record_document(
        db, sha256="c" * 64, source="abbre", url=URL, filename="AbbreRptCurrent.pdf",
        content_type="application/pdf", size=1,
    )  # fmt: skip
    db.table("documents").update(
        "c" * 64,
        {
            "status": "parsed",
            "report_period_start": "2026-10-01",
            "report_period_end": "2026-10-28",
        },
    )
    db.table("jail_counts").insert_all(
        {"document": "c" * 64, "page": 1, "table_index": 0, "row_index": i, "county": c,
         "facility": f, "total_population": n}
        for i, (c, f, n) in enumerate([("Harris", "Main", 8870), ("Dallas", "Lew", 5000),
                                       ("Bexar", "North", 2990), ("Tarrant", "Ctr", 4100)])
    )  # fmt: skip
    rows = list(db.query("select * from changes_by_key where comparison = 'correction'"))
    assert [(r["key"], r["change"], r["what_changed"]) for r in rows] == [
        ("Harris", "changed", "total_population: 8,868 → 8,870")
    ]


def test_a_template_declares_its_key() -> None:
    from pathlib import Path

    import pytest

    from parsers.templates.spec import TemplateError, parse_template

    def template(key: list[str]) -> dict[str, Any]:
        return {
            "name": "abbre", "version": "1.0", "description": "Counts.",
            "detect": {"page1": ["Abbreviated Report"]},
            "tables": [{
                "name": "jail_counts", "description": "Counts by county.", "key": key,
                "columns": [
                    {"name": "county", "header": "County", "type": "text", "description": "C."},
                    {"name": "total", "header": "Total", "type": "integer", "description": "N."},
                ],
            }],
        }  # fmt: skip

    (table,) = parse_template(Path("abbre.toml"), template(["county"])).tables
    assert table.spec().key == ("county",)
    with pytest.raises(TemplateError, match=r"key names unknown columns \['district'\]"):
        parse_template(Path("abbre.toml"), template(["district"]))


def test_the_digest_of_a_new_edition_names_its_largest_changes() -> None:
    from db.digest import digest

    db = _series()
    result = digest(db, "b" * 64)
    assert result["edition"] == "AbbreRptCurrent.pdf (2026-10-01 to 2026-10-28)"
    assert result["compared_with"]["edition"] == "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-28)"
    assert result["compared_with"]["comparison"] == "next report"
    assert result["tables"] == [
        {"table": "jail_counts", "rows": 4, "added": 3, "removed": 3},
        {"table": "jail_counts_plain", "rows": 4, "added": 3, "removed": 3},
    ]
    assert [c["text"] for c in result["largest_changes"]] == [
        "Harris: total_population 8,429 → 8,868",
        "Bexar: total_population 3,000 → 2,990",
    ]
    assert result["appeared"] == [{"table": "jail_counts", "key": "Tarrant"}]
    assert result["disappeared"] == [{"table": "jail_counts", "key": "Travis"}]
    # By facet (county): Tarrant +1, Travis -1; history: one earlier report.
    assert [(f["value"], f["old"], f["new"], f["history_mean"]) for f in result["facets"]] == [
        ("Tarrant", 0, 1, 0.0),
        ("Travis", 1, 0, 1.0),
    ]
    assert result["summary"] == (
        "6 rows added, 6 removed against the report before, AbbreRptCurrent.pdf (2026-09-01 to"
        " 2026-09-28); largest change: Harris: total_population 8,429 → 8,868."
    )
    first = digest(db, "a" * 64)
    assert first["compared_with"] is None
    assert first["summary"] == "8 rows; no earlier report to compare with."
