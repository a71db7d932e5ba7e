"""Our Datasette plugin (entry point ``agency_records`` in pyproject.toml): small hook
modules, one concern each, composed here.

- ``archive``: ``/-/archive/<sha256>``, the archived files.
- ``pages``: ``/-/archive/<sha256>/page/<n>.png``, a page as an image, a row's box marked.
- ``pagecheck``: ``/-/archive/<sha256>/page/<n>``, that image with a caption, zoom and a
  link back to the row.
- ``cells``: links from cells to pages, documents and requests.
- ``panels``: the provenance panel of a document, the documents of a request.
- ``charts``: chart pages.
- ``current``: a parsed table shows the rows of current documents unless asked otherwise.
- ``feed``: the Atom feed of a database with no documents yet.
- ``whatsnew``: ``/-/whats-new/<source>`` and its feed, the digest of each new edition.
- ``limits``: the response-size and value-size caps, and no server paths shown.
- ``formulas``: CSV downloads with spreadsheet formulas made inert.
- ``desk``: records requests private to the logged-in desk (a trusted proxy header).
- ``static/`` and ``templates/``: found by Datasette because this plugin is a package.

The archive folder comes from the plugin config ``{"agency-records": {"archive": PATH}}``
(``records serve`` sets it), else the ``RECORDS_ARCHIVE`` environment variable, else
``data/archive``.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from records.core.printable import printable
from records.publish.metadata import PLUGIN
from records.publish.plugin import (
    archive,
    cells,
    charts,
    current,
    desk,
    feed,
    formulas,
    limits,
    pagecheck,
    pages,
    panels,
    whatsnew,
)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    # Page images first: the archive's catch-all answers every other /-/archive/ path.
    return [
        *pages.ROUTES,
        *pagecheck.ROUTES,
        *archive.ROUTES,
        *charts.ROUTES,
        *whatsnew.ROUTES,
    ]


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    return current.filters_from_request(request, database, table, datasette)


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    return cells.render_cell(row, value, column, table, database, datasette)


@hookimpl
def extra_template_vars(
    template: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    return panels.template_vars(template, database, table, request, datasette)


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    feed_wrapper = feed.empty_feed_wrapper(datasette)
    limits_wrapper = limits.limits_wrapper(datasette)
    formulas_wrapper = formulas.formulas_wrapper(datasette)
    desk_wrapper = desk.desk_wrapper(datasette)
    return lambda app: desk_wrapper(limits_wrapper(formulas_wrapper(feed_wrapper(app))))


@hookimpl
def actor_from_request(datasette: Any, request: Any) -> Any:
    return desk.actor_from_header(datasette, request.scope)


@hookimpl
def permission_allowed(datasette: Any, actor: Any, action: str, resource: Any) -> Any:
    return desk.permission_allowed(actor, action, resource)


@hookimpl
def prepare_connection(conn: Any) -> None:
    limits.prepare_connection(conn)
    # printable(name): a file name with control and direction-override characters escaped,
    # for the Atom feed's titles (records.core.printable).
    conn.create_function("printable", 1, printable_or_null, deterministic=True)


def printable_or_null(value: Any) -> str | None:
    return None if value is None else printable(value)


@hookimpl
def startup(datasette: Any) -> None:
    limits.refuse_database_list()


@hookimpl
def extra_js_urls(view_name: str, datasette: Any) -> list[Any]:
    if view_name != "table":
        return []
    # A module script runs once the page is parsed (a plain one in <head> found no table).
    # Static files are served under the distribution's name, not the module's: with
    # __name__ the script was a 404 and the glossary never folded.
    url = datasette.urls.static_plugins(PLUGIN, "column-help.js")
    return [{"url": url, "module": True}]


@hookimpl
def menu_links(datasette: Any) -> Any:
    chart_links = charts.menu_links(datasette)

    async def inner() -> list[dict[str, str]]:
        return [*whatsnew.menu_links(datasette), *await chart_links()]

    return inner
