"""Load a parser's rows for one document, in one transaction: all of it or none of it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed

from db.clock import now
from db.tables import ensure_spec_tables
from db.typed import load_typed
from db.views import ensure_views
from parsers.base import LAYOUT_DRIFT_COLUMN, Parser, ParseResult, Row
from records.core.faults import crash_point

#: The column of a generic table row that stands in for a template's refused document.
LAYOUT_DRIFT = LAYOUT_DRIFT_COLUMN.name
#: Fields of ``ParseResult.document`` stored on the documents row itself; the rest go to
#: ``document_facts``.
DOCUMENT_FIELDS = ("report_period_start", "report_period_end", "pages")


class _SchemaMemo:
    """What loading learns of the schema, valid while its version stays (``PRAGMA
    schema_version`` changes with every table, column or index made, by any process):
    the parsed tables' names and the parsers whose tables are ensured. Reading them from
    the schema took a third of a small document's load."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.names: list[str] | None = None
        self.ensured: set[tuple[str, str]] = set()


def _memo(db: sqlite_utils.Database) -> _SchemaMemo:
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    memo: _SchemaMemo | None = getattr(db, "_records_schema_memo", None)
    if memo is None or memo.version != version:
        memo = _SchemaMemo(version)
        db._records_schema_memo = memo  # type: ignore[attr-defined]  # one per connection
    return memo


def _ensure_parser_tables(db: sqlite_utils.Database, parser: Parser) -> None:
    """The parser's tables exist and are registered (the views rebuilt when that changed)."""
    key = (parser.name, parser.version)
    if key in _memo(db).ensured:
        return
    if ensure_spec_tables(db, parser.tables):
        ensure_views(db)
    _memo(db).ensured.add(key)  # the memo of the schema as it is now


def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """``db.table(table).insert_all(rows)`` in one ``executemany``: the same columns (every
    key of any row; None where a row has none) and values (sqlite-utils' conversions), but
    none of its per-chunk work (a tenth of a small document's load)."""
    if not rows:
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)
    db.conn.executemany(
        f"insert into [{table}] ({names}) values ({marks})",
        ([jsonify_if_needed(row.get(c)) for c in columns] for row in rows),
    )


#: The columns every parsed row fills before its values (``parsers.base.PROVENANCE_COLUMNS``).
_PROVENANCE = ("document", "page", "bbox", "table_index", "row_index", "parser_version")


def _value_columns(rows: list[Row]) -> dict[str, list[str]]:
    """Each table of ``rows`` (in order of first appearance) with the value columns its rows
    fill (every key of any row, in order of first appearance)."""
    tables: dict[str, dict[str, None]] = {}
    for row in rows:
        keys = tables.get(row.table)
        if keys is None:
            keys = tables[row.table] = {}
        for key in row.values:
            if key not in keys:
                keys[key] = None
    return {name: list(keys) for name, keys in tables.items()}


def _insert_parsed(
    db: sqlite_utils.Database,
    table: str,
    columns: list[str],
    sha256: str,
    version: str,
    rows: Iterable[Row],
) -> None:
    """``table``'s rows of ``rows`` in one ``executemany``, each row's values read as it is
    inserted: no copy of a document's rows is made (a long document's rows are most of
    what its load holds in memory)."""
    values = [c for c in columns if c not in _PROVENANCE]
    # A value named like a provenance column stands in for it (as in ``{**provenance,
    # **values}``): the generic tables' ``bbox``, say.
    named = set(columns) & set(_PROVENANCE)
    names = ", ".join(f"[{c}]" for c in (*_PROVENANCE, *values))
    marks = ", ".join("?" for _ in range(len(_PROVENANCE) + len(values)))

    def record(row: Row) -> tuple[Any, ...]:
        given: tuple[Any, ...] = (
            sha256,
            row.page,
            row.bbox,
            row.table_index,
            row.row_index,
            version,
        )
        if named:
            given = tuple(
                jsonify_if_needed(row.values[c]) if c in row.values else v
                for c, v in zip(_PROVENANCE, given, strict=True)
            )
        return (*given, *[jsonify_if_needed(row.values.get(c)) for c in values])

    db.conn.executemany(
        f"insert into [{table}] ({names}) values ({marks})",
        (record(row) for row in rows if row.table == table),
    )


