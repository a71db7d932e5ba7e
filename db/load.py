"""Load a parser's rows for one document, in one transaction: all of it or none of it."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from db.clock import now
from db.tables import ensure_spec_tables
from db.views import ensure_views
from parsers.base import Parser, ParseResult
from records.core.faults import crash_point

#: Fields of ``ParseResult.document`` stored on the documents row itself; the rest go to
#: ``document_facts``.
#: The column of a generic table row that stands in for a template's refused document.
LAYOUT_DRIFT = "layout_drift"
DOCUMENT_FIELDS = ("report_period_start", "report_period_end", "pages")


def clear_document_rows(db: sqlite_utils.Database, sha256: str) -> None:
    """Delete the document's rows from every parsed table, whatever parser wrote them."""
    for name in parsed_table_names(db):
        if db.table(name).exists():
            db.execute(f"delete from [{name}] where document = ?", [sha256])
    db.execute("delete from quarantined_rows where document = ?", [sha256])
    db.execute("delete from document_facts where document = ?", [sha256])


def parsed_table_names(db: sqlite_utils.Database) -> list[str]:
    """Every table of parsed rows: those with a ``document`` column, but the core ones."""
    names = []
    for table in db.tables:
        if "document" in table.columns_dict and table.name not in _CORE_WITH_DOCUMENT:
            names.append(table.name)
    return names


_CORE_WITH_DOCUMENT = {"document_urls", "document_facts", "quarantined_rows", "errors", "pages"}


def load_result(
    db: sqlite_utils.Database,
    sha256: str,
    parser: Parser,
    result: ParseResult,
    *,
    drift: tuple[Parser, ParseResult, str] | None = None,
) -> tuple[str, int]:
    """Replace the document's rows with ``result``; return (status, rows loaded).

    A quarantined result (failed check, drifted layout) keeps its rows in
    ``quarantined_rows`` for inspection, not in the published tables. ``drift`` is the
    generic extractor, its result and the refusal for a document whose layout ``parser``
    refused: those tables are loaded, flagged ``layout_drift`` with the reason, so the data
    stays visible.
    """
    reason = result.quarantine_reason()
    status = "quarantined" if reason else "parsed"
    with db.atomic():
        clear_document_rows(db, sha256)
        if ensure_spec_tables(db, parser.tables):
            ensure_views(db)
        if reason:
            db.table("quarantined_rows").insert_all(
                (
                    {
                        "document": sha256,
                        "table_name": row.table,
                        "page": row.page,
                        "bbox": row.bbox,
                        "table_index": row.table_index,
                        "row_index": row.row_index,
                        "parser_version": parser.version,
                        "values_json": json.dumps(row.values, default=str),
                    }
                    for row in result.rows
                ),
                batch_size=500,
            )
        else:
            by_table: dict[str, list[dict[str, Any]]] = {}
            for row in result.rows:
                by_table.setdefault(row.table, []).append(
                    {
                        "document": sha256,
                        "page": row.page,
                        "bbox": row.bbox,
                        "table_index": row.table_index,
                        "row_index": row.row_index,
                        "parser_version": parser.version,
                        **row.values,
                    }
                )
            declared = {spec.name for spec in parser.tables}
            for name, rows in by_table.items():
                if name not in declared:
                    raise ValueError(f"parser {parser.name} returned rows for undeclared {name}")
                db.table(name).insert_all(rows, batch_size=500)
                crash_point("mid-load")
        if reason and drift is not None:
            _load_drift(db, sha256, parser, *drift)
        facts = {k: v for k, v in result.document.items() if k not in DOCUMENT_FIELDS}
        if facts:
            db.table("document_facts").insert_all(
                {"document": sha256, "name": k, "value": _fact_text(v)} for k, v in facts.items()
            )
        update: dict[str, Any] = {
            "status": status,
            "parser": parser.name,
            "parser_version": parser.version,
            "parsed_at": now(),
            "rows": len(result.rows),
            "error": reason,
            # What the parse may have missed (parsers.accounting): rows kept, user told.
            "warnings": result.warning_text(),
        }
        update.update({k: result.document[k] for k in DOCUMENT_FIELDS if k in result.document})
        crash_point("before-status-update")
        db.table("documents").update(sha256, update)
        if result.document.get("corrected") and result.document.get("report_period_start"):
            _mark_superseded_report(db, sha256, result.document)
    return status, len(result.rows) if status == "parsed" else 0


def _load_drift(
    db: sqlite_utils.Database,
    sha256: str,
    parser: Parser,
    generic: Parser,
    extracted: ParseResult,
    why: str,
) -> None:
    """The generic tables of a refused document, each row saying which template refused it."""
    if ensure_spec_tables(db, generic.tables):
        ensure_views(db)
    flag = f"{parser.name} v{parser.version} refused the layout: {why}"
    by_table: dict[str, list[dict[str, Any]]] = {}
    for row in extracted.rows:
        by_table.setdefault(row.table, []).append(
            {
                "document": sha256,
                "page": row.page,
                "table_index": row.table_index,
                "row_index": row.row_index,
                "parser_version": generic.version,
                **row.values,
                LAYOUT_DRIFT: flag,
            }
        )
    for name, rows in by_table.items():
        db.table(name).insert_all(rows, batch_size=500)


def fail_document(
    db: sqlite_utils.Database, sha256: str, message: str, parser: Parser | None = None
) -> None:
    """Mark a document failed; any rows from an earlier parse stay as they were."""
    update: dict[str, Any] = {"status": "failed", "error": message, "parsed_at": now()}
    if parser is not None:
        update.update({"parser": parser.name, "parser_version": parser.version})
    db.table("documents").update(sha256, update)


def _mark_superseded_report(db: sqlite_utils.Database, sha256: str, facts: dict[str, Any]) -> None:
    """A corrected re-issue supersedes the earlier report of the same source and period."""
    row = db.execute(
        "select d.sha256 from documents d join documents me on me.sha256 = ?"
        " where d.source is me.source and d.report_period_start = ?"
        " and d.report_period_end is ? and d.sha256 != me.sha256"
        " and d.first_seen <= me.first_seen order by d.first_seen desc limit 1",
        [sha256, facts.get("report_period_start"), facts.get("report_period_end")],
    ).fetchone()
    if row:
        db.table("documents").update(sha256, {"supersedes": row[0]})


def _fact_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)
