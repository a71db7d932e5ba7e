"""Opening PDFs and reading their page furniture (running headers, footers).

Shared by the DDOR parser and the template engine so both fail the same way on a bad
file and recognise the same repeated lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber

from parsers.reading.document import open_document
from records.core.errors import ParseError

#: A line printed on at least this share of pages (of a multi-page document) is running
#: page furniture, not content.
RUNNING_LINE_SHARE = 0.8


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfplumber.PDF]:
    """The PDF (``parsers.reading.document``: pages already read in this process are not read
    again) with a ParseError naming the file when it is not a readable PDF."""
    if not path.exists():
        raise ParseError(f"{path}: file not found")
    try:
        document = open_document(path)
        pages = document.pages  # forces the page tree to be read
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ParseError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    with document:
        if not pages:
            raise ParseError(f"{path.name}: PDF has no pages")
        yield document.pdf


def running_lines(page_lines: list[list[dict[str, Any]]]) -> set[str]:
    """Text lines repeated on most pages: the running header and footer."""
    if len(page_lines) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        counts.update({line["text"].strip() for line in lines if line["text"].strip()})
    threshold = max(2, int(len(page_lines) * RUNNING_LINE_SHARE))
    return {text for text, n in counts.items() if n >= threshold}


def first_page_text(path: Path) -> str | None:
    """Page 1 text (every parser's detect reads it: page 1 is read once per process and
    file version, and the parse goes on with the same page); None when the file is not a
    PDF pdfplumber can open."""
    try:
        with open_document(path) as document:
            pages = document.pages
            return (pages[0].extract_text() or "") if pages else None
    except Exception:  # unreadable: no parser recognises it
        return None
