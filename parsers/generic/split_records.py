"""Records that may have been read as several rows, as warnings the user sees.

A table's warnings are stored with it (``extracted_tables.warnings``); a record that may
be split is also said on the document (``ParseWarning`` kind "split_record": ``records
add``/``run``/``extract``, ``records status``, Datasette), by the generic parser and by a
template whose tables the generic extractor finds (``parsers.templates.generic``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parsers.base import ParseWarning
from parsers.generic.model import ExtractedTable
from parsers.generic.row_ruled import SPLIT_RECORD

PAGE_RE = re.compile(r"^page (\d+): the (?:(\d+) lines)?")


def split_record_warnings(tables: Iterable[ExtractedTable]) -> list[ParseWarning]:
    """One warning for each place in ``tables`` where a record may be read as several rows."""
    out: list[ParseWarning] = []
    for table in tables:
        for message in table.warnings:
            if SPLIT_RECORD not in message:
                continue
            found = PAGE_RE.match(message)
            pages = (int(found.group(1)),) if found else ()
            lines = int(found.group(2)) if found and found.group(2) else 1
            out.append(ParseWarning("split_record", message, pages, lines))
    return out
