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

from parsers.base import Parser, ParseResult, Row
from parsers.registry import detect_parser, get_parser
from records.core.config import Settings
from records.core.errors import LayoutMismatch, ParseError, UnknownParser


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
    declared = {spec.name: [c.name for c in spec.columns] for spec in parser.tables}
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
) -> list[dict[str, Any]]:
    """Parse ``path`` and return its tables, JSON-ready (ISO dates are already strings).

    With the generic extractor each table found comes out on its own, with its page, table
    index and bounding box, rather than as the database's two generic tables. A template
    that finds nothing raises ``LayoutMismatch`` with its reason (an empty print would look
    like an empty report); one whose checks fail still returns its rows and ``warn`` says why,
    as it does for each generic table whose cells miss words printed in its area.
    A template that was only detected (no ``parser_name``) and refuses the layout gives way
    to the generic extractor: its tables are returned and ``notice`` says why.
    """
    parser = choose_parser(path, parser_name, settings)
    if parser.name == "generic":
        return _generic_tables(path, warn)
    result = parser.parse(path)
    if parser_name is None and result.quarantine is not None and _is_pdf(path):
        if notice is not None:
            notice(
                f"{result.quarantine}; showing the tables the generic extractor finds instead"
                f" (name a parser with --parser to see what {parser.name} reads)"
            )
        return _generic_tables(path)
    reason = result.quarantine_reason()
    if reason and not result.rows:
        raise LayoutMismatch(reason)
    if reason and warn is not None:
        warn(f"would be quarantined: {reason}")
    return tables_from_result(parser, result)


def _generic_tables(path: Path, warn: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    from parsers.generic import extract_tables

    found = extract_tables(path)
    # Completeness warnings (words of a table's area in no cell) go to ``warn`` too.
    if warn is not None:
        for t in found:
            for message in t.warnings:
                warn(f"table p{t.page}-t{t.table_index}: {message}")
    return [{"table": f"p{t.page}-t{t.table_index}", **t.to_dict()} for t in found]


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


def to_csv(tables: list[dict[str, Any]]) -> str:
    """One CSV text: each table is a header line ("table", its columns) then its rows,
    tables separated by an empty line, so several tables survive in one file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for n, table in enumerate(tables):
        if n:
            out.write("\n")
        writer.writerow(["table", *table["columns"]])
        for row in table["rows"]:
            writer.writerow([table["table"], *(_csv_value(v) for v in row)])
    return out.getvalue()
