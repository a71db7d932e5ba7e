"""A long document's rows kept on disk, not in memory, between its parse and its load.

The generic extractor (``parsers.generic.streamed``) writes a long PDF's rows here as its
pages are read: a temporary SQLite file in the folder ``SPILL_FOLDER`` names (the parse
stage sets it to the archive's ``tmp`` folder; unset, nothing is spilled and the rows come
back as a list, as for every other parser). The parse's ``ParseResult`` then carries a
``SpilledRows`` (a path and counts: cheap to send from a worker process) instead of its
rows, and ``db.load`` reads them back in order, a batch at a time, inside the document's
one transaction. The file is removed when the handle that received it is let go (the
process that loads it owns it: see ``SpilledRows.__setstate__``), or by ``remove()``.

A spill is a local file: on a Dask cluster nothing is spilled (the worker's rows come
back whole, as before).
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from parsers.base import Row
from parsers.reading.pagetext import PageText
from parsers.typed import TypedRow

#: Set, a document of at least ``SPILL_MIN_PAGES`` pages is parsed with its rows written
#: to a file in this folder (see the module's docstring).
SPILL_FOLDER: ContextVar[Path | None] = ContextVar("spill_folder", default=None)
#: Documents with fewer pages keep their rows in memory: a spill costs a file and a copy.
SPILL_MIN_PAGES = 100
#: Set True (with ``SPILL_FOLDER``), a spilled parse's page workers read each page's text
#: too (``parsers.reading.pagetext``) and it goes to the spill: ``SpilledRows.page_texts``.
READ_PAGE_TEXT: ContextVar[bool] = ContextVar("read_page_text", default=False)
#: Rows read back from the file at a time.
READ_BATCH = 2000


def spill_folder_for(pages: Callable[[], int]) -> Path | None:
    """Where to spill the rows of a document of ``pages()`` pages (asked only when a folder
    is set); None: keep them in memory."""
    folder = SPILL_FOLDER.get()
    return folder if folder is not None and pages() >= SPILL_MIN_PAGES else None


_SCHEMA = (
    "create table parsed (tbl text, tseq integer, ord integer, page integer,"
    " table_index integer, row_index integer, bbox text, vals blob)",
    "create table typed (tseq integer, ord integer, page integer, table_index integer,"
    " row_index integer, bbox text, vals blob)",
    "create table pages (page integer primary key, text text, n_chars integer, image_share real)",
)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class RowSpill:
    """The writing side: a new spill file in ``folder``; ``finish()`` hands the rows over."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="spill-", suffix=".sqlite")
        os.close(fd)
        self.path = Path(name)
        # Removed if the parse fails before ``finish`` hands the file on.
        self._cleanup = weakref.finalize(self, _remove, name)
        self.db = sqlite3.connect(name)
        # A scratch file: no journal, no waiting for the disk (lost with a crash anyway).
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        for statement in _SCHEMA:
            self.db.execute(statement)
        self.counts: dict[str, int] = {}
        self.columns: dict[str, dict[str, None]] = {}
        self.typed_count: dict[int, int] = {}
        #: Pages whose text was written, and those of them that are scans (need OCR).
        self.pages = 0
        self.scanned: list[int] = []

    def add_rows(self, tseq: int, rows: Iterable[Row], order: Iterable[int]) -> None:
        """``rows`` of table ``tseq`` (the parse's order of tables), each with its place in
        that table's rows of its database table (``order``)."""
        records = []
        for row, ord_ in zip(rows, order, strict=True):
            self.counts[row.table] = self.counts.get(row.table, 0) + 1
            keys = self.columns.setdefault(row.table, {})
            for key in row.values:
                keys.setdefault(key)
            records.append(
                (
                    row.table,
                    tseq,
                    ord_,
                    row.page,
                    row.table_index,
                    row.row_index,
                    row.bbox,
                    pickle.dumps(row.values, pickle.HIGHEST_PROTOCOL),
                )
            )
        self.db.executemany("insert into parsed values (?, ?, ?, ?, ?, ?, ?, ?)", records)

    def rows(self, table: str, tseq: int) -> Iterator[Row]:
        """Table ``tseq``'s rows of database table ``table`` written so far, in order."""
        return _read_rows(self.db, table, tseq)

    def add_typed(self, tseq: int, rows: Iterable[TypedRow]) -> None:
        records = [
            (
                tseq,
                n,
                row.page,
                row.table_index,
                row.row_index,
                row.bbox,
                pickle.dumps(row.values, pickle.HIGHEST_PROTOCOL),
            )
            for n, row in enumerate(rows, start=self.typed_count.get(tseq, 0))
        ]
        self.typed_count[tseq] = self.typed_count.get(tseq, 0) + len(records)
        self.db.executemany("insert into typed values (?, ?, ?, ?, ?, ?, ?)", records)

    def add_page(self, text: PageText) -> None:
        """One page's text (pages come in order)."""
        self.db.execute(
            "insert into pages values (?, ?, ?, ?)",
            (text.page, text.text, text.n_chars, text.image_share),
        )
        self.pages += 1
        if text.needs_ocr:
            self.scanned.append(text.page)

    def finish(self, order: Iterable[str]) -> SpilledRows:
        """Index and close the file; the handle that reads it back. ``order``: the
        database tables in the order their rows are loaded."""
        self.db.execute("create index parsed_order on parsed (tbl, tseq, ord)")
        self.db.execute("create index typed_order on typed (tseq, ord)")
        self.db.commit()
        self.db.close()
        first = [t for t in order if t in self.columns]
        tables = {t: list(self.columns[t]) for t in [*first, *self.columns] if t in self.columns}
        self._cleanup.detach()  # the handle owns the file now
        spilled = SpilledRows(self.path, dict(self.counts), tables)
        spilled.pages, spilled.scanned = self.pages, list(self.scanned)
        return spilled

    def discard(self) -> None:
        """Close and remove the file (the parse failed)."""
        self.db.close()
        self._cleanup()


