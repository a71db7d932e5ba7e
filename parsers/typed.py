"""Typed tables: a table's printed header and its rows, with a type inferred per column.

Any parser that reads a table without a template (a sheet, a PDF table, an OCR'd page)
hands one ``TypedTable`` per table in ``ParseResult.typed``; ``db.typed`` stores it in a
real SQLite table per table shape (typed columns named from the printed header), so
Datasette can facet, sort and filter by column. Types, per column: integer, float, date
(ISO text), boolean, else text. A value with a leading zero (ZIP code, precinct ID) makes
its column text, so ``02134`` stays ``02134``; cells like ``N/A``, ``NA`` or ``-`` count as
empty in a numeric or date column; ``2,219`` is the integer 2219.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol

from parsers.base import Column, ColumnType, ParseResult, ParseWarning
from parsers.cleaning import (
    DEFAULT_DATE_FORMATS,
    EMPTY_MARKERS,
    FOOTNOTE_CHARS,
    continental_columns,
    from_continental,
)

#: A value as read: a spreadsheet cell (typed by the workbook) or a PDF cell's text.
Value = None | str | int | float | bool | datetime | date | time

_INT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)$")
_DATE_LIKE = re.compile(r"^(?=.*\d)[\w ,./-]{6,40}$")
_NUMBER = re.compile(r"^[-+]?\$?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


@dataclass(slots=True)
class TypedRow:
    """One data row of a typed table and where it is printed (slots: a long document
    holds many)."""

    page: int
    table_index: int
    row_index: int
    values: list[Any]
    bbox: str | None = None
    #: The spreadsheet row (1-based, as the sheet shows it); None for a PDF.
    source_row: int | None = None
    #: Set when the row was read by OCR: Tesseract's mean word confidence (0-100) where
    #: known, else -1.
    ocr_confidence: float | None = None


@dataclass
class TypedTable:
    """A table read without a template: its name, title, typed columns and rows."""

    #: Suggested table name (from its printed title, else where it was found).
    name: str
    #: The title printed above the table, if any.
    title: str | None
    columns: list[Column]
    rows: list[TypedRow] = field(default_factory=list)
    #: Lines printed with the table that are not rows: notes, ``Source:`` lines.
    notes: list[str] = field(default_factory=list)
    #: Rows kept on disk instead of in ``rows`` (``parsers.generic.spill``); ``rows`` is
    #: then empty. ``stored_rows`` reads either.
    spilled: StoredRows | None = None
    #: The sheet the table was read from (a spreadsheet's), else None.
    sheet: str | None = None

    def stored_rows(self) -> StoredRows | list[TypedRow]:
        """The rows, from ``rows`` or from the spill."""
        return self.spilled if self.spilled is not None else self.rows


class StoredRows(Protocol):
    """Typed rows kept out of memory: counted, read in order (again each time)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[TypedRow]: ...


#: Cells that say "no value" in a numeric or date column (a text column keeps them as
#: printed): the cleaning markers and "not available" spelt without a slash.
MISSING_MARKERS: frozenset[str] = EMPTY_MARKERS | {"NA", "n.a.", "N.A."}

#: A row labelled like this is a total, not data: kept out of the rows, checked instead.
TOTAL_LABEL = re.compile(r"^(grand\s+|county\s+|sub-?\s*)?totals?\b|^total\s+votes\b", re.I)

#: Column holding, as JSON, the cells that did not fit their column's type (a numeric
#: column where a few cells say "KSA 25-2701(a)(2)": withheld) and numbers printed with a
#: footnote mark (``7**``, typed 7): nothing is dropped silently.
UNTYPED_CELLS = "untyped_cells"

#: Share of a column's values that must be numbers for the column to be numeric when the
#: others are text (kept in ``UNTYPED_CELLS``).
NUMERIC_SHARE = 0.9


