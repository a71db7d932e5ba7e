"""Reading a report template (``parsers/templates/*.toml``) into typed settings.

A template says, without Python, how to read one recurring report: how to recognise it,
which pages and which part of them hold each table, the pdfplumber settings that find the
table, the header it must carry (its fingerprint), each column's name, type and
description, how wrapped and spanned cells are put back together, which rows to drop,
and which of the report's own totals to check. See ``parsers/templates/README.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsers.base import REPORT_PERIOD, CannedQuery, Chart, Column, TableSpec
from parsers.cleaning import (
    DEFAULT_DATE_FORMATS,
    clean_text,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
)
from records.core.errors import TemplateError

#: Where the report templates live (package data of ``parsers``).
TEMPLATES_DIR = Path(__file__).parent
#: pdfplumber settings for tables drawn with a rule around every cell.
RULED_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
}
#: pdfplumber settings for tables laid out with whitespace only.
WHITESPACE_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "text",
    "horizontal_strategy": "text",
}
#: Named presets a template can use instead of spelling out the settings; "generic": the
#: tables the generic extractor finds (``parsers.templates.generic``).
TABLE_PRESETS: dict[str, dict[str, Any]] = {
    "ruled": RULED_TABLE_SETTINGS,
    "whitespace": WHITESPACE_TABLE_SETTINGS,
    "generic": {"finder": "generic"},
}
COLUMN_TYPES = ("text", "integer", "float", "date", "boolean")
#: What a table does with printed columns it does not know: store them as text, or refuse.
EXTRA_COLUMNS = ("refuse", "keep")
#: The text column that holds a kept edition's unknown columns, as JSON {header: text}.
EXTRA_COLUMN = "extra_columns"
CHECK_KINDS = ("column_sums", "group_totals", "subtotals", "stated_number", "page_footer")


@dataclass(frozen=True)
class FlagSpec:
    """A marker printed inside a cell (``(CANCELLED)**``) turned into a boolean column."""

    pattern: re.Pattern[str]
    column: str
    description: str


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    header: str
    type: str
    description: str
    formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    strip: re.Pattern[str] | None = None
    flags: tuple[FlagSpec, ...] = ()
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    #: Cell texts that mean "no value" in this column (e.g. "-").
    null_values: tuple[str, ...] = ()
    #: Absent in some editions of the report: its header may be missing, its value is null.
    optional: bool = False


@dataclass(frozen=True)
class RowMatch:
    """A row picked out by a regex on one column's cleaned text."""

    column: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class TableTemplate:
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    settings: dict[str, Any]
    pages: str | None = None
    start_after: re.Pattern[str] | None = None
    stop_before: re.Pattern[str] | None = None
    crop: tuple[float | None, float | None, float | None, float | None] | None = None
    header_rows: int = 1
    #: Rows that may precede the header (titles printed inside the table area).
    header_search_rows: int = 6
    #: The "header" is the table's first data row (a table printed without a header, as
    #: ``records template draft`` writes it): it fingerprints the table and is loaded too.
    header_is_data: bool = False
    key_columns: tuple[str, ...] = ()
    wrapped: str = "previous"
    fill_down: tuple[str, ...] = ()
    skip_rows: tuple[re.Pattern[str], ...] = ()
    stop_rows: tuple[re.Pattern[str], ...] = ()
    totals_row: RowMatch | None = None
    subtotal_rows: RowMatch | None = None
    required: bool = True
    facets: tuple[str, ...] = ()
    fts: tuple[str, ...] = ()
    sort: str | None = None
    sort_desc: str | None = None
    label_column: str | None = None
    queries: tuple[CannedQuery, ...] = ()
    charts: tuple[Chart, ...] = ()
    #: What a row is about, for changes between editions (``TableSpec.key``).
    key: tuple[str, ...] = ()
    #: "keep": columns the template does not know are stored as text (``EXTRA_COLUMN``).
    extra_columns: str = "refuse"

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def spec(self) -> TableSpec:
        columns: list[Column] = []
        for col in self.columns:
            columns.append(Column(col.name, col.type, col.description))  # type: ignore[arg-type]
            for flag in col.flags:
                columns.append(Column(flag.column, "boolean", flag.description))
        if self.extra_columns == "keep":
            columns.append(
                Column(
                    EXTRA_COLUMN,
                    "text",
                    "Columns this edition of the report prints that the template does not"
                    " know, as JSON {printed header: cell text}.",
                )
            )
        return TableSpec(
            self.name,
            self.description,
            tuple(columns),
            self.facets,
            self.fts,
            sort=self.sort,
            sort_desc=self.sort_desc,
            label_column=self.label_column,
            queries=self.queries,
            charts=self.charts,
            key=self.key,
        )


