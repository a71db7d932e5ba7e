"""A PDF's pages are made when asked for and go when nobody holds them: what a process
holds does not grow with the pages it has read (issue 26)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdftypes import PDFStream

from parsers.reading import document as pdf_pages
from parsers.reading.document import FastPage, forget, open_document
from parsers.reading.pagelist import PageList

#: Page sizes of the generated document (points): portrait, landscape, a small card.
SIZES = [(612, 792), (842, 595), (300, 200)]


@pytest.fixture
def sized_pdf(tmp_path: Path) -> Path:
    """Twelve pages of three sizes, each with a line naming it and a ruled box."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    pdf.set_font("Helvetica", size=12)
    for n in range(12):
        pdf.add_page(format=SIZES[n % 3])
        pdf.text(30, 50, f"Page {n + 1} of twelve")
        pdf.rect(30, 60, 100, 40)
    path = tmp_path / "sized.pdf"
    pdf.output(str(path))
    return path


@contextmanager
def no_collector() -> Iterator[None]:
    """The garbage collector off: what goes, goes by reference counting."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _streams_cached(document: pdf_pages.Document) -> int:
    cache = document.pdf.doc._cached_objs
    return sum(1 for obj, _ in cache.values() if isinstance(obj, PDFStream))


def test_pages_are_pdfplumbers_in_number_size_and_place(sized_pdf: Path) -> None:
    forget()
    with pdfplumber.open(sized_pdf) as plain, open_document(sized_pdf) as document:
        pages = document.pages
        assert isinstance(pages, PageList)
        assert len(pages) == len(plain.pages) == 12
        theirs = [(p.page_number, p.bbox, p.initial_doctop, p.rotation) for p in plain.pages]
        mine = [(p.page_number, p.bbox, p.initial_doctop, p.rotation) for p in pages]
        assert mine == theirs
        assert [p.extract_text() for p in pages] == [p.extract_text() for p in plain.pages]
        assert pages[-1].page_number == 12 and pages[-12].page_number == 1
        assert [p.page_number for p in pages[2:5]] == [3, 4, 5]
        with pytest.raises(IndexError):
            pages[12]
    forget()


def test_opening_makes_no_page_until_one_is_asked_for(sized_pdf: Path) -> None:
    forget()
    with open_document(sized_pdf) as document:
        assert len(document.pages) == 12
        assert document.pages.made() == []
        page = document.pages[6]
        assert document.pages.made() == [page]
        assert document.pages[6] is page  # the same page while somebody holds it
    forget()


def test_a_page_let_go_goes_at_once_with_its_streams(sized_pdf: Path) -> None:
    forget()
    with no_collector(), open_document(sized_pdf) as document:
        page = document.pages[4]
        assert isinstance(page, FastPage)
        assert page.extract_words()[0]["text"] == "Page"
        assert page.root_page is page
        assert page.get_textmap().as_string.startswith("Page 5 of twelve")
        document.done_with(page, keep=False)
        gone = weakref.ref(page)
        del page
        assert gone() is None  # no reference cycle kept it for the collector
        assert document.pages.made() == []
        assert _streams_cached(document) == 0
        # Made again, it reads the same.
        assert document.pages[4].extract_text().startswith("Page 5 of twelve")
    forget()


def test_the_document_cache_does_not_grow_with_pages_read(sized_pdf: Path) -> None:
    forget()
    with open_document(sized_pdf) as document:
        cache = document.pdf.doc._cached_objs
        sizes = []
        for number in range(len(document.pages)):
            page = document.pages[number]
            page.extract_words()
            document.done_with(page, keep=False)
            sizes.append(len(cache))
            assert _streams_cached(document) == 0
        # The catalog, the page tree, the font and its dictionary, whatever the pages read.
        assert sizes == [4] * len(sizes)
    forget()


def test_kept_pages_stay_made_and_others_go(sized_pdf: Path, monkeypatch) -> None:
    # KEPT_OBJECTS counts the objects of the pages kept for the next stage: a page's line
    # of text and its box are some 20 objects, so 50 keep the first two pages only.
    monkeypatch.setattr(pdf_pages, "KEPT_OBJECTS", 50)
    forget()
    with no_collector(), open_document(sized_pdf) as document:
        for page in document.pages:
            page.extract_words()
            document.done_with(page)
        del page
        made = [p.page_number for p in document.pages.made()]
        assert made[:2] == [1, 2] and len(made) == 2
        assert 0 < document.objects_kept() <= 50
    forget()