def typed_table(
    name: str,
    title: str | None,
    header: Sequence[str],
    rows: Sequence[tuple[TypedRow, Sequence[Value]]],
    describe: str,
) -> TypedTable:
    """A typed table from column names and raw rows (each a ``TypedRow`` whose values are
    filled here, converted); ``describe`` says where the columns come from."""
    n = len(header)
    # A row's own list when it has the header's width already: no copy of a long table.
    printed = [
        values if type(values) is list and len(values) == n else widened(values, n)
        for _, values in rows
    ]
    # "7**": a footnote mark glued to a number; typed as the number, kept as printed.
    raw = [without_marks(r) for r in printed]
    types = [column_type([r[c] for r in raw]) for c in range(n)]
    continental = continental_columns(raw)
    if continental:
        raw, printed, types = _read_continental(raw, printed, types, continental)
    converters = [CONVERTERS[t] for t in types]
    columns = [
        Column(h, t, f"{describe}; printed header {h!r}.")
        for h, t in zip(header, types, strict=True)
    ]
    table = TypedTable(name, title, columns)
    untyped = False
    for (row, _), values, shown in zip(rows, raw, printed, strict=True):
        row.values = typed_values(values, shown, header, types, converters)
        untyped = untyped or row.values[-1] is not None
        table.rows.append(row)
    if untyped:
        table.columns.append(
            Column(
                UNTYPED_CELLS,
                "text",
                "Cells of this row that do not fit their column's type, as printed (JSON"
                " object by column): the typed column is empty there.",
            )
        )
    else:
        for row in table.rows:
            row.values.pop()
    return table


def typed_values(
    values: Sequence[Value],
    shown: Sequence[Value],
    header: Sequence[str],
    types: Sequence[ColumnType],
    converters: Sequence[Callable[[Value], Any]],
) -> list[Any]:
    """One row's values converted to its columns' ``types``, then the ``UNTYPED_CELLS``
    JSON (None when every cell fits): ``values`` as typed (footnote marks off), ``shown``
    as printed, both of the header's width."""
    n = len(header)
    typed = [converters[c](values[c]) for c in range(n)]
    odd = {
        header[c]: as_text(shown[c])
        for c in range(n)
        if (typed[c] is None and values[c] is not None and not is_missing(values[c]))
        or (values[c] is not shown[c] and types[c] != "text")
    }
    typed.append(json.dumps(odd, ensure_ascii=False) if odd else None)
    return typed


class TypeTally:
    """``column_type`` of a column whose values come one at a time (a long table written
    out as it is read): ``add`` each value, ``type()`` at the end; the same answer."""

    __slots__ = (
        "present",
        "all_bool",
        "typed",
        "int_ok",
        "float_ok",
        "date_ok",
        "numbers",
        "numbers_int",
        "digit_text",
    )

    def __init__(self) -> None:
        self.present = self.typed = self.numbers = 0
        self.all_bool = self.int_ok = self.float_ok = self.date_ok = self.numbers_int = True
        self.digit_text = False

    def add(self, value: Value) -> None:
        if value is None:
            return
        self.present += 1
        self.all_bool = self.all_bool and isinstance(value, bool)
        if is_missing(value):
            return
        self.typed += 1
        number = as_float(value) is not None
        if number:
            self.numbers += 1
            self.numbers_int = self.numbers_int and as_int(value) is not None
        elif isinstance(value, str) and value[:1].isdigit():
            self.digit_text = True
        self.float_ok = self.float_ok and number
        self.int_ok = self.int_ok and as_int(value) is not None
        self.date_ok = self.date_ok and as_date(value) is not None

    def type(self) -> ColumnType:
        if not self.present:
            return "text"
        if self.all_bool:
            return "boolean"
        if not self.typed:
            return "text"
        if self.int_ok:
            return "integer"
        if self.float_ok:
            return "float"
        if self.date_ok:
            return "date"
        if not self.numbers or self.numbers < NUMERIC_SHARE * self.typed or self.digit_text:
            return "text"
        return "integer" if self.numbers_int else "float"


def total_warnings(table: TypedTable, totals: Sequence[tuple[str, Sequence[Value]]]) -> list[str]:
    """A warning per numeric column whose printed total is not the sum of the table's rows;
    ``totals`` are (where the total is printed, its values in the table's column order)."""
    if not totals:
        return []
    sums = [
        sum(row.values[c] or 0 for row in table.rows) if column.type in ("integer", "float") else 0
        for c, column in enumerate(table.columns)
    ]
    return summed_warnings(table.columns, sums, totals)


