"""ASCII85 decoded a group at a time gives Python's bytes, and Python's errors."""

from __future__ import annotations

import base64
import random

import pdfplumber
import pytest
from pdfminer import ascii85 as pdfminer_ascii85
from pdfminer import pdftypes
from pdfminer.pdftypes import stream_value

from parsers.reading import ascii85, document
from tests.shared import fixture


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b'87cURD]i,"Ebo80',
        b'87cURD]i,"Ebo8',  # a partial last group, each length
        b'87cURD]i,"Ebo',
        b'87cURD]i,"Eb',
        b'87cURD]i,"E',
        b"z",
        b"zz!!!!!z87cUR",
        b'87c\nUR D]i\t,"E\rbo\v80',  # whitespace skipped
        b"87cUzRD",  # "z" inside a group
        b's8W-"',  # 2**32 - 1
        b"s8W-#",  # over: "Ascii85 overflow"
        b"uuuuu",
        b"uu",  # overflow in the padded last group
        b"87cU~RD",  # not ASCII85
        b"87cU\x00RD",
        b"87cU\x0cRD",  # form feed: not skipped by Python's either
        b"y!!!!",  # "y" only with foldspaces
    ],
)
def test_a85decode_is_pythons(data: bytes) -> None:
    try:
        expected: bytes | str = base64.a85decode(data)
    except ValueError as error:
        expected = str(error)
    try:
        got: bytes | str = ascii85.a85decode(data)
    except ValueError as error:
        got = str(error)
    assert got == expected


def test_a85decode_random_data() -> None:
    """Encoded random bytes of every length up to 64, with zero runs and line breaks."""
    rng = random.Random(26)
    for length in range(65):
        raw = bytes(rng.choice([0, 0, 0, 0, rng.randrange(256)]) for _ in range(length))
        encoded = base64.a85encode(raw, wrapcol=rng.choice([0, 7, 75]))
        assert ascii85.a85decode(encoded) == raw == base64.a85decode(encoded)


def test_ddor_streams_decode_the_same() -> None:
    """The DDOR's ASCII85 content streams: the same bytes as pdfminer's own decoder, which
    the fast reader has installed in its place."""
    assert document.install_ascii85 is ascii85.install
    assert pdftypes.ascii85decode is ascii85.ascii85decode
    streams = 0
    with pdfplumber.open(fixture("ddor/ddor2017_01-28to02-03.pdf")) as pdf:
        for page in pdf.pages:
            for stream in page.page_obj.contents:
                raw = stream_value(stream).rawdata
                assert ascii85.ascii85decode(raw) == pdfminer_ascii85.ascii85decode(raw)
                streams += 1
    assert streams == 35