#: The facts a template may name that the pipeline acts on (every other fact is stored in
#: ``document_facts`` as read). Listed in README.md and parsers/templates/README.md.
PERIOD_FACTS: dict[str, str] = {
    "report_period_start": "first day the report covers (documents.report_period_start):"
    " orders a series' editions for the 'next report' changes and the charts' report_period",
    "report_period_end": "last day the report covers (documents.report_period_end)",
    "report_date": "the one date a report is 'as of': sets report_period_start and"
    " report_period_end when the template does not read them itself",
}


@dataclass(frozen=True)
class FactSpec:
    """A document fact read from the text with a regex (first group)."""

    name: str
    pattern: re.Pattern[str]
    type: str
    formats: tuple[str, ...] = DEFAULT_DATE_FORMATS


@dataclass(frozen=True)
class Template:
    path: Path
    name: str
    version: str
    description: str
    detect: tuple[re.Pattern[str], ...]
    tables: tuple[TableTemplate, ...]
    facts: tuple[FactSpec, ...] = ()
    checks: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def table(self, name: str) -> TableTemplate:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)


def _regex(where: str, value: Any) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise TemplateError(f"{where}: expected a regular expression string, got {value!r}")
    try:
        return re.compile(value)
    except re.error as exc:
        raise TemplateError(f"{where}: bad regular expression {value!r} ({exc})") from exc


def _require(where: str, data: dict[str, Any], key: str) -> Any:
    if key not in data:
        raise TemplateError(f"{where}: missing required key {key!r}")
    return data[key]


def _column(where: str, data: dict[str, Any]) -> ColumnSpec:
    name = _require(where, data, "name")
    kind = data.get("type", "text")
    if kind not in COLUMN_TYPES:
        raise TemplateError(f"{where}: column {name!r} type {kind!r} not one of {COLUMN_TYPES}")
    flags = tuple(
        FlagSpec(
            _regex(f"{where} flag", _require(where, f, "pattern")),
            _require(where, f, "column"),
            f.get("description", f"True when the cell carried the marker {f['pattern']!r}."),
        )
        for f in data.get("flags", [])
    )
    return ColumnSpec(
        name=name,
        header=data.get("header", name),
        type=kind,
        description=_require(f"{where} column {name!r}", data, "description"),
        formats=tuple(data.get("formats", DEFAULT_DATE_FORMATS)),
        strip=_regex(f"{where} strip", data["strip"]) if "strip" in data else None,
        flags=flags,
        true_values=tuple(data.get("true_values", ())),
        false_values=tuple(data.get("false_values", ())),
        null_values=tuple(data.get("null_values", ())),
        optional=bool(data.get("optional", False)),
    )


def _row_match(where: str, data: dict[str, Any] | None, columns: set[str]) -> RowMatch | None:
    if data is None:
        return None
    column = _require(where, data, "column")
    if column not in columns:
        raise TemplateError(f"{where}: unknown column {column!r}")
    return RowMatch(column, _regex(where, _require(where, data, "pattern")))


def _query(where: str, data: dict[str, Any]) -> CannedQuery:
    name = _require(where, data, "name")
    where = f"{where} query {name!r}"
    return CannedQuery(
        name=name,
        title=_require(where, data, "title"),
        description=_require(where, data, "description"),
        sql=_require(where, data, "sql"),
    )


_CHART_KEYS = {"name", "title", "x", "value", "group", "per", "unit", "x_label",
               "group_label", "description", "empty", "query"}  # fmt: skip


