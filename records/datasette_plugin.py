"""Our Datasette plugin (entry point ``agency_records`` in pyproject.toml).

- ``/-/archive/<sha256>``: the archived file of a document the database knows, served from
  the archive folder with its own content type. Nothing else is reachable: the route only
  matches 64 hex digits, the digest must be a row of ``documents``, and the resolved path
  must lie inside the archive.
- Cells: a parsed row's ``page`` links to ``/-/archive/<document>#page=N`` (the browser's PDF
  viewer opens at that page); SHA-256 columns of views and queries link to the document.
- The document page (``documents`` row) gets a provenance panel: original URL, fetch times,
  SHA-256 and download link, parser and version, status and quarantine reason.
- ``/-/declined-chart`` (and ``.svg``): declined detainers per report week by state.
- A records request's page lists the documents received for it.
- ``/<db>/new_documents.atom`` on a database with no documents yet is an empty feed, not the
  error datasette-atom 0.9 raises for a query without rows.

The archive folder comes from the plugin config ``{"agency-records": {"archive": PATH}}``
(``records serve`` sets it), else the ``RECORDS_ARCHIVE`` environment variable, else
``data/archive``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, NotFound, Response
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader

from records.charts import stacked_bar_svg
from records.metadata import PLUGIN
from records.paths import DEFAULT_ARCHIVE
from records.queries import DECLINED_PER_WEEK_BY_STATE

TEMPLATES = Path(__file__).parent / "templates"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
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
#: Columns holding a whole parsed row as JSON.
JSON_ROW_COLUMNS = {"row_values", "values_json"}
#: Types the browser may display inline; anything else (HTML!) is sent as a download.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"}
CHART_TABLE = "ddor_declined_detainers"


def archive_root(datasette: Any) -> Path:
    config = datasette.plugin_config(PLUGIN) or {}
    return Path(
        config.get("archive") or os.environ.get("RECORDS_ARCHIVE") or DEFAULT_ARCHIVE
    ).resolve()


def _databases(datasette: Any) -> list[Any]:
    return [db for name, db in datasette.databases.items() if name != "_internal"]


async def _find_document(datasette: Any, sha256: str) -> dict[str, Any] | None:
    for db in _databases(datasette):
        if not await db.table_exists("documents"):
            continue
        result = await db.execute(
            "select sha256, filename, content_type from documents where sha256 = ?", [sha256]
        )
        row = result.first()
        if row:
            return dict(row)
    return None


def _safe_filename(name: str | None, sha256: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", name or "")
    return cleaned or sha256


async def archive_file(datasette: Any, request: Any) -> Any:
    sha256 = request.url_vars["sha256"]
    document = await _find_document(datasette, sha256)
    if document is None:
        raise NotFound(f"No document with SHA-256 {sha256}")
    root = archive_root(datasette)
    path = (root / sha256[:2] / sha256).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound(f"Document {sha256} is not in the archive at {root}")
    content_type = document.get("content_type") or "application/octet-stream"
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    filename = _safe_filename(document.get("filename"), sha256)
    return AsgiFileDownload(
        path,
        content_type=content_type,
        headers={
            "content-disposition": f'{disposition}; filename="{filename}"',
            "x-content-type-options": "nosniff",
            # An archived HTML page must never run as part of this site.
            "content-security-policy": "sandbox",
            "cache-control": "max-age=31536000, immutable",  # content-addressed
        },
    )


async def archive_not_found(request: Any) -> Any:
    raise NotFound("Archived files are addressed by their SHA-256: /-/archive/<64 hex digits>")


async def _chart_points(datasette: Any, request: Any) -> tuple[Any, list[dict[str, Any]]]:
    wanted = request.args.get("database")
    for db in _databases(datasette):
        if wanted and db.name != wanted:
            continue
        if await db.table_exists(CHART_TABLE) and "current_documents" in await db.view_names():
            result = await db.execute(DECLINED_PER_WEEK_BY_STATE)
            return db, [dict(r) for r in result.rows]
    raise NotFound(f"No database with a {CHART_TABLE} table")


def _week_label(start: str, end: str) -> str:
    from datetime import date

    a, b = date.fromisoformat(start), date.fromisoformat(end)
    left = f"{a:%b} {a.day}"
    right = f"{b.day}" if a.month == b.month else f"{b:%b} {b.day}"
    return f"{left}–{right}, {b.year}"


def _chart_svg(rows: list[dict[str, Any]]) -> str:
    points = [
        (_week_label(r["week_start"], r["week_end"]), r["state"] or "?", r["declined_detainers"])
        for r in rows
    ]
    return stacked_bar_svg(
        points, title="Declined detainers per report week, by state", unit="declined detainers:"
    )


async def declined_chart(datasette: Any, request: Any) -> Response:
    db, rows = await _chart_points(datasette, request)
    svg = _chart_svg(rows)
    if request.url_vars.get("format") == "svg":
        return Response(svg, content_type="image/svg+xml; charset=utf-8")
    weeks = sorted({(r["week_start"], r["week_end"]) for r in rows})
    states = sorted({r["state"] or "?" for r in rows})
    counts = {
        (r["week_start"], r["week_end"], r["state"] or "?"): r["declined_detainers"] for r in rows
    }
    table = [(s, [counts.get((*w, s), 0) for w in weeks]) for s in states]
    html = await datasette.render_template(
        "declined_chart.html",
        {
            "svg": markupsafe.Markup(svg),
            "weeks": [_week_label(*w) for w in weeks],
            "table": table,
            "week_totals": [sum(c[i] for _, c in table) for i in range(len(weeks))],
            "database": db.name,
            "query_url": datasette.urls.path(f"/{db.name}/declined_per_week_by_state"),
            "total": sum(r["declined_detainers"] for r in rows),
        },
        request=request,
    )
    return Response.html(html)


@hookimpl
def prepare_jinja2_environment(env: Environment) -> None:
    # Datasette finds plugin templates only in packages; ours sit next to this module.
    loaders: list[BaseLoader] = [FileSystemLoader(str(TEMPLATES))]
    if env.loader is not None:
        loaders.append(env.loader)
    env.loader = ChoiceLoader(loaders)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/archive/(?P<sha256>[0-9a-f]{64})$", archive_file),
        (r"^/-/archive/(?P<rest>.*)$", archive_not_found),
        (r"^/-/declined-chart(\.(?P<format>svg))?$", declined_chart),
    ]


def _row_values_html(value: str) -> Any:
    """A row stored as JSON (changes, quarantined rows) as 'column: value' lines."""
    try:
        values = json.loads(value)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    lines = (
        f"<strong>{markupsafe.escape(k)}</strong>: {markupsafe.escape('' if v is None else v)}"
        for k, v in values.items()
    )
    return markupsafe.Markup('<span class="row-values">' + "<br>".join(lines) + "</span>")


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


@hookimpl
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
            return markupsafe.Markup(
                f'<a href="{markupsafe.escape(href)}" class="archive-page" '
                f'title="Open the archived document at page {value}">p. {value}</a>'
            )
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
    return markupsafe.Markup(
        f'<a href="{markupsafe.escape(href)}" title="{value}">{value[:12]}…</a>'
    )


async def _document_provenance(datasette: Any, database: str, sha256: str) -> dict | None:
    db = datasette.get_database(database)
    row = (await db.execute("select * from documents where sha256 = ?", [sha256])).first()
    if row is None:
        return None
    document = dict(row)
    fetches = await db.execute(
        "select time, url, http_status from fetches where sha256 = ? order by time", [sha256]
    )
    urls = await db.execute(
        "select url, first_seen, last_seen from document_urls where document = ?"
        " order by first_seen",
        [sha256],
    )
    superseded_by = await db.execute(
        "select sha256, filename from documents where supersedes = ?", [sha256]
    )
    supersedes = await db.execute(
        "select sha256, filename from documents where sha256 = ?", [document.get("supersedes")]
    )
    return {
        "supersedes": [dict(r) for r in supersedes.rows],
        "document": document,
        "fetches": [dict(r) for r in fetches.rows],
        "urls": [dict(r) for r in urls.rows],
        "superseded_by": [dict(r) for r in superseded_by.rows],
        "archive_url": datasette.urls.path(f"/-/archive/{sha256}"),
        "in_archive": (archive_root(datasette) / sha256[:2] / sha256).is_file(),
    }


async def _request_documents(datasette: Any, database: str, pks: str) -> dict | None:
    """The documents received for a request (its row page), with links to each."""
    if not pks.isdigit():
        return None
    db = datasette.get_database(database)
    if "request_documents" not in await db.view_names():
        return None
    result = await db.execute(
        "select document, filename, status, pages, rows, received, derived_from, error"
        " from request_documents where request_id = ? order by received, document",
        [int(pks)],
    )
    return {
        "documents": [
            {**dict(r), "href": datasette.urls.row(database, "documents", r["document"])}
            for r in result.rows
        ],
        "list_url": datasette.urls.table(database, "request_documents") + f"?request_id={int(pks)}",
        "history_url": datasette.urls.table(database, "request_history") + f"?request={int(pks)}",
    }


@hookimpl
def extra_template_vars(
    template: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    if template != "row.html" or table not in ("documents", "requests") or request is None:
        return None

    async def inner() -> dict[str, Any]:
        pks = request.url_vars.get("pks", "")
        if table == "requests":
            return {"received": await _request_documents(datasette, database or "", pks)}
        if not SHA256.match(pks):
            return {}
        return {"provenance": await _document_provenance(datasette, database or "", pks)}

    return inner


#: The Atom feed query; datasette-atom fails on it while the database has no documents.
FEED = re.compile(r"/(?P<database>[^/]+)/new_documents\.atom$")


async def _empty_feed(datasette: Any, scope: dict[str, Any]) -> bytes | None:
    """An Atom feed without entries when the feed's database has no documents yet."""
    match = FEED.search(scope.get("path", ""))
    if match is None or match["database"] not in datasette.databases:
        return None
    db = datasette.get_database(match["database"])
    if not await db.table_exists("documents"):
        return None
    if (await db.execute("select exists(select 1 from documents)")).single_value():
        return None
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(f"urn:agency-records:{match['database']}:new-documents")
    feed.title("Newly loaded documents")
    feed.subtitle("No documents have been archived yet.")
    return bytes(feed.atom_str(pretty=True))


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            body = await _empty_feed(datasette, scope) if scope.get("type") == "http" else None
            if body is None:
                await app(scope, receive, send)
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/xml; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": body})

        return wrapped

    return wrap


#: Table pages: fold the long column-description list into a <details> so the rows and
#: facets are on the first screen, and repeat each description as its header's tooltip.
_COLUMN_HELP_JS = """
(function () {
  var dl = document.querySelector("dl.column-descriptions");
  if (!dl) { return; }
  var help = {};
  dl.querySelectorAll("dt").forEach(function (dt) {
    var dd = dt.nextElementSibling;
    if (dd) { help[dt.textContent.trim()] = dd.textContent.trim(); }
  });
  document.querySelectorAll("table.rows-and-columns th[data-column]").forEach(function (th) {
    var text = help[th.getAttribute("data-column")];
    if (text) { th.title = text; }
  });
  var details = document.createElement("details");
  details.className = "column-help";
  var summary = document.createElement("summary");
  summary.textContent = "What the columns mean (" + Object.keys(help).length + ")";
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
})();
"""


@hookimpl
def extra_body_script(view_name: str) -> str | None:
    return _COLUMN_HELP_JS if view_name == "table" else None


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path("/-/declined-chart"), "label": "Declined detainers chart"}]
