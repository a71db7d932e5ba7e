"""The tables found on a sheet (``layout``) as typed tables, their totals checked."""

from __future__ import annotations

from parsers.spreadsheets.layout import SheetTable, find_tables
from parsers.spreadsheets.workbooks import Cell, Sheet
from parsers.typed import TypedRow, TypedTable, as_float, as_text, table_slug, typed_table


def sheet_tables(number: int, sheet: Sheet) -> tuple[list[TypedTable], list[str]]:
    """The typed tables of sheet ``number`` and the warnings about them (totals that are not
    the sum of their rows)."""
    layout = find_tables(sheet)
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
        table.notes = [*layout.preamble, *found.notes] if index == 0 else list(found.notes)
        tables.append(table)
        for total in found.totals:
            warnings.extend(_check_total(sheet, found, table, total, where))
    return tables, warnings


def _values(row: list[Cell], table: SheetTable, group: str | None) -> list[Cell]:
    values = [row[c] if c < len(row) else None for c in table.columns]
    if len(table.names) > len(table.columns):
        values.append(group)
    return values


def _check_total(
    sheet: Sheet, found: SheetTable, table: TypedTable, total: int, where: str
) -> list[str]:
    """A warning per numeric column whose printed total is not the sum of its rows."""
    printed = _values(sheet.rows[total], found, None)
    warnings = []
    for c, column in enumerate(table.columns[: len(found.columns)]):
        if column.type not in ("integer", "float"):
            continue
        value = as_float(printed[c]) if printed[c] is not None else None
        if value is None:
            continue
        summed = sum(row.values[c] or 0 for row in table.rows)
        if abs(summed - value) > 1e-6 * max(1.0, abs(value)):
            warnings.append(
                f"{where}: total row {sheet.row_number(total)} prints {as_text(printed[c])}"
                f" for {column.name!r} but its rows add up to {as_text(summed)}"
            )
    return warnings
