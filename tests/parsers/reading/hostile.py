"""Hostile PDFs made here, byte by byte (no fixture holds one)."""

from __future__ import annotations

import zlib
from pathlib import Path


def pdf_with_pages(path: Path, contents: list[bytes]) -> Path:
    """A PDF whose pages draw ``contents`` (content streams, deflated) in Helvetica /F1."""
    objects: list[bytes] = []
    n_pages = len(contents)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, content in enumerate(contents):
        packed = zlib.compress(content, 9)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R"
            " /Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(
            f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
            + packed
            + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


def tiny_characters(count: int) -> bytes:
    """A content stream printing ``count`` characters at a size of 0.01 pt."""
    return b"BT /F1 0.01 Tf 10 10 Td (" + b"x" * count + b") Tj ET"


def words(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 700 Td (" + text.encode() + b") Tj ET"
