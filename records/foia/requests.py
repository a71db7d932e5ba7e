"""Public-records requests: filing, status changes, listing, and their Datasette queries.

A request starts as ``filed``. Its status then follows the agency's answers:
``acknowledged``, ``partial`` (some records produced; may repeat for rolling productions),
``fulfilled``, ``denied``, ``appealed`` (after a denial or an incomplete answer) or
``withdrawn``. ``fulfilled``, ``denied`` and ``withdrawn`` close the request; a closed
request can only be ``appealed`` (except a withdrawn one, which is final).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from db.foia import (
    CLOSED_STATUSES,
    get_request,
    insert_request,
    record_status_change,
    requests_rows,
)
from records.core.errors import RequestError
from records.foia.dates import days_overdue, due_date, is_us_state

FILED = "filed"

#: Statuses ``records request update`` accepts.
UPDATE_STATUSES: tuple[str, ...] = (
    "acknowledged",
    "partial",
    "fulfilled",
    "denied",
    "appealed",
    "withdrawn",
)

#: From a closed status, the only way forward.
_REOPENING: dict[str, tuple[str, ...]] = {
    "fulfilled": ("appealed",),
    "denied": ("appealed",),
    "withdrawn": (),
}

#: Canned Datasette queries for ``datasette-metadata.json`` (databases -> records -> queries).
#: Kept here, next to the tables they read, so the publisher can merge them.
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "overdue_requests": {
        "title": "Overdue records requests",
        "description": "Open public-records requests past their statutory due date, most"
        " overdue first. Days are counted against today's date (UTC).",
        "sql": """select id, agency, subject, tracking_number, filed, due, status,
  days_overdue, documents
from requests_status
where overdue = 1
order by days_overdue desc, id""",
    },
    "documents_received_this_week": {
        "title": "Documents received this week",
        "description": "Files received in answer to records requests since Monday of this"
        " week (UTC), files unpacked from ZIPs and OCR copies included.",
        "sql": """select request_id, agency, subject, filename, content_type, status, pages,
  rows, received, document
from request_documents
where received >= date('now', 'weekday 0', '-6 days')
order by received desc, request_id""",
    },
    "search_pages": {
        "title": "Search every PDF page",
        "description": "Full-text search of the text of every page of every PDF, crawled or"
        " received, scanned pages read by OCR included (ocr = 1). Type words to find pages"
        " holding all of them (punctuation is fine); put a phrase in double quotes. The"
        " page link opens the archived PDF at that page; the file name opens the document's"
        " provenance.",
        # escape_fts (a Datasette SQL function) quotes each word, so "Travis County, TX" or
        # "U.S." search instead of failing as FTS5 syntax; an empty box matches nothing.
        "sql": """select d.filename, p.page, p.ocr,
  snippet(pages_fts, 0, '[', ']', ' … ', 16) as excerpt, p.document
from pages_fts
join pages p on p.rowid = pages_fts.rowid
join documents d on d.sha256 = p.document
where trim(:search) <> '' and pages_fts match escape_fts(:search)
order by rank
limit 100""",
    },
}


@dataclass(frozen=True)
class RequestLine:
    """One request as ``records request list`` shows it."""

    id: int
    agency: str
    subject: str
    filed: str
    due: str | None
    status: str
    tracking_number: str | None
    days_overdue: int


def file_request(
    db: sqlite_utils.Database,
    *,
    agency: str,
    subject: str,
    filed: date,
    statute_days: int | None = None,
    business_days: bool = False,
    holiday_state: str | None = None,
    tracking_number: str | None = None,
    note: str | None = None,
) -> int:
    """Record a new request (status ``filed``) with its due date; return its id."""
    agency, subject = agency.strip(), subject.strip()
    if not agency or not subject:
        raise RequestError("a request needs an agency and a subject")
    if business_days and statute_days is None:
        raise RequestError("--business-days needs --statute-days (how many days the law gives)")
    if holiday_state and not business_days:
        # Calendar days never skip holidays: a state given here would be silently ignored.
        raise RequestError(
            f"--state {holiday_state} only matters with --business-days"
            " (calendar days do not skip holidays)"
        )
    if holiday_state and not is_us_state(holiday_state):
        raise RequestError(
            f"unknown US state {holiday_state!r} for --state (give its two-letter code, e.g. TX)"
        )
    try:
        due = due_date(filed, statute_days, business_days=business_days, subdivision=holiday_state)
    except (ValueError, NotImplementedError) as exc:
        raise RequestError(f"cannot compute the due date: {exc}") from exc
    return insert_request(
        db,
        {
            "agency": agency,
            "subject": subject,
            "filed": filed.isoformat(),
            "statute_days": statute_days,
            "business_days": int(business_days),
            "holiday_state": holiday_state,
            "due": due.isoformat() if due else None,
            "status": FILED,
            "tracking_number": tracking_number,
        },
        note,
    )


def require_request(db: sqlite_utils.Database, request_id: int) -> dict[str, Any]:
    """The request with this id; RequestError when there is none."""
    request = get_request(db, request_id)
    if request is None:
        raise RequestError(f"no records request {request_id} (see `records request list --all`)")
    return request


def update_request(
    db: sqlite_utils.Database,
    request_id: int,
    *,
    status: str | None = None,
    note: str | None = None,
    due: date | None = None,
    tracking_number: str | None = None,
) -> dict[str, Any]:
    """Change a request's status, due date (e.g. after an extension) or tracking number, or
    just add a note; each change is a history row. ``status`` None keeps the current one."""
    request = require_request(db, request_id)
    current = request["status"]
    if status is None:
        if note is None and due is None and tracking_number is None:
            raise RequestError(
                "nothing to update: give --status, --note, --due or --tracking-number"
            )
        status = current
    if status not in UPDATE_STATUSES and status != current:
        raise RequestError(f"unknown status {status!r} (one of: {', '.join(UPDATE_STATUSES)})")
    allowed = _REOPENING.get(current)
    # Staying in a closed status (a note on a withdrawn request) is not a change of status.
    if allowed is not None and status != current and status not in allowed:
        after = f"only to {', '.join(allowed)}" if allowed else "no further"
        raise RequestError(
            f"request {request_id} is {current}: it can change {after}, not to {status}"
        )
    new_due = due.isoformat() if due else request["due"]
    notes = request["notes"]
    if note:
        notes = f"{notes}\n{note}" if notes else note
    tracking = tracking_number.strip() if tracking_number else request["tracking_number"]
    record_status_change(
        db,
        request_id,
        status=status,
        previous_status=current,
        due=new_due,
        note=note,
        notes=notes,
        tracking_number=tracking or None,
    )
    updated = get_request(db, request_id)
    return updated or request


def list_requests(
    db: sqlite_utils.Database, *, today: date, open_only: bool = True
) -> list[RequestLine]:
    """Requests by due date (no deadline last), with days overdue as of ``today``."""
    lines = []
    for row in requests_rows(db, open_only=open_only):
        due = date.fromisoformat(row["due"]) if row["due"] else None
        overdue = days_overdue(due, today) if row["status"] not in CLOSED_STATUSES else 0
        lines.append(
            RequestLine(
                id=row["id"],
                agency=row["agency"],
                subject=row["subject"],
                filed=row["filed"],
                due=row["due"],
                status=row["status"],
                tracking_number=row["tracking_number"],
                days_overdue=overdue,
            )
        )
    return lines
