"""Spreadsheets (XLSX, XLS, CSV) as generic tables: one table per sheet, any columns.

Records-request answers come as spreadsheets of every shape, so rows go into two fixed
tables instead of one table per layout:

- ``spreadsheet_sheets``: one row per sheet: its number and name, the header row found,
  the column names (JSON list) and inferred types (JSON object), counts, any title lines
  printed above the header.
- ``spreadsheet_rows``: one row per data row: its sheet, its row number as the spreadsheet
  shows it (``sheet_row``; for a CSV the record number, header included), its cells as a
  JSON object keyed by column name, and ``text`` (the values joined) for full-text search.
  Query a column with ``json_extract(cells, '$."Zip"')``.

Provenance: ``page`` = sheet number (1-based in workbook order; a CSV is sheet 1),
``table_index`` = the same sheet number (one table per sheet), ``row_index`` = 0-based data
row within the sheet.

Header row: the first of the top ``HEADER_SCAN_ROWS`` rows filled across at least
``HEADER_MIN_FILL`` of the sheet's width (and not one title merged across it), when its
values are mostly labels (not numbers or dates). Rows above it (titles) are kept as the
sheet's preamble. When that first wide row is data, the sheet has no header and columns are
named ``column_1``, ``column_2``, ...; repeated names get ``_2``, ``_3``. When that row is one
of several header rows of a table the layout found (race / party / candidate stacked over the
columns), all of them are the header: columns are named as that table's (the rows joined per
column) and rows start below the last, unless a row among them holds figures ("01234").

Types, per column: integer, float, date (ISO text), boolean, else text. A value with a
leading zero (ZIP code, ID) makes its column text, so ``02134`` stays ``02134``; cells like
``N/A`` or ``-`` count as empty in a numeric or date column. Merged cells are filled.

Each sheet is accounted for (``parsers.spreadsheets.accounting``): rows with several numbers
or dates that neither these rows nor a table the layout found read become a warning.

A workbook whose layout a spreadsheet template refused is loaded into these tables too, its
rows flagged ``layout_drift`` (``db.load``), so its data stays visible while it is
quarantined.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path

from parsers.base import LAYOUT_DRIFT_COLUMN, Column, ParseResult, Row, TableSpec
from parsers.cleaning import EMPTY_MARKERS
from parsers.spreadsheets.accounting import account_sheet, add_sheet_warnings, layout_rows
from parsers.spreadsheets.layout import SheetLayout, SheetTable, find_tables
from parsers.spreadsheets.tables import sheet_tables
from parsers.spreadsheets.workbooks import Cell, Sheet, read_csv, read_xls, read_xlsx
from parsers.typed import CONVERTERS as _CONVERTERS
from parsers.typed import add_typed, infer_type
from parsers.typed import as_date as _as_date
from parsers.typed import as_float as _as_float
from parsers.typed import as_text as _text
from records.core.errors import ParseError
from records.core.filetypes import of_family, sniff

#: Rows searched from the top of a sheet for the header.
HEADER_SCAN_ROWS = 20
#: A header is filled across at least this share of the sheet's width.
HEADER_MIN_FILL = 0.6
#: Rows used to measure the sheet's width (its widest row among them).
WIDTH_SAMPLE_ROWS = 200

SHEETS_TABLE = "spreadsheet_sheets"
ROWS_TABLE = "spreadsheet_rows"

_SPACES = re.compile(r"\s+")
#: A name the layout gives a column with a blank header (numbered within its table, so the
#: raw layer numbers it by its place on the sheet instead).
_PLACEHOLDER = re.compile(r"column_\d+")
#: Text that is figures (a code with a leading zero, a comma decimal, an amount).
_FIGURES = re.compile(r"[\s$€£%(+-]*\d[\d\s.,%)]*")

#: Which sheet a row of either table comes from.
SHEET_COLUMNS = (
    Column("sheet", "integer", "Sheet number, 1-based in workbook order (CSV: 1)."),
    Column("sheet_name", "text", "Sheet name (CSV: 'csv')."),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        SHEETS_TABLE,
        "Sheets of spreadsheets (XLSX, XLS, CSV) received or downloaded: one row per sheet,"
        " with the header found and the inferred column types. page = table_index = sheet"
        " number.",
        (
            *SHEET_COLUMNS,
            Column("hidden", "boolean", "True when the sheet is hidden in the workbook."),
            Column(
                "header_row",
                "integer",
                "Row of the sheet holding the column names (1-based); empty when none.",
            ),
            Column("header", "text", "Column names, a JSON list."),
            Column(
                "column_types",
                "text",
                "Inferred type of each column (integer, float, date, boolean, text), JSON.",
            ),
            Column("preamble", "text", "Title lines printed above the header, if any."),
            Column("n_rows", "integer", "Data rows loaded (blank rows skipped)."),
            Column("n_columns", "integer", "Number of columns."),
            LAYOUT_DRIFT_COLUMN,
        ),
        facets=("sheet_name",),
        describes_tables=True,
    ),
    TableSpec(
        ROWS_TABLE,
        "Rows of spreadsheets (XLSX, XLS, CSV), whatever their columns: cells is a JSON object"
        " keyed by the sheet's column names. page = table_index = sheet number; row_index is"
        " the data row within the sheet (0-based).",
        (
            *SHEET_COLUMNS,
            Column(
                "sheet_row",
                "integer",
                "Row number as the spreadsheet shows it (CSV: record number, header = 1).",
            ),
            Column("cells", "text", "The row's values, a JSON object keyed by column name."),
            Column("text", "text", "The row's values joined with ' | ', for full-text search."),
            LAYOUT_DRIFT_COLUMN,
        ),
        facets=("sheet_name",),
        fts=("text",),
    ),
)


class SpreadsheetParser:
    name = "spreadsheet"
    version = "1.3"
    description = (
        "Any XLSX, XLS or CSV file: one generic table per sheet (header row detected, types"
        " inferred, leading zeros kept, merged cells filled)."
    )
    tables = TABLES

    def detect(self, path: Path) -> bool:
        return sniff(path.read_bytes()) in of_family("spreadsheet")

    def parse(self, path: Path) -> ParseResult:
        return parse_sheets(read_sheets(path))


def read_sheets(path: Path, label: str | None = None) -> list[Sheet]:
    """The sheets of a spreadsheet file, read by its content's type (never its name)."""
    label = label or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"{label}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise ParseError(f"{label}: empty file")
    readers: dict[str | None, Callable[[Path, str], list[Sheet]]] = {
        "xlsx": read_xlsx,
        "xls": read_xls,
        "csv": read_csv,
        # Tab-separated and other delimited text that ``sniff`` does not call CSV.
        None: read_csv,
    }
    kind = sniff(data)
    reader = readers.get(kind)
    if reader is None:
        what = (
            "a ZIP file, not an XLSX workbook" if kind == "zip" else f"a {str(kind).upper()} file"
        )
        raise ParseError(f"{label}: not a spreadsheet: it is {what}")
    return reader(path, label)