def clear_document_rows(db: sqlite_utils.Database, sha256: str) -> None:
    """Delete the document's rows from every parsed table, whatever parser wrote them."""
    memo = _memo(db)
    if memo.names is None:
        memo.names = [name for name in parsed_table_names(db) if db.table(name).exists()]
    for name in memo.names:
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
    plain parser of the document's kind (``parsers.registry.stand_in_parser``: the generic
    extractor, the spreadsheet parser), its result and the refusal for a document whose
    layout ``parser`` refused: those tables are loaded, flagged ``layout_drift`` with the
    reason, so the data stays visible.
    """
    reason = result.quarantine_reason()
    status = "quarantined" if reason else "parsed"
    rows = data_rows(parser, result)
    with db.atomic():
        _ensure_parser_tables(db, parser)
        clear_document_rows(db, sha256)
        if reason:
            _insert_rows(
                db,
                "quarantined_rows",
                [
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
                    for name in result.table_names()
                    for row in result.table_rows(name)
                ],
            )
        else:
            declared = {spec.name for spec in parser.tables}
            tables = (
                result.spilled.tables if result.spilled is not None else _value_columns(result.rows)
            )
            for name, columns in tables.items():
                if name not in declared:
                    raise ValueError(f"parser {parser.name} returned rows for undeclared {name}")
                # A long document's rows are read from its spill as they are inserted.
                parsed = result.table_rows(name)
                _insert_parsed(db, name, columns, sha256, parser.version, parsed)
                crash_point("mid-load")
            load_typed(
                db,
                sha256,
                parser.version,
                result.typed,
                ocr_pages=result.document.get("ocr_pages") or (),
                parser=parser.name,
                ocr_confidence=result.document.get("ocr_confidence"),
            )
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
            "rows": rows,
            "error": reason,
            # What the parse may have missed (parsers.accounting): rows kept, user told.
            "warnings": result.warning_text(),
        }
        update.update({k: result.document[k] for k in DOCUMENT_FIELDS if k in result.document})
        crash_point("before-status-update")
        db.table("documents").update(sha256, update)
        if result.document.get("report_period_start"):
            if result.document.get("corrected"):
                _mark_superseded_report(db, sha256, result.document)
            else:
                _superseded_by_earlier_correction(db, sha256, result.document)
    return status, rows if status == "parsed" else 0


def data_rows(parser: Parser, result: ParseResult) -> int:
    """How many of ``result``'s rows are data: not those of a table describing the other
    tables (``TableSpec.describes_tables``: one row per table found, not printed rows)."""
    return result.count_rows(spec.name for spec in parser.tables if spec.describes_tables)


def _load_drift(
    db: sqlite_utils.Database,
    sha256: str,
    parser: Parser,
    stand_in: Parser,
    extracted: ParseResult,
    why: str,
) -> None:
    """The plain parser's tables of a refused document (a PDF's generic extractor, a
    workbook's spreadsheet parser), each row saying which template refused it."""
    _ensure_parser_tables(db, stand_in)
    # The refusal, naming the refusing parser once: a template's names itself and its version.
    named = f"{parser.name} v{parser.version}"
    flag = why if named in why else f"{named} refused the layout: {why}"
    by_table: dict[str, list[dict[str, Any]]] = {}
    for row in (r for name in extracted.table_names() for r in extracted.table_rows(name)):
        by_table.setdefault(row.table, []).append(
            {
                "document": sha256,
                "page": row.page,
                # Where the row is printed: its page image highlights it, as any parsed row's.
                "bbox": row.bbox,
                "table_index": row.table_index,
                "row_index": row.row_index,
                "parser_version": stand_in.version,
                **row.values,
                LAYOUT_DRIFT: flag,
            }
        )
    for name, rows in by_table.items():
        _insert_rows(db, name, rows)


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
    earlier = _same_period(
        db, sha256, facts, "d.first_seen <= me.first_seen order by d.first_seen desc"
    )
    if earlier:
        db.table("documents").update(sha256, {"supersedes": earlier})


