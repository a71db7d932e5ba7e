"""pdfplumber's own reader, the oracle the fast reader is compared with (tests and benches
only: product code has one reader)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pdfplumber.page import Page

from parsers.reading import document


@contextmanager
def pdfplumbers_pages() -> Iterator[None]:
    """Inside the block, documents opened by ``open_document`` have pdfplumber's own page
    objects (its ``Page``, which reads every object through its generic converter)."""
    document.forget()
    saved = document.FastPDF.page_class
    document.FastPDF.page_class = Page  # type: ignore[assignment]
    try:
        yield
    finally:
        document.FastPDF.page_class = saved
        document.forget()
