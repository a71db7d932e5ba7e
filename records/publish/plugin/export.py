"""Full CSV exports in one pass: ``/<database>/<table>.csv?_stream=on``.

Datasette streams a table's CSV as a series of pages of ``max_returned_rows`` rows, each a
query that starts after the last row's sort value, and writes every row to the socket on
its own: on a million-row table about 0.03x ``sqlite3 -csv`` without an index on the sort
column, a quarter of it with one. A plain full export (``_stream=on``, optionally ``_sort``
or ``_sort_desc``, ``_dl``, ``_header=off``, ``_size``; no filters, no column choice, no
labels) is answered here instead: one query in the table's order (its default sort, or the
one asked for, then its key, as Datasette orders it), read and written in chunks. Same
columns, same rows, same order, same bytes as Datasette's stream; any other CSV request,
and any table this cannot answer (a view, a canned query of that name, an unknown sort
column, no permission), goes to Datasette unchanged.

``limits_wrapper`` does not count CSV; Datasette's ``max_csv_mb`` is 0 (no cap): see
``records.publish.serve.SETTINGS``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from typing import Any
from urllib.parse import parse_qsl, urlencode

#: Query arguments a one-pass export answers (``_size`` only as ``max``, what a stream uses);
#: any other leaves the request to Datasette.
EXPORT_ARGS = {"_stream", "_sort", "_sort_desc", "_dl", "_header", "_size"}
#: Rows read and written at a time.
CHUNK_ROWS = 2000
#: Where the wrapper sends a plain full export (a route of this plugin, see ``ROUTES``).
EXPORT_PREFIX = "/-/full-export/"
#: Added to a request this module hands back to Datasette, so the wrapper lets it through.
HAND_BACK = ("_nocount", "1")

_TABLE_CSV = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$")


def plain_export(path: str, query_string: str) -> bool:
    """True for ``/<database>/<table>.csv`` asked for in full with nothing else."""
    if not _TABLE_CSV.match(path) or path.startswith("/-/"):
        return False
    args = parse_qsl(query_string, keep_blank_values=True)
    names = {name for name, _ in args}
    values = dict(args)
    stream = values.get("_stream", "")
    return (
        bool(stream)
        and stream.lower() not in ("0", "off", "false")
        and names <= EXPORT_ARGS
        and values.get("_size", "max") == "max"
    )


def export_wrapper(datasette: Any) -> Any:
    """Send a plain full export to this module's route; the rest of Datasette untouched."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                raw = scope.get("raw_path") or scope.get("path", "").encode("latin-1")
                path = raw.decode("latin-1").partition("?")[0]
                base = datasette.setting("base_url") or "/"
                route = "/" + path[len(base) :] if base != "/" and path.startswith(base) else path
                query = scope.get("query_string", b"").decode("latin-1")
                if plain_export(route, query):
                    moved = path[: len(path) - len(route)] + EXPORT_PREFIX + route[1:]
                    scope = dict(scope, path=moved, raw_path=moved.encode("latin-1"))
            await app(scope, receive, send)

        return wrapped

    return wrap


