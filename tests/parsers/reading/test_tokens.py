"""The fast tokenizer gives pdfminer's tokens, including pdfminer's odd cases."""

from __future__ import annotations

from typing import Any

import pdfplumber
import pytest
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import PSEOF

from parsers.reading.tokens import (
    FastContentParser,
    _Unsupported,
    assemble,
    content_objects,
    reading_fast,
    tokenize,
)
from tests.shared import fixture


def _tokens(streams: list[bytes], fast: bool) -> tuple[list[Any], bool]:
    """The tokens of ``streams``, and whether the fast tokenizer made them."""
    objects = [PDFStream({}, data) for data in streams]
    for n, stream in enumerate(objects):
        stream.objid = n + 1
    if fast:
        with reading_fast():
            parser = FastContentParser(objects)
    else:
        parser = FastContentParser(objects)
    used_fast = parser._ready is not None
    out = []
    while True:
        try:
            out.append(parser.nexttoken()[1])
        except PSEOF:
            return out, used_fast


@pytest.mark.parametrize(
    "data",
    [
        b"BT /F1 12 Tf 72 712 Td (Hello, world) Tj ET",
        b"1 0 0 RG 0.5 w q 10 20 m 30 40 l S Q",
        b"[(A) -120 (B\\) c) 5.5] TJ T* (x) ' 1 2 (y) \"",
        b"(nested (paren) \\(escaped\\) \\101\\7 tab\\t unknown\\q line\\\ncont) Tj",
        b"<48 65 6c6C 6f> Tj <4> Tj << /Type /Foo /N 3 >> BDC EMC",
        b"-- 5 +.5 -. . 1.2.3 007 -0 true false null",
        b"% a comment\n/Name/Other/ 1 {2} ) ] \x00 BT",
        b"/F\xe9 1 Tf (caf\xe9) Tj",
        b"ET",
        b"(unterminated",
        b"<41 42",
        b"12",
        b"",
        b"1 2 3 4 re f \r\n",  # whitespace after the last token
        b"  \n",
        b"(a\\)b) Tj \n",  # ... and after a string with an escape
        b"(x\\(y) (plain) ((nested)) <4142> >> > Tj",
    ],
)
def test_tokens_are_pdfminers(data: bytes) -> None:
    tokens, used_fast = _tokens([data], fast=True)
    assert used_fast
    assert tokens == _tokens([data], fast=False)[0]


@pytest.mark.parametrize(
    ("streams", "fast"),
    [
        ([b"BT /F1 12 Tf", b"(a) Tj ET"], True),
        ([b"q 1 0 0 1 0 0 cm", b"Q"], True),
        ([b"10 20 m 3", b"0 40 l S"], True),  # a number cut by the stream's end ends there
        ([b"<<", b">>"], True),
        ([b"(a string", b" going on) Tj"], False),  # these depend on pdfminer's buffers
        ([b"/", b"Name 1 Tf"], False),
        ([b"<4", b"1> Tj"], False),
        ([b">", b"> x"], False),
    ],
)
def test_tokens_over_several_streams_are_pdfminers(streams: list[bytes], fast: bool) -> None:
    tokens, used_fast = _tokens(streams, fast=True)
    assert used_fast == fast
    assert tokens == _tokens(streams, fast=False)[0]


