"""Panels: the document page (a ``documents`` row) gets its provenance (original URL, fetch
times, SHA-256 and download link, parser and version, status and quarantine reason) and
thumbnails of its first pages; a records
request's page lists the documents received for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.editions import same_period_sql
from records.publish.metadata import PLUGIN
from records.publish.plugin.archive import SHA256, archive_root
from records.publish.plugin.current import ALL, PARAMETER
from records.publish.plugin.pages import page_image_url

#: Page thumbnails shown on a document's page (each is rendered when first asked for).
THUMBNAILS = 40


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
        "select n.sha256, coalesce(n.edition, n.filename) as filename,"
        f" {same_period_sql('n', 'd')} as correction"
        " from documents n join documents d on d.sha256 = n.supersedes where n.supersedes = ?",
        [sha256],
    )
    supersedes = await db.execute(
        "select o.sha256, coalesce(o.edition, o.filename) as filename,"
        f" {same_period_sql('d', 'o')} as correction"
        " from documents o join documents d on d.supersedes = o.sha256 where d.sha256 = ?",
        [sha256],
    )
    in_archive = (archive_root(datasette) / sha256[:2] / sha256).is_file()
    return {
        "drift": await _layout_drift(datasette, db, document),
        "supersedes": [dict(r) for r in supersedes.rows],
        "document": document,
        "fetches": [dict(r) for r in fetches.rows],
        "urls": [dict(r) for r in urls.rows],
        "superseded_by": [dict(r) for r in superseded_by.rows],
        "archive_url": datasette.urls.path(f"/-/archive/{sha256}"),
        "in_archive": in_archive,
        "thumbnails": _thumbnails(datasette, document) if in_archive else [],
    }


def _thumbnails(datasette: Any, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The first pages of a PDF as images (rendered on demand, so only the first few)."""
    pages = document.get("pages")
    if document.get("content_type") != "application/pdf" or not isinstance(pages, int):
        return []
    return [
        {"page": n, "src": page_image_url(datasette, document["sha256"], n)}
        for n in range(1, min(pages, THUMBNAILS) + 1)
    ]


async def _layout_drift(datasette: Any, db: Any, document: dict[str, Any]) -> dict | None:
    """For a document a template refused: why it is not in the template's tables, and where
    its tables are instead (loaded by the plain parser of its kind, a PDF's generic extractor
    or a workbook's spreadsheet parser, flagged ``layout_drift``)."""
    if document.get("status") != "quarantined":
        return None
    from parsers.base import LAYOUT_DRIFT_COLUMN
    from parsers.registry import PLAIN_PARSERS, get_parser

    names = await db.table_names()
    sha256, flag = document["sha256"], LAYOUT_DRIFT_COLUMN.name
    for plain in PLAIN_PARSERS:
        specs = get_parser(plain.name).tables
        listing = next((t.name for t in specs if t.describes_tables), None)
        data = next((t.name for t in specs if not t.describes_tables), None)
        if listing is None or data is None or listing not in names or data not in names:
            continue
        if flag not in await db.table_columns(listing):
            continue  # tables made before this parser's could stand in for a document
        found = await db.execute(
            f"select count(*) as n, max([{flag}]) as why from [{listing}]"
            f" where document = ? and [{flag}] is not null",
            [sha256],
        )
        row = found.first()
        if row is None or not row["n"]:
            continue
        rows = await db.execute(
            f"select count(*) from [{data}] where document = ? and [{flag}] is not null",
            [sha256],
        )
        # Shown by default unless a correction replaced it (``shown_documents``); then
        # only with every edition's (``records.publish.plugin.current``).
        shown = (
            "shown_documents" in await db.view_names()
            and (
                await db.execute("select 1 from shown_documents where sha256 = ?", [sha256])
            ).first()
        )
        only_it = f"?document={sha256}" + ("" if shown else f"&{PARAMETER}={ALL}")
        return {
            "called": plain.called,
            "tables": row["n"],
            "rows": rows.first()[0],
            "why": row["why"],
            "template_tables": _template_tables(datasette, document.get("parser")),
            "tables_url": datasette.urls.table(db.name, listing) + only_it,
            "rows_url": datasette.urls.table(db.name, data) + only_it,
        }
    return None


def _template_tables(datasette: Any, parser_name: str | None) -> list[str]:
    """The tables of the parser that refused the document, found in the sources file's
    template folders too (``[settings] templates``, which ``records serve`` passes on)."""
    from parsers.registry import get_parser
    from records.core.config import Settings
    from records.core.errors import RecordsError

    folders = (datasette.plugin_config(PLUGIN) or {}).get("templates") or []
    settings = Settings(templates=tuple(Path(folder) for folder in folders))
    try:
        return [t.name for t in get_parser(parser_name or "", settings).tables]
    except RecordsError:  # a template from a folder this server does not see
        return []


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


def template_vars(
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
