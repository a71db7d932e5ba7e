"""Spreadsheet templates: a workbook's tables declared in TOML, like PDF templates.

A file named ``NAME.sheet.toml`` in a template folder (beside the PDF templates) declares a
report published as XLSX, XLS or CSV::

    name = "la-sos-election-results"       # the parser's name
    version = "1.0"
    description = "Louisiana SOS election results workbook."

    [detect]                                # all must hold for a file to be recognised
    sheets = ['^Multi-Parish']              # a sheet name matching each pattern
    cells = ['^Louisiana Secretary of State$']   # text somewhere in a sheet's first 20 rows

    [[tables]]
    name = "la_precinct_results"            # the database table
    description = "Votes per precinct."
    sheets = ['Precinct']                   # sheets read (name patterns; default all)
    anchor = '^State Representative'        # only tables whose title matches (optional)
    extra_columns = "error"                 # "error" (layout drift), "ignore" or "keep"
    null_values = ["-", "N/A"]
    check_totals = true                     # a Total row must equal its column sums
    facets = ["precinct"]

    [[tables.columns]]
    name = "precinct"                       # column in the database
    header = '^(column_1|Precinct)$'        # the printed header it reads (pattern)
    type = "text"                           # text, integer, float, date, boolean
    description = "Precinct code."
    optional = false                        # true: may be missing from an edition

Tables are found on each sheet as ``parsers.spreadsheets.layout`` finds them (title block,
stacked tables, multi-row headers, group, total and note rows); a found table is the
template's when every required column's header matches one of its columns. Rows carry the
sheet (``page``), the table on the sheet (``table_index``) and the row within the table.
A required column missing, or an unexpected column with ``extra_columns = "error"``,
quarantines the document as layout drift, naming the sheet and the columns; the pipeline
then loads the workbook as the plain spreadsheet parser reads it, flagged ``layout_drift``
(``parsers.registry.stand_in_parser``).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from parsers.base import Check, Column, ColumnType, ParseResult, Row, TableSpec
from parsers.spreadsheets.layout import SheetTable, find_tables
from parsers.spreadsheets.workbooks import Cell, Sheet
from parsers.typed import CONVERTERS, as_float, as_text
from records.core.errors import TemplateError
from records.core.filetypes import sniff

#: The file name ending that marks a spreadsheet template (PDF templates are ``*.toml``).
SHEET_TEMPLATE_SUFFIX = ".sheet.toml"
#: Rows of each sheet searched for ``[detect] cells``.
DETECT_ROWS = 20

_TYPES = ("text", "integer", "float", "date", "boolean")
_EXTRA = ("error", "ignore", "keep")


@dataclass(frozen=True)
class SheetColumn:
    name: str
    header: re.Pattern[str]
    type: ColumnType
    description: str
    optional: bool


@dataclass(frozen=True)
class SheetTableTemplate:
    name: str
    description: str
    sheets: tuple[re.Pattern[str], ...]
    anchor: re.Pattern[str] | None
    columns: tuple[SheetColumn, ...]
    extra_columns: str
    null_values: frozenset[str]
    check_totals: bool
    facets: tuple[str, ...]

    def spec(self) -> TableSpec:
        columns = [Column(c.name, c.type, c.description) for c in self.columns]
        columns.append(Column("sheet_name", "text", "Sheet the row is printed on."))
        columns.append(Column("source_row", "integer", "Row number as the sheet shows it."))
        columns.append(Column("table_title", "text", "Title printed above the row's table."))
        if self.extra_columns == "keep":
            columns.append(
                Column(
                    "extra_cells", "text", "Cells under headers the template does not name (JSON)."
                )
            )
        return TableSpec(self.name, self.description, tuple(columns), facets=self.facets)


@dataclass(frozen=True)
class SheetTemplate:
    path: Path
    name: str
    version: str
    description: str
    detect_sheets: tuple[re.Pattern[str], ...]
    detect_cells: tuple[re.Pattern[str], ...]
    tables: tuple[SheetTableTemplate, ...]


def is_sheet_template(path: Path) -> bool:
    return path.name.endswith(SHEET_TEMPLATE_SUFFIX)


def read_sheet_template(path: Path) -> SheetTemplate:
    """Read and check a spreadsheet template; TemplateError names the file and the problem."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{where}: cannot read template ({exc})") from exc
    for key in ("name", "version", "description", "tables"):
        if key not in data:
            raise TemplateError(f"{where}: missing {key!r}")
    detect = data.get("detect", {})
    sheets = tuple(_regex(where, p) for p in detect.get("sheets", ()))
    cells = tuple(_regex(where, p) for p in detect.get("cells", ()))
    if not sheets and not cells:
        raise TemplateError(f"{where}: [detect] must list sheets or cells patterns")
    return SheetTemplate(
        path,
        str(data["name"]),
        str(data["version"]),
        str(data["description"]),
        sheets,
        cells,
        tuple(_table(where, t) for t in data["tables"]),
    )


