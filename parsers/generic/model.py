"""The shapes the generic extractor works with: words on a page, tables found on one page,
and tables as returned to callers (possibly joined over several pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsers.base import ParseWarning

#: (x0, top, x1, bottom) in pdfplumber's page coordinates (points, origin top-left).
BBox = tuple[float, float, float, float]

#: A header cell spanning every column of a table this wide is its caption.
CAPTION_MIN_COLUMNS = 3


def unique_names(names: list[str]) -> list[str]:
    """``names`` made loadable as SQL/CSV column names: a blank one becomes "column_N" (its
    1-based position) and a repeated one gets "_2", "_3", ... (the first keeps its name).
    Names are compared case-insensitively, as SQLite compares column names."""
    out: list[str] = []
    taken: set[str] = set()
    reserved = {n.strip().casefold() for n in names if n.strip()}
    for i, name in enumerate(names, 1):
        name = name.strip()
        base = name or f"column_{i}"
        candidate, k = base, 1
        while candidate.casefold() in taken or (not name and candidate.casefold() in reserved):
            k += 1
            candidate = f"{base}_{k}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


@dataclass(slots=True)
class Word:
    """One word with its box in the (possibly de-rotated) page frame."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    #: (x0, x1, text) of each character, kept so a word straddling a ruling can be split.
    chars: tuple[tuple[float, float, str], ...] = ()
    #: A space character comes just before this word on its line (in the order drawn).
    space_before: bool = False

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class PageTable:
    """A table found on one page, before tables continued over pages are joined."""

    page: int
    bbox: BBox
    #: Every row of the grid, header rows first; "" for an empty cell.
    rows: list[list[str]]
    n_header_rows: int
    #: x boundaries of the columns in the de-rotated frame (n_columns + 1 values).
    col_edges: list[float]
    #: "ruled" (cells from drawn lines), "whitespace" (columns from text alignment), "form"
    #: (boxed form fields), "row-ruled" or "text-ruled".
    method: str
    #: Header cells spanning several columns: (row, first column, last column).
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    #: The box of each row (aligned with ``rows``; empty when not known).
    row_boxes: list[BBox] = field(default_factory=list)
    #: Why the table's cells cannot be trusted whole (words of its area in no cell, text
    #: copied into several cells); empty when every word is in exactly one cell.
    warnings: list[str] = field(default_factory=list)
    #: The first body row is the end of a record begun on the page before (its wrapped
    #: lines carried over): joined to that record when the table continues (``merge``).
    continues_record: bool = False
    #: Where one record may have been read as several rows: said on the document too
    #: (kind "split_record": the generic parser, the streamed parse, templates using the
    #: generic finder); each also in ``warnings``, which stay with the table.
    split_records: list[ParseWarning] = field(default_factory=list)

    @property
    def n_columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass(slots=True)  # one a page for a table continued over every page
class TablePiece:
    """The part of a (possibly multi-page) table printed on one page."""

    page: int
    table_index: int
    bbox: BBox
    #: Index of this piece's first body row in ExtractedTable.rows, and how many it holds.
    first_row: int
    n_rows: int
    #: The box of each of this piece's body rows on its page (empty when not known).
    row_boxes: list[BBox] = field(default_factory=list)


@dataclass
class ExtractedTable:
    """One table of a document: its header rows, body rows and where it is printed."""

    pieces: list[TablePiece]
    header: list[list[str]]
    rows: list[list[str]]
    method: str
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    #: Completeness warnings of its parts, each naming its page (see PageTable.warnings).
    warnings: list[str] = field(default_factory=list)
    #: Its parts' ``PageTable.split_records``, and a carried record left a row of its own.
    split_records: list[ParseWarning] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.pieces[0].page

    @property
    def table_index(self) -> int:
        return self.pieces[0].table_index

    @property
    def bbox(self) -> BBox:
        return self.pieces[0].bbox

    @property
    def pages(self) -> list[int]:
        return [p.page for p in self.pieces]

    @property
    def n_columns(self) -> int:
        if self.header:
            return len(self.header[0])
        return len(self.rows[0]) if self.rows else 0

    @property
    def title_rows(self) -> int:
        """How many header rows on top are the table's title (a title bar or caption printed
        inside its frame): each holds one cell only, spanning every column of a table of
        two or more, and a header row is left below them to name the columns."""
        n = self.n_columns
        if n < 2:
            return 0
        spanned = {(r, c0): c1 for r, c0, c1 in self.spans}
        count = 0
        for r, row in enumerate(self.header[:-1]):
            if not row[0] or any(row[1:]) or spanned.get((r, 0), 0) < n - 1:
                break
            count += 1
        return count

    @property
    def title(self) -> str | None:
        """The title printed inside the table's frame (see ``title_rows``), if any."""
        lines = [self.header[r][0] for r in range(self.title_rows)]
        return " ".join(lines) if lines else None

    @property
    def columns(self) -> list[str]:
        """One unique, non-empty name per column: the stacked header cells above it, top to
        bottom. A cell spanning several columns (a group label) is followed by ": " ("Male:
        Total"); the title rows on top (``title_rows``) and a cell spanning the whole width
        of a table of three or more columns are captions, not column names, and are left
        out. Columns without a header get their position ("column_4"); see
        ``unique_names``."""
        n = self.n_columns
        names: list[list[tuple[str, bool]]] = [[] for _ in range(n)]
        spanned = {(r, c0): c1 for r, c0, c1 in self.spans}
        title_rows = self.title_rows
        for r, row in enumerate(self.header):
            if r < title_rows:
                continue
            for c, text in enumerate(row):
                if not text:
                    continue
                last = spanned.get((r, c), c)
                if n >= CAPTION_MIN_COLUMNS and c == 0 and last >= n - 1:
                    continue
                for col in range(c, last + 1):
                    if not names[col] or names[col][-1][0] != text:
                        names[col].append((text, last > c))
        out = []
        for parts in names:
            name = ""
            for i, (text, group) in enumerate(parts):
                name += text
                if i < len(parts) - 1:
                    name += ": " if group else " "
            out.append(name)
        return unique_names(out)

    def row_pages(self) -> list[int]:
        """The page each body row is printed on."""
        pages: list[int] = []
        for piece in self.pieces:
            pages.extend([piece.page] * piece.n_rows)
        return pages

    def grid(self) -> list[list[str]]:
        """Header rows then body rows, as printed."""
        return [*self.header, *self.rows]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `records extract --format json` prints for one table."""
        return {
            "page": self.page,
            "table_index": self.table_index,
            "bbox": [round(v, 2) for v in self.bbox],
            "pages": self.pages,
            "method": self.method,
            "title": self.title,
            "columns": self.columns,
            "header": self.header,
            "rows": self.rows,
            "warnings": self.warnings,
            "pieces": [
                {
                    "page": p.page,
                    "table_index": p.table_index,
                    "bbox": [round(v, 2) for v in p.bbox],
                    "first_row": p.first_row,
                    "n_rows": p.n_rows,
                }
                for p in self.pieces
            ],
        }
