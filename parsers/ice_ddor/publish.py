"""What the DDOR tables publish besides their rows: canned queries and the weekly chart.

Declared here, next to the parser (``parsers.ice_ddor.parser`` attaches them to its
``TableSpec``s), so a deployment that does not load DDOR reports shows none of them.
"""

from __future__ import annotations

from parsers.base import REPORT_PERIOD, CannedQuery, Chart

TOP = "ddor_top_jurisdictions"
DECLINED = "ddor_declined_detainers"

#: Declined detainers per report week and state, current reports only (the numbers of the
#: chart ``declined-detainers``).
DECLINED_PER_WEEK_BY_STATE = """select d.report_period_start as week_start,
  d.report_period_end as week_end, x.state, count(*) as declined_detainers
from ddor_declined_detainers x
join current_documents d on d.sha256 = x.document
group by d.report_period_start, d.report_period_end, x.state
order by week_start, x.state"""

DECLINED_QUERIES: tuple[CannedQuery, ...] = (
    CannedQuery(
        name="declined_by_jurisdiction_and_week",
        title="Declined detainers by jurisdiction and week",
        description=(
            "DDOR section II rows counted per report week, state and county, from current "
            "reports (a corrected report replaces the original). Leave state empty for all."
        ),
        sql="""select d.report_period_start as week_start, d.report_period_end as week_end,
  x.state, x.county, count(*) as declined_detainers,
  min(x.declined_date) as first_declined, max(x.declined_date) as last_declined
from ddor_declined_detainers x
join current_documents d on d.sha256 = x.document
where :state = '' or x.state = upper(:state)
group by d.report_period_start, d.report_period_end, x.state, x.county
order by week_start, declined_detainers desc, x.state, x.county""",
    ),
    CannedQuery(
        name="declined_per_week_by_state",
        title="Declined detainers per week by state",
        description=(
            "The numbers behind the chart at /-/charts/declined-detainers: section II rows "
            "per report week and state, current reports only."
        ),
        sql=DECLINED_PER_WEEK_BY_STATE,
    ),
)

DECLINED_CHARTS: tuple[Chart, ...] = (
    Chart(
        name="declined-detainers",
        title="Declined detainers per report week, by state",
        table=DECLINED,
        x=REPORT_PERIOD,
        group="state",
        unit="declined detainers",
        x_label="Report week (declined date as recorded by ICE)",
        group_label="State",
        description=(
            "Rows of DDOR section II, one per detainer ICE recorded as declined, counted per "
            "weekly report. Only current reports are counted: a report ICE corrected is "
            "counted in its corrected form. The declined date is when ICE recorded the "
            "decline, not necessarily the release date."
        ),
        empty=(
            "No DDOR reports are loaded yet, so there is nothing to chart. Run `records run "
            "ice-ddor` (or `records demo`), then reload this page."
        ),
        query="declined_per_week_by_state",
    ),
)

TOP_QUERIES: tuple[CannedQuery, ...] = (
    CannedQuery(
        name="top_jurisdictions_over_time",
        title="Top jurisdictions over time",
        description=(
            "DDOR section I across report weeks: how often each jurisdiction was in ICE's "
            "top ten by detainers issued, its best rank, and its rank (detainers) each week."
        ),
        sql="""select jurisdiction, state, count(*) as weeks_in_top_ten,
  min(rank) as best_rank, sum(detainers_issued) as detainers_issued_total,
  group_concat(week_start || ': #' || rank || ' (' || detainers_issued || ')', '; ')
    as rank_by_week
from (
  select t.jurisdiction, t.state, t.rank, t.detainers_issued,
    d.report_period_start as week_start
  from ddor_top_jurisdictions t
  join current_documents d on d.sha256 = t.document
  order by d.report_period_start
)
group by jurisdiction, state
order by weeks_in_top_ten desc, detainers_issued_total desc, jurisdiction""",
    ),
)