def _table(where: str, data: dict[str, Any]) -> SheetTableTemplate:
    name = data.get("name")
    if not name or not data.get("columns"):
        raise TemplateError(f"{where}: every [[tables]] needs a name and [[tables.columns]]")
    columns = []
    for col in data["columns"]:
        kind = col.get("type", "text")
        if kind not in _TYPES:
            raise TemplateError(
                f"{where}: column {col.get('name')!r}: type {kind!r} not one of {_TYPES}"
            )
        if "name" not in col or "header" not in col:
            raise TemplateError(f"{where}: table {name}: every column needs name and header")
        columns.append(
            SheetColumn(
                col["name"],
                _regex(where, col["header"]),
                cast(ColumnType, kind),
                col.get("description", f"Printed header {col['header']!r}."),
                bool(col.get("optional", False)),
            )
        )
    extra = data.get("extra_columns", "error")
    if extra not in _EXTRA:
        raise TemplateError(f"{where}: table {name}: extra_columns must be one of {_EXTRA}")
    facets = tuple(data.get("facets", ()))
    unknown = set(facets) - {c.name for c in columns}
    if unknown:
        raise TemplateError(f"{where}: table {name}: facets name unknown columns {sorted(unknown)}")
    return SheetTableTemplate(
        name,
        data.get("description", name),
        tuple(_regex(where, p) for p in data.get("sheets", ())),
        _regex(where, data["anchor"]) if "anchor" in data else None,
        tuple(columns),
        extra,
        frozenset(data.get("null_values", ())),
        bool(data.get("check_totals", True)),
        facets,
    )


def _regex(where: str, pattern: Any) -> re.Pattern[str]:
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise TemplateError(f"{where}: bad pattern {pattern!r} ({exc})") from exc


class SheetTemplateParser:
    """A Parser (see ``parsers.base``) driven by one spreadsheet template."""

    def __init__(self, template: SheetTemplate) -> None:
        self.template = template
        self.name = template.name
        self.version = template.version
        self.description = template.description
        self.tables: tuple[TableSpec, ...] = tuple(t.spec() for t in template.tables)

    def detect(self, path: Path) -> bool:
        from parsers.spreadsheets.parser import read_sheets

        try:
            if sniff(path.read_bytes()) not in ("xlsx", "xls", "csv"):
                return False
            sheets = read_sheets(path)
        except Exception:  # an unreadable file is no template's; its parse says why
            return False
        return _detected(self.template, sheets)

    def parse(self, path: Path) -> ParseResult:
        from parsers.spreadsheets.parser import read_sheets

        return run_sheet_template(self.template, read_sheets(path))


def _detected(template: SheetTemplate, sheets: list[Sheet]) -> bool:
    names = [s.name for s in sheets]
    if not all(any(p.search(n) for n in names) for p in template.detect_sheets):
        return False
    texts = [
        as_text(v) for s in sheets for row in s.rows[:DETECT_ROWS] for v in row if v is not None
    ]
    return all(any(p.search(t) for t in texts) for p in template.detect_cells)


#: Tables of a drifted workbook named in its quarantine reason; the rest are counted.
DRIFT_SHOWN = 8


def run_sheet_template(template: SheetTemplate, sheets: list[Sheet]) -> ParseResult:
    result = ParseResult()
    # What does not fit, once per table of the workbook (a sheet of many tables is not named
    # once for every table of the template), then the template's tables found nowhere.
    misfits: dict[tuple[int, int], str] = {}
    closest: dict[tuple[int, int], int] = {}
    read: set[tuple[int, int]] = set()
    unfound: list[str] = []
    layouts = [find_tables(sheet).tables for sheet in sheets]
    for table in template.tables:
        counts = 0
        for number, sheet in enumerate(sheets, start=1):
            if table.sheets and not any(p.search(sheet.name) for p in table.sheets):
                continue
            for index, found in enumerate(layouts[number - 1]):
                if table.anchor is not None and not table.anchor.search(found.title or ""):
                    continue
                mapping, missing, extra = _match(table, found.names)
                if missing and len(missing) == len([c for c in table.columns if not c.optional]):
                    continue  # none of its columns: another table of the sheet
                if missing and _claimed(template, table, sheet, found):
                    # Another table of the template reads it whole: a sheet of several
                    # tables that share a column or two (Louisiana's races: the parish).
                    continue
                where = f"sheet {sheet.name!r}" + (
                    f", table {found.title!r}" if found.title else ""
                )
                key = (number, index)
                if missing:
                    # The template's table that comes closest names what is missing.
                    if len(missing) < closest.get(key, len(missing) + 1):
                        closest[key] = len(missing)
                        misfits[key] = f"{where}: no column matches {', '.join(missing)}"
                    continue
                if extra and table.extra_columns == "error":
                    closest[key] = 0
                    misfits[key] = (
                        f"{where}: columns the template does not name: {', '.join(extra)}"
                    )
                    continue
                read.add(key)
                counts += _rows(result, table, sheet, number, index, found, mapping, extra, counts)
                if table.check_totals:
                    result.checks.extend(_total_checks(table, sheet, found, mapping, where))
        if counts == 0:
            unfound.append(table.name)
    drift = [why for key, why in misfits.items() if key not in read]
    if drift:
        result.quarantine = f"{template.name} v{template.version} layout drift: " + _some(
            drift, "; ", "table", "tables"
        )
    elif unfound:
        tables = _some(unfound, ", ", "table of the template", "tables of the template")
        result.quarantine = (
            f"{template.name} v{template.version} layout drift: no table of the workbook has"
            f" the columns of {tables}"
        )
    result.document["sheets"] = len(sheets)
    return result


