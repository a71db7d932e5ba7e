"""What's new, per source: ``/-/whats-new/<source>`` shows the digest (``db.digest``) of the
source's latest editions (rows added and removed, the largest changes by key and by facet,
against the edition before and the series' history); ``/-/whats-new/<source>.atom`` is the
same as an Atom feed, one entry per document with its digest and a link to it;
``/-/whats-new`` lists the sources.
"""

from __future__ import annotations

from typing import Any

import markupsafe
import sqlite_utils
from datasette.utils.asgi import NotFound, Response

from db.digest import digest
from records.core.printable import printable
from records.publish.plugin.archive import databases

#: Editions shown on a source's page, and entries in its feed.
PAGE_EDITIONS = 5
FEED_ENTRIES = 20


async def _database_of(datasette: Any, source: str) -> Any:
    for db in databases(datasette):
        if not await db.table_exists("documents"):
            continue
        found = await db.execute("select 1 from documents where source = ? limit 1", [source])
        if found.first():
            return db
    raise NotFound(f"No documents from a source named {source}")


async def _digests(db: Any, source: str, limit: int) -> list[dict[str, Any]]:
    """Digests of the source's latest parsed documents, newest edition first."""

    def compute(conn: Any) -> list[dict[str, Any]]:
        database = sqlite_utils.Database(conn, recursive_triggers=False)
        rows = database.execute(
            "select sha256 from documents where source = ? and status = 'parsed'"
            " order by coalesce(report_period_end, report_period_start) desc, first_seen desc"
            " limit ?",
            [source, limit],
        ).fetchall()
        found = []
        for (sha,) in rows:
            entry = digest(database, sha)
            first_seen = database.execute(
                "select first_seen from documents where sha256 = ?", [sha]
            ).fetchone()
            entry["first_seen"] = first_seen[0] if first_seen else None
            found.append(entry)
        return found

    result: list[dict[str, Any]] = await db.execute_fn(compute)
    return result


async def whats_new_index(datasette: Any, request: Any) -> Response:
    sources: list[tuple[str, str]] = []
    for db in databases(datasette):
        if not await db.table_exists("documents"):
            continue
        rows = await db.execute(
            "select distinct source from documents where source is not null order by source"
        )
        sources += [(r[0], db.name) for r in rows.rows]
    items = "".join(
        f'<li><a href="{markupsafe.escape(datasette.urls.path(f"/-/whats-new/{s}"))}">'
        f"{markupsafe.escape(s)}</a></li>"
        for s, _ in sources
    )
    html = await datasette.render_template(
        "whats_new.html",
        {"source": None, "index": markupsafe.Markup(items), "editions": []},
        request=request,
    )
    return Response.html(html)


async def whats_new(datasette: Any, request: Any) -> Response:
    source = request.url_vars["source"]
    db = await _database_of(datasette, source)
    if request.url_vars.get("format") == "atom":
        return await _feed(datasette, request, db, source)
    editions = await _digests(db, source, PAGE_EDITIONS)
    html = await datasette.render_template(
        "whats_new.html",
        {
            "source": source,
            "database": db.name,
            "editions": editions,
            "feed_url": datasette.urls.path(f"/-/whats-new/{source}.atom"),
        },
        request=request,
    )
    return Response.html(html)


def entry_html(entry: dict[str, Any]) -> str:
    """A digest as the HTML of a feed entry."""
    esc = markupsafe.escape
    parts = [f"<p>{esc(entry['summary'])}</p>"]
    if entry["largest_changes"]:
        items = "".join(f"<li>{esc(c['text'])}</li>" for c in entry["largest_changes"])
        parts.append(f"<p>Largest changes:</p><ul>{items}</ul>")
    if entry["appeared"]:
        parts.append("<p>New: " + esc(", ".join(a["key"] for a in entry["appeared"])) + "</p>")
    if entry["disappeared"]:
        gone = ", ".join(a["key"] for a in entry["disappeared"])
        parts.append("<p>No longer listed: " + esc(gone) + "</p>")
    return "".join(parts)


async def _feed(datasette: Any, request: Any, db: Any, source: str) -> Response:
    from feedgen.feed import FeedGenerator

    page = datasette.absolute_url(request, datasette.urls.path(f"/-/whats-new/{source}"))
    feed = FeedGenerator()
    feed.id(f"urn:agency-records:{db.name}:whats-new:{source}")
    feed.title(f"What's new: {source}")
    feed.link(href=page, rel="alternate")
    feed.subtitle("Each new edition of the report, and what it changed.")
    entries = await _digests(db, source, FEED_ENTRIES)
    for entry in reversed(entries):  # feedgen puts the last added first
        item = feed.add_entry()
        item.id(f"urn:sha256:{entry['document']}")
        item.title(printable(entry.get("edition") or entry["document"]))
        item.link(href=f"{page}#{entry['document']}")
        item.updated(_stamp(entry.get("first_seen")))
        item.content(entry_html(entry), type="html")
    if not entries:
        feed.updated(_stamp(None))
    return Response(
        bytes(feed.atom_str(pretty=True)), content_type="application/atom+xml; charset=utf-8"
    )


def _stamp(value: str | None) -> str:
    """An Atom timestamp: stored times are UTC ISO 8601, some without a zone."""
    if not value:
        return "1970-01-01T00:00:00+00:00"
    return value if ("+" in value[10:] or value.endswith("Z")) else value + "+00:00"


ROUTES = [
    (r"^/-/whats-new$", whats_new_index),
    (r"^/-/whats-new/(?P<source>[A-Za-z0-9_.-]+?)(\.(?P<format>atom))?$", whats_new),
]


def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path("/-/whats-new"), "label": "What's new"}]
