"""Canned queries over the core tables and views, published with Datasette
(``records.publish.metadata`` puts them in the metadata, with those the parsed tables declare).

Every count joins ``current_documents`` so a corrected report is counted once, in its
corrected form. Queries with a ``:parameter`` treat an empty value as "all".
"""

from __future__ import annotations

from typing import Any

from records.foia.requests import CANNED_QUERIES

CORE_QUERIES: dict[str, dict[str, Any]] = {
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
            "this page in a feed reader. Each entry links to what the document changed (its "
            "source's what's-new page, /-/whats-new/SOURCE, which has a feed per source)."
        ),
        "sql": """select 'urn:sha256:' || d.sha256 as atom_id,
  printable(coalesce(d.edition, d.filename, d.sha256)) as atom_title,
  d.first_seen as atom_updated,
  -- Relative to the feed (/<db>/new_documents.atom), so it keeps any --base-url prefix:
  -- the document's digest on its source's what's-new page, else the document's page.
  case when d.source is not null then '../-/whats-new/' || d.source || '#' || d.sha256
    else 'documents/' || d.sha256 end as atom_link,
  '<p>' || coalesce(s.title, d.source, 'Added by hand') || ': ' || d.status
    || coalesce(', ' || d.rows || ' rows', '')
    || coalesce('. Quarantined or failed: ' || printable(d.error), '') || '.</p>'
    || coalesce('<p>Original: <a href="' || d.url || '">' || d.url || '</a></p>', '')
    || '<p>SHA-256 ' || d.sha256 || '</p>'
    || case when d.source is not null then '<p><a href="../-/whats-new/' || d.source || '#'
      || d.sha256 || '">What changed</a></p>' else '' end as atom_content_html,
  d.status, d.source, d.rows, d.url
from documents d
left join sources s on s.name = d.source
order by d.first_seen desc, d.sha256
limit 50""",
    },
}


#: Every core canned query: the ones above, then the records-request ones (kept beside the
#: request logic in ``records.foia.requests``). Parsed tables bring their own (``TableSpec``).
QUERIES: dict[str, dict[str, Any]] = {**CORE_QUERIES, **CANNED_QUERIES}
