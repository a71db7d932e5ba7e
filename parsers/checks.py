"""Checks of parsed rows against what a document says about itself.

Each function returns a ``parsers.base.Check``; a failed check quarantines the
document (see ``ParseResult.quarantine_reason``). Messages say what was expected and
what was found so an editor can open the PDF at the right page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from parsers.base import Check

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


def equals_check(name: str, expected: Any, found: Any, what: str = "") -> Check:
    """A value the document states (expected) against the value computed from rows."""
    return Check(name, expected == found, expected=expected, found=found, message=what)


def column_sums_check(
    name: str,
    rows: Iterable[dict[str, Any]],
    totals: dict[str, Any],
    columns: Iterable[str],
) -> Check:
    """Each listed column of the rows sums to the value printed in the totals row."""
    materialised = list(rows)
    wrong: dict[str, str] = {}
    for column in columns:
        stated = totals.get(column)
        computed = sum(r.get(column) or 0 for r in materialised)
        if stated != computed:
            wrong[column] = f"totals row {stated!r}, rows sum to {computed!r}"
    return Check(
        name,
        not wrong,
        expected="every column sums to the totals row",
        found=wrong or "all columns match",
        message=f"{len(wrong)} columns differ" if wrong else "",
    )
