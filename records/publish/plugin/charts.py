"""``/-/charts/<name>`` (and ``.svg``): any chart a parser declares with its table.

The charts come from the plugin config (``{"agency-records": {"charts": [...]}}``, written by
``records.publish.metadata`` from the parsers' ``TableSpec.charts``). A chart is served by
the first database that has its table; the menu lists only those charts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import markupsafe
from datasette.utils.asgi import NotFound, Response

from parsers.base import Chart
from records.publish.charts import (
    ChartValueError,
    bar_label,
    chart_sql,
    chart_value,
    check_drawable,
    stacked_bar_svg,
)
from records.publish.metadata import PLUGIN
from records.publish.plugin.archive import databases


def declared_charts(datasette: Any) -> list[Chart]:
    config = datasette.plugin_config(PLUGIN) or {}
    return [Chart(**chart) for chart in config.get("charts", [])]


async def _database_with(datasette: Any, chart: Chart, wanted: str | None) -> Any | None:
    for db in databases(datasette):
        if wanted and db.name != wanted:
            continue
        if await db.table_exists(chart.table) and "current_documents" in await db.view_names():
            return db
    return None


async def available_charts(datasette: Any) -> list[tuple[Chart, str]]:
    """The declared charts whose table some database has, with that database's name."""
    found = []
    for chart in declared_charts(datasette):
        db = await _database_with(datasette, chart, None)
        if db is not None:
            found.append((chart, db.name))
    return found


def chart_path(chart: Chart) -> str:
    return f"/-/charts/{chart.name}"


async def chart_page(datasette: Any, request: Any) -> Response:
    name = request.url_vars["name"]
    chart = next((c for c in declared_charts(datasette) if c.name == name), None)
    if chart is None:
        raise NotFound(f"No chart named {name}")
    db = await _database_with(datasette, chart, request.args.get("database"))
    if db is None:
        raise NotFound(f"No database with a {chart.table} table")
    sql = chart_sql(chart)
    rows = [dict(r) for r in (await db.execute(sql)).rows]
    try:
        for row in rows:
            row["value"] = chart_value(row["value"])
        check_drawable([row["value"] for row in rows])
    except ChartValueError as exc:
        return Response.html(
            f"<p>Chart {markupsafe.escape(chart.title)} cannot be drawn: "
            f"{markupsafe.escape(str(exc))}. Its numbers: "
            f'<a href="{markupsafe.escape(datasette.urls.table(db.name, chart.table))}">'
            f"{markupsafe.escape(chart.table)}</a>.</p>",
            status=422,
        )
    bars: list[str] = []
    for row in rows:
        row["bar"] = bar_label(chart, row["x"], row["x_end"])
        row["series"] = "?" if row["series"] is None else str(row["series"])
        if row["bar"] not in bars:
            bars.append(row["bar"])
    points = [(r["bar"], r["series"] if chart.group else chart.unit, r["value"]) for r in rows]
    svg = stacked_bar_svg(points, title=chart.title, unit=f"{chart.unit}:", x_label=chart.x_label)
    if request.url_vars.get("format") == "svg":
        return Response(svg, content_type="image/svg+xml; charset=utf-8")
    series = sorted({r["series"] for r in rows})
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r["bar"], r["series"])] = counts.get((r["bar"], r["series"]), 0) + r["value"]
    table = [(s, [counts.get((b, s), 0) for b in bars]) for s in series]
    if chart.query:
        query_url = datasette.urls.path(f"/{db.name}/{chart.query}")
        query_name = chart.query
    else:
        query_url = datasette.urls.database(db.name) + "?" + urlencode({"sql": sql})
        query_name = "SQL"
    html = await datasette.render_template(
        "chart.html",
        {
            "chart": chart,
            "svg": markupsafe.Markup(svg),
            "bars": bars,
            "table": table,
            "bar_totals": [sum(c[i] for _, c in table) for i in range(len(bars))],
            "database": db.name,
            "query_url": query_url,
            "query_name": query_name,
            "svg_url": datasette.urls.path(f"{chart_path(chart)}.svg"),
            "total": sum(r["value"] for r in rows),
        },
        request=request,
    )
    return Response.html(html)


ROUTES = [(r"^/-/charts/(?P<name>[A-Za-z0-9_-]+)(\.(?P<format>svg))?$", chart_page)]


def menu_links(datasette: Any) -> Any:
    async def inner() -> list[dict[str, str]]:
        return [
            {"href": datasette.urls.path(chart_path(chart)), "label": f"Chart: {chart.title}"}
            for chart, _ in await available_charts(datasette)
        ]

    return inner
