"""The tables printed on a sheet, found as a reader finds them.

A sheet is read top to bottom, each non-blank row sorted by what it holds:

- a **single** row (one value, or one value merged across) is a title line above a table, a
  group label inside one (the rows below it belong to that group: a ``group`` column), or a
  note below one (``Source: ...``): which one, the rows around it tell;
- a **label** row (two or more values, none a number or date) is a header row: several in a
  row are a multi-row header, joined per column top to bottom ("Group Column"); inside a
  table of numbers it starts the next stacked table, or is the header repeated (a page
  break of a PDF converted to a sheet) and skipped;
- a **data** row holds a number or a date; a data row labelled ``Total`` (``Totals``,
  ``COUNTY TOTALS``, ``Total Votes``) is kept out of the rows and checked against the
  column sums instead.

Single rows before a sheet's first table (a title block) are the sheet's preamble; the last
run of them right above a header names the table. A table whose header never meets a data
row (all text) keeps its first row as the header and the others as rows. Header rows that
repeat one value in every cell (``NON``, ``VOTE FOR 1``) add no meaning and are left out of
the names; a group label printed only in the first cell of its group applies to the cells
after it up to the next label. Columns empty in the whole table (spacers) are dropped, and
so is a column that repeats its left neighbour in every cell, header included (a merge
filled twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.cleaning import EMPTY_MARKERS
from parsers.spreadsheets.workbooks import Cell, Sheet
from parsers.typed import TOTAL_LABEL, as_date, as_text, is_number

#: A line below a table that is a note about it, not the title of what follows.
NOTE_LINE = re.compile(r"^(source|sources|note|notes|prepared|data as of|\*|\(\d|\d\))", re.I)
#: Header rows in a row before the table is taken as all text (first row header, the rest rows).
MAX_HEADER_ROWS = 5
#: A label row inside a table of numbers starts a new table only when it fills this share of
#: the table's width (a row of a few text cells is a row: "KSA 25-2701(a)(2)" withheld).
NEW_HEADER_MIN_FILL = 0.5


@dataclass
class SheetTable:
    """One table found on a sheet: rows are indexes into ``Sheet.rows``."""

    title: str | None
    header_rows: list[int] = field(default_factory=list)
    body: list[int] = field(default_factory=list)
    #: Group label in force for each body row (None outside any group).
    groups: list[str | None] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Header rows printed again inside the table (skipped).
    repeated_headers: list[int] = field(default_factory=list)
    #: Sheet columns (0-based) of the table's columns, in order.
    columns: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    #: True once a data row holding a number or a date was read.
    numeric: bool = False
    #: The group label in force (the last single line printed between rows).
    group: str | None = None


@dataclass
class SheetLayout:
    preamble: list[str]
    tables: list[SheetTable]


def filled(row: list[Cell]) -> list[tuple[int, Cell]]:
    """(column, value) of the row's non-empty cells; dash-like markers count as empty."""
    return [
        (c, v)
        for c, v in enumerate(row)
        if v is not None and not (isinstance(v, str) and v in EMPTY_MARKERS)
    ]


def row_kind(row: list[Cell]) -> str:
    """ "blank", "single", "label" or "data" (see the module docstring)."""
    cells = [(c, v) for c, v in enumerate(row) if v is not None]
    if not cells:
        return "blank"
    if any(is_number(v) or as_date(v) is not None for _, v in cells):
        return "data"
    if len({as_text(v) for _, v in cells}) == 1:
        return "single"
    return "label"


def single_text(row: list[Cell]) -> str:
    return next(as_text(v) for v in row if v is not None)


def find_tables(sheet: Sheet) -> SheetLayout:
    """The tables of ``sheet`` and the title lines above its first one."""
    rows = sheet.rows
    tables: list[SheetTable] = []
    preamble: list[str] = []
    pending: list[str] = []  # single lines not placed yet
    attached = False  # the first pending line sits right under the table's rows
    table: SheetTable | None = None
    gap = True  # a blank row since the last row read

    def start(header: int | None, title_lines: list[str]) -> SheetTable:
        new = SheetTable(" ".join(title_lines) or None)
        tables.append(new)
        if header is not None:
            new.header_rows.append(header)
        return new

    def has_rows(t: SheetTable | None) -> bool:
        return t is not None and bool(t.body or t.totals)

    for i, row in enumerate(rows):
        kind = row_kind(row)
        if kind == "blank":
            if pending and has_rows(table) and table is not None:
                if attached or all(NOTE_LINE.match(p) for p in pending):
                    table.notes.extend(pending)
                    pending = []
            elif pending and table is None:
                preamble.extend(pending)
                pending = []
            gap = True
            continue
        spread = sum(1 for v in row if v is not None) > 1
        if kind == "single" and spread and table is not None and not gap and not pending:
            if not has_rows(table):
                table.header_rows.append(i)  # one value over a header's cells: "NON", "-"
                continue
            if _repeats_header(rows, table, i):
                table.repeated_headers.append(i)
                continue
        if kind == "single":
            if not pending:
                attached = table is not None and not gap
            pending.append(single_text(row))
            gap = False
            continue
        if kind == "label":
            if table is not None and not has_rows(table) and not gap and not pending:
                table.header_rows.append(i)  # the next row of a multi-row header
                continue
            if table is not None and not gap and not pending and _repeats_header(rows, table, i):
                table.repeated_headers.append(i)
                gap = False
                continue
            if table is None or gap or pending or _new_header(rows, table, i):
                if table is None:
                    preamble.extend(pending[:-1])
                    pending = pending[-1:]
                table = start(i, pending)
                pending = []
            else:
                _add_body(table, i)
            gap = False
            continue
        # A data row.
        if table is None:
            preamble.extend(pending[:-1])
            table = start(None, pending[-1:])
        elif pending and attached and not gap:
            # Lines between rows of a table: group labels.
            table.notes.extend(pending[:-1])
            table.group = pending[-1]
        elif pending or gap:
            if (
                gap
                and not pending
                and table.numeric
                and len(filled(row)) == len(_width(rows, table))
            ):
                pass  # a blank row inside a table
            else:
                table = start(None, pending)
        pending = []
        gap = False
        table.numeric = True
        first = filled(row)
        label = as_text(first[0][1]).strip() if first else ""
        if TOTAL_LABEL.match(label):
            table.totals.append(i)
        else:
            _add_body(table, i)
    if pending:
        (table.notes if table is not None else preamble).extend(pending)
    for t in tables:
        _settle(rows, t)
    return SheetLayout(preamble, [t for t in tables if t.body or t.totals])


