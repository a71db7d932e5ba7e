"""``/-/declined-chart`` (and ``.svg``): declined detainers per report week by state."""

from __future__ import annotations

from datetime import date
from typing import Any

import markupsafe
from datasette.utils.asgi import NotFound, Response

from records.publish.charts import stacked_bar_svg
from records.publish.plugin.archive import databases
from records.publish.queries import DECLINED_PER_WEEK_BY_STATE

CHART_TABLE = "ddor_declined_detainers"


async def _chart_points(datasette: Any, request: Any) -> tuple[Any, list[dict[str, Any]]]:
    wanted = request.args.get("database")
    for db in databases(datasette):
        if wanted and db.name != wanted:
            continue
        if await db.table_exists(CHART_TABLE) and "current_documents" in await db.view_names():
            result = await db.execute(DECLINED_PER_WEEK_BY_STATE)
            return db, [dict(r) for r in result.rows]
    raise NotFound(f"No database with a {CHART_TABLE} table")


def _week_label(start: str, end: str) -> str:
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


ROUTES = [(r"^/-/declined-chart(\.(?P<format>svg))?$", declined_chart)]


def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path("/-/declined-chart"), "label": "Declined detainers chart"}]