def parse_sheets(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult()
    accounts = []
    for number, sheet in enumerate(sheets, start=1):
        layout = find_tables(sheet)
        raw = _parse_sheet(result, number, sheet, layout)
        typed, mismatches = sheet_tables(number, sheet, layout)
        add_typed(result, typed, mismatches)
        covered = {sheet.row_number(i) for i in raw} | layout_rows(sheet, layout)
        loaded = len(raw) + sum(len(t.rows) for t in typed)
        accounts.append(account_sheet(number, sheet, loaded, covered))
    add_sheet_warnings(result, sheets, accounts)
    result.document["sheets"] = len(sheets)
    encodings = [sheet.encoding for sheet in sheets if sheet.encoding]
    if encodings:
        # Stored as a document fact: a reader can see how the bytes were read.
        result.document["encoding"] = encodings[0]
    return result


def _parse_sheet(
    result: ParseResult, number: int, sheet: Sheet, layout: SheetLayout | None = None
) -> list[int]:
    """Load the sheet's raw layer; returns the indexes of the rows loaded.

    When the header row found is one of several header rows of a table the layout found
    (race / party / candidate stacked over the columns), the raw layer takes all of them:
    its columns are named as the table's (the rows joined per column) and its rows start
    below the last one, so header rows are not loaded as data."""
    rows = sheet.rows
    width = max((_last_filled(r) for r in rows[:WIDTH_SAMPLE_ROWS]), default=0)
    header_index = find_header(rows, width)
    stacked = _stacked_header(rows, layout, header_index)
    if stacked is not None:
        header_index = stacked.header_rows[0]
    start = 0 if header_index is None else header_index + 1
    if stacked is not None:
        start = stacked.header_rows[-1] + 1
    body = [(i, row) for i, row in enumerate(rows[start:], start=start) if _last_filled(row)]
    n_columns = max([width, *(_last_filled(row) for _, row in body)])
    header_cells: list[Cell] = list(rows[header_index]) if header_index is not None else []
    if stacked is not None:
        header_cells = [None] * n_columns
        for column, name in zip(stacked.columns, stacked.names, strict=False):
            if column < n_columns and not _PLACEHOLDER.fullmatch(name):
                header_cells[column] = name
    names = column_names(header_cells, n_columns)
    columns = [[_cell(row, c) for _, row in body] for c in range(n_columns)]
    types = [infer_type(values) for values in columns]
    preamble_lines = [
        # dict.fromkeys: a title merged across the sheet was filled into every cell.
        " ".join(dict.fromkeys(_text(v) for v in row if v is not None))
        for row in rows[: header_index or 0]
        if _last_filled(row)
    ]
    result.rows.append(
        Row(
            table=SHEETS_TABLE,
            page=number,
            table_index=number,
            row_index=0,
            values={
                "sheet": number,
                "sheet_name": sheet.name,
                "hidden": sheet.hidden,
                "header_row": sheet.row_number(header_index) if header_index is not None else None,
                "header": json.dumps(names, ensure_ascii=False),
                "column_types": json.dumps(
                    dict(zip(names, types, strict=True)), ensure_ascii=False
                ),
                "preamble": "\n".join(preamble_lines) or None,
                "n_rows": len(body),
                "n_columns": n_columns,
            },
        )
    )
    converters = [_CONVERTERS[t] for t in types]
    for row_index, (i, row) in enumerate(body):
        values = [converters[c](_cell(row, c)) for c in range(n_columns)]
        result.rows.append(
            Row(
                table=ROWS_TABLE,
                page=number,
                table_index=number,
                row_index=row_index,
                values={
                    "sheet": number,
                    "sheet_name": sheet.name,
                    "sheet_row": sheet.row_number(i),
                    "cells": json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False),
                    "text": " | ".join(_text(v) for v in values if v is not None),
                },
            )
        )
    return [i for i, _ in body]


