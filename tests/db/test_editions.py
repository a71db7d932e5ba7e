"""Editions and corrections (docs/editions.md): new bytes at the same URL are a new edition
when the report period differs, a correction when it is the same or unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from db.connect import memory_db
from db.documents import record_document
from db.editions import periods_unknown
from parsers.base import Column, TableSpec

URL = "https://agency.example/reports/AbbreRptCurrent.pdf"
SPEC = TableSpec(
    name="county_counts",
    description="Counts by county.",
    columns=(Column("county", "text", "County."), Column("total", "integer", "Count.")),
)


def _load(
    db: sqlite_utils.Database,
    sha: str,
    period: tuple[str, str] | None,
    rows: dict[str, int],
    url: str = URL,
    status: str = "parsed",
) -> None:
    """What a run does: record the download, then load the parsed rows and period (or, for
    a quarantined document, the rows its plain parser's tables hold flagged layout_drift)."""
    record_document(
        db, sha256=sha, source="abbre", url=url, filename="AbbreRptCurrent.pdf",
        content_type="application/pdf", size=1,
    )  # fmt: skip
    update: dict[str, Any] = {"status": status}
    if period:
        update.update({"report_period_start": period[0], "report_period_end": period[1]})
    db.table("documents").update(sha, update)
    db.table("county_counts").insert_all(
        {"document": sha, "page": 1, "table_index": 0, "row_index": i, "county": c, "total": n}
        for i, (c, n) in enumerate(rows.items())
    )


def _current(db: sqlite_utils.Database) -> list[str]:
    return [r["edition"] for r in db.query("select edition from current_documents order by 1")]


def _comparisons(db: sqlite_utils.Database) -> set[str]:
    return {r["comparison"] for r in db.query("select comparison from changes")}


def test_a_rolling_current_file_replaced_by_the_next_month_is_a_new_edition() -> None:
    db = memory_db([SPEC])
    _load(db, "a" * 64, ("2026-09-01", "2026-09-30"), {"Harris": 8429, "Dallas": 4000})
    _load(db, "b" * 64, ("2026-10-01", "2026-10-31"), {"Harris": 8868, "Dallas": 4000})
    # The link is recorded (same URL) but both editions stay current.
    assert db.table("documents").get("b" * 64)["supersedes"] == "a" * 64
    assert _current(db) == [
        "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30)",
        "AbbreRptCurrent.pdf (2026-10-01 to 2026-10-31)",
    ]
    assert _comparisons(db) == {"next report"}
    changes = list(db.query("select change, to_label, row_values from changes order by change"))
    assert [(c["change"], c["to_label"]) for c in changes] == [
        ("added", "AbbreRptCurrent.pdf (2026-10-01 to 2026-10-31)"),
        ("removed", "AbbreRptCurrent.pdf (2026-10-01 to 2026-10-31)"),
    ]


def test_new_bytes_for_the_same_period_are_a_correction() -> None:
    db = memory_db([SPEC])
    _load(db, "a" * 64, ("2026-09-01", "2026-09-30"), {"Harris": 8429})
    _load(db, "b" * 64, ("2026-09-01", "2026-09-30"), {"Harris": 8430})
    assert _current(db) == ["AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30, correction)"]
    assert _comparisons(db) == {"correction"}
    # The corrected report's rows are marked wherever its label shows.
    assert db.table("documents").get("a" * 64)["edition"] == (
        "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30, superseded)"
    )


def test_an_unknown_period_falls_back_to_a_correction_and_is_counted() -> None:
    db = memory_db([SPEC])
    _load(db, "a" * 64, None, {"Harris": 8429})
    _load(db, "b" * 64, None, {"Harris": 8868})
    assert _current(db) == ["AbbreRptCurrent.pdf (period not stated, correction)"]
    assert periods_unknown(db) == 2


def test_the_label_names_release_date_and_unparsed_files() -> None:
    db = memory_db([SPEC])
    record_document(
        db, sha256="c" * 64, source="abbre", url=URL, filename="list.xlsx",
        content_type="application/pdf", size=1, release_date="2026-11-03",
    )  # fmt: skip
    assert db.table("documents").get("c" * 64)["edition"] == "list.xlsx (not parsed yet)"
    db.table("documents").update("c" * 64, {"status": "parsed"})
    assert db.table("documents").get("c" * 64)["edition"] == "list.xlsx (released 2026-11-03)"


def test_status_says_which_documents_state_no_period(tmp_path: Path) -> None:
    from db.connect import open_db
    from records.cli.status_report import print_status
    from records.core.paths import Paths

    paths = Paths(db=tmp_path / "r.db", archive=tmp_path / "a", sources=tmp_path / "none.toml")
    db = open_db(paths.db, specs=[SPEC])
    _load(db, "a" * 64, None, {"Harris": 8429})
    _load(db, "b" * 64, ("2026-10-01", "2026-10-31"), {"Harris": 8868}, url=URL + "?v=2")
    db.close()
    lines: list[str] = []
    print_status(paths, limit=5, echo=lines.append)
    assert (
        "  1 parsed document(s) state no report period: a newer file at the same URL is taken"
        " as their correction, not a new edition (docs/editions.md)"
    ) in lines


def _shown(db: sqlite_utils.Database) -> list[str]:
    return [r["edition"] for r in db.query("select edition from shown_documents order by 1")]


def test_a_quarantined_report_is_shown_until_a_correction_replaces_it() -> None:
    """Rows a quarantined document's plain parser loaded (flagged layout_drift) are the only
    published form of its data: shown by default, unless a correction replaced it."""
    db = memory_db([SPEC])
    september = ("2026-09-01", "2026-09-30")
    _load(db, "a" * 64, september, {"Harris": 8429}, status="quarantined")
    assert _current(db) == []
    assert _shown(db) == ["AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30)"]
    # A quarantined correction replaces it: both stand in the plain parser's tables.
    _load(db, "b" * 64, september, {"Harris": 8430}, status="quarantined")
    assert _shown(db) == ["AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30, correction)"]
    assert db.table("documents").get("a" * 64)["edition"] == (
        "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30, superseded)"
    )
    # A parsed one replaces the quarantined correction, and is the only current document.
    _load(db, "c" * 64, september, {"Harris": 8431})
    assert (
        _shown(db) == _current(db) == ["AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30, correction)"]
    )


def test_a_quarantined_correction_leaves_its_parsed_report_current() -> None:
    """A correction the template refused does not replace the parsed report: its rows are in
    the plain parser's tables, the report's in the template's, and charts count the report."""
    db = memory_db([SPEC])
    september = ("2026-09-01", "2026-09-30")
    _load(db, "a" * 64, september, {"Harris": 8429})
    _load(db, "b" * 64, september, {"Harris": 8430}, status="quarantined")
    assert _current(db) == ["AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30)"]
    assert _shown(db) == [
        "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30)",
        "AbbreRptCurrent.pdf (2026-09-01 to 2026-09-30, correction)",
    ]
