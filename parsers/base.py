"""The parser contract: file in, typed rows out.

A parser is pure: it reads one archived file from disk and returns rows for the
tables it declares. It never touches the network or the database. ``db/`` uses
the declared tables and columns to create tables; the Datasette metadata uses the
column descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

ColumnType = Literal["text", "integer", "float", "date", "boolean"]

#: Provenance columns every parsed row carries, added by ``db/`` when loading.
PROVENANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("document", "SHA-256 of the archived file this row came from (links to documents)."),
    ("page", "Page of the document the row is printed on (1-based)."),
    (
        "bbox",
        'Where the row is printed on its page: "x0,top,x1,bottom" in PDF points from the'
        " top-left corner (the union of its cells); empty for spreadsheets.",
    ),
    ("table_index", "Which table on the page (0-based) the row belongs to."),
    ("row_index", "Row number within its table in the document (0-based)."),
    ("parser_version", "Version of the parser that produced the row."),
)


@dataclass(frozen=True)
class Column:
    """One declared column of a parsed table."""

    name: str
    type: ColumnType
    description: str


@dataclass(frozen=True)
class CannedQuery:
    """A named SQL query published with the table it reads (Datasette canned query).

    Count through ``current_documents`` so a corrected report is counted once.
    """

    name: str
    title: str
    description: str
    sql: str

    def metadata(self) -> dict[str, str]:
        return {"title": self.title, "description": self.description, "sql": self.sql}


#: A chart's ``x`` may name this instead of a column: the report period of each row's
#: document (``report_period_start`` to ``report_period_end``), one bar per report.
REPORT_PERIOD = "report_period"
ChartPer = Literal["month", "year"]


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart of one table, served at ``/-/charts/<name>`` (and ``.svg``).

    One bar per ``x`` value (a column, bucketed ``per`` month or year when it is a date, or
    ``REPORT_PERIOD``); the bar's height is the sum of ``value`` (a column) or, when
    ``value`` is None, the number of rows; bars are split by ``group`` when given.
    Only rows of current documents are counted (a corrected report replaces the original).
    """

    name: str
    title: str
    table: str
    x: str
    value: str | None = None
    group: str | None = None
    per: ChartPer | None = None
    #: What one unit of a bar is, plural ("declined detainers", "employees").
    unit: str = "rows"
    #: Labels of the x axis and of the group column in the chart's table.
    x_label: str = ""
    group_label: str = ""
    #: A paragraph under the title: what is counted, and the caveats.
    description: str = ""
    #: Said instead of the chart while the table is empty.
    empty: str = ""
    #: A canned query (declared with the table) that publishes the chart's numbers.
    query: str | None = None


#: Set on the rows of a document a template refused (see ``db.load``): which template, and
#: why. Declared by the parsers whose tables stand in for such a document
#: (``parsers.registry.PLAIN_PARSERS``: the generic extractor, the spreadsheet parser).
LAYOUT_DRIFT_COLUMN = Column(
    "layout_drift",
    "text",
    "Set when a template refused this document's layout (a column added, removed or renamed):"
    " which template and why. The document is quarantined; these rows stand in for it.",
)


@dataclass(frozen=True)
class TableSpec:
    """A table a parser fills: its database name, description and columns, and what is
    published with it (default sort, label column, canned queries, charts)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    #: Columns Datasette should facet on by default.
    facets: tuple[str, ...] = ()
    #: Free-text columns to index for full-text search.
    fts: tuple[str, ...] = ()
    #: Default sort of the table page, ascending (``sort``) or descending (``sort_desc``).
    sort: str | None = None
    sort_desc: str | None = None
    #: Column shown instead of the key where another table links to this one.
    label_column: str | None = None
    #: Canned queries and charts over this table; published only where the table exists.
    queries: tuple[CannedQuery, ...] = ()
    charts: tuple[Chart, ...] = ()
    #: Columns naming what a row is about (a county, a facility): ``changes_by_key`` then
    #: compares editions per key ("Harris: total 8,429 → 8,868"). Empty: rows compared whole.
    key: tuple[str, ...] = ()
    #: The table describes the document's other tables (one row per table or sheet found:
    #: its header, size, position), it holds no data rows: its rows are stored but not
    #: counted in ``documents.rows`` or a run's rows added.
    describes_tables: bool = False

    def __post_init__(self) -> None:
        names = {c.name for c in self.columns}
        named = [self.sort, self.sort_desc, self.label_column, *self.facets, *self.fts, *self.key]
        for chart in self.charts:
            if chart.table != self.name:
                raise ValueError(
                    f"chart {chart.name!r} is declared on {self.name}, not {chart.table}"
                )
            named += [chart.value, chart.group, None if chart.x == REPORT_PERIOD else chart.x]
        unknown = sorted({n for n in named if n is not None} - names)
        if unknown:
            raise ValueError(f"table {self.name} names unknown columns {unknown}")
        if self.sort and self.sort_desc:
            raise ValueError(f"table {self.name}: give sort or sort_desc, not both")

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name} has no column {name!r}")


@dataclass(slots=True)
class Row:
    """One parsed row with where it was found (slots: a long document holds many)."""

    table: str
    page: int
    table_index: int
    row_index: int
    values: dict[str, Any]
    #: The row's box on its page, "x0,top,x1,bottom" in PDF points (None: not a PDF).
    bbox: str | None = None


#: A box on a page: (x0, top, x1, bottom) in PDF points, origin top-left (pdfplumber's).
Box = tuple[float, float, float, float]


def union_box(boxes: list[Box]) -> Box | None:
    """The smallest box holding all ``boxes`` (None when there are none)."""
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def bbox_text(box: Box | None) -> str | None:
    """A box as stored in the ``bbox`` column: "x0,top,x1,bottom", points to 0.1."""
    if box is None:
        return None
    if len(box) == 4:  # one f-string for the four (a row's box: one call per row)
        x0, top, x1, bottom = box
        return f"{x0:.1f},{top:.1f},{x1:.1f},{bottom:.1f}"
    return ",".join(f"{v:.1f}" for v in box)


@dataclass
class Check:
    """A check of the parsed rows against the document's own statements."""

    name: str
    passed: bool
    expected: Any
    found: Any
    message: str = ""
    #: True when the template keeps this check as a warning (``on_fail = "warn"``): a failure
    #: is a ``ParseWarning`` on the result, not a quarantine.
    warn_only: bool = False

    def describe(self) -> str:
        state = "passed" if self.passed else "FAILED"
        text = f"{self.name} {state}: expected {self.expected!r}, found {self.found!r}"
        return f"{text} ({self.message})" if self.message else text


