"""What the generic extractor stores of a table: its ``extracted_tables`` and
``extracted_rows`` rows, and the pieces of its typed table (column names, totals), shared
by the parse of a whole document (``parsers.generic.parser``) and of one written out as
it is read (``parsers.generic.streamed``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import NamedTuple

from parsers.base import Row, bbox_text
from parsers.generic.model import ExtractedTable, TablePiece
from parsers.typed import TOTAL_LABEL, Value, table_slug

_UNNAMED = re.compile(r"^column_\d+$")

TABLES = "extracted_tables"
ROWS = "extracted_rows"


class TableText(NamedTuple):
    """What each ``extracted_tables`` row of a table repeats, as stored (JSON text)."""

    header: str
    columns: str
    warnings: str | None


def table_text(table: ExtractedTable) -> TableText:
    warnings = json.dumps(table.warnings, ensure_ascii=False) if table.warnings else None
    return TableText(
        json.dumps(table.header, ensure_ascii=False),
        json.dumps(table.columns, ensure_ascii=False),
        warnings,
    )


def part_row(table: ExtractedTable, text: TableText, n: int) -> Row:
    """The ``extracted_tables`` row of ``table``'s ``n``-th part."""
    piece = table.pieces[n]
    values = {
        "bbox": bbox_text(piece.bbox),
        "n_rows": piece.n_rows,
        "n_columns": table.n_columns,
        "header": text.header,
        "columns": text.columns,
        "method": table.method,
        "continued_from_page": table.pieces[n - 1].page if n else None,
        "first_page": table.page,
        "first_table_index": table.table_index,
        "warnings": text.warnings,
    }
    return Row(
        TABLES, piece.page, piece.table_index, piece.first_row, values, bbox_text(piece.bbox)
    )


def body_rows(table: ExtractedTable, piece: TablePiece) -> Iterator[Row]:
    """The ``extracted_rows`` rows of one part of ``table``."""
    for i in range(piece.first_row, piece.first_row + piece.n_rows):
        cells = table.rows[i]
        box = piece.row_boxes[i - piece.first_row] if piece.row_boxes else None
        yield Row(
            ROWS,
            piece.page,
            piece.table_index,
            i,
            {
                "cells": json.dumps(cells, ensure_ascii=False),
                "text": " | ".join(cells),
                "first_page": table.page,
                "first_table_index": table.table_index,
            },
            bbox_text(box),
        )


def table_place(table: ExtractedTable) -> str:
    """Where a table starts, as warnings and typed columns' descriptions say it."""
    return f"page {table.page}, table {table.table_index + 1}"


def body_values(cells: list[str]) -> list[Value]:
    """A body row's cells as typed values read them: None for an empty cell."""
    return [c if c != "" else None for c in cells]


def is_total(cells: list[str]) -> bool:
    """Whether a body row is a total row (its first non-empty cell says so)."""
    first = next((c for c in cells if c), "")
    return bool(TOTAL_LABEL.match(first.strip()))


def kept_totals(
    totals: list[tuple[str, list[Value]]], keep: list[int], header_at: dict[int, int]
) -> list[tuple[str, list[Value]]]:
    """Total rows' values in the kept columns' order. A total may be printed under the
    header its column was named from."""
    return [(w, [at(v, c) or at(v, header_at.get(c, c)) for c in keep]) for w, v in totals]


def typed_name(names: list[str]) -> str:
    return table_slug(" ".join(names[:3]), fallback="pdf_table")


def headed(table: ExtractedTable) -> list[bool]:
    """Per column, whether a header cell of its own starts in it (below the title rows): a
    column whose only name comes from a cell spanning into it from the left has none."""
    own = [False] * table.n_columns
    for row in table.header[table.title_rows :]:
        for c, text in enumerate(row[: len(own)]):
            own[c] = own[c] or bool(text)
    return own


def at(values: list[Value], c: int) -> Value:
    return values[c] if c < len(values) else None


def named_columns(
    columns: list[str], filled: list[bool], headed: list[bool]
) -> tuple[list[str], list[int], dict[int, int]]:
    """Column names, the grid columns they read, and the grid column each kept column's
    name was taken from when not its own. Spacer columns (no value, and no header or only a
    header spanning into them from another column) are dropped; a header of its own over
    an empty grid column names the unnamed column of values just left (else right) of it,
    where the grid split a header from its values. ``filled``: per column, whether a
    body row has a value there."""
    unnamed = [bool(_UNNAMED.match(name)) for name in columns]
    headed = [c < len(headed) and headed[c] for c in range(len(columns))]
    names = list(columns)
    dropped: set[int] = set()
    header_at: dict[int, int] = {}
    for c in range(len(columns)):
        if unnamed[c] or filled[c] or not headed[c]:
            continue
        for side in (c - 1, c + 1):
            if 0 <= side < len(columns) and unnamed[side] and filled[side] and side not in dropped:
                names[side] = columns[c]
                unnamed[side] = False
                dropped.add(c)
                header_at[side] = c
                break
    keep = [
        c
        for c in range(len(columns))
        if c not in dropped and (filled[c] or (headed[c] and not unnamed[c]))
    ]
    return [names[c] for c in keep], keep, header_at
