"""Public-records requests: their tables, their history and the views Datasette shows.

``requests`` holds one row per request with its current status and due date;
``request_history`` one row per status change (the first row is the filing itself), so a
reporter can show when an agency acknowledged, produced or denied. Documents received in
answer carry ``documents.request_id``.

Views (recreated on every ``ensure``, so a changed definition reaches old databases):

- ``requests_status``: each request with its due date, whether it is still open, an
  ``overdue`` flag and days overdue (counted against today's UTC date, as Datasette runs it),
  and how many documents came back.
- ``request_documents``: each request's documents, the files unpacked from a ZIP and OCR
  copies included.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from db.clock import now
from db.ddl import ensure_table

#: Statuses after which the agency owes nothing more (unless the requester appeals).
CLOSED_STATUSES: tuple[str, ...] = ("fulfilled", "denied", "withdrawn")

REQUEST_COLUMNS: dict[str, type] = {
    "id": int,
    "agency": str,
    "subject": str,
    "filed": str,
    "statute_days": int,
    "business_days": int,
    "holiday_state": str,
    "due": str,
    "status": str,
    "tracking_number": str,
    "notes": str,
    "created": str,
    "updated": str,
}

HISTORY_COLUMNS: dict[str, type] = {
    "id": int,
    "request": int,
    "time": str,
    "status": str,
    "previous_status": str,
    "due": str,
    "note": str,
}

_CLOSED_SQL = ", ".join(f"'{s}'" for s in CLOSED_STATUSES)

REQUESTS_STATUS_VIEW = f"""
select
  r.id,
  r.agency,
  r.subject,
  r.tracking_number,
  r.filed,
  r.due,
  r.status,
  r.status not in ({_CLOSED_SQL}) as is_open,
  case when r.status not in ({_CLOSED_SQL}) and r.due < date('now') then 1 else 0 end
    as overdue,
  case when r.status not in ({_CLOSED_SQL}) and r.due < date('now')
    then cast(julianday(date('now')) - julianday(r.due) as integer) else 0 end
    as days_overdue,
  (select count(*) from documents d where d.request_id = r.id) as documents,
  r.notes,
  r.updated
from requests r
"""

REQUEST_DOCUMENTS_VIEW = """
select
  r.id as request_id,
  r.agency,
  r.subject,
  d.sha256 as document,
  d.filename,
  d.content_type,
  d.status,
  d.pages,
  d.rows,
  d.first_seen as received,
  d.derived_from,
  d.error
