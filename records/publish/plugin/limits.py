"""What one request to the published database may cost, and what it may reveal.

- ``MAX_VALUE_BYTES``: no value a query computes may be larger (SQLite's
  ``SQLITE_LIMIT_LENGTH`` on Datasette's connections). ``select hex(randomblob(200000000))``
  used to build 400 MB of JSON and push the server to 2.4 GB; now it fails at once with
  "string or blob too big". Page text, the longest values we store, are far below it.
- ``MAX_RESPONSE_BYTES``: no page or JSON answer is larger (50 MB). A larger one is replaced
  by a 413 saying so, before anything is sent; a streamed one is cut off there. Archived
  files (``/-/archive/``, as large as a source's ``max_bytes``) and CSV exports (Datasette's
  ``max_csv_mb``) have their own limits and are not counted.
- No absolute server path is shown: ``/-/metadata`` leaves out the plugin's configuration
  (the archive folder), ``/-/databases`` leaves out each database file's path, and the SQL
  function ``pragma_database_list`` (which Datasette allows) is refused.

Datasette's own ``max_returned_rows`` and ``sql_time_limit_ms`` (``records.publish.serve``)
bound rows and time; docs/publishing.md and docs/failures.md describe all of these.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from records.publish.metadata import PLUGIN

MAX_VALUE_BYTES = 20 * 1024 * 1024
MAX_RESPONSE_BYTES = 50 * 1024 * 1024

#: Responses with limits of their own.
_UNCOUNTED_PREFIXES = ("/-/archive/",)
_UNCOUNTED_SUFFIXES = (".csv",)
#: Introspection pages that would show absolute paths, and what to drop from them.
_REDACTED = {"/-/metadata": "plugin config", "/-/databases": "path"}


def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)


def refuse_database_list() -> None:
    """Add ``pragma_database_list`` to the SQL Datasette refuses from visitors.

    Datasette 0.65 allows it among its pragma functions and has no setting for that list;
    its check reads ``datasette.utils.disallawed_sql_res`` (sic) on every query, so one more
    entry there refuses it. Datasette's own ``PRAGMA database_list`` does not go through
    that check and keeps working."""
    from datasette import utils

    if not any(pattern is _DATABASE_LIST for pattern, _ in utils.disallawed_sql_res):
        utils.disallawed_sql_res.append(
            (_DATABASE_LIST, "pragma_database_list() is not available on this site")
        )


_DATABASE_LIST = re.compile(r"pragma_database_list")


def _route(scope: dict[str, Any], datasette: Any) -> str:
    path = scope.get("path") or "/"
    base = datasette.setting("base_url") or "/"
    if base != "/" and path.startswith(base):
        path = "/" + path[len(base) :]
    return path


def limits_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            path = _route(scope, datasette)
            page = path.removesuffix(".json")
            if page in _REDACTED:
                await _redacted(app, scope, receive, send, page, html=not path.endswith(".json"))
                return
            if path.startswith(_UNCOUNTED_PREFIXES) or path.endswith(_UNCOUNTED_SUFFIXES):
                await app(scope, receive, send)
                return
            await app(scope, receive, _capped(send))

        return wrapped

    return wrap


async def _redacted(
    app: Any, scope: dict[str, Any], receive: Any, send: Any, page: str, *, html: bool
) -> None:
    """Datasette's JSON of ``page``, without what names server paths (as JSON, or as a
    plain HTML page showing it)."""
    inner = dict(scope)
    inner["path"] = scope["path"].removesuffix(".json") + ".json"
    inner["raw_path"] = inner["path"].encode()
    captured: dict[str, Any] = {"status": 200, "body": b""}

    async def keep(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            captured["status"] = message["status"]
        elif message["type"] == "http.response.body":
            captured["body"] += message.get("body", b"")

    await app(inner, receive, keep)
    try:
        data = json.loads(captured["body"] or b"null")
    except ValueError:
        data = None
    if captured["status"] != 200 or data is None:
        await _answer(send, 404, {"ok": False, "error": "Not found", "status": 404}, html=html)
        return
    await _answer(send, 200, redact(page, data), html=html)


def redact(page: str, data: Any) -> Any:
    if page == "/-/metadata" and isinstance(data, dict):
        plugins = data.get("plugins") or {}
        plugins.pop(PLUGIN, None)  # holds the archive folder's path
        if not plugins:
            data.pop("plugins", None)
    if page == "/-/databases" and isinstance(data, list):
        for database in data:
            if isinstance(database, dict):
                database.pop("path", None)
    return data


def _capped(send: Any) -> Any:
    """``send``, holding the response start back until the body's size is known to fit."""
    state: dict[str, Any] = {"start": None, "sent": 0, "done": False}

    async def capped(message: dict[str, Any]) -> None:
        if state["done"]:
            return
        if message["type"] == "http.response.start":
            state["start"] = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        body = message.get("body", b"")
        state["sent"] += len(body)
        if state["sent"] > MAX_RESPONSE_BYTES:
            state["done"] = True
            if state["start"] is not None:
                state["start"] = None
                await _answer(send, 413, too_large())
            else:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        if state["start"] is not None:
            await send(state["start"])
            state["start"] = None
        await send(message)

    return capped


def too_large() -> dict[str, Any]:
    return {
        "ok": False,
        "status": 413,
        "error": (
            f"This response would be larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB,"
            " the most this site sends at once. Ask for fewer rows or columns, or export"
            " the table as CSV."
        ),
    }


async def _answer(send: Any, status: int, payload: Any, html: bool = False) -> None:
    text = json.dumps(payload, indent=2)
    if html:
        body = f"<!DOCTYPE html><html><body><pre>{_escape(text)}</pre></body></html>".encode()
        kind = b"text/html; charset=utf-8"
    else:
        body, kind = text.encode(), b"application/json; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
