"""Views for publishing: which report is current, and what changed between reports.

``ensure_views`` is registered in ``db.schema.EXTRA_SCHEMA`` and runs after the parsed-row
tables exist. A view is only dropped and re-created when its SQL changes (a parser added a
column, say), so a weekly run does not churn the schema under a running Datasette.

``TABLE_METADATA`` describes every view and its columns; ``records.publish.metadata`` publishes it.
"""

from __future__ import annotations

import sqlite_utils

from db.tables import parsed_tables

#: A report is current unless a parsed document supersedes it (a corrected re-issue, or new
#: bytes at the same URL). Superseded reports keep their rows so that changes can be shown.
CURRENT_DOCUMENTS_SQL = """select d.*
from documents d
where d.status = 'parsed'
  and not exists (
    select 1 from documents newer
    where newer.supersedes = d.sha256 and newer.status = 'parsed'
  )"""

#: Pairs of documents to compare: a report and the document that supersedes it, and each
#: current report of a series and the current report of the period before it.
_PAIRS_SQL = """pairs as (
  select d.supersedes as from_document, d.sha256 as to_document, 'correction' as comparison
  from documents d
  where d.supersedes is not null and d.status = 'parsed'
    and exists (select 1 from documents o where o.sha256 = d.supersedes and o.status = 'parsed')
  union all
  select previous, sha256, 'next report' from (
    select sha256, lag(sha256) over (
      partition by source order by report_period_start, report_period_end, first_seen
    ) as previous
    from current_documents
    where report_period_start is not null
  )
  where previous is not null
)"""

TABLE_METADATA: dict[str, dict[str, object]] = {
    "current_documents": {
        "title": "Current documents",
        "description": (
            "Parsed documents that no later document supersedes: the version of each report "
            "to count. A report ICE corrected is replaced here by its corrected re-issue."
        ),
        "columns": "documents",
    },
    "changes": {
        "title": "What changed between reports",
        "description": (
            "Rows added and removed between consecutive reports of a series ('next report') "
            "and between a report and the corrected re-issue that supersedes it "
            "('correction'). Rows are compared on all their values (not on page or "
            "position); identical rows are matched one for one. Weekly DDOR reports list "
            "different releases each week, so between consecutive weeks most section II rows "
            "are 'added'/'removed'; the correction shows exactly the rows ICE withdrew."
        ),
        "columns": {
            "comparison": (
                "'correction': from_document is superseded by to_document (same report, "
                "re-issued); 'next report': to_document is the next period's report."
            ),
            "table_name": "Table the row belongs to.",
            "change": "'added' (in to_document only) or 'removed' (in from_document only).",
            "from_document": "SHA-256 of the earlier document (links to documents).",
            "from_filename": "File name of the earlier document.",
            "to_document": "SHA-256 of the later document (links to documents).",
            "to_filename": "File name of the later document.",
            "to_period_start": "First day of the period the later document covers.",
            "document": "The document the row is printed in (to_document if added, "
            "from_document if removed).",
            "page": "Page of that document the row is printed on (1-based).",
            "row_index": "Row number within its table in that document (0-based).",
            "row_values": "The row's values as JSON, keyed by column name.",
        },
    },
}


def _occurrences_cte(index: int, name: str, columns: list[str]) -> str:
    """Each row of ``name`` as JSON, numbered among identical rows of its document."""
    values = ", ".join(f"'{c}', [{c}]" for c in columns)
    return f"""occurrences_{index} as materialized (
  select document, page, row_index, row_values,
    row_number() over (
      partition by document, row_values order by page, table_index, row_index
    ) as occurrence
  from (
    select document, page, table_index, row_index, json_object({values}) as row_values
    from [{name}]
  )
)"""


def _table_changes_sql(index: int, name: str) -> str:
    # Each (document, values, occurrence) is unique, so a group holds at most one row from
    # each side; a group with one side only is a change. Grouping sorts, so this stays
    # O(n log n) where a correlated NOT EXISTS would be quadratic.
    return f"""select comparison, '{name}' as table_name,
    case when max(side) = 'from' then 'removed' else 'added' end as change,
    from_document, to_document, max(document) as document, max(page) as page,
    max(row_index) as row_index, row_values
  from (
    select p.comparison, p.from_document, p.to_document, 'from' as side, o.*
    from pairs p join occurrences_{index} o on o.document = p.from_document
    union all
    select p.comparison, p.from_document, p.to_document, 'to' as side, o.*
    from pairs p join occurrences_{index} o on o.document = p.to_document
  )
  group by comparison, from_document, to_document, row_values, occurrence
  having count(*) = 1"""


def changes_sql(db: sqlite_utils.Database) -> str:
    tables = [(name, cols) for name, cols in parsed_tables(db) if cols]
    ctes = [_PAIRS_SQL] + [_occurrences_cte(i, name, cols) for i, (name, cols) in enumerate(tables)]
    parts = [_table_changes_sql(i, name) for i, (name, _) in enumerate(tables)]
    if not parts:
        parts = [
            "select null as comparison, null as table_name, null as change, "
            "null as from_document, null as to_document, null as document, null as page, "
            "null as row_index, null as row_values from pairs where 0"
        ]
    body = "\n  union all\n  ".join(parts)
    ctes_sql = ",\n".join(ctes)
    return f"""with {ctes_sql},
diffs as (
  {body}
)
select diffs.comparison, diffs.table_name, diffs.change,
  diffs.from_document, f.filename as from_filename,
  diffs.to_document, t.filename as to_filename, t.report_period_start as to_period_start,
  diffs.document, diffs.page, diffs.row_index, diffs.row_values
from diffs
join documents f on f.sha256 = diffs.from_document
join documents t on t.sha256 = diffs.to_document
order by t.report_period_start, diffs.comparison, diffs.table_name, diffs.change,
  diffs.document, diffs.page, diffs.row_index"""


def view_definitions(db: sqlite_utils.Database) -> dict[str, str]:
    """Every view's SQL, in creation order (later views may use earlier ones)."""
    return {
        "current_documents": CURRENT_DOCUMENTS_SQL,
        "changes": changes_sql(db),
    }


def ensure_views(db: sqlite_utils.Database) -> None:
    """Create the views, replacing any whose SQL changed (and the views after it)."""
    definitions = view_definitions(db)
    existing = {
        name: sql
        for name, sql in db.execute("select name, sql from sqlite_master where type = 'view'")
    }
    stale = False
    with db.atomic():
        for name, sql in definitions.items():
            wanted = f"CREATE VIEW [{name}] AS {sql}"
            stale = stale or existing.get(name) != wanted
            if stale:
                db.execute(f"drop view if exists [{name}]")
                db.execute(wanted)
