"""Reading XLSX, XLS and CSV files into plain grids of typed cell values.

Each sheet becomes a list of rows (row 0 = the sheet's first row, so sheet row = index + 1)
of cells that are None, str, int, float, bool, datetime, date or time. Merged cells are
filled with the value of their top-left cell, as a reader of the sheet sees them. Numbers
shown zero-padded by their cell format (a ZIP code typed as 2134 with format ``00000``)
come back as the text shown (``02134``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from records.core.errors import ParseError, WorkbookTooLarge

Cell = None | str | int | float | bool | datetime | date | time

#: A number format that only pads with zeros: the digits shown are the value's text.
_ZERO_PADDED = re.compile(r"^0+$")

#: Encodings read in CSV, line by line (``decode_lines``): UTF-8 (with or without BOM), then
#: what Excel on Windows writes.
CSV_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252")

CSV_DELIMITERS = ",;\t|"

#: Cells a sheet may spread over once read (its rows padded to their last filled cell, merged
#: ranges filled), unless ``RECORDS_MAX_SHEET_CELLS`` says otherwise. The work of reading is
#: bounded by the cells the file holds, never by the size it claims (``A1:XFD1048576``).
DEFAULT_MAX_SHEET_CELLS = 5_000_000
MAX_SHEET_CELLS_ENV = "RECORDS_MAX_SHEET_CELLS"

#: Runs of blank rows longer than this are kept as this many: blank rows only separate
#: tables, and a lone cell at row 1,048,576 must not cost a million rows.
BLANK_ROWS_KEPT = 2


def max_sheet_cells() -> int:
    """The cell budget of one sheet: ``RECORDS_MAX_SHEET_CELLS`` or the default."""
    raw = os.environ.get(MAX_SHEET_CELLS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_SHEET_CELLS
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ParseError(f"{MAX_SHEET_CELLS_ENV}={raw!r} is not a whole number") from None
    if value < 1:
        raise ParseError(f"{MAX_SHEET_CELLS_ENV}={raw!r} must be at least 1")
    return value


class _Budget:
    """Counts the cells a sheet is spread over; raises WorkbookTooLarge past the limit."""

    def __init__(self, label: str, sheet: str, limit: int) -> None:
        self.label, self.sheet, self.limit, self.used = label, sheet, limit, 0

    def spend(self, cells: int, what: str) -> None:
        self.used += cells
        if self.used > self.limit:
            raise WorkbookTooLarge(
                f"{self.label}: sheet {self.sheet!r} spreads over more than"
                f" {self.limit:,} cells ({what}); not read"
                f" (raise {MAX_SHEET_CELLS_ENV} if the workbook is genuine)"
            )


@dataclass
class Sheet:
    """One sheet: its name, whether it is hidden, and its cells (rows of cells)."""

    name: str
    hidden: bool
    rows: list[list[Cell]]
    #: How a CSV's bytes were decoded (see ``decode_lines``); None for workbooks.
    encoding: str | None = None
    #: The sheet's own number (1-based) of each of ``rows`` when long runs of blank rows
    #: were left out (see ``BLANK_ROWS_KEPT``); None when ``rows[i]`` is sheet row i + 1.
    row_numbers: list[int] | None = None

    def row_number(self, index: int) -> int:
        """The row number the spreadsheet shows for ``rows[index]``."""
        return self.row_numbers[index] if self.row_numbers is not None else index + 1


def read_xlsx(path: Path, label: str) -> list[Sheet]:
    """The sheets of an XLSX workbook, read from the cells its XML holds (see ``_read_xlsx``).

    openpyxl's warnings about what it does not read (a workbook with no default style, data
    validation or conditional formatting extensions) concern formatting, never a value: they
    are not passed on to the user as if something had gone wrong."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        return _read_xlsx(path, label)


