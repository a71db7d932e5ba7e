"""Opening PDFs and reading their page furniture (running headers, footers).

Shared by the DDOR parser and the template engine so both fail the same way on a bad
file and recognise the same repeated lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import pdfplumber

from records.core.errors import ParseError

#: A line printed on at least this share of pages (of a multi-page document) is running
#: page furniture, not content.
RUNNING_LINE_SHARE = 0.8


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfplumber.PDF]:
    """pdfplumber.open with a ParseError naming the file when it is not a readable PDF."""
    if not path.exists():
        raise ParseError(f"{path}: file not found")
    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages  # forces the page tree to be read
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ParseError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    try:
        if not pages:
            raise ParseError(f"{path.name}: PDF has no pages")
        yield pdf
    finally:
        pdf.close()


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
    """Page 1 text, cached per file version (every parser's detect reads it); None when the
    file is not a PDF pdfplumber can open."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _first_page_text(path, stamp)


@lru_cache(maxsize=32)
def _first_page_text(path: Path, _stamp: int) -> str | None:
    try:
        with pdfplumber.open(path) as pdf:
            return (pdf.pages[0].extract_text() or "") if pdf.pages else None
    except Exception:  # unreadable: no parser recognises it
        return None
