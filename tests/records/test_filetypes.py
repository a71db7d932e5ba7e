"""The one file-type table and what the crawl, config, registry and messages read from it."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from records.core.filetypes import (
    CRAWLED_TYPES,
    DOCUMENT_ENDINGS,
    DOCUMENT_TYPE_WORDS,
    FILE_TYPES,
    PARSED_TYPES,
    content_type,
    extensions,
    names,
    of_family,
    sniff,
)


def test_what_is_read_from_the_table() -> None:
    assert CRAWLED_TYPES == PARSED_TYPES == ("pdf", "xlsx", "xls", "csv")
    assert DOCUMENT_ENDINGS == (".pdf", ".xlsx", ".xls", ".csv", ".zip")
    assert DOCUMENT_TYPE_WORDS == ("pdf", "spreadsheet", "excel", "csv", "zip")
    assert of_family("spreadsheet") == ("xlsx", "xls", "csv")
    assert extensions(("csv", "pdf")) == (".csv", ".pdf")
    assert names(PARSED_TYPES) == "PDF, XLSX, XLS and CSV"
    assert names(PARSED_TYPES, last="or") == "PDF, XLSX, XLS or CSV"
    assert names(["pdf"]) == "PDF"


def test_every_type_sniff_names_is_in_the_table_with_its_content_type() -> None:
    book = BytesIO()
    Workbook().save(book)
    samples = {
        "pdf": b"%PDF-1.7\n%\xe2\xe3\n",
        "xlsx": book.getvalue(),
        "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
        "csv": b"county,detainers\nTravis,12\n",
        "html": b"<!doctype html><html><body>moved</body></html>",
    }
    for kind, data in samples.items():
        assert sniff(data) == kind
        assert content_type(kind) == FILE_TYPES[kind].content_type
    assert (
        content_type("xlsx") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert content_type(None) == "application/octet-stream"
