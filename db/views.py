"""Views for publishing: which report is current, and what changed between reports.

``ensure_views`` is registered in ``db.schema.EXTRA_SCHEMA`` and runs after the parsed-row
tables exist. A view is only dropped and re-created when its SQL changes (a parser added a
column, say), so a weekly run does not churn the schema under a running Datasette.

``TABLE_METADATA`` describes every view and its columns; ``records.publish.metadata`` publishes it.
"""

from __future__ import annotations

from typing import Any, cast

import sqlite_utils

from db.editions import replaced_sql, same_period_sql
from db.keyed import changes_by_key_sql
from db.tables import keyed_tables, parsed_tables

#: A report is current unless a parsed document corrects it (``db.editions``: it supersedes
#: it and covers the same period, or a period is unknown). A new edition at the same URL
#: (another period) leaves it current. Superseded reports keep their rows so that changes
#: can be shown.
CURRENT_DOCUMENTS_SQL = f"""select d.*
from documents d
where d.status = 'parsed'
  and not exists (
    select 1 from documents newer
    where newer.supersedes = d.sha256 and newer.status = 'parsed'
      and {same_period_sql("newer", "d")}
  )"""

#: Documents whose rows a parsed table shows by default (``records.publish.plugin.current``,
#: its page, counts, facets, CSV and JSON): the current documents, and each quarantined
#: document no correction replaced (``db.editions.replaced_sql``), whose tables a plain parser
#: loaded flagged ``layout_drift``: the only published form of its data.
SHOWN_DOCUMENTS_SQL = f"""select d.*
from documents d
where d.status in ('parsed', 'quarantined')
  and not {replaced_sql("d")}"""

#: Pairs of documents to compare: a report and the correction that supersedes it, and each
#: current report of a series and the current report of the period before it.
_PAIRS_SQL = f"""pairs as (
  select d.supersedes as from_document, d.sha256 as to_document, 'correction' as comparison
  from documents d
  where d.supersedes is not null and d.status = 'parsed'
    and exists (
      select 1 from documents o where o.sha256 = d.supersedes and o.status = 'parsed'
        and {same_period_sql("d", "o")}
    )
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
            "Parsed documents that no correction supersedes: the version of each report to "
            "count. A corrected report is replaced here by its correction; a new edition "
            "posted at the same URL (another report period) is listed beside the earlier one."
        ),
        "columns": "documents",
    },
    "shown_documents": {
        "title": "Documents shown by default",
        "description": (
            "The documents whose rows the tables show by default: the current documents, "
            "and each quarantined document no correction replaced (a template refused its "
            "layout; its tables, read by the generic extractor or the spreadsheet parser, "
            "are flagged layout_drift). Rows of reports a correction replaced are left out "
            "(?_editions=superseded shows them). Charts and canned queries count current "
            "documents only."
        ),
        "columns": "documents",
    },
    "changes": {
        "title": "What changed between reports",
        "description": (
            "Rows added and removed between consecutive reports of a series ('next report') "
            "and between a report and the correction that supersedes it ('correction'), one "
            "line each. Rows are compared on all their values (not on page or position); "
            "identical rows are matched one for one. In a correction, a row removed and a "
            "row added at the same place that share at least half their values are one row "
            "'changed', its edits in what_changed. Each parsed table's changes, its values "
            "in their own columns, are in the view changes_<table>; a table that declares a "
            "key compares its rows by key (changes_by_key)."
        ),
        "columns": {
            "comparison": (
                "'correction': to_document corrects from_document (same report period); "
                "'next report': to_document is the next period's report."
            ),
            "table_name": "Table the row belongs to.",
            "change": "'added' (in to_document only), 'removed' (in from_document only) or, "
            "in a correction, 'changed' (a row edited in place: see what_changed).",
            "from_label": "Edition of the earlier document: its file name and period (a "
            "correction marked).",
            "to_label": "Edition of the later document: its file name and period (a "
            "correction marked).",
            "what_changed": "For a 'changed' row: each value that differs, as "
            "'column: old → new'; empty otherwise.",
            "from_document": "SHA-256 of the earlier document (links to documents).",
            "from_filename": "File name of the earlier document.",
            "to_document": "SHA-256 of the later document (links to documents).",
            "to_filename": "File name of the later document.",
            "to_period_start": "First day of the period the later document covers.",
            "document": "The document the row is printed in (to_document if added, "
            "from_document if removed).",
            "page": "Page of that document the row is printed on (1-based).",
            "row_index": "Row number within its table in that document (0-based).",
            "row_values": "The row's values as JSON, keyed by column name (the new values "
            "of a 'changed' row).",
        },
    },
}


def _occurrences_cte(index: int, name: str, columns: list[str]) -> str:
    """Each row of ``name`` as JSON, numbered among identical rows of its document."""
    values = ", ".join(f"'{c}', [{c}]" for c in columns)
    return f"""occurrences_{index} as materialized (
  select document, page, table_index, row_index, row_values,
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
    max(table_index) as table_index, max(row_index) as row_index, row_values
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
            "null as table_index, null as row_index, null as row_values from pairs where 0"
        ]
    body = "\n  union all\n  ".join(parts)
    ctes_sql = ",\n".join(ctes)
    return f"""with {ctes_sql},
diffs as (
  {body}
),
{_CHANGED_SQL}
select d.comparison, d.table_name, d.change,
  {_label("f")} as from_label, {_label("t")} as to_label,
  d.what_changed,
  d.from_document, f.filename as from_filename,
  d.to_document, t.filename as to_filename, t.report_period_start as to_period_start,
  d.document, d.page, d.row_index, d.row_values
from (
  select comparison, table_name, change, from_document, to_document, document, page,
    table_index, row_index, row_values, null as what_changed
  from diffs
  where not exists (
    select 1 from changed c
    where c.comparison = diffs.comparison and c.from_document = diffs.from_document
      and c.to_document = diffs.to_document and c.table_name = diffs.table_name
      and c.page = diffs.page and c.table_index is diffs.table_index
      and c.row_index = diffs.row_index
  )
  union all
  select comparison, table_name, 'changed', from_document, to_document, document, page,
    table_index, row_index, row_values, what_changed
  from changed
) d
join documents f on f.sha256 = d.from_document
join documents t on t.sha256 = d.to_document
order by t.report_period_start, d.comparison, d.table_name, d.page, d.row_index, d.change"""