def _add_body(table: SheetTable, i: int) -> None:
    table.body.append(i)
    table.groups.append(table.group)


def _new_header(rows: list[list[Cell]], table: SheetTable, i: int) -> bool:
    """True when a label row inside a table of numbers is the header of the next table: it
    fills most of the table's width and puts text where the table had only numbers."""
    cells = filled(rows[i])
    if len(cells) < NEW_HEADER_MIN_FILL * len(_width(rows, table)):
        return False
    numbers: set[int] = set()
    texts: set[int] = set()
    for b in table.body[-50:]:
        for c, v in filled(rows[b]):
            (numbers if is_number(v) else texts).add(c)
    return any(c in numbers and c not in texts for c, _ in cells)


def _width(rows: list[list[Cell]], table: SheetTable) -> set[int]:
    cols: set[int] = set()
    for i in [*table.header_rows, *table.body[:20]]:
        cols.update(c for c, _ in filled(rows[i]))
    return cols


def _repeats_header(rows: list[list[Cell]], table: SheetTable, i: int) -> bool:
    mine = _trimmed(rows[i])
    return any(_trimmed(rows[h]) == mine for h in table.header_rows)


def _trimmed(row: list[Cell]) -> list[Cell]:
    out = list(row)
    while out and out[-1] is None:
        out.pop()
    return out


def _settle(rows: list[list[Cell]], table: SheetTable) -> None:
    """Columns and names of a finished table."""
    if len(table.header_rows) > 1 and (
        not table.numeric or len(table.header_rows) > MAX_HEADER_ROWS
    ):
        # All text (or too many to be a header): the first row is the header, the others rows.
        extra = table.header_rows[1:]
        no_group: list[str | None] = [None] * len(extra)
        table.body = extra + table.body
        table.groups = no_group + table.groups
        table.header_rows = table.header_rows[:1]
    used: set[int] = set()
    for i in [*table.header_rows, *table.body, *table.totals]:
        used.update(c for c, _ in filled(rows[i]))
    columns = sorted(used)
    header = [rows[h] for h in table.header_rows]
    columns = [
        c
        for k, c in enumerate(columns)
        if not (k and columns[k - 1] == c - 1 and _same_column(rows, table, c - 1, c))
    ]
    table.columns = columns
    table.names = _names(header, columns, bool(any(table.groups)))


def _same_column(rows: list[list[Cell]], table: SheetTable, a: int, b: int) -> bool:
    """True when column ``b`` repeats column ``a`` in every row of the table."""
    for i in [*table.header_rows, *table.body, *table.totals]:
        row = rows[i]
        left = row[a] if a < len(row) else None
        right = row[b] if b < len(row) else None
        if left != right:
            return False
    return True


def _names(header: list[list[Cell]], columns: list[int], grouped: bool) -> list[str]:
    """Column names: the header cells of each column joined top to bottom."""

    def cell(row: list[Cell], c: int) -> str:
        v = row[c] if c < len(row) else None
        text = "" if v is None else re.sub(r"\s+", " ", as_text(v)).strip()
        return "" if text in EMPTY_MARKERS else text

    grid = [[cell(row, c) for c in columns] for row in header]
    if len(grid) > 1:
        # A row repeating one value everywhere ("NON", "VOTE FOR 1") adds no meaning.
        kept = [r for r in grid if len({t for t in r if t}) > 1 or sum(1 for t in r if t) == 1]
        grid = kept or grid[-1:]
    for r in range(len(grid) - 1):
        line = grid[r]
        below = grid[r + 1 :]
        for k in range(1, len(line)):
            if line[k]:
                continue
            j = k - 1
            while j >= 0 and not line[j]:
                j -= 1
            # A group label spreads right only from a cell with names under it.
            if j >= 0 and any(b[j] for b in below) and any(b[k] for b in below):
                line[k] = line[j]
    names: list[str] = []
    seen: set[str] = set()
    for k in range(len(columns)):
        parts: list[str] = []
        for line in grid:
            if line[k] and (not parts or parts[-1] != line[k]):
                parts.append(line[k])
        name = " ".join(parts) or f"column_{k + 1}"
        candidate, n = name, 2
        while candidate.casefold() in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate.casefold())
        names.append(candidate)
    if grouped:
        candidate, n = "group", 2
        while candidate.casefold() in seen:
            candidate, n = f"group_{n}", n + 1
        names.append(candidate)
    return names
