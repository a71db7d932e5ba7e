"""What's new in an edition: a short digest of one newly loaded document against the one
before it (its corrected original, else the previous period's current report of the same
source), and against the series' history.

- rows added and removed per table (rows compared whole, as in ``changes``);
- for tables with a key (``TableSpec.key``): the largest changes of a number per key
  ("Harris: total_population 8,429 → 8,868"), keys that appeared and disappeared;
- for tables with facets: the facet values whose row count changed most, with the mean
  count of that value over the series' earlier current reports (its history).

Computed in Python from the two documents' rows only (never the ``changes`` view, which
compares every pair of reports), so the what's-new page, the feed and the
``on_new_document`` hook payload can each ask for it cheaply.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import sqlite_utils

from db.editions import same_period_sql

#: Entries kept in each list of a digest.
TOP = 5


def previous_document(db: sqlite_utils.Database, sha256: str) -> tuple[str, str] | None:
    """(document, comparison) that ``sha256`` is compared with: the report it corrects
    ('correction'), else the current report of the period before in its source ('next
    report'); None when there is none."""
    row = db.execute(
        "select o.sha256 from documents d join documents o on o.sha256 = d.supersedes"
        f" where d.sha256 = ? and o.status = 'parsed' and {same_period_sql('d', 'o')}",
        [sha256],
    ).fetchone()
    if row:
        return row[0], "correction"
    row = db.execute(
        "select c.sha256 from current_documents c join documents d on d.sha256 = ?"
        " where c.source is d.source and c.sha256 != d.sha256"
        " and d.report_period_start is not null and c.report_period_start is not null"
        " and (c.report_period_start, coalesce(c.report_period_end, ''))"
        "   < (d.report_period_start, coalesce(d.report_period_end, ''))"
        " order by c.report_period_start desc, c.report_period_end desc, c.first_seen desc"
        " limit 1",
        [sha256],
    ).fetchone()
    return (row[0], "next report") if row else None


def _registered(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    if not db.table("parsed_tables").exists():
        return []
    columns = db.table("parsed_tables").columns_dict
    tables = []
    for row in db.query("select * from parsed_tables order by name"):
        if not db.table(row["name"]).exists():
            continue
        tables.append(
            {
                "name": row["name"],
                "values": json.loads(row["value_columns"]),
                "key": json.loads(row["key"] or "[]") if "key" in columns else [],
                "facets": json.loads(row["facets"] or "[]") if "facets" in columns else [],
            }
        )
    return tables


def _rows(
    db: sqlite_utils.Database, table: str, columns: list[str], sha: str
) -> list[tuple[Any, ...]]:
    selected = ", ".join(f"[{c}]" for c in columns)
    return [
        tuple(r)
        for r in db.execute(
            f"select {selected} from [{table}] where document = ?"
            " order by page, table_index, row_index",
            [sha],
        )
    ]


def _label(db: sqlite_utils.Database, sha: str) -> dict[str, Any]:
    row = db.execute(
        "select sha256, edition, filename, source, report_period_start, report_period_end"
        " from documents where sha256 = ?",
        [sha],
    ).fetchone()
    keys = ("document", "edition", "filename", "source", "report_period_start", "report_period_end")
    return dict(zip(keys, row, strict=True)) if row else {"document": sha}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "(empty)" if value is None else str(value)


def _keyed(
    table: dict[str, Any], old: list[tuple[Any, ...]], new: list[tuple[Any, ...]]
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    columns: list[str] = table["values"]
    index = [columns.index(k) for k in table["key"]]

    def by_key(rows: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
        keyed: dict[str, tuple[Any, ...]] = {}
        for row in rows:
            keyed.setdefault(" · ".join("" if row[i] is None else str(row[i]) for i in index), row)
        return keyed

    before, after = by_key(old), by_key(new)
    changes = []
    for key in after.keys() & before.keys():
        for i, column in enumerate(columns):
            a, b = before[key][i], after[key][i]
            if _number(a) and _number(b) and a != b:
                changes.append(
                    {
                        "table": table["name"],
                        "key": key,
                        "column": column,
                        "old": a,
                        "new": b,
                        "delta": b - a,
                        "text": f"{key}: {column} {_shown(a)} → {_shown(b)}",
                    }
                )
    appeared = sorted(after.keys() - before.keys())
    disappeared = sorted(before.keys() - after.keys())
    return changes, appeared, disappeared


def _history(
    db: sqlite_utils.Database, table: str, column: str, value: Any, source: Any, before: str
) -> float | None:
    """Mean rows per report with ``column`` = ``value`` over the source's current reports
    of periods before ``before``; None without such reports."""
    reports = [
        r[0]
        for r in db.execute(
            "select sha256 from current_documents where source is ? and report_period_start < ?",
            [source, before],
        )
    ]
    if not reports:
        return None
    marks = ", ".join("?" for _ in reports)
    (count,) = db.execute(
        f"select count(*) from [{table}] where document in ({marks}) and [{column}] is ?",
        [*reports, value],
    ).fetchone()
    return round(int(count) / len(reports), 1)


def digest(db: sqlite_utils.Database, sha256: str, top: int = TOP) -> dict[str, Any]:
    """The digest of document ``sha256`` (see the module docstring), JSON-ready."""
    document = _label(db, sha256)
    previous = previous_document(db, sha256)
    result: dict[str, Any] = {
        **document,
        "compared_with": None,
        "tables": [],
        "largest_changes": [],
        "appeared": [],
        "disappeared": [],
        "facets": [],
    }
    if previous:
        result["compared_with"] = {**_label(db, previous[0]), "comparison": previous[1]}
    changes: list[dict[str, Any]] = []
    facets: list[dict[str, Any]] = []
    for table in _registered(db):
        new = _rows(db, table["name"], table["values"], sha256)
        old = _rows(db, table["name"], table["values"], previous[0]) if previous else []
        if not new and not old:
            continue
        added = sum((Counter(new) - Counter(old)).values()) if previous else len(new)
        removed = sum((Counter(old) - Counter(new)).values()) if previous else 0
        result["tables"].append(
            {"table": table["name"], "rows": len(new), "added": added, "removed": removed}
        )
        if not previous:
            continue
        if table["key"]:
            keyed, appeared, disappeared = _keyed(table, old, new)
            changes += keyed
            result["appeared"] += [{"table": table["name"], "key": k} for k in appeared]
            result["disappeared"] += [{"table": table["name"], "key": k} for k in disappeared]
        for column in table["facets"]:
            if column not in table["values"]:
                continue
            i = table["values"].index(column)
            before, after = Counter(r[i] for r in old), Counter(r[i] for r in new)
            for value in before.keys() | after.keys():
                if before[value] != after[value]:
                    facets.append(
                        {
                            "table": table["name"],
                            "column": column,
                            "value": value,
                            "old": before[value],
                            "new": after[value],
                            "delta": after[value] - before[value],
                        }
                    )
    result["largest_changes"] = sorted(
        changes, key=lambda c: (-abs(c["delta"]), c["table"], c["key"], c["column"])
    )[:top]
    result["appeared"] = result["appeared"][:top]
    result["disappeared"] = result["disappeared"][:top]
    facets = sorted(
        facets, key=lambda f: (-abs(f["delta"]), f["table"], f["column"], str(f["value"]))
    )[:top]
    start = document.get("report_period_start")
    for facet in facets:
        facet["history_mean"] = (
            _history(
                db, facet["table"], facet["column"], facet["value"], document.get("source"), start
            )
            if start
            else None
        )
    result["facets"] = facets
    result["summary"] = summary(result)
    return result


def summary(result: dict[str, Any]) -> str:
    """One line: '+12 rows, -3 rows against <edition>; largest: Harris: total 8,429 → 8,868'."""
    added = sum(t["added"] for t in result["tables"])
    removed = sum(t["removed"] for t in result["tables"])
    rows = sum(t["rows"] for t in result["tables"])
    compared = result["compared_with"]
    if compared is None:
        return f"{rows:,} rows; no earlier report to compare with."
    kind = (
        "the report it corrects" if compared["comparison"] == "correction" else "the report before"
    )
    line = f"{added:,} rows added, {removed:,} removed against {kind}, {compared.get('edition')}"
    if result["largest_changes"]:
        line += f"; largest change: {result['largest_changes'][0]['text']}"
    elif result["facets"]:
        f = result["facets"][0]
        line += f"; largest change: {f['column']} {f['value']}: {f['old']:,} → {f['new']:,} rows"
    return line + "."