#: A correction that edits a row in place: the row it removed and the row it added at the
#: same place (page, table, row) that agree on at least half their values are one row
#: 'changed', shown as "column: old → new" for each value that differs.
_CHANGED_SQL = """changed as (
  select r.comparison, r.table_name, r.from_document, r.to_document, a.document, a.page,
    a.table_index, a.row_index, a.row_values,
    (select group_concat(o.key || ': ' || coalesce(o.value, '') || ' → '
        || coalesce(n.value, ''), '; ')
      from json_each(r.row_values) o join json_each(a.row_values) n on n.key = o.key
      where o.value is not n.value) as what_changed
  from diffs r join diffs a
    on a.comparison = r.comparison and a.from_document = r.from_document
    and a.to_document = r.to_document and a.table_name = r.table_name
    and a.page = r.page and a.table_index is r.table_index and a.row_index = r.row_index
  where r.comparison = 'correction' and r.change = 'removed' and a.change = 'added'
    and 2 * (select count(*) from json_each(r.row_values) o
      join json_each(a.row_values) n on n.key = o.key and n.value is o.value)
      >= (select count(*) from json_each(r.row_values))
)"""


def _label(alias: str) -> str:
    """A short name for a document: its edition (``db.editions``: file name and period, a
    correction marked)."""
    return f"coalesce({alias}.edition, {alias}.filename, substr({alias}.sha256, 1, 12))"


#: Each parsed table's changes with its values as columns: ``changes_<table>``.
TABLE_CHANGES_PREFIX = "changes_"


def table_changes_sql(name: str, columns: list[str]) -> str:
    values = ",\n  ".join(f"json_extract(row_values, '$.{c}') as [{c}]" for c in columns)
    return f"""select comparison, change, to_label as report, from_label as compared_with,
  what_changed,
  {values},
  document, page, row_index
from changes
where table_name = '{name}'"""


def table_changes_metadata(name: str, described: dict[str, str]) -> dict[str, Any]:
    """Metadata of ``changes_<name>``: the changes view's descriptions, the table's own for
    its value columns (``described``)."""
    base = cast(dict[str, str], TABLE_METADATA["changes"]["columns"])
    return {
        "title": f"What changed in {name}",
        "description": (
            f"The rows of {name} added, removed or changed between reports (see the changes "
            "view), one line each, with the row's values in their own columns."
        ),
        "columns": {
            "comparison": base["comparison"],
            "change": base["change"],
            "report": base["to_label"],
            "compared_with": base["from_label"],
            "what_changed": base["what_changed"],
            **described,
            "document": base["document"],
            "page": base["page"],
            "row_index": base["row_index"],
        },
    }


def view_definitions(db: sqlite_utils.Database) -> dict[str, str]:
    """Every view's SQL, in creation order (later views may use earlier ones)."""
    views = {
        "current_documents": CURRENT_DOCUMENTS_SQL,
        "shown_documents": SHOWN_DOCUMENTS_SQL,
        "changes": changes_sql(db),
        "changes_by_key": changes_by_key_sql(_PAIRS_SQL, _label, keyed_tables(db)),
    }
    for name, columns in parsed_tables(db):
        if columns:
            views[TABLE_CHANGES_PREFIX + name] = table_changes_sql(name, columns)
    return views


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