def _chart(where: str, table: str, data: dict[str, Any], names: set[str]) -> Chart:
    name = _require(where, data, "name")
    where = f"{where} chart {name!r}"
    unknown_keys = sorted(set(data) - _CHART_KEYS)
    if unknown_keys:
        raise TemplateError(f"{where}: unknown keys {unknown_keys}")
    x = _require(where, data, "x")
    for key in ("value", "group"):
        if data.get(key) is not None and data[key] not in names:
            raise TemplateError(f"{where}: {key} names unknown column {data[key]!r}")
    if x != REPORT_PERIOD and x not in names:
        raise TemplateError(f"{where}: x must be a column or {REPORT_PERIOD!r}, not {x!r}")
    per = data.get("per")
    if per not in (None, "month", "year"):
        raise TemplateError(f"{where}: per must be 'month' or 'year', not {per!r}")
    return Chart(
        name=name,
        title=_require(where, data, "title"),
        table=table,
        x=x,
        value=data.get("value"),
        group=data.get("group"),
        per=per,
        unit=data.get("unit", "rows"),
        x_label=data.get("x_label", ""),
        group_label=data.get("group_label", ""),
        description=data.get("description", ""),
        empty=data.get("empty", ""),
        query=data.get("query"),
    )


def _table(where: str, data: dict[str, Any]) -> TableTemplate:
    name = _require(where, data, "name")
    where = f"{where} table {name!r}"
    columns = tuple(
        _column(f"{where} column {i}", c) for i, c in enumerate(_require(where, data, "columns"))
    )
    names = {c.name for c in columns} | {f.column for c in columns for f in c.flags}
    settings_value = data.get("settings", "ruled")
    if isinstance(settings_value, str):
        if settings_value not in TABLE_PRESETS:
            raise TemplateError(f"{where}: unknown settings preset {settings_value!r}")
        settings = dict(TABLE_PRESETS[settings_value])
    else:
        settings = dict(settings_value)
    settings.update(data.get("settings_extra", {}))
    for listed in ("key_columns", "fill_down", "facets", "fts", "key"):
        unknown = set(data.get(listed, ())) - names
        if unknown:
            raise TemplateError(f"{where}: {listed} names unknown columns {sorted(unknown)}")
    for single in ("sort", "sort_desc", "label_column"):
        if single in data and data[single] not in names:
            raise TemplateError(f"{where}: {single} names unknown column {data[single]!r}")
    if "sort" in data and "sort_desc" in data:
        raise TemplateError(f"{where}: give sort or sort_desc, not both")
    wrapped = data.get("wrapped", "previous")
    if wrapped not in ("previous", "next"):
        raise TemplateError(f"{where}: wrapped must be 'previous' or 'next', not {wrapped!r}")
    crop = data.get("crop")
    extra_columns = data.get("extra_columns", "refuse")
    if extra_columns not in EXTRA_COLUMNS:
        raise TemplateError(
            f"{where}: extra_columns must be 'keep' or 'refuse', not {extra_columns!r}"
        )
    if extra_columns == "keep" and EXTRA_COLUMN in names:
        raise TemplateError(f"{where}: a column may not be named {EXTRA_COLUMN!r}")
    return TableTemplate(
        name=name,
        description=_require(where, data, "description"),
        columns=columns,
        settings=settings,
        pages=str(data["pages"]) if "pages" in data else None,
        start_after=_regex(where, data["start_after"]) if "start_after" in data else None,
        stop_before=_regex(where, data["stop_before"]) if "stop_before" in data else None,
        crop=tuple(crop) if crop else None,
        header_rows=int(data.get("header_rows", 1)),
        header_search_rows=int(data.get("header_search_rows", 6)),
        header_is_data=bool(data.get("header_is_data", False)),
        key_columns=tuple(data.get("key_columns", ())),
        wrapped=wrapped,
        fill_down=tuple(data.get("fill_down", ())),
        skip_rows=tuple(_regex(where, p) for p in data.get("skip_rows", ())),
        stop_rows=tuple(_regex(where, p) for p in data.get("stop_rows", ())),
        totals_row=_row_match(f"{where} totals_row", data.get("totals_row"), names),
        subtotal_rows=_row_match(f"{where} subtotal_rows", data.get("subtotal_rows"), names),
        required=bool(data.get("required", True)),
        facets=tuple(data.get("facets", ())),
        fts=tuple(data.get("fts", ())),
        sort=data.get("sort"),
        sort_desc=data.get("sort_desc"),
        label_column=data.get("label_column"),
        queries=tuple(_query(where, q) for q in data.get("queries", ())),
        charts=tuple(_chart(where, name, c, names) for c in data.get("charts", ())),
        extra_columns=extra_columns,
        key=tuple(data.get("key", ())),
    )


