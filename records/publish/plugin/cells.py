"""Cells: a parsed row's ``page`` links to ``/-/archive/<document>#page=N`` (the browser's PDF
viewer opens at that page) and, when the row's box is known, to the page as an image with the
row highlighted; SHA-256 columns of views and queries link to the document; request
numbers link to the request; rows stored as JSON read as 'column: value' lines."""

from __future__ import annotations

import json
from typing import Any

import markupsafe

from records.publish.plugin.archive import SHA256
from records.publish.plugin.pagecheck import page_check_url

#: Columns holding a document's SHA-256 in views and query results.
DOCUMENT_COLUMNS = {
    "document",
    "from_document",
    "to_document",
    "supersedes",
    "superseded_by",
    "sha256",
    "derived_from",
}
#: Columns naming the document of a SHA-256 column in the same row (the changes views).
LABEL_COLUMNS = {"from_document": "from_label", "to_document": "to_label"}
#: Columns holding a whole parsed row as JSON.
JSON_ROW_COLUMNS = {"row_values", "values_json"}
#: Types the browser may display inline; anything else (HTML!) is sent as a download.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"}


def _row_values_html(value: str) -> Any:
    """A row stored as JSON (changes, quarantined rows) on one line: 'column: value · ...',
    so a table of such rows keeps one line per row."""
    try:
        values = json.loads(value)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    parts = (
        f"<strong>{markupsafe.escape(k)}</strong>: {markupsafe.escape('' if v is None else v)}"
        for k, v in values.items()
    )
    return markupsafe.Markup(
        '<span class="row-values" style="white-space: nowrap">' + " · ".join(parts) + "</span>"
    )


def _cell(row: Any, column: str) -> Any:
    try:
        value = row[column]
    except (KeyError, IndexError):
        return None
    return value.get("value") if isinstance(value, dict) else value


def _request_link(datasette: Any, database: str, value: Any) -> Any:
    href = datasette.urls.row(database, "requests", str(value))
    return markupsafe.Markup(
        f'<a href="{markupsafe.escape(href)}" title="Records request {value}">{value}</a>'
    )


def _row_document(row: Any) -> str | None:
    for column in ("document", "sha256"):
        value = _cell(row, column)
        if isinstance(value, str) and SHA256.match(value):
            return value
    return None


def _is_request_row(row: Any, table: str | None) -> bool:
    """A row of requests_status, or a query result shaped like one (overdue requests)."""
    if table == "requests_status":
        return True
    return table is None and all(_cell(row, c) is not None for c in ("agency", "subject"))


def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    # Request numbers in views and queries link to the request (tables link by foreign key).
    if column == "request_id" and isinstance(value, int):
        return _request_link(datasette, database, value)
    if column == "id" and isinstance(value, int) and _is_request_row(row, table):
        return _request_link(datasette, database, value)
    # In views and query results the file name leads to the document's provenance page, so
    # a reporter never has to follow a bare hash.
    if column == "filename" and isinstance(value, str) and table != "documents":
        sha256 = _row_document(row)
        if sha256:
            href = datasette.urls.row(database, "documents", sha256)
            return markupsafe.Markup(
                f'<a href="{markupsafe.escape(href)}" title="Where this document came from">'
                f"{markupsafe.escape(value)}</a>"
            )
        return None
    if column == "page" and isinstance(value, int):
        document = _cell(row, "document")
        if isinstance(document, str) and SHA256.match(document):
            href = datasette.urls.path(f"/-/archive/{document}#page={value}")
            html = (
                f'<a href="{markupsafe.escape(href)}" class="archive-page" '
                f'title="Open the archived document at page {value}">p. {value}</a>'
            )
            bbox = _cell(row, "bbox")
            if isinstance(bbox, str) and bbox:
                # Where the row is printed: the page as an image, the row's box marked.
                rowid = _cell(row, "rowid")
                image = page_check_url(datasette, document, value, bbox, table, rowid)
                html += (
                    f' <a href="{markupsafe.escape(image)}" class="page-image" '
                    f'title="See this row highlighted on page {value}">(see row)</a>'
                )
            return markupsafe.Markup(html)
        return None
    if column in JSON_ROW_COLUMNS and isinstance(value, str):
        return _row_values_html(value)
    if column in DOCUMENT_COLUMNS and isinstance(value, dict) and "label" in value:
        # An expanded foreign key: the file name is enough, the hash goes in the tooltip.
        sha256 = str(value.get("value"))
        href = datasette.urls.row(database, "documents", sha256)
        return markupsafe.Markup(
            f'<a href="{markupsafe.escape(href)}" title="{markupsafe.escape(sha256)}">'
            f"{markupsafe.escape(value['label'] or sha256)}</a>"
        )
    if column not in DOCUMENT_COLUMNS or not isinstance(value, str) or not SHA256.match(value):
        return None
    if table == "documents" and column == "sha256":
        href = datasette.urls.path(f"/-/archive/{value}")
        return markupsafe.Markup(
            f'<code>{value}</code><br><a href="{markupsafe.escape(href)}" '
            f'class="archive-download">Download the archived file</a>'
        )
    href = datasette.urls.row(database, "documents", value)
    # The changes views name each document briefly ("ice-ddor 2017-01-28"): say that.
    label = _cell(row, LABEL_COLUMNS[column]) if column in LABEL_COLUMNS else None
    text = markupsafe.escape(label) if isinstance(label, str) and label else f"{value[:12]}…"
    return markupsafe.Markup(f'<a href="{markupsafe.escape(href)}" title="{value}">{text}</a>')
