"""The tables found on a sheet (``layout``) as typed tables, their totals checked."""

from __future__ import annotations

from parsers.spreadsheets.layout import SheetLayout, SheetTable, find_tables
from parsers.spreadsheets.workbooks import Cell, Sheet
from parsers.typed import TypedRow, TypedTable, table_slug, total_warnings, typed_table


def sheet_tables(
    number: int, sheet: Sheet, layout: SheetLayout | None = None
) -> tuple[list[TypedTable], list[str]]:
    """The typed tables of sheet ``number`` (from ``layout`` when the caller found it) and the
    warnings about them (totals that are not the sum of their rows)."""
    layout = layout if layout is not None else find_tables(sheet)
    tables: list[TypedTable] = []
    warnings: list[str] = []
    for index, found in enumerate(layout.tables):
        where = f"sheet {sheet.name!r}" + (f", table {found.title!r}" if found.title else "")
        name = table_slug(found.title or sheet.name, fallback=f"sheet_{number}")
        rows = [
            (
                TypedRow(number, index, k, [], source_row=sheet.row_number(i)),
                _values(sheet.rows[i], found, group),
            )
            for k, (i, group) in enumerate(zip(found.body, found.groups, strict=True))
        ]
        table = typed_table(name, found.title, found.names, rows, where[0].upper() + where[1:])
        table.sheet = sheet.name
        table.notes = [*layout.preamble, *found.notes] if index == 0 else list(found.notes)
        tables.append(table)
        totals = [
            (f"{where}: total row {sheet.row_number(t)}", _values(sheet.rows[t], found, None))
            for t in found.totals
        ]
        warnings.extend(total_warnings(table, totals))
    return tables, warnings


def _values(row: list[Cell], table: SheetTable, group: str | None) -> list[Cell]:
    values = [row[c] if c < len(row) else None for c in table.columns]
    if len(table.names) > len(table.columns):
        values.append(group)
    return values
