"""Tell a file's type from its first bytes, never from its name or a server's header."""

from __future__ import annotations

import zipfile
from io import BytesIO

#: type -> (content type, extension)
KNOWN_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "xls": ("application/vnd.ms-excel", ".xls"),
    "csv": ("text/csv", ".csv"),
    "zip": ("application/zip", ".zip"),
    "html": ("text/html", ".html"),
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """Return 'pdf', 'xlsx', 'xls', 'zip', 'html', 'csv' or None for unknown bytes."""
    head = data[:1024]
    if not head.strip():
        return None
    if b"%PDF-" in head[:1024] and head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(_OLE2):
        return "xls"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return "zip"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")) or (
        b"<html" in lowered
    ):
        return "html"
    if _looks_like_csv(data[:8192]):
        return "csv"
    return None


def _looks_like_csv(sample: bytes) -> bool:
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = sample.decode("latin-1")
        except UnicodeDecodeError:
            return False
    if "\x00" in text:
        return False
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if not lines:
        return False
    # Semicolons: what Excel writes where the decimal mark is a comma; tabs and pipes too.
    for delimiter in (",", ";", "\t", "|"):
        counts = [line.count(delimiter) for line in lines]
        if counts[0] > 0 and all(c >= 1 for c in counts):
            return True
    return False


def content_type(kind: str | None) -> str:
    return KNOWN_TYPES.get(kind or "", ("application/octet-stream", ""))[0]
