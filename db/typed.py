"""Typed tables: every table read without a template in a real SQLite table per shape.

A parser hands its template-less tables as ``parsers.typed.TypedTable`` (a sheet's tables,
a PDF's tables, an OCR'd page's tables). Each lands in a table whose columns are the
printed header, typed (integer, float, date, text), so Datasette facets, sorts and filters
by column. Tables with the same header (the same shape) share one table whatever file they
come from; a table whose header shares most of its columns with a known one (at least
``SAME_SHAPE_SHARE`` of the larger header's printed names, an edition that added or dropped
a column) goes to that table, its new columns added: a later edition never starts a new
table for one new column. Names standing for a blank header (``column_3``) are no evidence
of a shape: tables with no printed name share a table only with as many columns. The
register ``typed_tables`` lists them with their title and the parser that first wrote them.

Every row carries its provenance like a template's rows (``document``, ``page``,
``table_index``, ``row_index``, ``bbox``, ``parser_version``), the title printed above
its table (``table_title``: tables of one shape but different titles, a ballot's YES/NO
propositions, share a table and are told apart by it), the sheet (``sheet_name``) and
spreadsheet row (``source_row``) it was read from, and ``ocr`` (1 when read by OCR) with
``ocr_confidence`` (Tesseract's mean word confidence on the page, where known). Rows of a
document are replaced when it is parsed again (``db.load.clear_document_rows`` clears every
table with a ``document`` column).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from db.ddl import ensure_table
from db.tables import SQL_TYPES
from parsers.typed import TypedRow, TypedTable

TYPED_TABLES = "typed_tables"

#: A table name that says nothing (a sheet left named "Sheet1"): a later edition's better
#: name replaces it.
_GENERIC_NAME = re.compile(r"^(sheet|table|page)_?\d*(_\d+)?$")

#: The name a column with a blank header gets from its position (``column_3``, ``column_3_2``
#: when a printed header already says "column_3").
_PLACEHOLDER = re.compile(r"^column_\d+(_\d+)?$")

#: A header sharing this share of the larger header's columns is the same table's shape.
SAME_SHAPE_SHARE = 0.6

PROVENANCE: dict[str, type] = {
    "document": str,
    "page": int,
    "table_index": int,
    "row_index": int,
    "bbox": str,
    "table_title": str,
    "sheet_name": str,
    "source_row": int,
    "ocr": int,
    "ocr_confidence": float,
    "parser_version": str,
}

TABLE_METADATA = {
    TYPED_TABLES: {
        "title": "Typed tables",
        "description": "Every table of rows read without a template (spreadsheets, PDF"
        " tables, OCR'd pages): its title, its columns and types, who first wrote it.",
        "columns": {
            "name": "The table's name in this database.",
            "title": "The title printed above the table when it was first seen.",
            "columns": "Its value columns and their types: JSON list of [name, type].",
            "parser": "The parser that first wrote it.",
        },
    }
}


def ensure_typed_schema(db: sqlite_utils.Database) -> None:
    """The register of typed tables (the tables themselves are made as they are met)."""
    ensure_table(
        db,
        TYPED_TABLES,
        {"name": str, "title": str, "columns": str, "parser": str},
        pk="name",
    )


def load_typed(
    db: sqlite_utils.Database,
    sha256: str,
    parser_version: str,
    tables: Iterable[TypedTable],
    ocr_pages: Iterable[int] = (),
    parser: str = "",
    ocr_confidence: dict[int, float] | None = None,
) -> int:
    """Insert the document's typed tables (inside the caller's transaction); rows loaded."""
    ensure_typed_schema(db)
    read_by_ocr = set(ocr_pages)
    loaded = 0
    for table in tables:
        rows = table.stored_rows()  # a long document's: read from its spill as inserted
        if not rows:
            continue
        name, mapping = _table_for(db, table, parser)
        where = {"table_title": table.title, "sheet_name": table.sheet}
        # One record at a time, in batches: no copy of a long document's rows is made.
        db.table(name).insert_all(
            _records(rows, mapping, sha256, parser_version, read_by_ocr, ocr_confidence, where),
            batch_size=500,
        )
        loaded += len(rows)
    return loaded


def _records(
    rows: Iterable[TypedRow],
    mapping: list[str],
    sha256: str,
    parser_version: str,
    read_by_ocr: set[int],
    ocr_confidence: dict[int, float] | None,
    where: dict[str, str | None],
) -> Iterator[dict[str, Any]]:
    """The database records of a table's ``rows`` (``mapping``: the column of each value;
    ``where``: the title and sheet of the table they were read from)."""
    for row in rows:
        ocr = row.page in read_by_ocr or row.ocr_confidence is not None
        confidence = row.ocr_confidence
        if confidence is None and ocr and ocr_confidence:
            confidence = ocr_confidence.get(row.page)
        record: dict[str, Any] = {
            "document": sha256,
            "page": row.page,
            "table_index": row.table_index,
            "row_index": row.row_index,
            "bbox": row.bbox,
            **where,
            "source_row": row.source_row,
            "ocr": int(ocr),
            "ocr_confidence": (confidence if confidence is not None and confidence >= 0 else None),
            "parser_version": parser_version,
        }
        for column, value in zip(mapping, row.values, strict=True):
            record[column] = value
        yield record


def typed_table_names(db: sqlite_utils.Database) -> list[str]:
    """The typed tables that exist, in name order."""
    if not db.table(TYPED_TABLES).exists():
        return []
    return [
        row["name"]
        for row in db.query(f"select name from {TYPED_TABLES} order by name")
        if db.table(row["name"]).exists()
    ]


def _table_for(db: sqlite_utils.Database, table: TypedTable, parser: str) -> tuple[str, list[str]]:
    """The table ``table``'s rows go to (created or widened) and the column of each value."""
    wanted = [(_column_name(c.name), c.type) for c in table.columns]
    names = [n for n, _ in wanted]
    best: tuple[float, str, list[list[str]]] | None = None
    for row in db.query(f"select name, columns from {TYPED_TABLES}"):
        known: list[list[str]] = json.loads(row["columns"])
        share = _shared(names, [n for n, _ in known])
        if share >= SAME_SHAPE_SHARE and (best is None or share > best[0]):
            best = (share, row["name"], known)
    if best is None:
        name = _free_name(db, table.name)
        ensure_table(
            db,
            name,
            {**PROVENANCE, **{n: SQL_TYPES[t] for n, t in wanted}},
            foreign_keys=[("document", "documents", "sha256")],
            indexes=[("document", "page", "table_index", "row_index"), ("table_title",)],
        )
        db.table(TYPED_TABLES).insert(
            {
                "name": name,
                "title": table.title,
                "columns": json.dumps([list(c) for c in wanted], ensure_ascii=False),
                "parser": parser,
            }
        )
        return name, names
    _, name, known = best
    # One made before a provenance column (or its index) gains it.
    ensure_table(db, name, PROVENANCE, indexes=[("table_title",)])
    if _GENERIC_NAME.match(name) and not _GENERIC_NAME.match(table.name):
        # "sheet1" was all the first edition said; a later one names the table.
        renamed = _free_name(db, table.name)
        db.rename_table(name, renamed)
        db.execute(f"update {TYPED_TABLES} set name = ? where name = ?", [renamed, name])
        name = renamed
    have = {n.casefold(): n for n, _ in known}
    added = [(n, t) for n, t in wanted if n.casefold() not in have]
    if added:
        for column, kind in added:
            db.table(name).add_column(column, SQL_TYPES[kind])
        db.table(TYPED_TABLES).update(
            name,
            {"columns": json.dumps([*known, *(list(c) for c in added)], ensure_ascii=False)},
        )
    # A column's name as the table spells it (SQLite's names ignore case).
    have.update({n.casefold(): n for n, _ in added})
    return name, [have[n.casefold()] for n in names]


def _column_name(printed: str) -> str:
    """The printed name, unless a provenance column already has it."""
    if printed.casefold() in PROVENANCE:
        return f"{printed} (printed)"
    return printed


def _shared(a: list[str], b: list[str]) -> float:
    """Share of the larger header's printed names the other has too. A position standing
    for a blank header ("column_3") says nothing of a table's shape: it is not counted,
    and two tables with no printed name at all are one shape only with as many columns."""
    left = {n.casefold() for n in a if not _PLACEHOLDER.match(n)}
    right = {n.casefold() for n in b if not _PLACEHOLDER.match(n)}
    if not left and not right:
        return 1.0 if len(a) == len(b) else 0.0
    return len(left & right) / max(len(left), len(right), 1)


def _free_name(db: sqlite_utils.Database, wanted: str) -> str:
    taken = {n.casefold() for n in db.table_names()} | {n.casefold() for n in db.view_names()}
    name, k = wanted, 2
    while name.casefold() in taken:
        name, k = f"{wanted}_{k}", k + 1
    return name
