"""``/-/archive/<sha256>/page/<n>``: the page check. The page image with the row's box
marked, a caption naming the document, its edition, the page and the row, zoom links (a
larger render, up to ``pages.MAX_ZOOM``) and a link back to the row it came from.

``?box=`` is the row's ``bbox``; ``?table=`` and ``?row=`` (its rowid) name the row, and are
only linked when the database has that table and row.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import BadRequest, Response

from records.publish.plugin.archive import databases
from records.publish.plugin.pages import (
    MAX_ZOOM,
    PageImageError,
    page_image_url,
    parse_box,
)


async def _document_and_database(datasette: Any, sha256: str) -> tuple[dict[str, Any], Any]:
    for db in databases(datasette):
        if not await db.table_exists("documents"):
            continue
        row = (await db.execute("select * from documents where sha256 = ?", [sha256])).first()
        if row:
            return dict(row), db
    raise PageImageError(f"No document with SHA-256 {sha256}")


async def _row_link(datasette: Any, db: Any, table: str, rowid: str) -> str | None:
    """The row's page, when ``table`` is a parsed table of ``db`` holding rowid ``rowid``."""
    if not rowid.isdigit() or not await db.table_exists("parsed_tables"):
        return None
    known = await db.execute("select 1 from parsed_tables where name = ?", [table])
    if not known.first():
        return None
    found = await db.execute(f"select 1 from [{table}] where rowid = ?", [int(rowid)])
    if not found.first():
        return None
    return str(datasette.urls.row(db.name, table, rowid))


async def page_check(datasette: Any, request: Any) -> Response:
    sha256 = request.url_vars["sha256"]
    number = int(request.url_vars["number"])
    bbox = request.args.get("box") or None
    if bbox:
        try:
            parse_box(bbox)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    zoom_text = request.args.get("zoom") or "1"
    if not zoom_text.isdigit() or not 1 <= int(zoom_text) <= MAX_ZOOM:
        raise BadRequest(f"zoom must be a whole number from 1 to {MAX_ZOOM}")
    zoom = int(zoom_text)
    try:
        document, db = await _document_and_database(datasette, sha256)
    except PageImageError as exc:
        return Response.html(str(exc), status=404)
    table = request.args.get("table") or ""
    rowid = request.args.get("row") or ""
    row_url = await _row_link(datasette, db, table, rowid) if table and rowid else None

    if row_url is None:
        table = rowid = ""

    def here(level: int) -> str:
        query = {"box": bbox, "zoom": str(level) if level != 1 else None}
        query.update({"table": table or None, "row": rowid or None})
        pairs = urlencode({k: v for k, v in query.items() if v}, safe=",")
        path = datasette.urls.path(f"/-/archive/{sha256}/page/{number}")
        return f"{path}?{pairs}" if pairs else path

    html = await datasette.render_template(
        "page_check.html",
        {
            "document": document,
            "edition": document.get("edition") or document.get("filename") or sha256,
            "page": number,
            "bbox": bbox,
            "table": table,
            "rowid": rowid,
            "row_url": row_url,
            "document_url": datasette.urls.row(db.name, "documents", sha256),
            "pdf_url": datasette.urls.path(f"/-/archive/{sha256}#page={number}"),
            "image_url": page_image_url(datasette, sha256, number, bbox, zoom),
            "zoom": zoom,
            "zooms": [(level, here(level)) for level in range(1, MAX_ZOOM + 1)],
        },
        request=request,
    )
    return Response.html(html)


ROUTES = [(r"^/-/archive/(?P<sha256>[0-9a-f]{64})/page/(?P<number>[0-9]{1,6})$", page_check)]


def page_check_url(
    datasette: Any, sha256: str, page: int, bbox: str | None, table: str | None, rowid: Any
) -> str:
    """The page check of a row: its page, its box marked, a link back to it."""
    path = datasette.urls.path(f"/-/archive/{sha256}/page/{page}")
    query = {"box": bbox} if bbox else {}
    if table and rowid is not None:
        query.update({"table": table, "row": str(rowid)})
    return f"{path}?{urlencode(query, safe=',')}" if query else path
