"""Full CSV and JSON exports in one pass: ``/<database>/<table>.csv?_stream=on`` (and
``.json?_stream=on``: a JSON array of row objects, ``&_nl=on`` one object per line).

Datasette streams a table's CSV as a series of pages of ``max_returned_rows`` rows, each a
query that starts after the last row's sort value, and writes every row to the socket on
its own: on a million-row table 0.03x ``sqlite3 -csv`` without an index on the sort column,
0.05x with one (bench/README.md). A plain full export (``_stream=on``, optionally ``_sort``
or ``_sort_desc``, ``_dl``, ``_header=off``, ``_size=max``, ``_editions``; no filters, no
column choice, no labels) is answered here instead: one query in the table's order (its
default sort, or the one asked for, then its key, as Datasette orders it), read and
written in chunks. Same columns, rows, order and bytes as Datasette's stream; any other
request, and any table this cannot answer (a view, a canned query of that name, an unknown
sort column, no permission), goes to Datasette unchanged.

Datasette has no JSON stream (``.json`` pages hold ``max_returned_rows`` rows and a
``next_url``): the JSON export is the rows of those pages, in order, in one answer. A
parsed table gives the rows of shown documents unless ``_editions`` says otherwise, as
its page does (``records.publish.plugin.current``). Where the sort column has ties and the
table is filtered, Datasette's first page orders the ties as the query plan has them while
later pages start after the last row's (value, rowid), so its stream can skip rows; this
one orders every tie by rowid.

``limits_wrapper`` does not count CSV; Datasette's ``max_csv_mb`` is 0 (no cap): see
``records.publish.serve.SETTINGS``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
from abc import ABC, abstractmethod
from typing import Any
from urllib.parse import parse_qsl, urlencode

from records.core.formulas import FORMULA_STARTS
from records.publish.plugin.current import (
    ALL,
    CURRENT,
    PARAMETER,
    SHOWN_IN_ORDER,
    SUPERSEDED,
    WHERE_BY_MODE,
    is_parsed_table,
)
from records.publish.plugin.formulas import _keep as keep_formulas
from records.publish.plugin.formulas import _rewrite as inert_formulas

#: Query arguments a one-pass export answers, by format (``_size`` only as ``max``, what a
#: stream uses; JSON's ``_shape`` only as ``array``); any other leaves it to Datasette.
EXPORT_ARGS = {
    "csv": {"_stream", "_sort", "_sort_desc", "_dl", "_header", "_size", PARAMETER},
    "json": {"_stream", "_sort", "_sort_desc", "_size", "_shape", "_nl", PARAMETER},
}
#: Rows read and written at a time.
CHUNK_ROWS = 2000
#: Where the wrapper sends a plain full export (a route of this plugin, see ``ROUTES``).
EXPORT_PREFIX = "/-/full-export/"
#: Added to a request this module hands back to Datasette, so the wrapper lets it through.
HAND_BACK = ("_nocount", "1")

#: A cell that may start a formula (``records.core.formulas.FORMULA_STARTS``): at the start
#: of a line or after a comma, quoted or not; CR only quoted (the csv module quotes a cell
#: holding one), or every line's "\r\n" after an empty last cell would match. Searched as
#: "after a comma or a line break" (a set of characters, which the regex engine skips to:
#: three times as fast as ``(?:^|,)`` in multiline mode, about a sixth of a million-row
#: export's time), and matched once at the chunk's start (``_maybe_formula``).
_STARTS = "".join(re.escape(c) for c in FORMULA_STARTS)
_CELL_START = f'(?:"[{_STARTS}]|[{_STARTS.replace(re.escape(chr(13)), "")}])'
_MAYBE_FORMULA = re.compile("[,\n]" + _CELL_START)
_FIRST_CELL = re.compile(_CELL_START)


def _maybe_formula(text: str) -> bool:
    """Whether a CSV chunk has a cell that may start a formula."""
    return bool(_MAYBE_FORMULA.search(text) or _FIRST_CELL.match(text))


_TABLE_EXPORT = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/]+)\.(?P<format>csv|json)$")


def plain_export(path: str, query_string: str) -> bool:
    """True for ``/<database>/<table>.csv`` or ``.json`` asked for in full, nothing else."""
    match = _TABLE_EXPORT.match(path)
    if match is None or path.startswith("/-/"):
        return False
    args = parse_qsl(query_string, keep_blank_values=True)
    names = {name for name, _ in args}
    values = dict(args)
    stream = values.get("_stream", "")
    return (
        bool(stream)
        and stream.lower() not in ("0", "off", "false")
        and names <= EXPORT_ARGS[match["format"]]
        and values.get("_size", "max") == "max"
        and values.get("_shape", "array") == "array"
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
                match = _TABLE_EXPORT.match(route)
                if match is not None and plain_export(route, query):
                    # No ``.csv`` at the end: ``formulas`` leaves it to ``CsvRows``.
                    where = f"{match['format']}/{match['database']}/{match['table']}"
                    moved = path[: len(path) - len(route)] + EXPORT_PREFIX + where
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
    wanted = sort or sort_desc
    if (sort and sort_desc) or (wanted and wanted not in sortable):
        return _hand_back(datasette, request)
    keys = [escape_sqlite(pk) for pk in pks] or ["rowid"]
    order = [f"{escape_sqlite(sort)}"] if sort else []
    order += [f"{escape_sqlite(sort_desc)} desc"] if sort_desc else []
    selected = (["rowid"] if not pks else []) + [escape_sqlite(c) for c in columns]
    where = await _editions_where(db, table, request.args.get(PARAMETER))
    sql = (
        f"select {', '.join(selected)} from {escape_sqlite(table)}{where}"
        f" order by {', '.join(order + keys)}"
    )
    header = (["rowid"] if not pks else []) + list(columns)
    headers = {}
    if request.url_vars["format"] == "json":
        rows = JsonRows(str(db.path), sql, header, lines=bool(request.args.get("_nl")))
        content_type = "application/json; charset=utf-8"
    else:
        blob_url = _blob_url(datasette, request, database_route, table, pks, header)
        with_header = request.args.get("_header") != "off"
        rows = CsvRows(
            str(db.path),
            sql,
            header if with_header else [],
            blob_url,
            inert_formulas=not keep_formulas(datasette),
        )
        content_type = "text/plain; charset=utf-8"
        if request.args.get("_dl"):
            content_type = "text/csv; charset=utf-8"
            headers["content-disposition"] = f'attachment; filename="{table}.csv"'

    async def stream(response: Any) -> None:
        try:
            chunk = await asyncio.to_thread(rows.chunk)
            while chunk is not None:
                if chunk:
                    await response.write(chunk)
                chunk = await asyncio.to_thread(rows.chunk)
        except Exception as exc:  # as Datasette does: the error ends the stream, said in it
            await response.write(str(exc))
        finally:
            await asyncio.to_thread(rows.close)

    return AsgiStream(stream, headers=headers, content_type=content_type)


async def _editions_where(db: Any, table: str, asked: str | None) -> str:
    """The rows a parsed table shows by default, as ``records.publish.plugin.current``
    filters its page and Datasette's stream: those of ``shown_documents`` (``_editions``:
    ``superseded`` or ``all`` for the others). Other tables: every row."""
    if not await is_parsed_table(db, table):
        return ""
    mode = asked if asked in (CURRENT, SUPERSEDED, ALL) else CURRENT
    where = SHOWN_IN_ORDER if mode == CURRENT else WHERE_BY_MODE[mode]
    return f" where {where}" if where else ""


class Rows(ABC):
    """A read-only connection reading one query's rows a chunk at a time, as text (called
    from worker threads one at a time, hence ``check_same_thread=False``)."""

    def __init__(self, path: str, sql: str) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.cursor: sqlite3.Cursor | None = None
        self.sql = sql

    def chunk(self) -> str | None:
        """The next chunk of text; None at the end. The first call always gives text."""
        first = self.cursor is None
        if self.cursor is None:
            self.cursor = self.conn.execute(self.sql)
        rows = self.cursor.fetchmany(CHUNK_ROWS)
        if not rows and not first:
            return self.end()
        return self.text(rows, first=first)

    @abstractmethod
    def text(self, rows: list[tuple[Any, ...]], *, first: bool) -> str:
        """``rows`` as text (``first``: the first chunk, which opens the output)."""

    def end(self) -> str | None:
        """What closes the output (a JSON array's bracket), once; then None."""
        return None

    def close(self) -> None:
        self.conn.close()


class CsvRows(Rows):
    """CSV as Datasette writes it (Python's ``csv`` module): the header first (unless
    empty), binary values as URLs. A chunk is written in one ``writerows`` call, and again
    with its binary values' URLs if its text shows it may have one."""

    def __init__(
        self, path: str, sql: str, header: list[str], blob_url: Any, *, inert_formulas: bool
    ) -> None:
        super().__init__(path, sql)
        self.header = header
        self.blob_url = blob_url
        self.inert_formulas = inert_formulas

    def text(self, rows: list[tuple[Any, ...]], *, first: bool) -> str:
        text = self._written(rows, first=first, blobs=False)
        # The csv module writes a binary value as its repr, b'...' or b"..." (quoted, its
        # quotes doubled): a chunk with neither has none. One substring search in C instead
        # of a type check per value (a twentieth of a million-row export); a chunk with
        # either (a binary value, or text such as "Jacob's") is written again, looking.
        if "b'" in text or 'b"' in text:
            text = self._written(rows, first=first, blobs=True)
        # As ``records.publish.plugin.formulas`` rewrites Datasette's CSV, for a chunk with a
        # cell that may start a formula (one regex pass finds none in most chunks).
        if self.inert_formulas and _maybe_formula(text):
            return inert_formulas(text)
        return text

    def _written(self, rows: list[tuple[Any, ...]], *, first: bool, blobs: bool) -> str:
        """``rows`` as CSV; ``blobs``: binary values as their URLs."""
        out = io.StringIO()
        writer = csv.writer(out)
        if first and self.header:
            writer.writerow(self.header)
        if blobs:
            writer.writerows(
                self.blob_url(row) if bytes in set(map(type, row)) else row for row in rows
            )
        else:
            writer.writerows(rows)
        return out.getvalue()


class JsonRows(Rows):
    """A JSON array of row objects (Datasette's ``_shape=array``), or with ``lines`` one
    object per line (``_nl=on``); binary values encoded as Datasette encodes them."""

    def __init__(self, path: str, sql: str, header: list[str], *, lines: bool) -> None:
        super().__init__(path, sql)
        self.header = header
        self.lines = lines
        self.ended = False

    def text(self, rows: list[tuple[Any, ...]], *, first: bool) -> str:
        from datasette.utils import CustomJSONEncoder

        objects = [
            json.dumps(dict(zip(self.header, row, strict=True)), cls=CustomJSONEncoder)
            for row in rows
        ]
        if self.lines:
            return "".join(line + "\n" for line in objects)
        body = ",\n".join(objects)
        if first:
            return "[" + body
        return ",\n" + body if body else ""

    def end(self) -> str | None:
        if self.lines or self.ended:
            return None
        self.ended = True
        return "]"


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
    path = "/{database}/{table}.{format}".format(**request.url_vars)
    return Response.redirect(datasette.urls.path(path) + "?" + urlencode(args), status=302)


ROUTES = [
    (
        r"^"
        + re.escape(EXPORT_PREFIX)
        + r"(?P<format>csv|json)/(?P<database>[^/]+)/(?P<table>[^/]+)$",
        full_export,
    )
]
