"""Join tables continued on the next page: the last table of one page and the first of the
next with the same columns, where the continuation has no header of its own or repeats
the first page's header; and a form's table with the same form's on the next page (the
same labels: a form printed once a page, one record a page)."""

from __future__ import annotations

from parsers.base import ParseWarning
from parsers.generic.cell_text import join_wrapped
from parsers.generic.model import BBox, ExtractedTable, PageTable, TablePiece
from parsers.generic.row_ruled import SPLIT_RECORD, WARNING_TEXT

#: Column boundaries of the two parts may differ by this much (points) at least...
COLUMN_TOLERANCE = 12.0
#: ...or by this share of the narrower column.
COLUMN_TOLERANCE_SHARE = 0.5


def same_columns(a: PageTable, b: PageTable) -> bool:
    if a.n_columns != b.n_columns or a.n_columns < 2:
        return False
    for i in range(1, len(a.col_edges) - 1):
        width = min(
            a.col_edges[i + 1] - a.col_edges[i],
            a.col_edges[i] - a.col_edges[i - 1],
            b.col_edges[i + 1] - b.col_edges[i],
            b.col_edges[i] - b.col_edges[i - 1],
        )
        if abs(a.col_edges[i] - b.col_edges[i]) > max(
            COLUMN_TOLERANCE, COLUMN_TOLERANCE_SHARE * width
        ):
            return False
    return True


def _continued_header(prev: ExtractedTable, prev_part: PageTable, part: PageTable) -> int | None:
    """How many leading rows of ``part`` are a repeated header when it continues ``prev``
    (0: none), or None when it does not continue it. The first page's header decides: a
    continuation whose first body row has no figures ("Up to $3,790") looks like a longer
    header on its own."""
    if part.page != prev_part.page + 1 or not same_columns(prev_part, part):
        return None
    if part.n_header_rows == 0:
        return 0
    n = len(prev.header)
    if n and part.rows[:n] == prev.header:
        return n
    return None


def _start(part: PageTable, index: int) -> ExtractedTable:
    body = part.rows[part.n_header_rows :]
    boxes = part.row_boxes[part.n_header_rows :]
    return ExtractedTable(
        pieces=[TablePiece(part.page, index, part.bbox, 0, len(body), boxes)],
        header=part.rows[: part.n_header_rows],
        rows=body,
        method=part.method,
        spans=list(part.spans),
        warnings=list(part.warnings),
        split_records=list(part.split_records),
    )


def join_pages(pages: list[list[PageTable]]) -> list[ExtractedTable]:
    """Tables of the document in reading order, parts continued over pages joined."""
    joiner = PageJoiner()
    for parts in pages:
        joiner.add(parts)
    return joiner.tables


class PageJoiner:
    """``join_pages`` a page at a time: ``add`` each page's parts in order; ``tables`` are
    the tables so far, and ``open()`` those a later page may still continue (the last
    table of the page, the page's forms); the others are finished."""

    def __init__(self) -> None:
        self.tables: list[ExtractedTable] = []
        self.last: tuple[ExtractedTable, PageTable] | None = None
        self.forms: list[ExtractedTable] = []

    def open(self) -> list[ExtractedTable]:
        """The tables the next page may continue."""
        tables = list(self.forms)
        if self.last is not None and all(t is not self.last[0] for t in tables):
            tables.append(self.last[0])
        return tables

    def add(self, parts: list[PageTable]) -> None:
        page_forms: list[ExtractedTable] = []
        for index, part in enumerate(parts):
            if part.method == "form":
                form = _same_form(self.forms, part)
                if form is None:
                    form = _start(part, index)
                    self.tables.append(form)
                else:
                    body = part.rows[1:]
                    form.pieces.append(
                        TablePiece(
                            part.page,
                            index,
                            part.bbox,
                            len(form.rows),
                            len(body),
                            part.row_boxes[1:],
                        )
                    )
                    form.rows.extend(body)
                    form.warnings.extend(part.warnings)
                    form.split_records.extend(part.split_records)
                page_forms.append(form)
                if index == len(parts) - 1:
                    self.last = None  # a form continues only as a form
                continue
            n_header = None
            if index == 0 and self.last is not None:
                n_header = _continued_header(self.last[0], self.last[1], part)
            if n_header is not None and self.last is not None:
                table = self.last[0]
                body = part.rows[n_header:]
                boxes = part.row_boxes[n_header:]
                if part.continues_record and body and table.rows:
                    body, boxes = _carried_joined(table, part, body, boxes)
                table.pieces.append(
                    TablePiece(part.page, index, part.bbox, len(table.rows), len(body), boxes)
                )
                table.rows.extend(body)
                table.warnings.extend(part.warnings)
                table.split_records.extend(part.split_records)
                current = table
            else:
                current = _start(part, index)
                self.tables.append(current)
            if index == len(parts) - 1:
                self.last = (current, part)
        if not parts:
            self.last = None
        self.forms = page_forms


def _carried_joined(
    table: ExtractedTable, part: PageTable, body: list[list[str]], boxes: list[BBox]
) -> tuple[list[list[str]], list[BBox]]:
    """``part``'s body rows and boxes, its first row (the end of ``table``'s last record,
    carried over) joined to that record. A long document's rows are written out page by
    page (``streamed``): there the last record is gone, the row stays and is named."""
    last = table.rows[-1]
    if len(last) != len(body[0]):
        text = " ".join(c for c in body[0] if c)[:WARNING_TEXT]
        what = (
            f"page {part.page}: the first row, '{text}', continues the last record of page"
            f" {part.page - 1} and is kept as a row of its own: it {SPLIT_RECORD}"
        )
        table.warnings.append(what)
        table.split_records.append(ParseWarning("split_record", what, (part.page,), 1))
        return body, boxes
    table.rows[-1] = [join_wrapped([a, b]) for a, b in zip(last, body[0], strict=True)]
    return body[1:], boxes[1:]


def _same_form(forms: list[ExtractedTable], part: PageTable) -> ExtractedTable | None:
    """The form table of the page before with the labels of ``part``, if any."""
    for form in forms:
        if form.pieces[-1].page == part.page - 1 and form.header == part.rows[:1]:
            return form
    return None
