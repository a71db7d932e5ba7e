"""The fast page reader gives what pdfplumber's own reader gives, and each page is read
once per process whatever the stages that look at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfminer.pdftypes import PDFStream

from parsers.generic import extract_tables
from parsers.ice_ddor.parser import PARSER as DDOR
from parsers.reading import document as pdf_pages
from parsers.reading.document import FastPDF, forget, open_document
from parsers.reading.pagetext import read_pages
from parsers.registry import detect_parser, get_parser
from records.core.errors import ParseError
from records.demo.sample_reports import weekly_series
from tests.parsers.reading.oracle import pdfplumbers_pages
from tests.shared import FIXTURES, fixture

#: Every template with the fixture its tests parse.
TEMPLATE_FIXTURES = [
    ("ca-warn", "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf"),
    ("fbi-nics", "real/pdfplumber/nics-background-checks-2015-11.pdf"),
    ("fbi-nics", "real/pdfplumber/nics-background-checks-2015-11-rotated.pdf"),
    ("mn-major-contributions", "real/tabula-java/schools.pdf"),
    ("ca-warn", "real/tabula-java/schools.pdf"),
    ("ca-medi-cal-plans", "real/camelot/row_span_1.pdf"),
    ("ok-able-licenses", "real/camelot/m27.pdf"),
    ("census-arrests-by-race", "real/camelot/12s0324.pdf"),
]

#: The real documents the generic extractor's tests read.
GENERIC_FIXTURES = [
    "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "real/pdfplumber/nics-background-checks-2015-11.pdf",
    "real/pdfplumber/nics-background-checks-2015-11-rotated.pdf",
    "real/pdfplumber/federal-register-2020-17221.pdf",
    "real/camelot/12s0324.pdf",
    "real/camelot/us-030.pdf",
    "real/camelot/us-007.pdf",
    "real/camelot/vertical_header.pdf",
    "real/camelot/row_span_1.pdf",
    "real/camelot/health.pdf",
    "real/tabula-java/schools.pdf",
    "real/tabula-java/rotated_page.pdf",
    "real/tabula-java/argentina_diputados_voting_record.pdf",
    "real/warn-scraper/gao-03-1003.pdf",
]
#: Pages the tests read, for the long documents.
GENERIC_PAGES = {"real/warn-scraper/gao-03-1003.pdf": [1, 2, 3, 28, 32, *range(36, 42)]}

#: Every fixture PDF once (the DDOR site serves a copy of the DDOR fixture).
ALL_PDFS = sorted(
    str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.pdf") if "site" not in p.parts
)


def _comparable(value: Any) -> Any:
    """Objects as values: a stream (an image's data, its colour space) belongs to its own
    opened PDF, so it is compared by object number and bytes. An inline image (``BI ... ID
    ... EI``, a stream without an object number) is named by pdfminer after the Python
    ``id()`` of its stream (``PDFPageInterpreter.do_EI``): a memory address that differs
    between any two reads, pdfplumber's own included, so its name is not compared."""
    if isinstance(value, PDFStream):
        return ("stream", value.objid, value.rawdata)
    if isinstance(value, dict):
        if value.get("object_type") == "image" and getattr(value.get("stream"), "objid", 0) is None:
            value = {**value, "name": "inline image"}
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_comparable(v) for v in value)
    return value


@pytest.mark.parametrize("relative", ALL_PDFS)
def test_every_object_of_every_fixture_page_is_pdfplumbers(relative: str) -> None:
    path = fixture(relative)
    try:
        plain = pdfplumber.open(path)
        plain_pages = plain.pages
    except Exception as exc:
        with pytest.raises(type(exc)):
            _ = FastPDF.open(path).pages
        return
    with plain, FastPDF.open(path) as fast:
        assert len(fast.pages) == len(plain_pages)
        for mine, theirs in zip(fast.pages, plain_pages, strict=True):
            assert list(mine.objects) == list(theirs.objects)
            assert _comparable(mine.objects) == _comparable(theirs.objects), relative
            assert (mine.bbox, mine.initial_doctop) == (theirs.bbox, theirs.initial_doctop)


def _both(parse: Any) -> tuple[Any, Any]:
    """``parse()`` with pdfplumber's own pages, then with the reader."""
    with pdfplumbers_pages():
        before = parse()
    forget()
    after = parse()
    forget()
    return before, after


@pytest.mark.parametrize(("name", "relative"), TEMPLATE_FIXTURES)
def test_templates_parse_the_same_as_with_pdfplumbers_pages(name: str, relative: str) -> None:
    path = fixture(relative)
    before, after = _both(lambda: (detect_parser(path).name, get_parser(name).parse(path)))
    # A template that found nothing would compare equal too: it must say why.
    assert before[1].rows or before[1].quarantine
    assert after == before


def test_ddor_parses_the_same_as_with_pdfplumbers_pages(tmp_path: Path) -> None:
    paths = [fixture("ddor/ddor2017_01-28to02-03.pdf")]
    paths += [report.write(tmp_path) for report in weekly_series(3)]
    for path in paths:
        before, after = _both(lambda p=path: DDOR.parse(p))
        assert len(before.rows) > 10
        assert after == before, path.name


@pytest.mark.parametrize("relative", GENERIC_FIXTURES)
def test_generic_extraction_is_the_same_as_with_pdfplumbers_pages(relative: str) -> None:
    path = fixture(relative)
    pages = GENERIC_PAGES.get(relative)
    before, after = _both(
        lambda: [t.to_dict() for t in extract_tables(path, pages=pages, workers=1)]
    )
    assert before
    assert after == before


