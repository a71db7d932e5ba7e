"""Filing, updating and listing records requests; their views and canned queries."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.connect import memory_db, open_db
from db.foia import request_history
from records.cli import cli
from records.core.errors import RequestError
from records.foia.requests import CANNED_QUERIES, file_request, list_requests, update_request


def test_file_update_and_list_with_history() -> None:
    db = memory_db()
    foia = file_request(
        db,
        agency="ICE",
        subject="Detainer logs",
        filed=date(2024, 11, 25),
        statute_days=20,
        business_days=True,
        tracking_number="2025-ICFO-00012",
    )
    city = file_request(
        db, agency="City of Austin", subject="Payroll", filed=date(2024, 12, 2), statute_days=10
    )
    # Mon 11-25 + 20 working days, Thanksgiving (11-28) skipped.
    assert db.table("requests").get(foia)["due"] == "2024-12-24"
    assert db.table("requests").get(city)["due"] == "2024-12-12"

    update_request(db, foia, status="acknowledged", note="letter of 12/2")
    update_request(db, foia, status="partial", note="first 40 pages", due=date(2025, 1, 31))
    update_request(db, city, status="fulfilled")

    history = request_history(db, foia)
    assert [(h["previous_status"], h["status"]) for h in history] == [
        (None, "filed"),
        ("filed", "acknowledged"),
        ("acknowledged", "partial"),
    ]
    assert history[-1]["due"] == "2025-01-31"
    assert db.table("requests").get(foia)["notes"] == "letter of 12/2\nfirst 40 pages"

    open_lines = list_requests(db, today=date(2025, 2, 10))
    assert [(line.id, line.status, line.due, line.days_overdue) for line in open_lines] == [
        (foia, "partial", "2025-01-31", 10)
    ]
    every = list_requests(db, today=date(2025, 2, 10), open_only=False)
    assert [(line.id, line.days_overdue) for line in every] == [(city, 0), (foia, 10)]


def test_closed_requests_only_reopen_by_appeal() -> None:
    db = memory_db()
    rid = file_request(db, agency="FBI", subject="Case file", filed=date(2024, 1, 2))
    update_request(db, rid, status="denied", note="b(7)(A)")
    with pytest.raises(RequestError, match="is denied: it can change only to appealed"):
        update_request(db, rid, status="partial")
    update_request(db, rid, status="appealed")
    update_request(db, rid, status="withdrawn")
    with pytest.raises(RequestError, match="is withdrawn: it can change no further"):
        update_request(db, rid, status="appealed")


def test_unknown_request_and_bad_arguments() -> None:
    db = memory_db()
    with pytest.raises(RequestError, match="no records request 7"):
        update_request(db, 7, status="fulfilled")
    with pytest.raises(RequestError, match="needs --statute-days"):
        file_request(db, agency="A", subject="B", filed=date(2024, 1, 2), business_days=True)
    with pytest.raises(RequestError, match="needs an agency and a subject"):
        file_request(db, agency=" ", subject="B", filed=date(2024, 1, 2))


def test_status_view_and_canned_queries(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db")
    today = date.today()
    late = file_request(
        db, agency="Sheriff", subject="Jail log", filed=today - timedelta(days=40), statute_days=30
    )
    on_time = file_request(db, agency="Clerk", subject="Minutes", filed=today, statute_days=5)
    done = file_request(
        db, agency="Police", subject="Budget", filed=today - timedelta(days=90), statute_days=10
    )
    update_request(db, done, status="fulfilled")
    db.table("documents").insert(
        {
            "sha256": "a" * 64,
            "filename": "jail.pdf",
            "status": "parsed",
            "first_seen": f"{today.isoformat()}T09:00:00+00:00",
            "request_id": late,
        }
    )
    db.table("documents").insert(
        {
            "sha256": "b" * 64,
            "filename": "old.pdf",
            "status": "parsed",
            "first_seen": "2001-01-01T00:00:00+00:00",
            "request_id": late,
        }
    )

    status = {r["id"]: r for r in db.query("select * from requests_status")}
    assert (status[late]["overdue"], status[late]["days_overdue"]) == (1, 10)
    assert status[late]["documents"] == 2
    assert (status[on_time]["overdue"], status[on_time]["is_open"]) == (0, 1)
    assert (status[done]["overdue"], status[done]["is_open"]) == (0, 0)

    overdue = list(db.query(CANNED_QUERIES["overdue_requests"]["sql"]))
    assert [(r["id"], r["days_overdue"]) for r in overdue] == [(late, 10)]
    received = list(db.query(CANNED_QUERIES["documents_received_this_week"]["sql"]))
    assert [r["filename"] for r in received] == ["jail.pdf"]


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(tmp_path / "r.db"),
            "--archive",
            str(tmp_path / "archive"),
            "--sources",
            str(tmp_path / "none.toml"),
            "request",
            *args,
        ],
    )
    return result.exit_code, result.output


def test_cli_new_update_list_show(tmp_path: Path) -> None:
    code, out = _run(
        tmp_path,
        "new",
        "--agency",
        "Chambers County",
        "--subject",
        "Precinct results",
        "--filed",
        "2024-11-25",
        "--statute-days",
        "10",
        "--business-days",
        "--tracking-number",
        "PIR-77",
    )
    assert (code, out) == (
        0,
        "request 1 filed with Chambers County: due 2024-12-10"
        " (10 business days after 2024-11-25, skipping Thanksgiving Day 11-28)\n",
    )
    code, out = _run(tmp_path, "update", "1", "--status", "acknowledged", "--note", "called")
    assert (code, out) == (
        0,
        "request 1 is now acknowledged, due 2024-12-10, tracking number PIR-77\n",
    )
    code, out = _run(tmp_path, "list")
    overdue = (date.today() - date(2024, 12, 10)).days
    assert code == 0
    assert out.splitlines()[1].split() == [
        "1",
        "acknowledged",
        "2024-11-25",
        "2024-12-10",
        f"{overdue}d",
        "Chambers",
        "County:",
        "Precinct",
        "results",
    ]
    code, out = _run(tmp_path, "show", "1")
    assert code == 0
    assert "  tracking number: PIR-77" in out and "  acknowledged: called" in out


def test_show_reads_as_prose_with_overdue_days_and_no_repeated_file_names(
    tmp_path: Path,
) -> None:
    _run(tmp_path, "new", "--agency", "A", "--subject", "S", "--filed", "2024-12-20",
         "--statute-days", "5", "--business-days")  # fmt: skip
    response = tmp_path / "memo.docx"
    with zipfile.ZipFile(response, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
    _run(tmp_path, "add-files", "1", str(response))
    code, out = _run(tmp_path, "show", "1")
    overdue = (date.today() - date(2024, 12, 30)).days
    lines = out.splitlines()
    assert lines[1:4] == [
        "  status: filed (open)",
        "  filed: 2024-12-20",
        "  due 2024-12-30 (5 business days after 2024-12-20, skipping Christmas Day 12-25);"
        f" OVERDUE by {overdue} days",
    ]
    assert lines[-2] == "documents received: 1 (1 failed)"
    assert lines[-1].endswith(
        "  memo.docx: failed: unsupported file type (Word document): kept in the archive,"
        " not parsed; send a PDF, XLSX, XLS or CSV"
    )


def test_update_with_only_a_note_or_tracking_number_keeps_the_status(tmp_path: Path) -> None:
    _run(tmp_path, "new", "--agency", "A", "--subject", "S", "--filed", "11/02/2026",
         "--statute-days", "10")  # fmt: skip
    code, out = _run(tmp_path, "update", "1", "--status", "withdrawn")
    code, out = _run(tmp_path, "update", "1", "--note", "they sent it anyway")
    assert (code, out) == (0, "request 1 is now withdrawn, due 2026-11-12\n")
    code, out = _run(tmp_path, "update", "1", "--tracking-number", "PIR-9")
    assert (code, out) == (0, "request 1 is now withdrawn, due 2026-11-12, tracking number PIR-9\n")
    code, out = _run(tmp_path, "update", "1")
    assert (code, out) == (
        1,
        "Error: nothing to update: give --status, --note, --due or --tracking-number\n",
    )
    code, out = _run(tmp_path, "show", "1")
    history = [line.split("UTC  ", 1)[1] for line in out.splitlines() if " UTC  " in line]
    assert history == ["filed", "withdrawn", "note: they sent it anyway", "updated"]


def test_state_holidays_need_business_days_and_a_known_state(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "new", "--agency", "A", "--subject", "S",
                     "--statute-days", "5", "--state", "tx")  # fmt: skip
    assert (code, out) == (
        1,
        "Error: --state TX only matters with --business-days"
        " (calendar days do not skip holidays)\n",
    )
    code, out = _run(tmp_path, "new", "--agency", "A", "--subject", "S",
                     "--statute-days", "5", "--business-days", "--state", "ZZ")  # fmt: skip
    assert (code, out) == (
        1,
        "Error: unknown US state 'ZZ' for --state (give its two-letter code, e.g. TX)\n",
    )


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "update", "9", "--status", "fulfilled")
    assert (code, out) == (1, "Error: no records request 9 (see `records request list --all`)\n")
    pdf = tmp_path / "x.csv"
    pdf.write_text("a,b\n1,2\n")
    code, out = _run(tmp_path, "add-files", "9", str(pdf))
    assert (code, out) == (1, "Error: no records request 9 (see `records request list --all`)\n")
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "r.db"), "--archive", str(tmp_path / "archive"),
         "--sources", str(tmp_path / "none.toml"), "add", str(pdf), "--request", "9"],
    )  # fmt: skip
    assert (result.exit_code, result.output) == (
        1,
        "Error: no records request 9 (see `records request list --all`)\n",
    )
    assert not (tmp_path / "archive").exists()