def _some(items: list[str], sep: str, one: str, many: str) -> str:
    """The first ``DRIFT_SHOWN`` of ``items``, then how many more there are."""
    more = len(items) - DRIFT_SHOWN
    tail = f"{sep}and {more} more {one if more == 1 else many}" if more > 0 else ""
    return sep.join(items[:DRIFT_SHOWN]) + tail


def _claimed(
    template: SheetTemplate, table: SheetTableTemplate, sheet: Sheet, found: SheetTable
) -> bool:
    """Whether a table of ``template`` other than ``table`` reads ``found`` whole (on this
    sheet, under its title anchor, every column of it matched and none left over)."""
    for other in template.tables:
        if other is table or (other.sheets and not any(p.search(sheet.name) for p in other.sheets)):
            continue
        if other.anchor is not None and not other.anchor.search(found.title or ""):
            continue
        _, missing, extra = _match(other, found.names)
        if not missing and not (extra and other.extra_columns == "error"):
            return True
    return False


def _match(
    table: SheetTableTemplate, names: list[str]
) -> tuple[dict[str, int], list[str], list[str]]:
    """Template column -> position in the found table; required columns missing; extras."""
    mapping: dict[str, int] = {}
    used: set[int] = set()
    missing = []
    for column in table.columns:
        at = next(
            (k for k, n in enumerate(names) if k not in used and column.header.search(n)), None
        )
        if at is None:
            if not column.optional:
                missing.append(column.name)
            continue
        mapping[column.name] = at
        used.add(at)
    extra = [n for k, n in enumerate(names) if k not in used and n != "group"]
    return mapping, missing, extra


def _value(table: SheetTableTemplate, column: SheetColumn, raw: Cell) -> Any:
    if isinstance(raw, str) and raw in table.null_values:
        return None
    value = CONVERTERS[column.type](raw)
    if value is None and raw is not None and column.type != "text":
        raise ValueError(raw)
    return value


def _cells(sheet: Sheet, found: SheetTable, i: int) -> list[Cell]:
    """The row's cells in the found table's column order, then its group label if any."""
    row = sheet.rows[i]
    cells: list[Cell] = [row[c] if c < len(row) else None for c in found.columns]
    if len(found.names) > len(found.columns):
        cells.append(found.groups[found.body.index(i)] if i in found.body else None)
    return cells


def _rows(
    result: ParseResult,
    table: SheetTableTemplate,
    sheet: Sheet,
    number: int,
    index: int,
    found: SheetTable,
    mapping: dict[str, int],
    extra: list[str],
    before: int,
) -> int:
    """The found table's rows, numbered on from the ``before`` rows of this template table
    already read (from other sheets): as a PDF table's rows are across its pages, a row's
    number is unique in the document's table."""
    for k, i in enumerate(found.body, start=before):
        cells = _cells(sheet, found, i)
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.name not in mapping:
                values[column.name] = None
                continue
            raw = cells[mapping[column.name]]
            try:
                values[column.name] = _value(table, column, raw)
            except ValueError:
                result.quarantine = (
                    f"sheet {sheet.name!r} row {sheet.row_number(i)}: {as_text(raw)!r} is not"
                    f" a {column.type} ({column.name})"
                )
                values[column.name] = None
        values["sheet_name"] = sheet.name
        values["source_row"] = sheet.row_number(i)
        values["table_title"] = found.title
        if table.extra_columns == "keep":
            positions = {n: k for k, n in enumerate(found.names)}
            kept = {
                n: as_text(cells[positions[n]]) for n in extra if cells[positions[n]] is not None
            }
            values["extra_cells"] = json.dumps(kept, ensure_ascii=False) if kept else None
        result.rows.append(Row(table.name, number, index, k, values))
    return len(found.body)


def _total_checks(
    table: SheetTableTemplate,
    sheet: Sheet,
    found: SheetTable,
    mapping: dict[str, int],
    where: str,
) -> list[Check]:
    checks = []
    for total in found.totals:
        printed = _cells(sheet, found, total)
        for column in table.columns:
            if column.type not in ("integer", "float") or column.name not in mapping:
                continue
            value = printed[mapping[column.name]]
            expected = as_float(value) if value is not None else None
            if expected is None:
                continue
            summed = sum(
                as_float(_cells(sheet, found, i)[mapping[column.name]]) or 0.0 for i in found.body
            )
            checks.append(
                Check(
                    f"{where} total row {sheet.row_number(total)} {column.name}",
                    abs(summed - expected) < 1e-6 * max(1.0, abs(expected)),
                    expected,
                    summed,
                    "the printed total against the sum of the table's rows",
                )
            )
    return checks