def summed_warnings(
    columns: Sequence[Column], sums: Sequence[Any], totals: Sequence[tuple[str, Sequence[Value]]]
) -> list[str]:
    """``total_warnings`` from each column's sum over the rows (``sums``)."""
    warnings = []
    for where, printed in totals:
        for c, column in enumerate(columns):
            if column.type not in ("integer", "float") or c >= len(printed):
                continue
            value = as_float(printed[c]) if printed[c] is not None else None
            if value is None:
                continue
            summed = sums[c]
            if abs(summed - value) > 1e-6 * max(1.0, abs(value)):
                warnings.append(
                    f"{where} prints {as_text(printed[c])} for {column.name!r}"
                    f" but its rows add up to {as_text(summed)}"
                )
    return warnings


#: A row is called the sum of others only where it matches them in at least this many
#: numeric columns (one column's match is too easily chance), summing at least this many rows.
SUM_ROW_COLUMNS = 2
SUM_ROW_ROWS = 2


class SumRows:
    """Rows of a typed table, in print order, that hold sums of its other rows though no
    label says "Total": subtotals (a row equal, in every numeric column it fills, to the
    sum of the rows since the previous such row, e.g. Brazil's "REGIÃO NORDESTE" under its
    states) and a total (the first or last row, equal to the sum of all the rows that are
    no subtotal, e.g. "Brasil" printed above its states). They stay rows of the table; a
    warning names them (``warning``): a column summed over the table counts them twice.

    Fed row by row (``add``), it keeps the running sums only, for a table of any length."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.numeric = [c for c, col in enumerate(columns) if col.type in ("integer", "float")]
        self.text = [c for c, col in enumerate(columns) if col.type == "text"]
        self.untyped = next((c for c, col in enumerate(columns) if col.name == UNTYPED_CELLS), None)
        self.segment = [0.0] * len(self.numeric)
        self.segment_rows = 0
        self.total = [0.0] * len(self.numeric)
        self.rows = 0
        self.first: tuple[str, list[Any]] | None = None
        self.last: tuple[str, list[Any]] | None = None
        self.subtotals: list[str] = []
        #: Whether the first subtotal sums every row above it (then, last, it is a total).
        self.whole = False

    def add(self, values: Sequence[Any]) -> None:
        """The next row's typed values, in the table's column order."""
        numbers = [values[c] if c < len(values) else None for c in self.numeric]
        label = self._label(values)
        if self._subtotal(numbers):
            if not self.subtotals:
                self.whole = self.segment_rows == self.rows and _sums(numbers, self.segment)
            self.subtotals.append(label)
            self.segment = [0.0] * len(self.numeric)
            self.segment_rows = 0
            return
        for k, value in enumerate(numbers):
            if isinstance(value, (int, float)):
                self.segment[k] += value
                self.total[k] += value
        self.segment_rows += 1
        self.rows += 1
        if self.first is None:
            self.first = (label, numbers)
        self.last = (label, numbers)

    def _label(self, values: Sequence[Any]) -> str:
        """The row's first text, quoted, to name it by: in a text column, else among the
        cells that did not fit their numeric column (India's "ODISHA" in the serial-number
        column)."""
        for c in self.text:
            if c != self.untyped and c < len(values) and isinstance(values[c], str):
                if values[c].strip():
                    return repr(values[c].strip())
        if self.untyped is not None and self.untyped < len(values) and values[self.untyped]:
            try:
                cells = json.loads(values[self.untyped])
            except ValueError:
                cells = {}
            for cell in cells.values() if isinstance(cells, dict) else ():
                if isinstance(cell, str) and cell.strip():
                    return repr(cell.strip())
        return "a row with no label"

    def _subtotal(self, numbers: list[Any]) -> bool:
        """Whether the row sums the rows since the previous subtotal: before the first, the
        rows after the table's first too (a total printed first is no part of it)."""
        if self.segment_rows >= SUM_ROW_ROWS and _sums(numbers, self.segment):
            return True
        if self.subtotals or self.first is None or self.segment_rows < SUM_ROW_ROWS + 1:
            return False
        first = [v if isinstance(v, (int, float)) else 0 for v in self.first[1]]
        return _sums(numbers, [s - f for s, f in zip(self.segment, first, strict=True)])

    def totals(self) -> list[str]:
        """The labels of the first or last row when it is the sum of all the others."""
        found = []
        for end in (self.first, self.last) if self.first is not self.last else (self.first,):
            if end is None or self.rows < SUM_ROW_ROWS + 1:
                continue
            label, numbers = end
            rest = [
                t - (v if isinstance(v, (int, float)) else 0)
                for t, v in zip(self.total, numbers, strict=True)
            ]
            if _sums(numbers, rest):
                found.append(label)
        return found

    @property
    def found(self) -> int:
        """How many such rows there are."""
        return len(self.subtotals) + len(self.totals())

    def warning(self, where: str, table: str) -> str | None:
        """What to tell the user (None: no such row)."""
        totals = self.totals()
        subtotals = self.subtotals
        said = []
        if len(subtotals) == 1 and self.whole and self.segment_rows == 0:
            # The last row, the sum of every row above it: the table's total.
            said.append(f"{subtotals[0]} is the sum of the rows above it (a total)")
            subtotals = []
        if subtotals:
            names = ", ".join(subtotals[:8])
            more = f" and {len(subtotals) - 8} more" if len(subtotals) > 8 else ""
            many = len(subtotals) > 1
            said.append(
                f"{len(subtotals)} row{'s' if many else ''} ({names}{more})"
                f" {'are each' if many else 'is'} the sum of the rows above"
                f" {'it ' if many else ''}since the previous one"
                f" (subtotal{'s' if many else ''})"
            )
        if totals:
            both = len(totals) > 1
            said.append(
                f"{' and '.join(totals)} {'are' if both else 'is'} the sum"
                f" of the other rows (a total)"
            )
        if not said:
            return None
        return (
            f"{where}: {'; '.join(said)}, kept as rows of {table}: a column summed over the"
            " table counts them twice"
        )


