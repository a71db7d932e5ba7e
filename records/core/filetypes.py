"""File types: the one table of the types this project knows, and telling a file's type from
its first bytes, never from its name or a server's header.

``FILE_TYPES`` is read by the spiders (which link endings are documents, which ``doc_types``
a source keeps), by ``records.core.config`` (the allowed ``doc_types`` and their default), by
the parser registry (which parser reads a type nobody named a parser for, and how an
unreadable type is named in its message) and by the archive (content types). A new type is
one row here, plus a branch in ``sniff`` that recognises its bytes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO


@dataclass(frozen=True)
class FileType:
    """One type of file, as the crawl, the archive, the parsers and messages see it."""

    #: What ``sniff`` returns, and what a source's ``doc_types`` lists.
    name: str
    content_type: str
    #: Link endings (lowercase) that name a file of this type.
    extensions: tuple[str, ...]
    #: How a message names it ("this is an HTML page").
    described: str
    #: Which kind of parser reads it (``parsers.registry.PARSER_BY_FAMILY``); None: none does.
    family: str | None = None
    #: A source may keep it (``doc_types``), and does unless told otherwise.
    crawled: bool = False
    #: A link ending so (or whose ``<a type>`` holds one of these words) looks like a document:
    #: one that matches no ``link_regex`` is reported, so a too-narrow pattern is noticed.
    looks_like_document: bool = False
    type_words: tuple[str, ...] = ()


# fmt: off
FILE_TYPES: dict[str, FileType] = {t.name: t for t in (
    FileType("pdf", "application/pdf", (".pdf",), "a PDF", family="pdf",
             crawled=True, looks_like_document=True, type_words=("pdf",)),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (".xlsx",), "an XLSX workbook", family="spreadsheet",
             crawled=True, looks_like_document=True, type_words=("spreadsheet", "excel")),
    FileType("xls", "application/vnd.ms-excel", (".xls",), "an XLS workbook",
             family="spreadsheet", crawled=True, looks_like_document=True,
             type_words=("excel",)),
    FileType("csv", "text/csv", (".csv",), "a CSV file", family="spreadsheet",
             crawled=True, looks_like_document=True, type_words=("csv",)),
    # Unpacked by `records add` / a records-request response, never parsed as such.
    FileType("zip", "application/zip", (".zip",), "a ZIP archive",
             looks_like_document=True, type_words=("zip",)),
    # What an error page or a login wall is: never archived as a document.
    FileType("html", "text/html", (".html",), "an HTML page"),
)}
# fmt: on

#: The types a source may keep (``doc_types``), in table order; also its default.
CRAWLED_TYPES: tuple[str, ...] = tuple(t.name for t in FILE_TYPES.values() if t.crawled)
#: Types some parser reads (the ones ``records extract`` and ``records add`` parse).
PARSED_TYPES: tuple[str, ...] = tuple(t.name for t in FILE_TYPES.values() if t.family)
#: Link endings that look like a document whatever the source keeps.
DOCUMENT_ENDINGS: tuple[str, ...] = tuple(
    ext for t in FILE_TYPES.values() if t.looks_like_document for ext in t.extensions
)
#: Words in an ``<a type="...">`` (a content type a page declares) that look like a document.
DOCUMENT_TYPE_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(w for t in FILE_TYPES.values() if t.looks_like_document for w in t.type_words)
)


def of_family(family: str) -> tuple[str, ...]:
    """The types read by one kind of parser ("pdf", "spreadsheet")."""
    return tuple(t.name for t in FILE_TYPES.values() if t.family == family)


def extensions(kinds: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The link endings of these types (a source's ``doc_types``)."""
    return tuple(ext for kind in kinds for ext in FILE_TYPES[kind].extensions)


def names(kinds: tuple[str, ...] | list[str], last: str = "and") -> str:
    """These types as a message lists them: "PDF, XLSX, XLS and CSV"."""
    upper = [k.upper() for k in kinds]
    return ", ".join(upper[:-1]) + f" {last} {upper[-1]}" if len(upper) > 1 else "".join(upper)


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
    """The content type archived with a file of this type (unknown: octet-stream)."""
    known = FILE_TYPES.get(kind or "")
    return known.content_type if known else "application/octet-stream"