def _stacked_header(
    rows: list[list[Cell]], layout: SheetLayout | None, header_index: int | None
) -> SheetTable | None:
    """The layout's table whose header of two or more rows holds ``header_index``."""
    if layout is None or header_index is None:
        return None
    for table in layout.tables:
        if len(table.header_rows) > 1 and header_index in table.header_rows:
            # Only rows of labels by this layer's own reading: "01234" is a number here.
            if all(_no_figures(rows[i]) for i in table.header_rows):
                return table
    return None


def _no_figures(row: list[Cell]) -> bool:
    """No cell is a number or a date, nor figures kept as text ("01234", "1,5")."""
    return not any(
        v is not None
        and v not in EMPTY_MARKERS
        and (not _is_label(v) or bool(_FIGURES.fullmatch(str(v))))
        for v in row
    )


def find_header(rows: list[list[Cell]], width: int) -> int | None:
    """Index of the header row (see the module docstring), or None."""
    if width == 0:
        return None
    needed = max(min(2, width), math.ceil(HEADER_MIN_FILL * width))
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        filled = [v for v in row if v is not None]
        if len(filled) < needed:
            continue  # a blank row or a title line
        if len(filled) > 1 and len({_text(v) for v in filled}) == 1:
            continue  # a title merged across the sheet (filled into every cell)
        labels = sum(1 for v in filled if _is_label(v))
        return i if labels * 2 > len(filled) else None
    return None


def column_names(header: list[Cell], n_columns: int) -> list[str]:
    """Header texts (whitespace collapsed), ``column_N`` for blanks, ``_2`` for repeats."""
    names: list[str] = []
    seen: set[str] = set()
    for c in range(n_columns):
        raw = header[c] if c < len(header) else None
        name = _SPACES.sub(" ", _text(raw)).strip() if raw is not None else ""
        name = name or f"column_{c + 1}"
        candidate, k = name, 2
        while candidate.casefold() in seen:
            candidate, k = f"{name}_{k}", k + 1
        seen.add(candidate.casefold())
        names.append(candidate)
    return names


def _cell(row: list[Cell], c: int) -> Cell:
    return row[c] if c < len(row) else None


def _last_filled(row: list[Cell]) -> int:
    """1 + index of the last non-empty cell (0 for a blank row)."""
    for c in range(len(row) - 1, -1, -1):
        if row[c] is not None:
            return c + 1
    return 0


def _is_label(value: Cell) -> bool:
    return (
        isinstance(value, str)
        and _as_float(value) is None
        and _as_date(value) is None
        and value not in EMPTY_MARKERS
    )


PARSER = SpreadsheetParser()
