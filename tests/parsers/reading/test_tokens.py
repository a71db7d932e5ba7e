"""The fast tokenizer gives pdfminer's tokens, including pdfminer's odd cases."""

from __future__ import annotations

from typing import Any

import pytest
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import PSEOF

from parsers.reading.tokens import FastContentParser, reading_fast


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