def test_inline_images_are_left_to_pdfminer() -> None:
    stream = PDFStream({}, b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q")
    stream.objid = 1
    with reading_fast():
        parser = FastContentParser([stream])
    assert parser._ready is None


def _objects(data: bytes, fast: bool) -> tuple[Any, bool]:
    """The objects of ``data`` (or the type of error pdfminer raises on them), and whether
    they came from ``assemble``."""
    stream = PDFStream({}, data)
    stream.objid = 1
    if fast:
        with reading_fast():
            parser = FastContentParser([stream])
    else:
        parser = FastContentParser([stream])
    used_fast = parser._objects is not None
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out, used_fast
        except Exception as exc:
            return type(exc), used_fast


@pytest.mark.parametrize(
    ("data", "fast"),
    [
        (b"[(A) -120 (B) [1 [2]] /N] TJ", True),
        (b"/Span <</MCID 3 /Alt (x) /Sub <</A 1>>>> BDC (t) Tj EMC", True),
        (b"/Span <</Null null>> BDC", False),  # null is an operator token to pdfminer
        (b"[1 2", False),  # an array still open at the end
        (b"[1 Tj] 2", False),  # an operator inside an array
        (b"<</A>> BDC", False),  # odd dictionary: pdfminer raises
        (b"{ 1 2 } ]", False),
    ],
)
def test_objects_are_pdfminers(data: bytes, fast: bool) -> None:
    objects, used_fast = _objects(data, fast=True)
    assert used_fast == fast
    assert objects == _objects(data, fast=False)[0]


def _assembled(data: bytes) -> list[Any] | type[Exception]:
    """What ``tokenize`` then ``assemble`` make of one stream: the objects, or the error."""
    try:
        return [value for _, value in assemble(tokenize(data, []))]
    except _Unsupported:
        return _Unsupported


def _flat(data: bytes) -> list[Any] | type[Exception]:
    try:
        return content_objects(data)
    except _Unsupported:
        return _Unsupported


@pytest.mark.parametrize(
    ("data", "objects"),
    [
        (b"BT /F1 12 Tf 72 712 Td (Hello, world) Tj ET", 10),
        (b"[(A) -120 (B\\) c) 5.5] TJ T* (x) ' 1 2 (y) \"", 9),
        (b"(esc \\(x\\) \\101\\7 tab\\t unknown\\q line\\\ncont) Tj", 2),
        (b"<48 65 6c6C 6f> Tj <4> Tj << /Type /Foo /N 3 >> BDC EMC", 7),
        (b"-- 5 +.5 -. . 1.2.3 007 -0 true false", 8),
        (b"/Span <</MCID 3 /Alt (x) /Sub <</A 1>>>> BDC (t) Tj EMC", 6),
        (b"/F\xe9 1 Tf (caf\xe9) Tj % comment\n 1 2 3 4 re f \r\n", 11),
        (b"[(A) -120 (B) [1 [2]] /N] TJ \x00 > BT", 3),
        (b"", 0),
        (b"(nested (paren)) Tj", _Unsupported),  # tokenize and assemble read these
        (b"(unterminated", _Unsupported),
        (b"1 0 0 1 0 0 cm <41 42", _Unsupported),
        (b"/A#20B 1 Tf", _Unsupported),
        (b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q", _Unsupported),
        (b"/Span <</Null null>> BDC", _Unsupported),
        (b"[1 2", _Unsupported),
        (b"[1 Tj] 2", _Unsupported),
        (b"<</A>> BDC", _Unsupported),
        (b"{ 1 2 } ]", _Unsupported),
        (b"(a\\\rb) Tj", _Unsupported),
        (b"(\\777) Tj", _Unsupported),
    ],
)
def test_content_objects_are_tokenize_then_assemble(
    data: bytes, objects: int | type[Exception]
) -> None:
    """One pass makes the objects the two steps make (and refuses what it leaves to them:
    then the stream is read by those steps or by pdfminer, as the tests above check)."""
    flat = _flat(data)
    if objects is _Unsupported:
        assert flat is _Unsupported
        return
    assert not isinstance(flat, type)
    assert len(flat) == objects
    assert flat == _assembled(data)


@pytest.mark.parametrize(
    "data",
    [
        b"q\n1 0 0 1 0 0 cm\n[(A) -120 (B) 5.5] TJ\n/F1 12 Tf\nQ",
        b"q\n(a\nq\n) Tj\nq",  # a string running over a line met before
        b"[1\n2] TJ\n[1\n2] TJ\n2] TJ",  # an array running over lines
        b"<41\n42> Tj\n<41\n42> Tj",  # a hex string running over lines
        b"<</A 1\n/B 2>> BDC\n/B 2>> BDC",
        b"(x) Tj % comment\n(x) Tj % comment\r\n(x) Tj % comment",
        b"/Span <</MCID 3>> BDC\n[(A) [1] 2] TJ\n[(A) [1] 2] TJ",
        b"/P <</MCID 3/Lang (x)>> BDC q\n" * 3,
        b"/P <</A [1 2]>> BDC\n/P <</A [1 2]>> BDC\n/P <</A [1 2]>> BDC",
    ],
)
def test_content_lines_kept_give_the_same_objects(data: bytes) -> None:
    """A document's content lines met before (``lines``, shared by its pages) give the
    objects the two steps make, whether read, kept or taken from the cache; a line's
    arrays and dictionaries are new each time."""
    lines: dict[bytes, Any] = {}
    expected = _assembled(data)
    for _ in range(3):  # first read, lines kept, lines taken from the cache
        try:
            objects: Any = content_objects(data, lines)
        except _Unsupported:
            objects = _Unsupported
        if objects is not _Unsupported:  # else tokenize and assemble read the stream
            assert objects == expected
    doubled = data + b"\n" + data
    try:
        objects = content_objects(doubled, lines)
    except _Unsupported:
        return
    assert objects == _assembled(doubled)
    containers = [o for o in objects if type(o) in (list, dict)]
    assert len({id(c) for c in containers}) == len(containers)


def test_content_lines_kept_on_every_fixture_page() -> None:
    """Every single-stream page of the speed benches' fixtures read with its document's
    line cache (twice: as the document is read first, then from a full cache): the same
    objects as ``tokenize`` then ``assemble``."""
    for relative in SPEED_FIXTURES:
        lines: dict[bytes, Any] = {}
        with pdfplumber.open(fixture(relative)) as pdf:
            datas = [
                stream_value(page.page_obj.contents[0]).get_data()
                for page in pdf.pages
                if len(page.page_obj.contents) == 1
            ]
        for _ in range(2):
            for data in datas:
                assert content_objects(data, lines) == _assembled(data), relative
        assert any(type(v) is tuple for v in lines.values()), relative


#: The fixtures ``bench/bench_speed.py`` times (``bench/fixtures.py``).
SPEED_FIXTURES = [
    "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "real/pdfplumber/nics-background-checks-2015-11.pdf",
    "real/tabula-java/schools.pdf",
    "real/camelot/row_span_1.pdf",
    "real/camelot/m27.pdf",
    "ddor/ddor2017_01-28to02-03.pdf",
]


def test_content_objects_on_every_fixture_page() -> None:
    """Every single-stream page of the speed benches' fixtures: the same objects as
    ``tokenize`` then ``assemble``, and pdfminer's own parser (through the fast parser
    left off), object for object."""
    pages = 0
    for relative in SPEED_FIXTURES:
        with pdfplumber.open(fixture(relative)) as pdf:
            for page in pdf.pages:
                streams = page.page_obj.contents
                if len(streams) != 1:
                    continue
                data = stream_value(streams[0]).get_data()
                flat = _flat(data)
                assert flat is not _Unsupported, (relative, page.page_number)
                assert flat == _assembled(data), (relative, page.page_number)
                assert flat == _objects(data, fast=False)[0], (relative, page.page_number)
                pages += 1
    assert pages == 58
