"""The "generic" parser: any PDF's tables, stored as tables and rows with provenance.

``extracted_tables`` holds one row per table part printed on a page (a table continued
over pages has one per page, linked by ``continued_from_page``); ``extracted_rows`` holds
each body row's cells, searchable as text.
"""

from __future__ import annotations

from pathlib import Path

from parsers.accounting import account_found
from parsers.base import (
    LAYOUT_DRIFT_COLUMN,
    Box,
    Column,
    ParseResult,
    ParseWarning,
    Row,
    TableSpec,
    bbox_text,
)
from parsers.generic.extract import FoundTables, find_tables, page_numbers
from parsers.generic.model import ExtractedTable
from parsers.generic.spill import spill_folder_for
from parsers.generic.stored import (
    ROWS,
    TABLES,
    at,
    body_rows,
    body_values,
    headed,
    is_total,
    kept_totals,
    named_columns,
    part_row,
    table_place,
    table_text,
    typed_name,
)
from parsers.generic.streamed import parse_streamed
from parsers.typed import (
    SumRows,
    TypedRow,
    TypedTable,
    Value,
    add_typed,
    total_warnings,
    typed_table,
)
from records.core.errors import ParseError
from records.core.filetypes import sniff

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
        described = table_text(table)
        for n, piece in enumerate(table.pieces):
            rows.append(part_row(table, described, n))
            rows.extend(body_rows(table, piece))
    return rows


def typed_tables(
    tables: list[ExtractedTable],
) -> tuple[list[TypedTable], list[str], list[ParseWarning]]:
    """Each table as a typed table (columns named from its printed header), its total rows
    kept out and checked: the warnings say where a total is not the sum of its rows; then
    warnings naming unlabelled rows that are sums of other rows (``SumRows``)."""
    typed: list[TypedTable] = []
    warnings: list[str] = []
    sum_rows: list[ParseWarning] = []
    for table in tables:
        where = table_place(table)
        body: list[tuple[TypedRow, list[Value]]] = []
        totals: list[tuple[str, list[Value]]] = []
        for piece in table.pieces:
            for i in range(piece.first_row, piece.first_row + piece.n_rows):
                cells = body_values(table.rows[i])
                if is_total(table.rows[i]):
                    totals.append((f"{where}: total row on page {piece.page}", cells))
                    continue
                box = piece.row_boxes[i - piece.first_row] if piece.row_boxes else None
                row = TypedRow(piece.page, piece.table_index, i, [], bbox_text(box))
                body.append((row, cells))
        if not body:
            continue
        filled = [
            any(c < len(v) and v[c] is not None for _, v in body) for c in range(len(table.columns))
        ]
        names, keep, header_at = named_columns(table.columns, filled, headed(table))
        # Columns dropped: the rows' kept values; else each row's own list (typed_table pads).
        if keep != list(range(len(table.columns))):
            body = [(row, [at(v, c) for c in keep]) for row, v in body]
        totals = kept_totals(totals, keep, header_at)
        result = typed_table(typed_name(names), table.title, names, body, f"PDF table ({where})")
        typed.append(result)
        warnings.extend(total_warnings(result, totals))
        watch = SumRows(result.columns)
        for row in result.rows:
            watch.add(row.values)
        said = watch.warning(where, result.name)
        if said:
            sum_rows.append(ParseWarning("sum_rows", said, tuple(table.pages), watch.found))
    return typed, warnings, sum_rows


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
    result.warnings.extend(w for table in found.tables for w in table.split_records)
    return result


class GenericParser:
    """Tables of any PDF, ruled or not, without a template."""

    name = "generic"
    version = "1.11"
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
        folder = spill_folder_for(lambda: len(page_numbers(path)))
        if folder is not None:
            # A long PDF: its rows go to a file as its pages are read (flat memory).
            return parse_streamed(path, folder, (TABLES, ROWS))
        found = find_tables(path)
        tables = found.tables
        result = account_tables(found)
        typed, mismatches, sum_rows = typed_tables(tables)
        add_typed(result, typed, mismatches)
        result.warnings.extend(sum_rows)
        result.document.update(
            {
                "tables_found": len(tables),
                "tables_flagged": sum(1 for t in tables if t.warnings),
            }
        )
        return result


PARSER = GenericParser()