def _sums(numbers: Sequence[Any], sums: Sequence[float]) -> bool:
    """Whether ``numbers`` equal ``sums`` in every numeric column they fill, at least
    ``SUM_ROW_COLUMNS`` of them with a sum other than 0."""
    matched = 0
    for value, summed in zip(numbers, sums, strict=True):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if abs(value - summed) > 1e-6 * max(1.0, abs(summed)):
            return False
        matched += summed != 0
    return matched >= SUM_ROW_COLUMNS


def add_typed(result: ParseResult, tables: Sequence[TypedTable], mismatches: Sequence[str]) -> None:
    """Hand a parse's typed ``tables`` to its ``result``, with a ``total_mismatch`` warning
    for each printed total that is not the sum of its rows (see ``total_warnings``)."""
    result.typed.extend(tables)
    result.warnings.extend(ParseWarning("total_mismatch", m) for m in mismatches)


def _read_continental(
    raw: list[list[Value]],
    printed: list[list[Value]],
    types: list[ColumnType],
    columns: set[int],
) -> tuple[list[list[Value]], list[list[Value]], list[ColumnType]]:
    """``raw`` and ``printed`` with the figures of ``columns`` read the continental way
    ("3.670" is 3670, "6,4" is 6.4), for the columns that are numbers once so read (a
    figure with a footnote mark keeps its printed text); the columns' types."""
    types = list(types)
    numeric = set()
    for c in columns:
        kind = column_type([from_continental(r[c]) for r in raw])
        if kind in ("integer", "float"):
            types[c] = kind
            numeric.add(c)
    if not numeric:
        return raw, printed, types
    pairs = [continental_row(r, shown, numeric) for r, shown in zip(raw, printed, strict=True)]
    return [r for r, _ in pairs], [shown for _, shown in pairs], types


def continental_row(
    raw: list[Value], printed: list[Value], numeric: set[int]
) -> tuple[list[Value], list[Value]]:
    """One row's ``raw`` and ``printed`` values with the ``numeric`` columns' figures read
    the continental way (a figure with a footnote mark keeps its printed text)."""
    read = [from_continental(v) if c in numeric else v for c, v in enumerate(raw)]
    shown = [read[c] if c in numeric and raw[c] is printed[c] else p for c, p in enumerate(printed)]
    return read, shown


