"""ASCII85 streams decoded a group at a time instead of a byte at a time.

pdfminer decodes an ``ASCII85Decode`` stream with Python's ``base64.a85decode``, a Python
loop over every byte (about 0.1 s per megabyte: a tenth of reading the DDOR's pages, whose
content streams are ASCII85). ``a85decode`` here gives the same bytes for what pdfminer
passes it (whitespace skipped, ``z`` for four zero bytes, the last group padded with ``u``
and cut), five characters at a time; anything else (a character outside the alphabet, a
``z`` inside a group, a group over 2**32) goes to Python's own, which raises as it always
did. ``tests/parsers/reading/test_ascii85.py`` compares the two.
"""

from __future__ import annotations

import base64
import struct

from pdfminer import ascii85, pdftypes

#: Whitespace ``base64.a85decode`` skips by default.
_SKIPPED = b" \t\n\r\v"
#: The characters a group is made of ("!" to "u").
_DIGITS = bytes(range(33, 118))
#: Each digit's value (its byte minus 33).
_VALUES = bytes.maketrans(_DIGITS, bytes(range(85)))
_LARGEST = 0xFFFFFFFF


def a85decode(data: bytes) -> bytes:
    """``base64.a85decode(data)`` with its default arguments."""
    original = data
    if data.translate(None, _DIGITS + _SKIPPED + b"z"):
        return base64.a85decode(original)  # not ASCII85: Python's raises
    data = data.translate(None, _SKIPPED)
    if b"z" in data:
        # A "z" stands for four zero bytes between groups (anywhere else it is an error).
        parts = data.split(b"z")
        if any(len(part) % 5 for part in parts[:-1]):
            return base64.a85decode(original)
        data = b"!!!!!".join(parts)
    partial = len(data) % 5
    cut = (5 - partial) % 5
    digits = (data + b"u" * cut).translate(_VALUES)
    groups = [
        (((a * 85 + b) * 85 + c) * 85 + d) * 85 + e
        for a, b, c, d, e in zip(*[iter(digits)] * 5, strict=True)
    ]
    if groups and max(groups) > _LARGEST:
        return base64.a85decode(original)  # "Ascii85 overflow"
    decoded = struct.pack(f">{len(groups)}I", *groups)
    return decoded[:-cut] if cut else decoded


def ascii85decode(data: bytes) -> bytes:
    """pdfminer's ``ascii85decode`` (its start and end marks stripped) with ``a85decode``."""
    data = ascii85.start_re.sub(b"", data)
    data = ascii85.end_re.sub(b"", data)
    return a85decode(data)


def install() -> None:
    """Have pdfminer's streams decode ASCII85 with ``ascii85decode`` (same bytes)."""
    pdftypes.ascii85decode = ascii85decode  # type: ignore[attr-defined]