def _read_rows(db: sqlite3.Connection, table: str, tseq: int | None) -> Iterator[Row]:
    where = "tbl = ?" + (" and tseq = ?" if tseq is not None else "")
    args: list[Any] = [table] if tseq is None else [table, tseq]
    cursor = db.execute(
        "select page, table_index, row_index, bbox, vals from parsed"
        f" where {where} order by tseq, ord",
        args,
    )
    while batch := cursor.fetchmany(READ_BATCH):
        for page, table_index, row_index, bbox, values in batch:
            yield Row(table, page, table_index, row_index, pickle.loads(values), bbox)


class SpilledRows:
    """A parse's rows in a spill file: what ``ParseResult.spilled`` holds (the file is
    read back by ``rows``; see the module's docstring for who removes it)."""

    def __init__(self, path: Path, counts: dict[str, int], tables: dict[str, list[str]]) -> None:
        self.path = path
        #: Rows per database table.
        self.counts = counts
        #: The database tables (in load order) and the value columns their rows fill.
        self.tables = tables
        #: Pages whose text is in the file (``page_texts``), and which of them are scans.
        self.pages = 0
        self.scanned: list[int] = []
        self._cleanup: weakref.finalize[Any, Any] | None = weakref.finalize(
            self, _remove, str(path)
        )

    def __getstate__(self) -> dict[str, Any]:
        # Sent to another process, which owns the file from now on (this copy goes away).
        if self._cleanup is not None:
            self._cleanup.detach()
        state = dict(self.__dict__)
        del state["_cleanup"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cleanup = weakref.finalize(self, _remove, str(self.path))

    def rows(self, table: str) -> Iterator[Row]:
        """``table``'s rows, in the order a list of them would have held them."""
        with _reading(self.path) as db:
            yield from _read_rows(db, table, None)

    def page_texts(self) -> Iterator[PageText]:
        """The text of each page, in page order (when read: ``READ_PAGE_TEXT``)."""
        with _reading(self.path) as db:
            cursor = db.execute("select page, text, n_chars, image_share from pages order by page")
            while batch := cursor.fetchmany(READ_BATCH):
                yield from (PageText(*row) for row in batch)

    def typed_rows(self, tseq: int, untyped: bool) -> Iterator[TypedRow]:
        """The typed rows of table ``tseq``, in order; each row's last value (its
        ``UNTYPED_CELLS``) dropped when no row of the table has one (``untyped`` False)."""
        with _reading(self.path) as db:
            cursor = db.execute(
                "select page, table_index, row_index, bbox, vals from typed"
                " where tseq = ? order by ord",
                [tseq],
            )
            while batch := cursor.fetchmany(READ_BATCH):
                for page, table_index, row_index, bbox, blob in batch:
                    values = pickle.loads(blob)
                    if not untyped:
                        values.pop()
                    yield TypedRow(page, table_index, row_index, values, bbox)

    def remove(self) -> None:
        """Remove the file now (loaded, or given up)."""
        if self._cleanup is not None:
            self._cleanup()
        else:
            _remove(str(self.path))


class _reading:
    """The spill file opened read-only, closed after."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


class SpilledTypedRows:
    """The rows of one typed table in a spill (``TypedTable.spilled``): sized, iterable
    again and again, each time read from the file."""

    def __init__(self, spill: SpilledRows, tseq: int, count: int, untyped: bool) -> None:
        self.spill = spill
        self.tseq = tseq
        self.count = count
        self.untyped = untyped

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[TypedRow]:
        return self.spill.typed_rows(self.tseq, self.untyped)
