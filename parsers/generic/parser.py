"""The "generic" parser: any PDF's tables, stored as tables and rows with provenance.

``extracted_tables`` holds one row per table part printed on a page (a table continued
over pages has one per page, linked by ``continued_from_page``); ``extracted_rows`` holds
each body row's cells, searchable as text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from parsers.accounting import account_found
from parsers.base import Box, Column, ParseResult, Row, TableSpec, bbox_text
from parsers.generic.extract import FoundTables, find_tables
from parsers.generic.model import ExtractedTable
from parsers.typed import (
    TOTAL_LABEL,
    TypedRow,
    TypedTable,
    Value,
    add_typed,
    table_slug,
    total_warnings,
    typed_table,
)
from records.core.errors import ParseError
from records.core.filetypes import sniff

_UNNAMED = re.compile(r"^column_\d+$")

TABLES = "extracted_tables"
ROWS = "extracted_rows"

#: Set on the rows of a document a template refused (see ``db.load``): which template, and why.
LAYOUT_DRIFT_COLUMN = Column(
    "layout_drift",
    "text",
    "Set when a template refused this document's layout (a column added, removed or renamed):"
    " which template and why. The document is quarantined; these rows stand in for it.",
)

TABLES_SPEC = TableSpec(
    name=TABLES,
    description=(
        "Every table found in a PDF without a template, one row per page the table is"
        " printed on (header cells, size and position)."
    ),
    columns=(
        Column("bbox", "text", 'Position on the page in points: "x0,top,x1,bottom" from top-left.'),
        Column("n_rows", "integer", "Body rows of the table printed on this page."),
        Column("n_columns", "integer", "Number of columns of the table."),
        Column("header", "text", "Header rows as printed: JSON list of rows of cell texts."),
        Column("columns", "text", "One name per column (stacked header cells joined): JSON list."),
        Column(
            "method",
            "text",
            'How the table was found: "ruled" (drawn lines), "row-ruled" (rules between rows'
            ' only, columns from whitespace), "text-ruled" (columns from "-----" typed under'
            ' the header of a fixed-width listing), "form" (boxed form fields: labels as'
            ' the header, values as rows) or "whitespace".',
        ),
        Column(
            "continued_from_page",
            "integer",
            "Page of the previous part when this part continues a table from there; else empty.",
        ),
        Column("first_page", "integer", "Page where the whole table starts."),
        Column("first_table_index", "integer", "Index of the table on its first page."),
        Column(
            "warnings",
            "text",
            "Why the table's cells may not hold every word printed in its area (words in no"
            " cell, text copied into several cells): JSON list, each naming its page; empty"
            " when every word is in exactly one cell.",
        ),
        LAYOUT_DRIFT_COLUMN,
    ),
    facets=("method", "n_columns"),
    describes_tables=True,
)

ROWS_SPEC = TableSpec(
    name=ROWS,
    description="Body rows of the tables found without a template, with where each is printed.",
    columns=(
        Column("cells", "text", 'Cell texts of the row, "" for an empty cell: JSON list.'),
        Column("text", "text", 'The cells joined with " | ", for full-text search.'),
        Column("first_page", "integer", "Page where the row's table starts."),
        Column("first_table_index", "integer", "Index of the row's table on its first page."),
        LAYOUT_DRIFT_COLUMN,
    ),
    fts=("text",),
)


def table_rows(tables: list[ExtractedTable]) -> list[Row]:
    """Database rows for ``tables``: their parts and their body rows."""
    rows: list[Row] = []
    for table in tables:
        header = json.dumps(table.header, ensure_ascii=False)
        columns = json.dumps(table.columns, ensure_ascii=False)
        warnings = json.dumps(table.warnings, ensure_ascii=False) if table.warnings else None
        for n, piece in enumerate(table.pieces):
            values = {
                "bbox": bbox_text(piece.bbox),
                "n_rows": piece.n_rows,
                "n_columns": table.n_columns,
                "header": header,
                "columns": columns,
                "method": table.method,
                "continued_from_page": table.pieces[n - 1].page if n else None,
                "first_page": table.page,
                "first_table_index": table.table_index,
                "warnings": warnings,
            }
            rows.append(
                Row(
                    TABLES,
                    piece.page,
                    piece.table_index,
                    piece.first_row,
                    values,
                    bbox_text(piece.bbox),
                )
            )
            for i in range(piece.first_row, piece.first_row + piece.n_rows):
                cells = table.rows[i]
                box = piece.row_boxes[i - piece.first_row] if piece.row_boxes else None
                rows.append(
                    Row(
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
                )
    return rows


def typed_tables(tables: list[ExtractedTable]) -> tuple[list[TypedTable], list[str]]:
    """Each table as a typed table (columns named from its printed header), its total rows
    kept out and checked: the warnings say where a total is not the sum of its rows."""
    typed: list[TypedTable] = []
    warnings: list[str] = []
    for table in tables:
        where = f"page {table.page}, table {table.table_index + 1}"
        body: list[tuple[TypedRow, list[Value]]] = []
        totals: list[tuple[str, list[Value]]] = []
        for piece in table.pieces:
            for i in range(piece.first_row, piece.first_row + piece.n_rows):
                cells: list[Value] = [c if c != "" else None for c in table.rows[i]]
                first = next((c for c in table.rows[i] if c), "")
                if TOTAL_LABEL.match(first.strip()):
                    totals.append((f"{where}: total row on page {piece.page}", cells))
                    continue
                box = piece.row_boxes[i - piece.first_row] if piece.row_boxes else None
                row = TypedRow(piece.page, piece.table_index, i, [], bbox_text(box))
                body.append((row, cells))
        if not body:
            continue
        names, keep, header_at = _named_columns(table.columns, [v for _, v in body], _headed(table))
        # Columns dropped: the rows' kept values; else each row's own list (typed_table pads).
        if keep != list(range(len(table.columns))):
            body = [(row, [_at(v, c) for c in keep]) for row, v in body]
        # A total may be printed under the header its column was named from.
        totals = [(w, [_at(v, c) or _at(v, header_at.get(c, c)) for c in keep]) for w, v in totals]
        name = table_slug(" ".join(names[:3]), fallback="pdf_table")
        result = typed_table(name, table.title, names, body, f"PDF table ({where})")
        typed.append(result)
        warnings.extend(total_warnings(result, totals))
    return typed, warnings


def _headed(table: ExtractedTable) -> list[bool]:
    """Per column, whether a header cell of its own starts in it (below the title rows): a
    column whose only name comes from a cell spanning into it from the left has none."""
    own = [False] * table.n_columns
    for row in table.header[table.title_rows :]:
        for c, text in enumerate(row[: len(own)]):
            own[c] = own[c] or bool(text)
    return own


def _at(values: list[Value], c: int) -> Value:
    return values[c] if c < len(values) else None


def _named_columns(
    columns: list[str], rows: list[list[Value]], headed: list[bool]
) -> tuple[list[str], list[int], dict[int, int]]:
    """Column names, the grid columns they read, and the grid column each kept column's
    name was taken from when not its own. Spacer columns (no value, and no header or only a
    header spanning into them from another column) are dropped; a header of its own over
    an empty grid column names the unnamed column of values just left (else right) of it,
    where the grid split a header from its values."""
    filled = [any(c < len(r) and r[c] is not None for r in rows) for c in range(len(columns))]
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


def account_tables(found: FoundTables) -> ParseResult:
    """The rows of ``found``'s tables with page accounting (``parsers.accounting``):
    table-like lines outside every table found (on the pages read) are named in a
    warning. The lines were taken as the pages were read: no page is read again."""
    result = ParseResult(rows=table_rows(found.tables))
    covered: dict[int, list[Box]] = {}
    for table in found.tables:
        for piece in table.pieces:
            covered.setdefault(piece.page, []).append(piece.bbox)
    account_found(found.lines, result, covered, tables=[ROWS])
    return result


class GenericParser:
    """Tables of any PDF, ruled or not, without a template."""

    name = "generic"
    version = "1.8"
    description = (
        "Every table of any PDF, ruled or aligned by whitespace, with page, position and"
        " header; tables continued over pages are joined."
    )
    tables: tuple[TableSpec, ...] = (TABLES_SPEC, ROWS_SPEC)

    def detect(self, path: Path) -> bool:
        try:
            with open(path, "rb") as f:
                return sniff(f.read(1024)) == "pdf"
        except OSError:
            return False

    def parse(self, path: Path) -> ParseResult:
        if not self.detect(path):
            raise ParseError(f"{path}: not a PDF")
        found = find_tables(path)
        tables = found.tables
        result = account_tables(found)
        add_typed(result, *typed_tables(tables))
        result.document.update(
            {
                "tables_found": len(tables),
                "tables_flagged": sum(1 for t in tables if t.warnings),
            }
        )
        return result


PARSER = GenericParser()
