"""Which printed column is which template column, in one edition of a report.

Reports evolve: an agency adds a column (the FBI's NICS report gained "Permit Recheck" in
2016), drops one, or renames one. A template column marked ``optional`` may be absent; a
table with ``extra_columns = "keep"`` accepts columns it does not know and stores them as
text (one JSON object per row, in ``EXTRA_COLUMN``). Everything else about the header is a
fingerprint: when it does not match, ``describe_drift`` names the columns added, removed
or renamed, so the quarantine message says what changed, not only how many columns.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cached_property

from parsers.templates.spec import EXTRA_COLUMN, TableTemplate, type_value

__all__ = ["EXTRA_COLUMN", "Layout", "describe_drift", "match_layout", "similar", "snake_case"]


def norm(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


@dataclass(frozen=True)
class Layout:
    """One edition's header: the printed texts and, per printed column, the template
    column it feeds (None for a column the template does not know, kept as extra)."""

    headers: tuple[str, ...]
    columns: tuple[str | None, ...]

    @property
    def width(self) -> int:
        return len(self.headers)

    @property
    def extras(self) -> list[str]:
        return [h for h, c in zip(self.headers, self.columns, strict=True) if c is None]

    def values(self, table: TableTemplate, cells: list[str | None]) -> dict[str, str | None]:
        """A row's cleaned cells -> {template column: text}; absent columns are None, and
        a kept edition's unknown columns go to ``EXTRA_COLUMN`` as JSON."""
        values: dict[str, str | None] = {c.name: None for c in table.columns}
        extra: dict[str, str | None] = {}
        for i, cell in enumerate(cells[: self.width]):
            name = self.columns[i]
            if name is None:
                extra[self.headers[i] or f"column {i + 1}"] = cell
            else:
                values[name] = cell
        if table.extra_columns == "keep":
            values[EXTRA_COLUMN] = json.dumps(extra, ensure_ascii=False) if extra else None
        return values

    def is_header(self, cells: list[str | None]) -> bool:
        """The header printed again inside the table (one-row headers only)."""
        return [norm(c) for c in cells] == self._normed_headers

    @cached_property
    def _normed_headers(self) -> list[str]:
        """``norm`` of each header text (asked of every row read)."""
        return [norm(h) for h in self.headers]


def match_layout(table: TableTemplate, found: list[str]) -> Layout | None:
    """The layout when ``found`` (one text per printed column) carries the template's
    header: every required column, in order, optional ones anywhere they belong, and
    unknown ones only when the table keeps extra columns."""
    want = [norm(c.header) for c in table.columns]
    got = [norm(h) for h in found]
    columns: list[str | None] = []
    j = 0
    for text in got:
        k = j
        # Skip optional template columns this edition does not print.
        while k < len(want) and not _fits(table, k, text) and table.columns[k].optional:
            k += 1
        if k < len(want) and _fits(table, k, text):
            columns.append(table.columns[k].name)
            j = k + 1
        elif table.extra_columns == "keep" and text not in want[j:]:
            columns.append(None)
        else:
            return None
    if any(not c.optional for c in table.columns[j:]):
        return None
    return Layout(tuple(found), tuple(columns))


def _fits(table: TableTemplate, k: int, text: str) -> bool:
    """Whether printed header ``text`` is template column ``k``'s. A table printed without
    a header (``header_is_data``) is fingerprinted by its first row, whose figures change
    with every edition: there a number, integer or date column takes any value its own
    typing reads (a blank too), and only the text columns must read the same."""
    column = table.columns[k]
    if norm(column.header) == text:
        return True
    if not table.header_is_data or column.type not in _FIGURE_TYPES:
        return False
    try:
        type_value(column, text or None)
    except ValueError:
        return False
    return True


_FIGURE_TYPES = frozenset({"integer", "float", "date"})


def describe_drift(table: TableTemplate, found: list[str]) -> str:
    """What changed from the template's header to ``found``: columns added, removed and
    renamed, by their printed header texts; '' when nothing can be named."""
    printed = {norm(f) for f in found}
    # An optional column this edition leaves out is no change.
    want = [c.header for c in table.columns if not c.optional or norm(c.header) in printed]
    matcher = difflib.SequenceMatcher(a=[norm(w) for w in want], b=[norm(f) for f in found])
    added: list[str] = []
    removed: list[str] = []
    renamed: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "insert":
            added += found[b0:b1]
        elif op == "delete":
            removed += want[a0:a1]
        elif op == "replace" and a1 - a0 == b1 - b0:
            renamed += [f"{w!r} -> {f!r}" for w, f in zip(want[a0:a1], found[b0:b1], strict=True)]
        elif op == "replace":
            removed += want[a0:a1]
            added += found[b0:b1]
    parts = []
    if added:
        parts.append(f"columns added: {_quoted(added)}")
    if removed:
        parts.append(f"columns removed: {_quoted(removed)}")
    if renamed:
        parts.append(f"columns renamed: {', '.join(renamed)}")
    return "; ".join(parts)


def similar(table: TableTemplate, found: list[str]) -> bool:
    """Whether ``found`` looks like an edition of this header (half its texts are there),
    so a drift description is worth giving rather than noise about another table."""
    want = {norm(c.header) for c in table.columns}
    return sum(1 for f in found if norm(f) in want) * 2 >= len(want)


def _quoted(texts: list[str]) -> str:
    return ", ".join(repr(t) for t in texts)


_NOT_WORD = re.compile(r"[^0-9a-z]+")


def snake_case(text: str) -> str:
    """A printed header -> a column name: 'Long Gun' -> 'long_gun', '*Other' -> 'other'."""
    name = _NOT_WORD.sub("_", text.lower()).strip("_")
    if not name:
        return "column"
    return f"c_{name}" if name[0].isdigit() else name
