"""Canned queries published with Datasette (``records.publish.metadata`` puts them in the metadata).

Every count joins ``current_documents`` so a corrected report is counted once, in its
corrected form. Queries with a ``:parameter`` treat an empty value as "all".
"""

from __future__ import annotations

from typing import Any

#: Declined detainers per report week and state, current reports only (also drawn by the
#: chart at /-/declined-chart).
DECLINED_PER_WEEK_BY_STATE = """select d.report_period_start as week_start,
  d.report_period_end as week_end, x.state, count(*) as declined_detainers
from ddor_declined_detainers x
join current_documents d on d.sha256 = x.document
group by d.report_period_start, d.report_period_end, x.state
order by week_start, x.state"""

QUERIES: dict[str, dict[str, Any]] = {
    "declined_by_jurisdiction_and_week": {
        "title": "Declined detainers by jurisdiction and week",
        "description": (
            "DDOR section II rows counted per report week, state and county, from current "
            "reports (a corrected report replaces the original). Leave state empty for all."
        ),
        "sql": """select d.report_period_start as week_start, d.report_period_end as week_end,
  x.state, x.county, count(*) as declined_detainers,
  min(x.declined_date) as first_declined, max(x.declined_date) as last_declined
from ddor_declined_detainers x
join current_documents d on d.sha256 = x.document
where :state = '' or x.state = upper(:state)
group by d.report_period_start, d.report_period_end, x.state, x.county
order by week_start, declined_detainers desc, x.state, x.county""",
    },
    "declined_per_week_by_state": {
        "title": "Declined detainers per week by state",
        "description": (
            "The numbers behind the chart at /-/declined-chart: section II rows per report "
            "week and state, current reports only."
        ),
        "sql": DECLINED_PER_WEEK_BY_STATE,
    },
    "top_jurisdictions_over_time": {
        "title": "Top jurisdictions over time",
        "description": (
            "DDOR section I across report weeks: how often each jurisdiction was in ICE's "
            "top ten by detainers issued, its best rank, and its rank (detainers) each week."
        ),
        "sql": """select jurisdiction, state, count(*) as weeks_in_top_ten,
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
    },
    "documents_and_status": {
        "title": "Documents and their status",
        "description": (
            "Every archived document, newest first: status, rows, parser and version, any "
            "error or quarantine reason, and what it supersedes or is superseded by."
        ),
        "sql": """select d.sha256, d.filename, d.source, d.report_period_start,
  d.report_period_end, d.status, d.rows, d.parser, d.parser_version, d.first_seen,
  d.parsed_at, d.error, d.supersedes,
  (select n.sha256 from documents n where n.supersedes = d.sha256 limit 1) as superseded_by
from documents d
order by d.first_seen desc, d.report_period_start desc""",
    },
    "errors_of_last_run": {
        "title": "Errors of the last run",
        "description": "Errors recorded by the most recent run (empty when it went well).",
        "sql": """select e.id, e.run, r.started, r.status as run_status, e.stage, e.source,
  e.url, e.document, e.message, e.time
from errors e
join runs r on r.id = e.run
where e.run = (select max(id) from runs)
order by e.id""",
    },
    "quarantined_documents": {
        "title": "Quarantined documents",
        "description": (
            "Documents whose parse failed a check: their rows are held in quarantined_rows, "
            "not published. The reason says which check failed."
        ),
        "sql": """select d.sha256, d.filename, d.source, d.url, d.parser, d.parser_version,
  d.parsed_at, d.error as quarantine_reason,
  (select count(*) from quarantined_rows q where q.document = d.sha256) as quarantined_rows
from documents d
where d.status = 'quarantined'
order by d.parsed_at desc""",
    },
    "new_in_latest_report": {
        "title": "New in the latest report",
        "description": (
            "Rows the latest current report of each series has that the report of the "
            "period before did not (from the changes view)."
        ),
        "sql": """select c.table_name, c.to_filename as report, c.from_filename as compared_with,
  c.document, c.page, c.row_index, c.row_values
from changes c
where c.change = 'added' and c.comparison = 'next report'
  and c.to_document in (
    select sha256 from (
      select sha256, row_number() over (
        partition by source order by report_period_end desc, first_seen desc
      ) as newest
      from current_documents
      where report_period_start is not null
    )
    where newest = 1
  )
order by c.table_name, c.page, c.row_index""",
    },
    "new_documents": {
        "title": "Newly loaded documents (Atom feed)",
        "description": (
            "The 50 most recently archived documents; subscribe to the .atom version of "
            "this page in a feed reader."
        ),
        "sql": """select 'urn:sha256:' || d.sha256 as atom_id,
  coalesce(d.filename, d.sha256)
    || coalesce(' (' || d.report_period_start || ' to ' || d.report_period_end || ')', '')
    as atom_title,
  d.first_seen as atom_updated,
  '<p>' || coalesce(s.title, d.source, 'Added by hand') || ': ' || d.status
    || coalesce(', ' || d.rows || ' rows', '')
    || coalesce('. Quarantined or failed: ' || d.error, '') || '.</p>'
    || coalesce('<p>Original: <a href="' || d.url || '">' || d.url || '</a></p>', '')
    || '<p>SHA-256 ' || d.sha256 || '</p>' as atom_content_html,
  d.status, d.source, d.rows, d.url
from documents d
left join sources s on s.name = d.source
order by d.first_seen desc, d.sha256
limit 50""",
    },
}


def _with_requests_queries() -> None:
    """Records-request queries live beside the request logic; publish them here too."""
    from records.foia.requests import CANNED_QUERIES

    for name, query in CANNED_QUERIES.items():
        QUERIES.setdefault(name, query)


_with_requests_queries()