def _superseded_by_earlier_correction(
    db: sqlite_utils.Database, sha256: str, facts: dict[str, Any]
) -> None:
    """A report loaded after its own correction: the correction, loaded first (both new in
    one run and parsed as they came, or the original found later), superseded nothing, as
    the report was not parsed yet. It supersedes this one now; before, both stayed current
    and the report's rows were in the published tables twice, once corrected."""
    correction = _same_period(
        db,
        sha256,
        facts,
        "d.supersedes is null and exists (select 1 from document_facts f"
        " where f.document = d.sha256 and f.name = 'corrected' and f.value = 'true')"
        " order by d.first_seen",
    )
    if correction:
        db.table("documents").update(correction, {"supersedes": sha256})


def _same_period(
    db: sqlite_utils.Database, sha256: str, facts: dict[str, Any], which: str
) -> str | None:
    """Another document of ``sha256``'s source and report period (``facts``), the first by
    ``which`` (a condition on ``d``, against ``me``, then its order)."""
    row = db.execute(
        "select d.sha256 from documents d join documents me on me.sha256 = ?"
        " where d.source is me.source and d.report_period_start = ?"
        f" and d.report_period_end is ? and d.sha256 != me.sha256 and {which} limit 1",
        [sha256, facts.get("report_period_start"), facts.get("report_period_end")],
    ).fetchone()
    return row[0] if row else None


def _fact_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


#: A batch of document loads shares one commit: at most this many documents...
BATCH_DOCUMENTS = 50
#: ...and at most this many seconds after its first document began, so other readers (and
#: ``records status``) see loads promptly and the write lock is let go often.
BATCH_SECONDS = 0.5


class LoadBatch:
    """Several documents' loads in one transaction, each document in a savepoint of its own.

    ``load(fn)`` runs one document's writes; an exception rolls back that document's
    savepoint only (the documents before it in the batch stay) and is returned for the
    caller to record. ``fn`` may run again (see ``load``): it must start from scratch each
    time (say, count into a fresh tally the caller adds up once committed). ``commit()``
    when ``due()`` and at the end. A commit per document cost about as much as a small
    document's rows (``bench/bench_coordinator.py``).

    The parse stage also commits before it waits for a parse, so a batch only grows while
    outcomes are waiting to be loaded. Each document stays whole: its savepoint commits with
    the batch or not at all. A crash before the commit loses the batch's documents together;
    they stay waiting ("fetched") and the next run parses them again, as with one
    transaction each.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        documents: int = BATCH_DOCUMENTS,
        seconds: float = BATCH_SECONDS,
    ) -> None:
        self.db = db
        self.documents = documents
        self.seconds = seconds
        self.started = 0.0
        #: The loads of the open batch, to load again should an error end its transaction.
        self.pending: list[Callable[[], None]] = []
        #: Whether the open transaction is the batch's (a caller's own is never committed here).
        self.opened = False

    def load(self, fn: Callable[[], None]) -> Exception | None:
        """Run ``fn`` (one document's writes) in its own savepoint of the batch; the
        exception that rolled it back, or None."""
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN")
            self.opened = True
            self.started = time.monotonic()
        try:
            with self.db.atomic():  # a savepoint: a transaction is open
                fn()
        except Exception as exc:
            if not self.db.conn.in_transaction:
                # Some errors (a full disk, a RAISE(ROLLBACK) trigger) end the whole
                # transaction: the batch's earlier documents are loaded again, one each.
                self._reload()
            return exc
        self.pending.append(fn)
        return None

    def _reload(self) -> None:
        """Load the batch's documents again, each in a transaction of its own (committed
        at once; ``commit()`` still returns them for the counts)."""
        self.opened = False
        for fn in self.pending:
            with self.db.atomic():
                fn()

    def due(self) -> bool:
        """Whether the open batch is full or old enough to commit."""
        return self.opened and (
            len(self.pending) >= self.documents or time.monotonic() - self.started >= self.seconds
        )

    def commit(self) -> list[Callable[[], None]]:
        """Commit the open batch, if any; return the loads it held, in order (the caller
        counts them as done only now)."""
        if self.opened and self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")
        self.opened = False
        done, self.pending = self.pending, []
        return done
