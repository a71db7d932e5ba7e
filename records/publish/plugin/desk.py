"""Records requests are the desk's: not served to anonymous visitors.

The requests, their history and their notes (sources, negotiations) are private by default:
the tables ``requests`` and ``request_history``, the views built on them and the canned
queries about them answer 403 to a visitor who is not logged in. Everything else stays
public.

Who is logged in: a visitor Datasette knows as an actor. ``records serve`` makes one from a
trusted proxy header (``[settings] desk_header`` in sources.toml, e.g. ``"X-Records-User"``):
nginx checks the desk's password and passes the user name in that header
(deploy/nginx-records.conf, docs/deploy.md). The header is believed only from a proxy on this
machine (a client at 127.0.0.1 or ::1), so a visitor reaching the server directly cannot
forge it. Any other Datasette auth plugin that sets an actor (``datasette-auth-passwords``)
opens the same tables.

Datasette's table permissions do not cover SQL: a visitor's own query (``?sql=``) or a
``_where`` clause could read any table. So a visitor's SQL is compiled (not run) on a
read-only connection with an SQLite authorizer first; reading a private table, directly or
through a view, answers 403. SQL that does not compile there is judged by the table names it
mentions.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from records.publish.metadata import PLUGIN

#: Tables holding records requests and their notes.
PRIVATE_TABLES = frozenset({"requests", "request_history"})
#: Views built on them (also caught by the authorizer when queried by SQL).
PRIVATE_VIEWS = frozenset({"requests_status", "request_documents"})
#: Canned queries about requests.
PRIVATE_QUERIES = frozenset({"overdue_requests", "documents_received_this_week"})
_LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})

MESSAGE = (
    "Records requests are private to the data desk: log in to see them"
    ' (docs/deploy.md, "Logging in").'
)


def _header_name(datasette: Any) -> str | None:
    config = datasette.plugin_config(PLUGIN) or {}
    name = config.get("desk_header")
    return str(name).lower() if name else None


def actor_from_header(datasette: Any, scope: dict[str, Any]) -> dict[str, str] | None:
    """The desk member the trusted proxy named, or None."""
    name = _header_name(datasette)
    if not name:
        return None
    client = scope.get("client") or ("", 0)
    if client[0] not in _LOOPBACK:
        return None
    for key, value in scope.get("headers", []):
        if key.decode("latin-1").lower() == name:
            user = value.decode("utf-8", "replace").strip()
            return {"id": user, "desk": "true"} if user else None
    return None


def _actor_from_cookie(datasette: Any, scope: dict[str, Any]) -> Any:
    """The actor of Datasette's own signed ``ds_actor`` cookie (set by auth plugins)."""
    for key, value in scope.get("headers", []):
        if key.lower() != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            name, _, cookie = part.strip().partition("=")
            if name == "ds_actor" and cookie:
                try:
                    return datasette.unsign(cookie, "actor").get("a")
                except Exception:  # a bad or stale signature: no actor
                    return None
    return None


def is_desk(datasette: Any, scope: dict[str, Any]) -> bool:
    return bool(actor_from_header(datasette, scope) or _actor_from_cookie(datasette, scope))


def permission_allowed(actor: Any, action: str, resource: Any) -> bool | None:
    """Deny the private tables, views and queries to anonymous visitors; else no opinion."""
    if actor:
        return None
    if action == "view-table" and isinstance(resource, tuple):
        if resource[1] in PRIVATE_TABLES | PRIVATE_VIEWS:
            return False
    if action == "view-query" and isinstance(resource, tuple):
        if resource[1] in PRIVATE_QUERIES:
            return False
    return None


def reads_private(database_path: str, sql: str) -> bool:
    """True when ``sql`` would read a private table (directly or through a view)."""
    touched: set[str] = set()

    def authorizer(action: int, arg1: Any, arg2: Any, _db: Any, _view: Any) -> int:
        if action == sqlite3.SQLITE_READ and arg1 in PRIVATE_TABLES:
            touched.add(arg1)
        return sqlite3.SQLITE_OK

    connection = sqlite3.connect(f"{Path(database_path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.set_authorizer(authorizer)
        connection.execute("explain " + sql)  # compiles the statement; runs nothing
    except sqlite3.Error:
        return _mentions_private(sql)
    finally:
        connection.close()
    return bool(touched)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _mentions_private(sql: str) -> bool:
    words = {w.lower() for w in _NAME.findall(sql)}
    return bool(words & (PRIVATE_TABLES | PRIVATE_VIEWS))


def _visitor_sql(scope: dict[str, Any]) -> list[str]:
    query = parse_qs((scope.get("query_string") or b"").decode("utf-8", "replace"))
    return [*query.get("sql", []), *query.get("_where", [])]


def desk_wrapper(datasette: Any) -> Any:
    """ASGI: refuse a visitor's SQL that reads the private tables, unless from the desk."""

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            statements = _visitor_sql(scope)
            if statements and not is_desk(datasette, scope):
                paths = [db.path for db in datasette.databases.values() if db.path]
                for sql in statements:
                    where = sql if sql.lstrip().lower().startswith(("select", "with")) else None
                    text = where or f"select 1 where {sql}"
                    if any(reads_private(path, text) for path in paths):
                        await _forbidden(send, json_wanted=".json" in scope.get("path", ""))
                        return
            await app(scope, receive, send)

        return wrapped

    return wrap


async def _forbidden(send: Any, *, json_wanted: bool) -> None:
    if json_wanted:
        body = json.dumps({"ok": False, "status": 403, "error": MESSAGE}).encode()
        kind = b"application/json; charset=utf-8"
    else:
        body = f"<!DOCTYPE html><html><body><p>{MESSAGE}</p></body></html>".encode()
        kind = b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
