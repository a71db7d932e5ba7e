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
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from records.core.errors import ParseError

Cell = None | str | int | float | bool | datetime | date | time

#: A number format that only pads with zeros: the digits shown are the value's text.
_ZERO_PADDED = re.compile(r"^0+$")

#: Encodings read in CSV, line by line (``decode_lines``): UTF-8 (with or without BOM), then
#: what Excel on Windows writes.
CSV_ENCODINGS: tuple[str, ...] = ("utf-8", "cp1252")

CSV_DELIMITERS = ",;\t|"


@dataclass
class Sheet:
    """One sheet: its name, whether it is hidden, and its cells (rows of cells)."""

    name: str
    hidden: bool
    rows: list[list[Cell]]
    #: How a CSV's bytes were decoded (see ``decode_lines``); None for workbooks.
    encoding: str | None = None


def read_xlsx(path: Path, label: str) -> list[Sheet]:
    import openpyxl

    try:
        # Not read-only: merged-cell ranges are only known in the full model. A file object,
        # because openpyxl refuses a path whose name does not end in .xlsx (archived files
        # are named by digest).
        with path.open("rb") as handle:
            book = openpyxl.load_workbook(io.BytesIO(handle.read()), data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike mean a broken file
        raise ParseError(
            f"{label}: not a readable XLSX workbook ({type(exc).__name__}: {exc})"
        ) from exc
    sheets = []
    try:
        for ws in book.worksheets:
            rows = [[_xlsx_value(cell) for cell in row] for row in ws.iter_rows()]
            for merged in ws.merged_cells.ranges:
                _fill(
                    rows,
                    merged.min_row - 1,
                    merged.max_row - 1,
                    merged.min_col - 1,
                    merged.max_col - 1,
                )
            sheets.append(Sheet(ws.title, ws.sheet_state != "visible", rows))
    finally:
        book.close()
    return sheets


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
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
    except NotImplementedError:
        # Some old BIFF versions cannot give formatting: read values without merges.
        book = _open_xls_plain(path, label)
    except Exception as exc:  # xlrd.XLRDError, struct and OLE2 errors alike
        raise ParseError(_xls_error(label, exc)) from exc
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [
                [_xls_value(book, sheet, r, c) for c in range(sheet.ncols)]
                for r in range(sheet.nrows)
            ]
            for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []):
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
        return xlrd.open_workbook(path, on_demand=True)
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
