"""The generic parse of a long PDF in flat memory: rows written to a spill as pages come.

``GenericParser.parse`` reads a PDF of ``SPILL_MIN_PAGES`` or more pages here when
``SPILL_FOLDER`` is set (``parsers.generic.spill``). The pages' tables come from the page
workers in page order (``extract.found_pages``); each page is continued and joined as
``extract.find_tables`` does (``continuation``, ``merge.PageJoiner``), and the body rows it
adds are written to the spill at once, their cells let go: only the tables a later page may
continue stay in memory, and of those their header, parts and first row. What the typed
table needs is tallied as the rows pass (``parsers.typed.TypeTally`` per column, which
columns hold a value, the total rows); once a table is finished its typed rows are made
from its spilled rows and spilled too. Page accounting is done page by page, with the
rows of that page. With ``READ_PAGE_TEXT`` the page workers read each page's text too and
it goes to the spill as it comes (the parse stage then reads no page twice). The result is
the one ``find_tables`` and ``typed_tables`` give: the same rows in the same order, the
same typed tables, warnings and counts (``tests/parsers/generic/test_streamed.py``
compares them on fixtures; a one-off run compared all 76 PDFs of real/, series/, ddor/).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsers.accounting import (
    PageAccount,
    PageLines,
    account_lines_found,
    add_warnings,
    row_box,
)
from parsers.base import Box, Column, ParseResult, ParseWarning, Row
from parsers.cleaning import ContinentalTally, from_continental
from parsers.generic.continuation import continuation_part, pdf_page_words
from parsers.generic.extract import found_pages, page_numbers
from parsers.generic.merge import PageJoiner
from parsers.generic.model import ExtractedTable, PageTable
from parsers.generic.spill import READ_PAGE_TEXT, RowSpill, SpilledRows, SpilledTypedRows
from parsers.generic.stored import (
    ROWS,
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
from parsers.reading.document import forget
from parsers.typed import (
    CONVERTERS,
    UNTYPED_CELLS,
    SumRows,
    TypedRow,
    TypedTable,
    TypeTally,
    Value,
    continental_row,
    summed_warnings,
    typed_values,
    unmarked,
    widened,
    without_marks,
)

#: A body row whose cells were written to the spill: the same (empty) list stands in for
#: each, so a long table's row list costs a pointer a row.
_SPILLED: list[str] = []


@dataclass
class _Table:
    """A table being read: how much of it is written, and what its typed table needs."""

    tseq: int
    table: ExtractedTable
    where: str
    pieces: int = 0
    tallies: list[TypeTally] = field(default_factory=list)
    filled: list[bool] = field(default_factory=list)
    totals: list[tuple[str, list[Value]]] = field(default_factory=list)
    body: int = 0
    continental: ContinentalTally = field(default_factory=ContinentalTally)


@dataclass
class _Typed:
    """A finished table's typed table, its rows in the spill (``tseq``)."""

    tseq: int
    name: str
    title: str | None
    columns: list[Column]
    count: int
    untyped: bool
    warnings: list[str]
    #: Unlabelled rows that are sums of other rows (``parsers.typed.SumRows``).
    sum_rows: list[ParseWarning]


def parse_streamed(path: Path, folder: Path, order: tuple[str, ...]) -> ParseResult:
    """The generic parser's result for the PDF at ``path``, its rows in a spill file in
    ``folder`` (``order``: the parser's tables, in load order)."""
    numbers = page_numbers(path)
    # The page workers read the pages: this process lets go of the document (its page list
    # is some 100 bytes a page, ``parsers.reading.pagelist``, pdfminer's cross-reference
    # table about 500: nothing to keep while the workers read).
    forget(path)
    spill = RowSpill(folder)
    try:
        reading = _Reading(spill, path)
        for found in found_pages(path, numbers, with_text=READ_PAGE_TEXT.get()):
            if found.text is not None:
                spill.add_page(found.text)
            reading.page(found.tables, found.lines)
        reading.close()
        handle = spill.finish(order)
    except BaseException:
        spill.discard()
        raise
    return reading.result(handle)


