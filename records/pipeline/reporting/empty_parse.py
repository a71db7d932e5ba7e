"""A parse that read no rows from a document whose pages print table-like text is a
warning, not a silent ``parsed``.

A minimal check standing in for the page accounting of the series work: a page is
table-like when at least ``MIN_TABLE_LINES`` of its lines hold ``MIN_NUMBERS`` numbers or
more among at least three words, numbers being two words in five or more (a row of counts,
amounts or dates, not a sentence quoting a year). The page text is the
one stored in ``pages`` (OCR'd text for scanned pages).
"""

from __future__ import annotations

import re

import sqlite_utils

from db.pages import page_texts

#: Lines of numbers a page needs to count as table-like.
MIN_TABLE_LINES = 3
#: Numbers a line needs to count as a row of a table.
MIN_NUMBERS = 2

_NUMBER = re.compile(r"^[-+($]?\d[\d,.:/-]*%?\)?$")


def table_like_lines(text: str) -> int:
    """How many lines of ``text`` read like a table's rows (see the module docstring)."""
    count = 0
    for line in text.splitlines():
        words = line.split()
        numbers = sum(1 for w in words if _NUMBER.match(w))
        if len(words) >= 3 and numbers >= MIN_NUMBERS and numbers * 5 >= len(words) * 2:
            count += 1
    return count


def empty_parse_warnings(db: sqlite_utils.Database, sha256: str, rows: int) -> list[str]:
    """A warning naming the table-like pages of a document that gave ``rows`` = 0 rows."""
    if rows:
        return []
    pages = [
        (page, lines)
        for page, text in page_texts(db, sha256)
        if (lines := table_like_lines(text)) >= MIN_TABLE_LINES
    ]
    if not pages:
        return []
    listed = ", ".join(f"page {page} ({lines} lines)" for page, lines in pages[:10])
    more = f" and {len(pages) - 10} more pages" if len(pages) > 10 else ""
    return [
        f"no rows were read, but the text has lines of numbers like a table's rows on"
        f" {listed}{more}: check the document (a table the parser missed?)"
    ]
