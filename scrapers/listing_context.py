"""What a listing page says about a document link: its text and the date posted beside it.

Agencies often print a report's release date only on the listing page (ICE's DDOR page did:
"March 20, 2017" above the link), never in the PDF. This reads the link's own words and the
nearest date in its list item or table row; it never reads the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from parsel import Selector

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}}, \d{{4}}\b"), ("%B %d, %Y", "%b %d, %Y")),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), ("%Y-%m-%d",)),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"), ("%m/%d/%Y",)),
)

#: The elements that hold one entry of a listing: the link's item, row or block.
_ENTRY_TAGS = frozenset({"li", "tr", "article", "dd"})


@dataclass(frozen=True)
class LinkContext:
    text: str | None
    posted: str | None  # ISO date


def link_context(anchor: Selector) -> LinkContext:
    """The anchor's text and the first date in its listing entry (else its parent).

    Read from the parsed tree (lxml) as the selectors ``::text`` and
    ``ancestor::*[self::li or ...][1]`` would, without an XPath query per link: a weekly
    run reads every link of the listing, changed or not."""
    element = anchor.root
    text = _words(element) or None
    entry = next((e for e in element.iterancestors() if e.tag in _ENTRY_TAGS), None)
    if entry is None:
        entry = element.getparent()
    around = _words(entry) if entry is not None else ""
    return LinkContext(text=text, posted=first_date(around))


def _words(element: Any) -> str:
    """The element's text nodes, its descendants' included, joined with single spaces."""
    return " ".join(" ".join(element.itertext()).split())


def first_date(text: str) -> str | None:
    """The first date written in ``text``, as ISO, or None."""
    found: list[tuple[int, str]] = []
    for pattern, formats in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parsed = _parse(match.group(0).replace(".", ""), formats)
            if parsed:
                found.append((match.start(), parsed.isoformat()))
    return min(found)[1] if found else None


def _parse(value: str, formats: tuple[str, ...]) -> date | None:
    for fmt in formats:
        try:
            return datetime.strptime(value.replace("Sept ", "Sep "), fmt).date()
        except ValueError:
            continue
    return None