class _Reading:
    def __init__(self, spill: RowSpill, path: Path) -> None:
        self.spill = spill
        self.page_words = pdf_page_words(path)
        self.joiner = PageJoiner()
        self.open: dict[int, _Table] = {}  # id(table) -> its state
        self.previous: tuple[int, list[PageTable]] | None = None
        self.accounts: list[PageAccount] = []
        self.split_records: list[ParseWarning] = []
        self.typed: list[_Typed] = []
        self.found = self.flagged = 0

    def page(self, parts: list[PageTable], lines: PageLines) -> None:
        n = lines.page
        if self.previous is not None and self.previous[0] != n - 1:
            self.joiner.add([])  # a gap: nothing is joined over it
        # A page with no table of its own may continue the previous page's (continuation.py).
        previous = self.previous[1] if self.previous and self.previous[0] == n - 1 else []
        if not parts and previous and previous[-1].method != "form":
            part = continuation_part(n, self.page_words(n), previous[-1])
            if part is not None:
                parts = [part]
        self.previous = (n, parts)
        self.joiner.add(parts)
        for table in self.joiner.tables:  # started on this page
            state = _Table(self.found, table, table_place(table))
            self.found += 1
            state.tallies = [TypeTally() for _ in range(table.n_columns)]
            state.filled = [False] * table.n_columns
            self.open[id(table)] = state
        self.joiner.tables = []
        rows = 0
        # The parts of this page (their boxes are read whether or not rows came of them).
        boxes: list[Box] = [
            piece.bbox
            for state in self.open.values()
            for piece in state.table.pieces[state.pieces :]
            if piece.page == n
        ]
        for state in self.open.values():
            rows += self._write(state, boxes if lines.outside else None)
        self.accounts.append(account_lines_found(lines, rows, boxes))
        still = {id(t) for t in self.joiner.open()}
        for key in [k for k in self.open if k not in still]:
            self._finish(self.open.pop(key))

    def _write(self, state: _Table, boxes: list[Box] | None) -> int:
        """Write the parts of ``state``'s table added since last time; how many body rows.
        ``boxes`` (given when the page has lines to account for) gets the rows' boxes."""
        table = state.table
        written = 0
        for n in range(state.pieces, len(table.pieces)):
            piece = table.pieces[n]
            rows = list(body_rows(table, piece))
            self.spill.add_rows(state.tseq, rows, (row.row_index for row in rows))
            written += len(rows)
            if boxes is not None:
                boxes.extend(b for b in (row_box(row.bbox) for row in rows) if b is not None)
            for i in range(piece.first_row, piece.first_row + piece.n_rows):
                self._tally(state, table.rows[i], piece.page)
                if i:
                    table.rows[i] = _SPILLED  # the first stays: it tells the column count
            piece.row_boxes = []
        state.pieces = len(table.pieces)
        return written

    def _tally(self, state: _Table, cells: list[str], page: int) -> None:
        values = body_values(cells)
        if is_total(cells):
            state.totals.append((f"{state.where}: total row on page {page}", values))
            return
        state.body += 1
        for c, tally in enumerate(state.tallies):
            if c < len(values) and values[c] is not None:
                state.filled[c] = True
                value = unmarked(values[c])
                tally.add(value)
                state.continental.add(c, value)

    def _finish(self, state: _Table) -> None:
        """A table no later page continues: its parts' rows, then its typed rows."""
        table = state.table
        text = table_text(table)
        parts = [part_row(table, text, n) for n in range(len(table.pieces))]
        self.spill.add_rows(state.tseq, parts, range(len(parts)))
        self.flagged += bool(table.warnings)
        self.split_records.extend(table.split_records)
        if state.body:
            self._typed(state)

    def _typed(self, state: _Table) -> None:
        """``parser.typed_tables`` for one finished table, its rows read back."""
        table = state.table
        names, keep, header_at = named_columns(table.columns, state.filled, headed(table))
        everything = keep == list(range(len(table.columns)))
        n = len(names)
        types = [state.tallies[c].type() for c in keep]
        # Figures printed the continental way (``typed_table``): their columns' types read
        # so, from one more pass over the table's rows.
        grid = state.continental.columns()
        candidates = {k for k, c in enumerate(keep) if c in grid}
        read_so: set[int] = set()
        if candidates:
            tallies = {k: TypeTally() for k in candidates}
            for _, _, raw in self._body(state, keep, everything, n):
                for k, tally in tallies.items():
                    tally.add(from_continental(raw[k]))
            for k, tally in tallies.items():
                if tally.type() in ("integer", "float"):
                    types[k] = tally.type()
                    read_so.add(k)
        converters = [CONVERTERS[t] for t in types]
        describe = f"PDF table ({state.where})"
        columns = [
            Column(h, t, f"{describe}; printed header {h!r}.")
            for h, t in zip(names, types, strict=True)
        ]
        numeric = [c for c, t in enumerate(types) if t in ("integer", "float")]
        sums: list[Any] = [0] * n  # as total_warnings adds them up
        watch = SumRows(columns)
        untyped = False
        count = 0
        batch: list[TypedRow] = []
        for row, printed, raw in self._body(state, keep, everything, n):
            if read_so:
                raw, printed = continental_row(raw, printed, read_so)
            typed = typed_values(raw, printed, names, types, converters)
            untyped = untyped or typed[-1] is not None
            for c in numeric:
                sums[c] = sums[c] + (typed[c] or 0)
            watch.add(typed)
            batch.append(TypedRow(row.page, row.table_index, row.row_index, typed, row.bbox))
            count += 1
            if len(batch) >= 1000:
                self.spill.add_typed(state.tseq, batch)
                batch = []
        self.spill.add_typed(state.tseq, batch)
        totals = kept_totals(state.totals, keep, header_at)
        if untyped:
            columns.append(
                Column(
                    UNTYPED_CELLS,
                    "text",
                    "Cells of this row that do not fit their column's type, as printed (JSON"
                    " object by column): the typed column is empty there.",
                )
            )
        warnings = summed_warnings(columns, sums, totals) if totals else []
        name = typed_name(names)
        said = watch.warning(state.where, name)
        sum_rows = [ParseWarning("sum_rows", said, tuple(table.pages), watch.found)] if said else []
        self.typed.append(
            _Typed(state.tseq, name, table.title, columns, count, untyped, warnings, sum_rows)
        )

    def _body(
        self, state: _Table, keep: list[int], everything: bool, n: int
    ) -> Iterator[tuple[Row, list[Value], list[Value]]]:
        """The table's body rows from the spill (its total rows left out), each with its
        values in the kept columns as printed and as typed (footnote marks off)."""
        for row in self.spill.rows(ROWS, state.tseq):
            cells: list[str] = json.loads(row.values["cells"])
            if is_total(cells):
                continue
            values = body_values(cells)
            kept = values if everything else [at(values, c) for c in keep]
            printed = kept if len(kept) == n else widened(kept, n)
            yield row, printed, without_marks(printed)

    def close(self) -> None:
        for state in sorted(self.open.values(), key=lambda s: s.tseq):
            self._finish(state)
        self.open = {}

    def result(self, handle: SpilledRows) -> ParseResult:
        result = ParseResult(spilled=handle)
        add_warnings(result, self.accounts)
        typed = sorted(self.typed, key=lambda t: t.tseq)
        for t in typed:
            table = TypedTable(t.name, t.title, t.columns)
            table.spilled = SpilledTypedRows(handle, t.tseq, t.count, t.untyped)
            result.typed.append(table)
        result.warnings.extend(ParseWarning("total_mismatch", w) for t in typed for w in t.warnings)
        result.warnings.extend(w for t in typed for w in t.sum_rows)
        result.warnings.extend(self.split_records)
        result.document.update({"tables_found": self.found, "tables_flagged": self.flagged})
        return result