@dataclass(frozen=True)
class ParseWarning:
    """Something the user must know about a parse that is not a failed check: the rows are
    published, but part of the document may be missing from them (see
    ``parsers.accounting``). Stored with the document (``documents.warnings``) and shown by
    ``records run``/``add``/``extract``, ``records status`` and Datasette."""

    #: "unaccounted_lines" (table-like lines in no table), "no_rows" (nothing loaded from a
    #: document with table-like lines), "skipped_pages" (a template's header on pages it
    #: does not read), "split_record" (lines that may be one record read as several rows:
    #: ``parsers.generic.model.ExtractedTable.split_records``), "total_mismatch" (a printed
    #: total that is not the sum of its rows), "sum_rows" (unlabelled subtotal or total rows
    #: kept as rows of a PDF's typed table: ``parsers.typed.SumRows``).
    kind: str
    message: str
    pages: tuple[int, ...] = ()
    #: How many lines (or rows) the warning is about.
    lines: int = 0


@dataclass
class ParseResult:
    """Everything a parser learned from one file."""

    rows: list[Row] = field(default_factory=list)
    #: Document-level facts, stored on the ``documents`` row (e.g. report_period_start,
    #: report_period_end, pages) or, for keys not in that table, in ``document_facts``.
    document: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    #: Set when the document must not be published as good data (failed check, drifted
    #: layout). Rows are still kept for inspection.
    quarantine: str | None = None
    #: Tables read without a template (``parsers.typed.TypedTable``), each stored by
    #: ``db.typed`` in a real table per table shape, with typed columns.
    typed: list[Any] = field(default_factory=list)
    #: What the parse may have missed (``parsers.accounting``); the rows are still loaded.
    warnings: list[ParseWarning] = field(default_factory=list)
    #: Page (or sheet) -> (rows loaded, table-like lines in no table), from page accounting.
    accounted: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Rows kept on disk instead of in ``rows`` (a long PDF's: ``parsers.generic.spill``);
    #: ``rows`` then holds none. Read them with ``table_rows``.
    spilled: RowsElsewhere | None = None

    def table_names(self) -> list[str]:
        """The tables the rows fill, in order of their first row."""
        if self.spilled is not None:
            return list(self.spilled.tables)
        return list(dict.fromkeys(row.table for row in self.rows))

    def table_rows(self, table: str) -> Iterator[Row]:
        """The rows of ``table``, in order, from ``rows`` or from the spill."""
        if self.spilled is not None:
            return self.spilled.rows(table)
        return (row for row in self.rows if row.table == table)

    def count_rows(self, skip: Iterable[str] = ()) -> int:
        """How many rows there are, but those of the ``skip`` tables."""
        skipped = set(skip)
        if self.spilled is not None:
            return sum(n for t, n in self.spilled.counts.items() if t not in skipped)
        if not skipped:
            return len(self.rows)
        return sum(1 for row in self.rows if row.table not in skipped)

    def warning_text(self) -> str | None:
        """The warnings joined for the ``documents.warnings`` column (None when there are none)."""
        return "; ".join(w.message for w in self.warnings) or None

    def quarantine_reason(self) -> str | None:
        """The quarantine message: an explicit one, or the failed checks joined."""
        failed = [c.describe() for c in self.checks if not c.passed and not c.warn_only]
        reasons = ([self.quarantine] if self.quarantine else []) + failed
        return "; ".join(reasons) if reasons else None

    def rows_for(self, table: str) -> list[Row]:
        return list(self.table_rows(table))


class RowsElsewhere(Protocol):
    """Rows a parse kept out of memory (``parsers.generic.spill.SpilledRows``)."""

    #: Rows per table.
    counts: dict[str, int]
    #: The tables, in order of their first row, with the value columns their rows fill.
    tables: dict[str, list[str]]

    def rows(self, table: str) -> Iterator[Row]: ...

    def remove(self) -> None: ...


@runtime_checkable
class Parser(Protocol):
    """What every parser provides. See ``parsers.registry`` for the list of parsers."""

    name: str
    version: str
    description: str
    tables: tuple[TableSpec, ...]

    def detect(self, path: Path) -> bool:
        """True when this parser recognises the file (used when no parser is named)."""
        ...

    def parse(self, path: Path) -> ParseResult:
        """Read the file and return its rows; raise ``ParseError`` when it cannot."""
        ...