async def full_export(datasette: Any, request: Any) -> Any:
    """The one-pass export of a table, or a redirect handing the request back to Datasette."""
    from datasette.utils import escape_sqlite, tilde_decode
    from datasette.utils.asgi import AsgiStream

    database_route = tilde_decode(request.url_vars["database"])
    table = tilde_decode(request.url_vars["table"])
    try:
        db = datasette.get_database(route=database_route)
    except KeyError:
        return _hand_back(datasette, request)
    visible, _ = await datasette.check_visibility(
        request.actor,
        permissions=[
            ("view-table", (db.name, table)),
            ("view-database", db.name),
            "view-instance",
        ],
    )
    canned = await datasette.get_canned_query(db.name, table, request.actor)
    if not visible or canned or db.path is None or not await db.table_exists(table):
        return _hand_back(datasette, request)
    pks = await db.primary_keys(table)
    columns = await db.table_columns(table)
    meta = datasette.table_metadata(db.name, table)
    sort = request.args.get("_sort") or (None if "_sort_desc" in request.args else meta.get("sort"))
    sort_desc = request.args.get("_sort_desc") or (
        None if "_sort" in request.args else meta.get("sort_desc")
    )
    sortable = {*columns, *([] if pks else ["rowid"])}
    if (sort and sort_desc) or (sort or sort_desc or "rowid") not in sortable:
        return _hand_back(datasette, request)
    keys = [escape_sqlite(pk) for pk in pks] or ["rowid"]
    order = [f"{escape_sqlite(sort)}"] if sort else []
    order += [f"{escape_sqlite(sort_desc)} desc"] if sort_desc else []
    selected = (["rowid"] if not pks else []) + [escape_sqlite(c) for c in columns]
    sql = (
        f"select {', '.join(selected)} from {escape_sqlite(table)}"
        f" order by {', '.join(order + keys)}"
    )
    header = (["rowid"] if not pks else []) + list(columns)
    blob_url = _blob_url(datasette, request, database_route, table, pks, header)
    headers = {}
    content_type = "text/plain; charset=utf-8"
    if request.args.get("_dl"):
        content_type = "text/csv; charset=utf-8"
        headers["content-disposition"] = f'attachment; filename="{table}.csv"'
    first: list[str] = header if request.args.get("_header") != "off" else []

    async def stream(response: Any) -> None:
        rows = Rows(str(db.path), sql)
        try:
            chunk = await asyncio.to_thread(rows.csv_chunk, first, blob_url)
            while chunk is not None:
                if chunk:
                    await response.write(chunk)
                chunk = await asyncio.to_thread(rows.csv_chunk, None, blob_url)
        except Exception as exc:  # as Datasette does: the error ends the stream, said in it
            await response.write(str(exc))
        finally:
            await asyncio.to_thread(rows.close)

    return AsgiStream(stream, headers=headers, content_type=content_type)


class Rows:
    """A read-only connection reading one query's rows as CSV text, a chunk at a time
    (called from worker threads one at a time, hence ``check_same_thread=False``)."""

    def __init__(self, path: str, sql: str) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.cursor: sqlite3.Cursor | None = None
        self.sql = sql

    def csv_chunk(self, header: list[str] | None, blob_url: Any) -> str | None:
        """The next chunk of CSV; the first call gives ``header`` (a list, maybe empty) and
        always returns text, later ones give None and get None at the end."""
        if self.cursor is None:
            self.cursor = self.conn.execute(self.sql)
        rows = self.cursor.fetchmany(CHUNK_ROWS)
        if not rows and header is None:
            return None
        out = io.StringIO()
        writer = csv.writer(out)
        if header:
            writer.writerow(header)
        for row in rows:
            if any(isinstance(value, bytes) for value in row):
                row = blob_url(row)
            writer.writerow(row)
        return out.getvalue()

    def close(self) -> None:
        self.conn.close()


def _blob_url(
    datasette: Any, request: Any, database: str, table: str, pks: list[str], header: list[str]
) -> Any:
    """A row with its binary values replaced by their URLs, as Datasette's CSV has them."""
    from datasette.utils import path_from_row_pks

    def replace(row: tuple[Any, ...]) -> list[Any]:
        named = dict(zip(header, row, strict=True))
        key = path_from_row_pks(named, pks, not pks)
        return [
            datasette.absolute_url(request, datasette.urls.row_blob(database, table, key, column))
            if isinstance(value, bytes)
            else value
            for column, value in zip(header, row, strict=True)
        ]

    return replace


def _hand_back(datasette: Any, request: Any) -> Any:
    """Redirect to the same CSV with ``_nocount=1`` (Datasette adds it to CSV requests
    anyway), which the wrapper leaves to Datasette."""
    from datasette.utils.asgi import Response

    args = [*parse_qsl(request.query_string, keep_blank_values=True), HAND_BACK]
    path = "/" + request.url_vars["database"] + "/" + request.url_vars["table"] + ".csv"
    return Response.redirect(datasette.urls.path(path) + "?" + urlencode(args), status=302)


ROUTES = [
    (
        r"^" + re.escape(EXPORT_PREFIX) + r"(?P<database>[^/]+)/(?P<table>[^/]+)\.csv$",
        full_export,
    )
]
