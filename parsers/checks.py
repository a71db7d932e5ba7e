"""Checks of parsed rows against what a document says about itself.

Each function returns a ``parsers.base.Check``; a failed check quarantines the
document (see ``ParseResult.quarantine_reason``). Messages say what was expected and
what was found so an editor can open the PDF at the right page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from parsers.base import Check

#: How many differences a failed check lists.
LISTED = 5

_PAGE_OF = re.compile(r"\bPage\s+(\d+)\s+of\s+(\d+)\b", re.IGNORECASE)


def page_footer_check(page_lines: Sequence[Sequence[dict[str, Any]]], pages: int) -> Check:
    """Every page prints "Page N of M" with N its own number and M the page count."""
    wrong: list[str] = []
    for number, lines in enumerate(page_lines, start=1):
        found = [m for line in lines for m in _PAGE_OF.finditer(line["text"])]
        if not found:
            wrong.append(f"page {number}: no 'Page N of M'")
            continue
        n, m = int(found[-1].group(1)), int(found[-1].group(2))
        if (n, m) != (number, pages):
            wrong.append(f"page {number}: 'Page {n} of {m}'")
    return Check(
        "page_footer",
        not wrong,
        expected=f"'Page N of {pages}' on each of {pages} pages",
        found=wrong[:5] or f"all {pages} footers match",
        message=f"{len(wrong)} pages wrong" if wrong else "",
    )


# --- checks declared in templates -----------------------------------------------------


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


@dataclass(frozen=True)
class Tolerance:
    """How far a stated figure may be from the computed one: ``absolute`` units plus a
    ``relative`` share of the stated figure; with ``unlisted``, the stated total may also
    exceed the rows' sum by any amount (it covers rows the table does not list)."""

    absolute: float = 0.0
    relative: float = 0.0
    unlisted: bool = False

    def allowed(self, stated: Any) -> float:
        return self.absolute + self.relative * abs(_number(stated))

    def ok(self, stated: Any, computed: Any) -> bool:
        if stated is None or computed is None:
            return bool(stated == computed)
        difference = _number(stated) - _number(computed)
        if self.unlisted and difference >= 0:
            return True
        return abs(difference) <= self.allowed(stated) + 1e-9

    def describe(self) -> str:
        parts = []
        if self.absolute:
            parts.append(f"{self.absolute:g}")
        if self.relative:
            parts.append(f"{100 * self.relative:g}%")
        text = f"tolerance {' + '.join(parts)}" if parts else "no tolerance"
        return text + (", total may cover unlisted rows" if self.unlisted else "")


def tolerance_of(spec: dict[str, Any]) -> Tolerance:
    """A check's ``tolerance`` (a number of units, or "N%" of the stated figure) and
    ``unlisted`` (the printed total covers rows not listed: it may exceed their sum)."""
    raw = spec.get("tolerance", 0)
    unlisted = bool(spec.get("unlisted", False))
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith("%"):
            return Tolerance(0.0, float(text[:-1]) / 100, unlisted)
        return Tolerance(float(text), 0.0, unlisted)
    return Tolerance(float(raw), 0.0, unlisted)


def _close(a: Any, b: Any, tolerance: float | Tolerance) -> bool:
    rule = tolerance if isinstance(tolerance, Tolerance) else Tolerance(float(tolerance))
    return rule.ok(a, b)


def _difference(stated: Any, computed: Any) -> str:
    if stated is None or computed is None:
        return "one of them is empty"
    diff = _number(stated) - _number(computed)
    return f"difference {int(diff) if float(diff).is_integer() else round(diff, 6):+}"


def mismatch(what: str, stated: Any, computed: Any, rows: int, rule: Tolerance) -> str:
    """'<what>: expected 4783, found 4780 (sum of 27 rows), difference +3': the column, the
    printed (expected) and computed (found) values and the difference, and the tolerance
    it is beyond when one is declared."""
    beyond = "" if rule == Tolerance() else f", beyond {rule.describe()}"
    return (
        f"{what}: expected {stated!r}, found {computed!r} (sum of {rows} rows),"
        f" {_difference(stated, computed)}{beyond}"
    )


def _aggregate(rows: list[dict[str, Any]], how: str) -> Any:
    """'count' | 'sum:column' | 'count:column=value' over rows."""
    if how == "count":
        return len(rows)
    kind, _, rest = how.partition(":")
    if kind == "sum":
        total = sum(_number(r.get(rest)) for r in rows)
        return int(total) if all(isinstance(r.get(rest), int | None) for r in rows) else total
    if kind == "count":
        column, _, value = rest.partition("=")
        return sum(1 for r in rows if str(r.get(column)) == value)
    raise ValueError(f"unknown aggregate {how!r}")


def run_declared(spec: dict[str, Any], tables: dict[str, Any], texts: Any) -> Check:
    """Run one ``[[checks]]`` entry of a template against its typed tables. With
    ``on_fail = "warn"`` a failure is kept as a warning (``Check.warn_only``)."""
    check = _run_declared(spec, tables, texts)
    if spec.get("on_fail", "quarantine") == "warn":
        check.warn_only = True
    return check


