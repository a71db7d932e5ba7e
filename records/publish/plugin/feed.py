"""``/<db>/new_documents.atom`` on a database with no documents yet is an empty feed, not the
error datasette-atom 0.9 raises for a query without rows."""

from __future__ import annotations

import re
from typing import Any

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


def empty_feed_wrapper(datasette: Any) -> Any:
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