def widened(values: Sequence[Value], n: int) -> list[Value]:
    """``values`` cut or padded with None to ``n``."""
    return list(values)[:n] + [None] * (n - len(values))


def without_marks(values: list[Value]) -> list[Value]:
    """``values`` with ``unmarked`` applied: the same list when no value changes."""
    bare = [unmarked(v) for v in values]
    if all(u is v for u, v in zip(bare, values, strict=True)):
        return values
    return bare


def unmarked(value: Value) -> Value:
    """A number printed with footnote marks after it (``7**``, ``12†``) as the number's text;
    any other value as it is."""
    if isinstance(value, str) and value[-1:] in FOOTNOTE_CHARS:
        bare = value.rstrip(FOOTNOTE_CHARS).rstrip()
        if is_number(bare):
            return bare
    return value


def column_type(values: Sequence[Value]) -> ColumnType:
    """``infer_type``, but a column of numbers with a few text cells (at most 1 in 10) is
    numeric: those cells go to ``UNTYPED_CELLS``."""
    kind = infer_type(values)
    if kind != "text":
        return kind
    typed = [v for v in values if v is not None and not is_missing(v)]
    numbers = [v for v in typed if is_number(v)]
    if not numbers or len(numbers) < NUMERIC_SHARE * len(typed):
        return "text"
    if any(isinstance(v, str) and not is_number(v) and v[:1].isdigit() for v in typed):
        return "text"  # "0213" codes, "12a": a column of codes, not numbers
    return "integer" if all(as_int(v) is not None for v in numbers) else "float"


def infer_type(values: Sequence[Value]) -> ColumnType:
    """The narrowest type every non-empty value of a column fits."""
    present = [v for v in values if v is not None]
    if not present:
        return "text"
    if all(isinstance(v, bool) for v in present):
        return "boolean"
    typed = [v for v in present if not is_missing(v)]
    if not typed:
        return "text"
    if all(as_int(v) is not None for v in typed):
        return "integer"
    if all(as_float(v) is not None for v in typed):
        return "float"
    if all(as_date(v) is not None for v in typed):
        return "date"
    return "text"


def is_missing(value: Value) -> bool:
    return isinstance(value, str) and value in MISSING_MARKERS


def as_int(value: Value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT.match(value):
        digits = value.lstrip("+-").replace(",", "")
        if len(digits) > 1 and digits.startswith("0"):
            return None  # a leading zero is part of a code, not a number
        return int(value.replace(",", ""))
    return None


def as_float(value: Value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and any(ch.isdigit() for ch in value) and _NUMBER.match(value):
        body = value.lstrip("+-").lstrip("$").replace(",", "")
        whole = body.split(".")[0]
        if len(whole) > 1 and whole.startswith("0"):
            return None
        negative = value.startswith("-")
        number = float(body)
        return -number if negative else number
    return None


def as_date(value: Value) -> str | None:
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not _DATE_LIKE.match(value):
        return None  # every date format has digits: skip strptime on words (it is slow)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    for fmt in DEFAULT_DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def is_number(value: Value) -> bool:
    """True for a number, or text that reads as one (``2,219``, ``$3.50``)."""
    return not isinstance(value, bool) and as_float(value) is not None


def as_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return as_date(value) or value.isoformat()
    return str(value)


def _typed(convert: Callable[[Value], Any]) -> Callable[[Value], Any]:
    def apply(value: Value) -> Any:
        if value is None or is_missing(value):
            return None
        return convert(value)

    return apply


CONVERTERS: dict[str, Callable[[Value], Any]] = {
    "integer": _typed(as_int),
    "float": _typed(as_float),
    "date": _typed(as_date),
    "boolean": lambda v: v,
    "text": lambda v: None if v is None else as_text(v),
}


def table_slug(text: str, fallback: str = "table") -> str:
    """A table name from a printed title: lower case words joined by ``_``."""
    words = re.findall(r"[0-9a-z]+", text.casefold())
    slug = "_".join(words)[:60].strip("_")
    return slug or fallback