def _run_declared(spec: dict[str, Any], tables: dict[str, Any], texts: Any) -> Check:
    kind = spec["kind"]
    name = spec.get("name", kind)
    if kind == "page_footer":
        lines = texts.lines()
        return page_footer_check(lines, len(lines))
    if kind == "stated_number":
        return _stated_number(name, spec, tables, texts)
    table = tables[spec["table"]]
    rows = [r.values for r in table.rows]
    rule = tolerance_of(spec)
    if kind == "column_sums":
        if not table.totals:
            return Check(name, False, expected=f"a totals row in {spec['table']}", found="none")
        stated = table.totals[-1]
        # A column this edition does not print (an optional one) has nothing to check.
        columns = [
            c
            for c in spec["columns"]
            if stated.get(c) is not None or any(r.get(c) is not None for r in rows)
        ]
        wrong = {}
        for column in columns:
            computed = _aggregate(rows, f"sum:{column}")
            if not rule.ok(stated.get(column), computed):
                wrong[column] = mismatch(column, stated.get(column), computed, len(rows), rule)
        return Check(
            name,
            not wrong,
            expected=f"{len(columns)} columns of {len(rows)} rows sum to the totals row",
            found=wrong or "all columns match",
            message=f"{len(wrong)} columns differ" if wrong else "",
        )
    if kind == "subtotals":
        if spec.get("positional"):
            return _positional_subtotals(name, spec, table, rule)
        return _subtotals(name, spec, table, rule)
    if kind == "group_totals":
        return _group_totals(name, spec, rows, tables, rule)
    raise ValueError(f"unknown check kind {kind!r}")


def _stated_number(name: str, spec: dict[str, Any], tables: dict[str, Any], texts: Any) -> Check:
    text = " ".join(texts.joined().split())
    match = re.search(spec["pattern"], text)
    how = spec.get("aggregate", "count")
    found = _aggregate([r.values for r in tables[spec["table"]].rows], how)
    if not match:
        return Check(name, False, expected=f"text matching {spec['pattern']!r}", found=None)
    stated = float(match.group(1).replace(",", ""))
    stated_value: int | float = int(stated) if stated.is_integer() else stated
    return Check(
        name,
        tolerance_of(spec).ok(stated_value, found),
        expected=stated_value,
        found=found,
        message=f"document states {match.group(0)!r}; {how} of {spec['table']}",
    )


def _positional_subtotals(name: str, spec: dict[str, Any], table: Any, rule: Tolerance) -> Check:
    """Each subtotal row equals the sum of the data rows since the previous subtotal row
    (``positional = true``), for each of ``columns`` (or ``value_column``)."""
    columns = spec.get("columns") or [spec["value_column"]]
    rows = [r.values for r in table.rows]
    wrong: dict[str, str] = {}
    previous = 0
    for number, (before, subtotal) in enumerate(table.subtotals, start=1):
        members = rows[previous:before]
        previous = before
        label = next((str(v) for v in subtotal.values() if isinstance(v, str) and v), "")
        for column in columns:
            computed = _aggregate(members, f"sum:{column}")
            if not rule.ok(subtotal.get(column), computed):
                where = f"subtotal {number} {label!r} {column}".replace(" ''", "")
                wrong[where] = mismatch(where, subtotal.get(column), computed, len(members), rule)
    return Check(
        name,
        bool(table.subtotals) and not wrong,
        expected="each subtotal row equals the sum of the rows since the previous one",
        found=dict(list(wrong.items())[:LISTED]) or f"{len(table.subtotals)} subtotals match",
        message=f"{len(wrong)} subtotals differ" if wrong else "",
    )


def _subtotals(name: str, spec: dict[str, Any], table: Any, rule: Tolerance) -> Check:
    group, value = spec["group_column"], spec["value_column"]
    rows = [r.values for r in table.rows]
    wrong: dict[str, str] = {}
    for _, subtotal in table.subtotals:
        members = [r for r in rows if r.get(group) == subtotal.get(group)]
        computed = _aggregate(members, f"sum:{value}")
        if not rule.ok(subtotal.get(value), computed):
            where = f"{subtotal.get(group)} {value}"
            wrong[str(subtotal.get(group))] = mismatch(
                where, subtotal.get(value), computed, len(members), rule
            )
    return Check(
        name,
        bool(table.subtotals) and not wrong,
        expected=f"each subtotal row equals the sum of its {group} group",
        found=wrong or f"{len(table.subtotals)} subtotals match",
        message=f"{len(wrong)} subtotals differ" if wrong else "",
    )


def _group_totals(
    name: str,
    spec: dict[str, Any],
    rows: list[dict[str, Any]],
    tables: dict[str, Any],
    tolerance: Tolerance,
) -> Check:
    """Detail rows grouped by a column reproduce a summary table printed in the document."""
    exclude = spec.get("exclude", {})
    kept = [r for r in rows if all(r.get(k) != v for k, v in exclude.items())]
    groups: dict[str, list[dict[str, Any]]] = {}
    fmt = spec.get("group_format")
    for row in kept:
        key = row.get(spec["group_by"])
        if fmt and key:
            key = date.fromisoformat(key).strftime(fmt)
        groups.setdefault(str(key), []).append(row)
    summary = [r.values for r in tables[spec["summary_table"]].rows]
    wrong: dict[str, str] = {}
    for line in summary:
        key = str(line.get(spec["summary_key"]))
        members = groups.pop(key, [])
        for column, how in spec["compare"].items():
            computed = _aggregate(members, how)
            if not _close(line.get(column), computed, tolerance):
                wrong[f"{key} {column}"] = f"summary {line.get(column)!r}, rows give {computed!r}"
    for key, members in groups.items():
        wrong[key] = f"{len(members)} rows in a group the summary does not list"
    return Check(
        name,
        bool(summary) and not wrong,
        expected=(
            f"{spec['table']} grouped by {spec['group_by']} reproduces every "
            f"{', '.join(spec['compare'])} of {spec['summary_table']}"
        ),
        found=dict(list(wrong.items())[:LISTED]) or f"{len(summary)} summary rows match",
        message=f"{len(wrong)} differences" if wrong else "",
    )