from requests r
join documents d on d.request_id = r.id
"""


def ensure_requests_schema(db: sqlite_utils.Database) -> None:
    """Create or migrate ``requests`` and ``request_history`` and (re)create their views."""
    ensure_table(db, "requests", REQUEST_COLUMNS, pk="id", indexes=(("status",), ("due",)))
    ensure_table(
        db,
        "request_history",
        HISTORY_COLUMNS,
        pk="id",
        foreign_keys=(("request", "requests", "id"),),
        indexes=(("request",),),
    )
    db.create_view("requests_status", REQUESTS_STATUS_VIEW, replace=True)
    db.create_view("request_documents", REQUEST_DOCUMENTS_VIEW, replace=True)


def insert_request(db: sqlite_utils.Database, values: dict[str, Any], note: str | None) -> int:
    """Store a new request (status from ``values``) and its first history row; return its id."""
    stamp = now()
    with db.atomic():
        table = db.table("requests")
        table.insert({**values, "notes": note, "created": stamp, "updated": stamp})
        request_id = table.last_pk
        if not isinstance(request_id, int):
            raise RuntimeError("requests table returned no integer id")
        db.table("request_history").insert(
            {
                "request": request_id,
                "time": stamp,
                "status": values["status"],
                "previous_status": None,
                "due": values.get("due"),
                "note": note,
            }
        )
    return request_id


def get_request(db: sqlite_utils.Database, request_id: int) -> dict[str, Any] | None:
    rows = list(db.table("requests").rows_where("id = ?", [request_id], limit=1))
    return rows[0] if rows else None


def record_status_change(
    db: sqlite_utils.Database,
    request_id: int,
    *,
    status: str,
    previous_status: str,
    due: str | None,
    note: str | None,
    notes: str | None,
    tracking_number: str | None = None,
) -> None:
    """Set the request's status (and due date, tracking number), appending the change to its
    history."""
    stamp = now()
    values = {"status": status, "due": due, "notes": notes, "updated": stamp}
    if tracking_number is not None:
        values["tracking_number"] = tracking_number
    with db.atomic():
        db.table("requests").update(request_id, values)
        db.table("request_history").insert(
            {
                "request": request_id,
                "time": stamp,
                "status": status,
                "previous_status": previous_status,
                "due": due,
                "note": note,
            }
        )


def request_history(db: sqlite_utils.Database, request_id: int) -> list[dict[str, Any]]:
    return list(db.table("request_history").rows_where("request = ?", [request_id], order_by="id"))


def requests_rows(db: sqlite_utils.Database, *, open_only: bool) -> list[dict[str, Any]]:
    where = f"status not in ({_CLOSED_SQL})" if open_only else "1 = 1"
    return list(db.query(f"select * from requests where {where} order by due is null, due, id"))


def request_documents(db: sqlite_utils.Database, request_id: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            # Archive order: a ZIP, then its members as they sit in it, then the next file.
            "select rd.* from request_documents rd join documents d on d.sha256 = rd.document"
            " where rd.request_id = ? order by d.rowid",
            [request_id],
        )
    )


#: Datasette descriptions of these tables and views (published by ``records.publish.metadata``).
TABLE_METADATA: dict[str, dict[str, Any]] = {
    "requests": {
        "title": "Public-records requests",
        "description": (
            "Public-records (FOIA, state open-records) requests filed by the newsroom, with "
            "their current status and statutory due date. Filed and updated with "
            "`records request new` / `records request update`."
        ),
        "columns": {
            "id": "Request number (used by `records request ...` commands).",
            "agency": "Agency the request was sent to.",
            "subject": "What was requested.",
            "filed": "Date the request was filed (YYYY-MM-DD).",
            "statute_days": "Days the law gives the agency to answer, if known.",
            "business_days": "1 when statute_days counts business days (weekends and US "
            "federal holidays skipped), 0 for calendar days.",
            "holiday_state": "US state whose holidays are also skipped, if any.",
            "due": "Date the answer is due (YYYY-MM-DD); empty when no deadline is known.",
            "status": "filed, acknowledged, partial, fulfilled, denied, appealed or withdrawn.",
            "tracking_number": "The agency's tracking number.",
            "notes": "Notes kept with the request, one per line.",
            "created": "When the request was recorded (UTC).",
            "updated": "When the request last changed (UTC).",
        },
    },
    "request_history": {
        "title": "Records-request history",
        "description": "Every status change of every records request, the filing first.",
        "columns": {
            "id": "Change number.",
            "request": "The request (links to requests).",
            "time": "When the change was recorded (UTC).",
            "status": "Status after the change.",
            "previous_status": "Status before the change (empty for the filing).",
            "due": "Due date after the change.",
            "note": "What happened.",
        },
    },
    "requests_status": {
        "title": "Records requests: status and deadlines",
        "description": (
            "Each records request with its due date, whether it is still open, whether it is "
            "overdue and by how many days (counted against today's date, UTC), and how many "
            "documents were received for it."
        ),
        "columns": {
            "id": "Request number.",
            "agency": "Agency the request was sent to.",
            "subject": "What was requested.",
            "tracking_number": "The agency's tracking number.",
            "filed": "Date filed.",
            "due": "Date the answer is due; empty when no deadline is known.",
            "status": "Current status.",
            "is_open": "1 unless fulfilled, denied or withdrawn.",
            "overdue": "1 when open and past its due date.",
            "days_overdue": "Calendar days past the due date (0 when not overdue).",
            "documents": "Documents received for the request (ZIP members and OCR copies "
            "included).",
            "notes": "Notes kept with the request.",
            "updated": "When the request last changed (UTC).",
        },
    },
    "request_documents": {
        "title": "Documents received for records requests",
        "description": (
            "Every file received in answer to a records request: as sent, each file unpacked "
            "from a ZIP (derived_from = the ZIP) and each OCR copy of a scan (derived_from = "
            "the scan). Failed files are listed with their error."
        ),
        "columns": {
            "request_id": "The request (links to requests).",
            "agency": "Agency the request was sent to.",
            "subject": "What was requested.",
            "document": "SHA-256 of the archived file (links to documents).",
            "filename": "File name as received (ZIP members: zip name/path in zip).",
            "content_type": "Type of the file, from its content.",
            "status": "parsed, quarantined, failed, unpacked (a ZIP) or ocr-copy.",
            "pages": "Pages, for a PDF.",
            "rows": "Rows parsed from it.",
            "received": "When the file was first archived (UTC).",
            "derived_from": "SHA-256 of the file it came from (a ZIP, or the scan it OCRs).",
            "error": "Why the file could not be used, if it could not.",
        },
    },
}