def parse_template(path: Path, data: dict[str, Any]) -> Template:
    """Validate a template's TOML data; TemplateError names the file and the problem."""
    where = path.name
    name = _require(where, data, "name")
    version = _require(where, data, "version")
    if not isinstance(version, str):
        raise TemplateError(f'{where}: version must be a string such as "1.0"')
    detect = data.get("detect", {}).get("page1", [])
    if not detect:
        raise TemplateError(f"{where}: [detect] page1 must list at least one anchor text")
    tables = tuple(_table(where, t) for t in _require(where, data, "tables"))
    table_names = {t.name for t in tables}
    checks = tuple(data.get("checks", ()))
    for check in checks:
        kind = _require(f"{where} check", check, "kind")
        if kind not in CHECK_KINDS:
            raise TemplateError(f"{where}: check kind {kind!r} not one of {CHECK_KINDS}")
        if check.get("on_fail", "quarantine") not in ("quarantine", "warn"):
            raise TemplateError(f'{where}: check {kind!r} on_fail must be "quarantine" or "warn"')
        tolerance = check.get("tolerance", 0)
        if not (
            (isinstance(tolerance, int | float) and not isinstance(tolerance, bool))
            or (isinstance(tolerance, str) and re.fullmatch(r"\d+(\.\d+)?%", tolerance.strip()))
        ):
            raise TemplateError(
                f"{where}: check {kind!r} tolerance must be a number or a percentage"
                f' such as "1%", not {tolerance!r}'
            )
        if kind == "subtotals" and not check.get("positional") and "group_column" not in check:
            raise TemplateError(
                f"{where}: check 'subtotals' needs group_column (or positional = true)"
            )
        for key in ("table", "summary_table"):
            if key in check and check[key] not in table_names:
                raise TemplateError(f"{where}: check names unknown table {check[key]!r}")
    facts = tuple(
        FactSpec(
            fact,
            _regex(f"{where} fact {fact}", _require(where, spec, "pattern")),
            spec.get("type", "text"),
            tuple(spec.get("formats", DEFAULT_DATE_FORMATS)),
        )
        for fact, spec in data.get("facts", {}).items()
    )
    return Template(
        path=path,
        name=name,
        version=version,
        description=_require(where, data, "description"),
        detect=tuple(_regex(f"{where} detect", p) for p in detect),
        tables=tables,
        facts=facts,
        checks=checks,
    )


def read_template(path: Path) -> Template:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path.name}: cannot read template ({exc})") from exc
    return parse_template(path, data)


def page_numbers(spec: str | None, count: int) -> list[int]:
    """'1-15' / '2-' / '3' / '1,4-6' / None (all) -> 1-based page numbers within the file."""
    if spec is None or spec.strip() in ("", "all"):
        return list(range(1, count + 1))
    pages: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)?\s*-\s*(\d+)?|(\d+)", part)
        if not match:
            raise TemplateError(f"bad page range {spec!r}")
        if match.group(3):
            first = last = int(match.group(3))
        else:
            first = int(match.group(1) or 1)
            last = int(match.group(2) or count)
        pages.extend(range(first, min(last, count) + 1))
    return pages


def type_value(column: ColumnSpec, raw: str | None) -> Any:
    """One cell's text -> the column's type; ValueError names the text."""
    text = raw
    if text is not None and column.strip is not None:
        text = clean_text(column.strip.sub("", text))
    if text is not None and text in column.null_values:
        return None
    if column.type == "integer":
        return parse_int(text)
    if column.type == "float":
        return parse_float(text)
    if column.type == "date":
        return parse_date(text, column.formats)  # remembers the dates it has read
    if column.type == "boolean":
        if text is None:
            return None
        if column.true_values or column.false_values:
            return parse_bool(text, column.true_values, column.false_values)
        return parse_bool(text)
    return text
