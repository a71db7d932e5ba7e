"""``records extract FILE``: a document's tables as JSON-ready dicts or CSV, without a database.

The parser is the one named, else the one ``parsers.registry.detect_parser`` finds (a
template that recognises the file, else the generic extractor). Tables come out in the
order the parser declares them, columns as its ``TableSpec`` declares them, so the same
code serves the DDOR parser, every template and the generic parser.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parsers.base import LAYOUT_DRIFT_COLUMN, Parser, ParseResult, Row
from parsers.registry import (
    detect_parser,
    get_parser,
    no_template_recognised,
    stand_in_parser,
)
from records.core.config import Settings
from records.core.errors import LayoutMismatch, ParseError, UnknownParser
from records.core.formulas import spreadsheet_safe


def choose_parser(
    path: Path, parser_name: str | None = None, settings: Settings | None = None
) -> Parser:
    """The named parser (``UnknownParser``, naming the file and the known parsers, when
    unknown), else detection."""
    if not path.is_file():
        raise ParseError(f"{path}: no such file")
    if parser_name is None:
        return detect_parser(path, settings)
    try:
        return get_parser(parser_name, settings)
    except UnknownParser as exc:
        raise UnknownParser(exc.name, exc.known, where=path.name) from None


def tables_from_result(parser: Parser, result: ParseResult) -> list[dict[str, Any]]:
    """Group a parse result's rows into tables: {"table", "page", "columns", "rows"}."""
    by_table: dict[str, list[Row]] = {}
    for row in result.rows:
        by_table.setdefault(row.table, []).append(row)
    tables: list[dict[str, Any]] = []
    # ``layout_drift`` is set when the rows are loaded for a refused document, never by a parse.
    declared = {
        spec.name: [c.name for c in spec.columns if c != LAYOUT_DRIFT_COLUMN]
        for spec in parser.tables
    }
    order = [name for name in declared if name in by_table]
    order += [name for name in by_table if name not in declared]
    for name in order:
        rows = by_table[name]
        columns = declared.get(name) or _columns_seen(rows)
        tables.append(
            {
                "table": name,
                "page": rows[0].page,
                "columns": columns,
                "rows": [[row.values.get(c) for c in columns] for row in rows],
            }
        )
    return tables


def _columns_seen(rows: list[Row]) -> list[str]:
    """Columns of rows no TableSpec declares, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row.values))
    return list(seen)


def extract(
    path: Path,
    parser_name: str | None = None,
    warn: Callable[[str], None] | None = None,
    notice: Callable[[str], None] | None = None,
    settings: Settings | None = None,
    pages: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Parse ``path`` and return its tables, JSON-ready (ISO dates are already strings).

    With the generic extractor each table found comes out on its own, with its page, table
    index and bounding box, rather than as the database's two generic tables. A template
    that finds nothing raises ``LayoutMismatch`` with its reason (an empty print would look
    like an empty report); one whose checks fail still returns its rows and ``warn`` says why,
    as it does for each generic table whose cells miss words printed in its area.
    A template that was only detected (no ``parser_name``) and refuses the layout gives way
    to the plain parser of the file's kind (``parsers.registry.stand_in_parser``: a PDF's
    generic extractor, a workbook's spreadsheet parser): its tables are returned and
    ``notice`` says why.
    ``pages`` (1-based) limits the output to tables printed on those pages.
    Page accounting warnings (``parsers.accounting``: table-like lines in no table) go to
    ``warn`` and into each table's ``document_warnings``.
    """
    parser = choose_parser(path, parser_name, settings)
    unrecognised = no_template_recognised(parser, settings) if parser_name is None else None
    if unrecognised and notice is not None:
        notice(f"{path.name}: {unrecognised}; read by the {parser.name} parser")
    if parser.name == "generic":
        return _generic_tables(path, warn, pages)
    result = parser.parse(path)
    stand_in = stand_in_parser(parser, path, settings) if result.quarantine is not None else None
    if parser_name is None and stand_in is not None:
        if notice is not None:
            notice(
                f"{result.quarantine}; showing the tables {stand_in.called} finds instead"
                f" (name a parser with --parser to see what {parser.name} reads)"
            )
        return extract(path, stand_in.name, settings=settings, pages=pages)
    reason = result.quarantine_reason()
    if reason and not result.rows:
        raise LayoutMismatch(reason)
    if reason and warn is not None:
        warn(f"would be quarantined: {reason}")
    if pages is not None:
        result.rows = [r for r in result.rows if r.page in pages]
        result.warnings = [w for w in result.warnings if not w.pages or set(w.pages) & set(pages)]
    return _with_warnings(tables_from_result(parser, result), result.warnings, warn)


def _with_warnings(
    tables: list[dict[str, Any]], warnings: list[Any], warn: Callable[[str], None] | None
) -> list[dict[str, Any]]:
    """Accounting warnings to ``warn`` and on every table (``document_warnings``)."""
    for warning in warnings:
        if warn is not None:
            warn(f"{warning.kind}: {warning.message}")
    if warnings:
        listed = [
            {"kind": w.kind, "message": w.message, "pages": list(w.pages), "lines": w.lines}
            for w in warnings
        ]
        for table in tables:
            table["document_warnings"] = listed
    return tables


def _generic_tables(
    path: Path, warn: Callable[[str], None] | None = None, pages: list[int] | None = None
) -> list[dict[str, Any]]:
    from parsers.generic.extract import find_tables
    from parsers.generic.parser import account_tables

    read = find_tables(path, pages)
    found = read.tables
    # Completeness warnings (words of a table's area in no cell) go to ``warn`` too.
    if warn is not None:
        for t in found:
            for message in t.warnings:
                warn(f"table p{t.page}-t{t.table_index}: {message}")
    tables = [{"table": f"p{t.page}-t{t.table_index}", **t.to_dict()} for t in found]
    return _with_warnings(tables, account_tables(read).warnings, warn)


def page_count(path: Path) -> int:
    """Pages of a PDF (ParseError naming the file when unreadable); 1 for other files."""
    if not _is_pdf(path):
        return 1
    from parsers.reading.furniture import open_pdf

    with open_pdf(path) as pdf:
        return len(pdf.pages)


def _is_pdf(path: Path) -> bool:
    from records.core.filetypes import sniff

    with open(path, "rb") as f:
        return sniff(f.read(1024)) == "pdf"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(tables: list[dict[str, Any]], *, neutralise: bool = True) -> str:
    """One CSV text: each table is a header line ("table", its columns) then its rows,
    tables separated by an empty line, so several tables survive in one file. Text cells a
    spreadsheet would run as a formula get a ``'`` in front unless ``neutralise`` is False
    (``records.core.formulas``); numbers are written as they are."""
    safe = spreadsheet_safe if neutralise else str
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for n, table in enumerate(tables):
        if n:
            out.write("\n")
        writer.writerow(["table", *table["columns"]])
        for row in table["rows"]:
            writer.writerow([table["table"], *(safe(_csv_value(v)) for v in row)])
    return out.getvalue()