def _read_xlsx(path: Path, label: str) -> list[Sheet]:
    """The sheets of an XLSX workbook, read from the cells its XML holds.

    openpyxl's full model would create every cell of a merged range and its iterators pad
    to the sheet's claimed dimension, so a 1.5 KB file with cells A1 and XFD1048576 (or a
    range merged over them) would walk 10^10 cells. Rows are read one by one from the XML
    instead (openpyxl's own streaming row parser), long blank runs collapsed, and merged
    ranges filled against the sheet's cell budget (``max_sheet_cells``).
    """
    import openpyxl

    limit = max_sheet_cells()
    try:
        # A file object: openpyxl refuses a path whose name does not end in .xlsx (archived
        # files are named by digest).
        with path.open("rb") as handle:
            book = openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike mean a broken file
        raise ParseError(
            f"{label}: not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        ) from exc
    sheets = []
    try:
        for ws in book.worksheets:
            budget = _Budget(label, ws.title, limit)
            present, merges = _xlsx_cells(book, ws, budget)
            for r0, r1, c0, c1 in merges:
                _fill_merged(present, r0, r1, c0, c1, budget)
            rows, numbers = _with_blank_runs(present)
            sheets.append(Sheet(ws.title, ws.sheet_state != "visible", rows, None, numbers))
    except ParseError:
        raise
    except Exception as exc:  # a sheet whose XML is damaged
        raise ParseError(
            f"{label}: not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        book.close()
    return sheets


def _xlsx_cells(
    book: Any, ws: Any, budget: _Budget
) -> tuple[dict[int, list[Cell]], list[tuple[int, int, int, int]]]:
    """A sheet's non-blank rows by sheet row number (each as long as its last filled cell)
    and its merged ranges as 1-based (first row, last row, first column, last column)."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    present: dict[int, list[Cell]] = {}
    # A private openpyxl class, the one its read-only worksheets stream rows with: the
    # public iterators pad every row and every missing row to the claimed dimension.
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, parsed in parser.parse():
            cells = [c for c in parsed if c["value"] is not None]
            if not cells:
                continue
            width = max(c["column"] for c in cells)
            budget.spend(width, f"row {number:,} reaches column {width:,}")
            row: list[Cell] = [None] * width
            for c in cells:
                row[c["column"] - 1] = _xlsx_value(ReadOnlyCell(ws, **c))
            present[number] = row
        merged = parser.merged_cells
    ranges = []
    for cell_range in merged.mergeCell if merged is not None else ():
        c0, r0, c1, r1 = range_boundaries(cell_range.ref)
        ranges.append((r0, r1, c0, c1))
    return present, ranges


def _fill_merged(
    present: dict[int, list[Cell]], r0: int, r1: int, c0: int, c1: int, budget: _Budget
) -> None:
    """Give every cell of a merged range the value of its top-left cell, counting the
    cells against ``budget`` first (a range from A1 to XFD1048576 is refused, not walked)."""
    top = present.get(r0)
    value = top[c0 - 1] if top is not None and c0 - 1 < len(top) else None
    if value is None:
        return
    budget.spend((r1 - r0 + 1) * c1, f"merged range {r0:,}..{r1:,} x {c0:,}..{c1:,}")
    for number in range(r0, r1 + 1):
        row = present.setdefault(number, [])
        if len(row) < c1:
            row.extend([None] * (c1 - len(row)))
        for c in range(c0 - 1, c1):
            row[c] = value


def _with_blank_runs(present: dict[int, list[Cell]]) -> tuple[list[list[Cell]], list[int]]:
    """Rows in sheet order, each run of blank rows (above the first filled row too) cut to
    its last ``BLANK_ROWS_KEPT``, and each row's sheet number."""
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    last = 0
    for number in sorted(present):
        for blank in range(max(last + 1, number - BLANK_ROWS_KEPT), number):
            rows.append([])
            numbers.append(blank)
        rows.append(present[number])
        numbers.append(number)
        last = number
    return rows, numbers


def _xlsx_value(cell: Any) -> Cell:
    value = cell.value
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        padded = _zero_padded(value, cell.number_format)
        if padded is not None:
            return padded
    return value  # type: ignore[no-any-return]


def read_xls(path: Path, label: str) -> list[Sheet]:
    import xlrd

    try:
        # ragged_rows: each row as long as its last cell, not padded to the sheet's width.
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True, ragged_rows=True)
    except NotImplementedError:
        # Some old BIFF versions cannot give formatting: read values without merges.
        book = _open_xls_plain(path, label)
    except Exception as exc:  # xlrd.XLRDError, struct and OLE2 errors alike
        raise ParseError(_xls_error(label, exc)) from exc
    sheets = []
    limit = max_sheet_cells()
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            budget = _Budget(label, sheet.name, limit)
            rows = []
            for r in range(sheet.nrows):
                width = sheet.row_len(r)
                budget.spend(width, f"row {r + 1:,} reaches column {width:,}")
                rows.append([_xls_value(book, sheet, r, c) for c in range(width)])
            for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []):
                budget.spend(
                    (rhi - rlo) * chi, f"merged range {rlo + 1:,}..{rhi:,} x {clo + 1:,}..{chi:,}"
                )
                _fill(rows, rlo, rhi - 1, clo, chi - 1)
            sheets.append(Sheet(sheet.name, bool(sheet.visibility), rows))
            book.unload_sheet(index)
    except ParseError:
        raise
    except Exception as exc:  # a sheet whose records are damaged
        raise ParseError(_xls_error(label, exc)) from exc
    finally:
        book.release_resources()
    return sheets


