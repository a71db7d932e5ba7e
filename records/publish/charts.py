"""Charts a parser declares (``parsers.base.Chart``): their SQL, bar labels, and a stacked bar
chart as inline SVG (no JavaScript, no chart library; prints and screenshots).

The SVG input is (bar label, series, value) triples; series beyond the largest few are
merged into "Other" so the colours stay distinguishable.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from html import escape

from parsers.base import REPORT_PERIOD, Chart

#: Okabe-Ito palette (distinguishable with colour-vision deficiencies), then grey for Other.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
OTHER_COLOUR = "#BBBBBB"
OTHER = "Other"

WIDTH = 760
HEIGHT = 380
MARGIN_LEFT = 56
MARGIN_RIGHT = 150  # room for the legend
MARGIN_TOP = 24
MARGIN_BOTTOM = 48


def nice_ceiling(value: float) -> int:
    """The smallest 1/2/5 x 10^n at or above ``value`` (axis maximum)."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * exponent >= value:
            return int(step * exponent)
    return int(10 * exponent)


def group_series(
    points: list[tuple[str, str, int]], keep: int = len(PALETTE)
) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """Bars in input order, series by total (largest first, Other last), summed values."""
    bars: list[str] = []
    totals: dict[str, int] = defaultdict(int)
    for bar, series, value in points:
        if bar not in bars:
            bars.append(bar)
        totals[series] += value
    ranked = sorted(totals, key=lambda s: (-totals[s], s))
    kept = ranked if len(ranked) <= keep else ranked[: keep - 1]
    values: dict[tuple[str, str], int] = defaultdict(int)
    for bar, series, value in points:
        values[(bar, series if series in kept else OTHER)] += value
    series_order = kept + ([OTHER] if len(kept) < len(ranked) else [])
    return bars, series_order, dict(values)


def stacked_bar_svg(
    points: list[tuple[str, str, int]], *, title: str, unit: str, x_label: str = ""
) -> str:
    """An accessible SVG (role=img, <title>, a tooltip per segment) of stacked bars."""
    bars, series, values = group_series(points)
    colours = {s: (OTHER_COLOUR if s == OTHER else PALETTE[i]) for i, s in enumerate(series)}
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    totals = [sum(values.get((b, s), 0) for s in series) for b in bars]
    top = nice_ceiling(max(totals, default=0))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="chart-title" '
        'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    # Counts are whole numbers: an axis up to 1 or 2 gets one gridline per unit, not 0.2s.
    steps = min(top, 5)
    for i in range(steps + 1):
        tick = top * i / steps
        y = MARGIN_TOP + plot_h - plot_h * i / steps
        out.append(
            f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end" fill="#444">{tick:g}</text>'
        )
    slot = plot_w / max(len(bars), 1)
    bar_w = min(slot * 0.6, 90)
    for index, (bar, total) in enumerate(zip(bars, totals, strict=True)):
        x = MARGIN_LEFT + slot * index + (slot - bar_w) / 2
        y = MARGIN_TOP + plot_h
        for name in series:
            value = values.get((bar, name), 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colours[name]}"><title>{escape(name)}, {escape(bar)}: '
                f"{escape(unit)} {value}</title></rect>"
            )
        out.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" '
            f'font-weight="bold">{total}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{MARGIN_TOP + plot_h + 18}" '
            f'text-anchor="middle" fill="#222">{escape(bar)}</text>'
        )
    out.append(
        f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT + plot_w}" y1="{MARGIN_TOP + plot_h}" '
        f'y2="{MARGIN_TOP + plot_h}" stroke="#444"/>'
        f'<text x="{MARGIN_LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'fill="#444">{escape(x_label)}</text>'
    )
    legend_x = WIDTH - MARGIN_RIGHT + 16
    for index, name in enumerate(series):
        y = MARGIN_TOP + index * 20
        out.append(
            f'<rect x="{legend_x}" y="{y}" width="12" height="12" fill="{colours[name]}"/>'
            f'<text x="{legend_x + 18}" y="{y + 10}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def chart_sql(chart: Chart) -> str:
    """One row per bar and series: x, x_end (report periods only), series, value.

    Rows count only through ``current_documents``, so a corrected report counts once.
    """
    if chart.x == REPORT_PERIOD:
        x, x_end = "d.report_period_start", "d.report_period_end"
    else:
        column = f"t.{_quoted(chart.x)}"
        x = {"month": f"substr({column}, 1, 7)", "year": f"substr({column}, 1, 4)"}.get(
            chart.per or "", column
        )
        x_end = "null"
    series = f"t.{_quoted(chart.group)}" if chart.group else "null"
    # total(), not sum(): sum() of integers fails with "integer overflow" (a 500); total()
    # adds in floating point and never fails. ``chart_value`` turns it back into a count.
    value = f"total(t.{_quoted(chart.value)})" if chart.value else "count(*)"
    return (
        f"select {x} as x, {x_end} as x_end, {series} as series, {value} as value\n"
        f"from {_quoted(chart.table)} t\njoin current_documents d on d.sha256 = t.document\n"
        "group by 1, 2, 3\norder by 1, 2, 3"
    )


class ChartValueError(ValueError):
    """Raised by ``chart_value`` for a sum too large to draw (it added up to infinity)."""


#: Whole numbers up to this are exact in a float; larger sums are shown as floats.
EXACT = 2**53


def chart_value(value: object) -> int | float:
    """A bar's value from the chart's SQL: a whole number when it is one, else a float;
    ``ChartValueError`` when it is not a finite number."""
    if isinstance(value, int):
        return value
    if not isinstance(value, float) or not math.isfinite(value):
        raise ChartValueError(f"a bar adds up to {value!r}, too large to draw")
    return int(value) if value.is_integer() and abs(value) < EXACT else value


def check_drawable(values: list[int | float]) -> None:
    """``ChartValueError`` unless the bars' values, added up, stay a finite number (the axis
    and the totals are computed from them)."""
    try:
        total = float(sum(abs(v) for v in values))
    except OverflowError:
        total = math.inf
    if not math.isfinite(total):
        raise ChartValueError("the bars add up to more than can be drawn")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def bar_label(chart: Chart, x: object, x_end: object) -> str:
    """'Jan 28–Feb 3, 2017' for a report period, 'Jul 2015' for a month, else the value."""
    if x is None:
        return "(none)"
    text = str(x)
    if chart.x == REPORT_PERIOD and x_end is not None:
        a, b = _day(text), _day(str(x_end))
        if a and b:
            left = f"{a:%b} {a.day}"
            right = f"{b.day}" if (a.year, a.month) == (b.year, b.month) else f"{b:%b} {b.day}"
            return f"{left}–{right}, {b.year}"
    if chart.per == "month":
        month = _day(text + "-01")
        if month:
            return f"{month:%b %Y}"
    return text