def test_page_text_is_the_same_as_with_pdfplumbers_pages() -> None:
    path = fixture("real/pdfplumber/federal-register-2020-17221.pdf")
    before, after = _both(lambda: read_pages(path))
    assert after == before


def test_the_oracle_reads_with_pdfplumbers_own_pages() -> None:
    # The comparisons above would prove nothing if the oracle were the reader itself.
    path = fixture("real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf")
    with pdfplumbers_pages(), open_document(path) as document:
        assert type(document.pages[0]) is pdfplumber.page.Page
    forget()
    with open_document(path) as document:
        assert type(document.pages[0]) is pdf_pages.FastPage


def test_each_page_is_read_once_for_page_text_detection_and_parse(monkeypatch) -> None:
    reads: list[int] = []
    real_layout = pdf_pages.FastPage.layout.fget

    def counting(page: pdf_pages.FastPage) -> Any:
        if not hasattr(page, "_layout"):
            reads.append(page.page_number)
        return real_layout(page)

    monkeypatch.setattr(pdf_pages.FastPage, "layout", property(counting))
    path = fixture("ddor/ddor2017_01-28to02-03.pdf")
    forget()
    pages = read_pages(path)
    parser = detect_parser(path)
    result = parser.parse(path)
    assert parser.name == "ice-ddor" and len(result.rows) > 300
    assert sorted(reads) == list(range(1, len(pages) + 1))


def test_detection_reads_page_one_only(monkeypatch) -> None:
    reads: list[int] = []
    real_layout = pdf_pages.FastPage.layout.fget

    def counting(page: pdf_pages.FastPage) -> Any:
        if not hasattr(page, "_layout"):
            reads.append(page.page_number)
        return real_layout(page)

    monkeypatch.setattr(pdf_pages.FastPage, "layout", property(counting))
    path = fixture("real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf")
    forget()
    assert detect_parser(path).name == "ca-warn"
    with open_document(path) as document:
        assert len(document.pages) == 16
    assert reads == [1]


def test_a_huge_document_lets_pages_go_after_each_stage(monkeypatch) -> None:
    monkeypatch.setattr(pdf_pages, "KEPT_OBJECTS", 1000)
    path = fixture("ddor/ddor2017_01-28to02-03.pdf")
    forget()
    read_pages(path)
    with open_document(path) as document:
        assert 0 < document.objects_kept() <= 1000
    forget()


def test_pages_beyond_the_kept_ones_are_let_go_in_any_stage(monkeypatch) -> None:
    # A stage that never says it is done with a page (a template's loop over the pages)
    # holds the kept pages and the last TRANSIENT_PAGES read, not the whole document.
    monkeypatch.setattr(pdf_pages, "KEPT_OBJECTS", 1000)
    path = fixture("ddor/ddor2017_01-28to02-03.pdf")
    forget()
    with open_document(path) as document:
        sizes = []
        for page in document.pages:
            sizes.append(len(page.objects.get("char", [])))
            held = [p.page_number for p in document.pages if p.objects_read()]
            assert len(held) <= 2 + sum(1 for n in sizes if n <= 1000)
        assert document.objects_kept() <= 1000 + 2 * max(sizes)
        assert sum(sizes) > 10 * 1000  # the document is far beyond the budget
    forget()


def test_rows_are_the_same_when_pages_are_read_again(monkeypatch) -> None:
    # Pages let go and read again by a later stage give the same rows as pages kept.
    path = fixture("ddor/ddor2017_01-28to02-03.pdf")
    forget()
    read_pages(path)
    kept = DDOR.parse(path)
    forget()
    monkeypatch.setattr(pdf_pages, "KEPT_OBJECTS", 0)
    read_pages(path)
    again = DDOR.parse(path)
    forget()
    assert len(kept.rows) > 300
    assert again == kept


def test_a_broken_pdf_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(ParseError, match="broken.pdf"):
        read_pages(broken)


def _child_sees(path: str) -> tuple[bool, list[str]]:
    """In a forked child: whether the parent's open document came along, and page 5's
    first words read in parallel with a sibling."""
    inherited = pdf_pages.is_open(Path(path))
    with open_document(Path(path)) as document:
        words = document.pages[4].extract_words()[:6]
    pdf_pages.forget(Path(path))  # the next task in this worker opens it afresh too
    return inherited, [w["text"] for w in words]


def test_a_forked_child_does_not_read_through_the_parents_open_file() -> None:
    # A child sharing the parent's file (and its offset) would interleave its reads with a
    # sibling's and garble both pages: the federal register's page 5 came out as
    # "(DOT).Transpoti" about half the time with two workers.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    path = fixture("real/pdfplumber/federal-register-2020-17221.pdf")
    with open_document(path) as document:
        expected_words = [w["text"] for w in document.pages[4].extract_words()[:6]]
    assert pdf_pages.is_open(path)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(_child_sees, [str(path)] * 4))
    assert [inherited for inherited, _ in results] == [False] * 4
    assert [words for _, words in results] == [expected_words] * 4


def test_the_generic_extractor_lets_go_of_the_pages_it_read_last() -> None:
    # Page text keeps a small document's pages for the parse; the generic extractor is the
    # last stage to read them, and lets them go (its page workers keep none either).
    path = fixture("real/camelot/us-030.pdf")
    forget()
    read_pages(path)
    with open_document(path) as document:
        assert document.objects_kept() > 0
    tables = extract_tables(path, workers=1)
    assert tables
    with open_document(path) as document:
        assert document.objects_kept() == 0
    forget()