def _open_xls_plain(path: Path, label: str) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(path, on_demand=True, ragged_rows=True)
    except Exception as exc:  # see read_xls
        raise ParseError(_xls_error(label, exc)) from exc


def _xls_error(label: str, exc: Exception) -> str:
    if "encrypted" in str(exc).lower():
        return f"{label}: encrypted XLS workbook: it needs a password to open"
    return f"{label}: not a readable XLS workbook ({type(exc).__name__}: {exc})"


def _xls_value(book: Any, sheet: Any, r: int, c: int) -> Cell:
    import xlrd

    cell = sheet.cell(r, c)
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        return str(cell.value).strip() or None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
    if kind == xlrd.XL_CELL_DATE:
        try:
            when: datetime = xlrd.xldate_as_datetime(cell.value, book.datemode)
            return when
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value  # type: ignore[no-any-return]
    value = float(cell.value)
    number: int | float = int(value) if value.is_integer() else value
    if book.formatting_info:
        xf = book.xf_list[cell.xf_index]
        fmt = book.format_map.get(xf.format_key)
        padded = _zero_padded(number, fmt.format_str if fmt else "")
        if padded is not None:
            return padded
    return number


def read_csv(path: Path, label: str) -> list[Sheet]:
    data = path.read_bytes()
    nul = data.find(b"\x00")  # anywhere: text after a NUL can be neither seen nor searched
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ParseError(
            f"{label}: not a text CSV file (it contains NUL bytes, the first at byte"
            f" {nul:,}, line {line:,})"
        )
    text, encoding = decode_lines(data, label)
    sample = text[:65536]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            [value.strip() or None for value in record]
            for record in csv.reader(io.StringIO(text, newline=""), dialect)
        ]
    except csv.Error as exc:
        raise ParseError(f"{label}: not a readable CSV file ({exc})") from exc
    # Named "csv" whatever the file is called: archived files are named by digest, and the
    # same bytes must always load the same rows.
    return [Sheet("csv", False, rows, encoding)]  # type: ignore[arg-type]


def decode_lines(data: bytes, label: str) -> tuple[str, str]:
    """The text of a CSV file and how it was decoded: "utf-8", "cp1252", or
    "utf-8 with N cp1252 line(s)" for a file pasted together from both (one export appended
    to another), where decoding the whole file as cp1252 would turn "Peñasco" into
    "PeÃ±asco" without a word. Each line is read as UTF-8 when it is valid UTF-8, else as
    cp1252; a line that is neither is refused (ParseError naming the line and both
    encodings), never guessed at."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    texts: list[str] = []
    fallback = 0
    utf8_only = 0  # lines with characters beyond ASCII, valid as UTF-8
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode("utf-8"))
            utf8_only += not line.isascii()
            continue
        except UnicodeDecodeError:
            pass
        try:
            texts.append(line.decode("cp1252"))
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"{label}: line {number} is neither UTF-8 nor cp1252 (Windows-1252) text"
                f" (byte 0x{line[exc.start]:02x}); not guessing its encoding"
            ) from None
        fallback += 1
    if not utf8_only:
        return "".join(texts), "cp1252"
    return "".join(texts), f"utf-8 with {fallback} cp1252 line(s)"


def _zero_padded(value: int | float, number_format: str | None) -> str | None:
    """The text shown for a whole number under a zero-padding format like ``00000``."""
    if not number_format or not _ZERO_PADDED.match(number_format):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return str(int(value)).zfill(len(number_format))


def _fill(rows: list[list[Cell]], r0: int, r1: int, c0: int, c1: int) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    if r0 >= len(rows):
        return
    row0 = rows[r0]
    value = row0[c0] if c0 < len(row0) else None
    for r in range(r0, min(r1, len(rows) - 1) + 1):
        row = rows[r]
        if len(row) <= c1:
            row.extend([None] * (c1 + 1 - len(row)))
        for c in range(c0, c1 + 1):
            row[c] = value
