"""``changes_by_key``: between consecutive editions, and between a report and its correction,
what changed for each key of a table that declares one (``TableSpec.key``, ``key = [...]``
in a template): "Harris: total_population 8,429 → 8,868", keys that appeared, keys that
disappeared. Tables without a key keep the row-by-row ``changes``.

A key printed twice in one document (two rows for one county) is matched in order: the
first with the first, the second with the second.
"""

from __future__ import annotations

from typing import Any

#: Views built here (``db.views`` creates them) and their metadata.
TABLE_METADATA: dict[str, dict[str, Any]] = {
    "changes_by_key": {
        "title": "What changed, by key",
        "description": (
            "For each table that declares a key (the columns naming what a row is about, "
            "such as a county), between consecutive reports of a series ('next report') and "
            "between a report and its correction ('correction'): each key whose values "
            "changed, with every changed value as 'column: old → new', each key that "
            "appeared and each key that disappeared. Numbers changed are also in delta "
            "(new minus old) for the largest change of the row."
        ),
        "columns": {
            "comparison": "'next report' or 'correction' (see the changes view).",
            "table_name": "Table the rows belong to.",
            "key": "What the row is about: the values of the table's key columns.",
            "change": "'changed' (same key, other values), 'appeared' (in the later "
            "document only) or 'disappeared' (in the earlier document only).",
            "what_changed": "Each value that differs, as 'column: old → new'.",
            "largest_column": "The numeric column that changed the most (by absolute "
            "difference); empty when no number changed.",
            "delta": "New minus old value of largest_column.",
            "from_label": "Edition of the earlier document.",
            "to_label": "Edition of the later document.",
            "from_document": "SHA-256 of the earlier document (links to documents).",
            "to_document": "SHA-256 of the later document (links to documents).",
            "document": "The document the row is printed in (the later one unless the key "
            "disappeared).",
            "page": "Page of that document the row is printed on (1-based).",
            "row_values": "The row's values as JSON (the new values, unless it disappeared).",
        },
    }
}


def _quoted(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def _keyed_cte(index: int, name: str, key: list[str], columns: list[str]) -> str:
    key_json = "json_array(" + ", ".join(_quoted(c) for c in key) + ")"
    key_label = " || ' · ' || ".join(f"coalesce({_quoted(c)}, '')" for c in key)
    values = ", ".join(f"'{c}', {_quoted(c)}" for c in columns)
    return f"""keyed_{index} as materialized (
  select document, page, row_index, {key_json} as key_json, {key_label} as key_label,
    json_object({values}) as row_values,
    row_number() over (
      partition by document, {key_json} order by page, table_index, row_index
    ) as occurrence
  from {_quoted(name)}
  where document in (select from_document from pairs union select to_document from pairs)
)"""


def _table_sql(index: int, name: str, key: list[str]) -> str:
    keys = ", ".join(f"'{c}'" for c in key)
    return f"""select p.comparison, '{name}' as table_name,
    coalesce(n.key_label, o.key_label) as key,
    case when o.key_json is null then 'appeared' when n.key_json is null then 'disappeared'
      else 'changed' end as change,
    (select group_concat(a.key || ': ' || {_shown("a.value", "a.type")} || ' → '
        || {_shown("b.value", "b.type")}, '; ')
      from json_each(o.row_values) a join json_each(n.row_values) b on b.key = a.key
      where a.value is not b.value and a.key not in ({keys})) as what_changed,
    (select a.key from json_each(o.row_values) a join json_each(n.row_values) b
      on b.key = a.key
      where a.type in ('integer', 'real') and b.type in ('integer', 'real')
        and a.value != b.value
      order by abs(b.value - a.value) desc, a.key limit 1) as largest_column,
    (select b.value - a.value from json_each(o.row_values) a join json_each(n.row_values) b
      on b.key = a.key
      where a.type in ('integer', 'real') and b.type in ('integer', 'real')
        and a.value != b.value
      order by abs(b.value - a.value) desc, a.key limit 1) as delta,
    p.from_document, p.to_document,
    coalesce(n.document, o.document) as document, coalesce(n.page, o.page) as page,
    coalesce(n.row_values, o.row_values) as row_values
  from pairs p
  join (
    select document, key_json, occurrence from keyed_{index}
  ) k on k.document in (p.from_document, p.to_document)
  left join keyed_{index} o on o.document = p.from_document and o.key_json = k.key_json
    and o.occurrence = k.occurrence
  left join keyed_{index} n on n.document = p.to_document and n.key_json = k.key_json
    and n.occurrence = k.occurrence
  where (k.document = p.to_document or n.key_json is null)
    and (o.key_json is null or n.key_json is null or o.row_values is not n.row_values)"""


def _shown(value: str, kind: str) -> str:
    """A JSON value as a reporter reads it: whole numbers with thousands separators."""
    return (
        f"case when {kind} = 'integer' then printf('%,d', {value})"
        f" when {value} is null then '(empty)' else {value} end"
    )


def changes_by_key_sql(
    pairs_sql: str, label: Any, tables: list[tuple[str, list[str], list[str]]]
) -> str:
    """The view's SQL over the ``pairs`` CTE of ``db.views`` (``label(alias)`` names a
    document), for ``tables`` as (name, key columns, value columns)."""
    ctes = [pairs_sql] + [_keyed_cte(i, n, k, c) for i, (n, k, c) in enumerate(tables)]
    parts = [_table_sql(i, n, k) for i, (n, k, _c) in enumerate(tables)]
    if not parts:
        parts = [
            "select null as comparison, null as table_name, null as key, null as change, "
            "null as what_changed, null as largest_column, null as delta, "
            "null as from_document, null as to_document, null as document, null as page, "
            "null as row_values from pairs where 0"
        ]
    body = "\n  union all\n  ".join(parts)
    ctes_sql = ",\n".join(ctes)
    return f"""with {ctes_sql},
keyed as (
  {body}
)
select k.comparison, k.table_name, k.key, k.change, k.what_changed, k.largest_column,
  k.delta, {label("f")} as from_label, {label("t")} as to_label,
  k.from_document, k.to_document, k.document, k.page, k.row_values
from keyed k
join documents f on f.sha256 = k.from_document
join documents t on t.sha256 = k.to_document
order by t.report_period_start, k.comparison, k.table_name, abs(coalesce(k.delta, 0)) desc,
  k.key"""
