"""Page accounting for spreadsheets: each sheet's table-like rows that landed in no table.

A row with several numeric or date cells (``parsers.accounting.is_table_like``) is
accounted when the raw layer loaded it (a ``spreadsheet_rows`` row) or the layout placed it
in a table it found (a body row, or a header, total or repeated-header row of that table).
Title, group and note lines hold one value and are never table-like. The rest, e.g. figures
printed above the header that neither layer read, become a ``ParseWarning`` naming the sheet
and its rows (as Excel numbers them); a workbook that loads no row while it holds table-like
rows gets the no-rows warning instead. Nothing is dropped to keep the count clean.
"""

from __future__ import annotations

from collections.abc import Sequence

from parsers.accounting import Line, PageAccount, is_table_like, page_ranges
from parsers.base import ParseResult, ParseWarning
from parsers.spreadsheets.layout import SheetLayout, filled
from parsers.spreadsheets.workbooks import Sheet
from parsers.typed import as_text

#: How many example rows a warning quotes.
QUOTED = 2


def sheet_lines(sheet: Sheet) -> list[Line]:
    """One ``Line`` per non-blank row: top = bottom = its sheet row, tokens (column, column,
    text)."""
    lines = []
    for i, row in enumerate(sheet.rows):
        tokens = tuple((float(c), float(c), as_text(v)) for c, v in filled(row))
        if tokens:
            number = float(sheet.row_number(i))
            lines.append(Line(number, number, tokens))
    return lines


def layout_rows(sheet: Sheet, layout: SheetLayout) -> set[int]:
    """Sheet rows (1-based) of every table the layout found: header, body, totals and
    repeated headers."""
    return {
        sheet.row_number(i)
        for table in layout.tables
        for i in [*table.header_rows, *table.body, *table.totals, *table.repeated_headers]
    }


def account_sheet(number: int, sheet: Sheet, rows: int, covered: set[int]) -> PageAccount:
    """Count one sheet: ``rows`` loaded, and its table-like rows outside ``covered`` (sheet
    row numbers read by the raw layer or a found table). ``unaccounted`` holds the rows as
    ``"row N: text"``."""
    # A sheet's cells are aligned by construction: every row with several values counts
    # (``account_page(aligned=False)``), looked up by row number rather than by box.
    like = [ln for ln in sheet_lines(sheet) if is_table_like([t[2] for t in ln.tokens])]
    missed = tuple(f"row {int(ln.top)}: {ln.text}" for ln in like if int(ln.top) not in covered)
    return PageAccount(number, rows, len(like), missed)


def _missed_rows(account: PageAccount) -> list[int]:
    return [int(text.split(":", 1)[0].removeprefix("row ")) for text in account.unaccounted]


def _where(sheets: Sequence[Sheet], account: PageAccount, rows: list[int]) -> str:
    sheet = f"sheet {sheets[account.page - 1].name!r} (sheet {account.page})"
    if not rows:
        return sheet  # its table-like rows are a found table's total or header rows
    return f"{sheet} row{'s' if len(rows) > 1 else ''} {page_ranges(rows)}"


def add_sheet_warnings(
    result: ParseResult, sheets: Sequence[Sheet], accounts: Sequence[PageAccount]
) -> None:
    """Put the accounting warnings for ``accounts`` (one per sheet) on ``result`` and the
    per-sheet counts in ``result.accounted``."""
    result.accounted.update({a.page: (a.rows, len(a.unaccounted)) for a in accounts})
    like = sum(a.table_like for a in accounts)
    if not any(a.rows for a in accounts) and like:
        # Every table-like row is unaccounted: one warning says it.
        sheets_like = [a for a in accounts if a.table_like]
        where = "; ".join(_where(sheets, a, _missed_rows(a)) for a in sheets_like)
        result.warnings.append(
            ParseWarning(
                "no_rows",
                f"no rows loaded, but {like} table-like row{'s' if like != 1 else ''} on {where}",
                tuple(a.page for a in sheets_like),
                like,
            )
        )
        return
    missed = [a for a in accounts if a.unaccounted]
    if not missed:
        return
    total = sum(len(a.unaccounted) for a in missed)
    where = "; ".join(_where(sheets, a, _missed_rows(a)) for a in missed)
    quoted = "; ".join(
        repr(text.split(": ", 1)[1][:80]) for a in missed for text in a.unaccounted[:QUOTED]
    )[:400]
    result.warnings.append(
        ParseWarning(
            "unaccounted_lines",
            f"{total} table-like row{'s' if total != 1 else ''} in no table: {where};"
            f" e.g. {quoted}",
            tuple(a.page for a in missed),
            total,
        )
    )
