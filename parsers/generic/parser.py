"""The "generic" parser: any PDF's tables, stored as tables and rows with provenance.

``extracted_tables`` holds one row per table part printed on a page (a table continued
over pages has one per page, linked by ``continued_from_page``); ``extracted_rows`` holds
each body row's cells, searchable as text.
"""

from __future__ import annotations

import json
from pathlib import Path

from parsers.accounting import account_pdf
from parsers.base import Box, Column, ParseResult, Row, TableSpec, bbox_text
from parsers.generic.extract import extract_tables
from parsers.generic.model import ExtractedTable
from parsers.reading.furniture import open_pdf
from records.core.errors import ParseError
from records.core.filetypes import sniff

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


def account_tables(
    path: Path, tables: list[ExtractedTable], pages: list[int] | None = None
) -> ParseResult:
    """The rows of ``tables`` with page accounting (``parsers.accounting``): table-like
    lines outside every table found are named in a warning (on ``pages`` only, if given)."""
    result = ParseResult(rows=table_rows(tables))
    covered: dict[int, list[Box]] = {}
    for table in tables:
        for piece in table.pieces:
            covered.setdefault(piece.page, []).append(piece.bbox)
    with open_pdf(path) as pdf:
        account_pdf(pdf, result, covered, tables=[ROWS], pages=pages)
    return result


class GenericParser:
    """Tables of any PDF, ruled or not, without a template."""

    name = "generic"
    version = "1.5"
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
        tables = extract_tables(path)
        result = account_tables(path, tables)
        result.document.update(
            {
                "tables_found": len(tables),
                "tables_flagged": sum(1 for t in tables if t.warnings),
            }
        )
        return result


PARSER = GenericParser()
