"""Boxed form fields: a form whose every field is a drawn box holding a small label over
its value ("Case number" over "2017-0042").

Decisions (see bench/README.md, "Generic extraction"):
- A field box holds, at its top, a label set in smaller type than the value under it (one
  line or more). A box holding only text of label size is a blank field (its value "")
  when the page has filled fields. A box without text is no field.
- The boxes of a grid of cells (or a box drawn on its own) are fields only when every
  box with text in it is one; otherwise the grid is a ruled table as before. Two fields
  at least make a form.
- Boxes whose tops line up make a row of fields, read left to right.
- Consecutive rows with the same labels in the same order are records of a repeated part
  of the form: one table, the labels its header, one row per row of boxes.
- The other rows are one record: one table whose columns are their labels in reading
  order (rows top to bottom, each left to right) and whose one row holds the values. The
  same form on the next page, in the same place, continues that table with its record.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from parsers.base import union_box
from parsers.generic.cell_text import cell_text, group_lines
from parsers.generic.completeness import check
from parsers.generic.model import BBox, PageTable, Word

#: A label's text height is at most this share of its value's.
LABEL_SIZE_SHARE = 0.85
#: A field's label runs over this many lines at most, its value over MAX_VALUE_LINES.
MAX_LABEL_LINES = 2
MAX_VALUE_LINES = 4
#: Fewest fields that make a form.
MIN_FORM_FIELDS = 2
#: Boxes whose tops are this close (points) are in one row of fields.
ROW_TOLERANCE = 2.0
#: Fewest rows of boxes with the same labels that make a repeated part.
MIN_REPEATED_ROWS = 2


@dataclass
class Field:
    box: BBox
    label: str
    value: str
    label_words: list[Word]
    value_words: list[Word]


def _line_height(line: list[Word]) -> float:
    return median(w.height for w in line)


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _read_field(box: BBox, words: list[Word]) -> Field | None:
    """The label and value of a box whose top lines are set smaller than the rest."""
    lines = group_lines(words)
    tallest = max(_line_height(line) for line in lines)
    n_label = 0
    while n_label < len(lines) and _line_height(lines[n_label]) <= LABEL_SIZE_SHARE * tallest:
        n_label += 1
    if not 0 < n_label <= MAX_LABEL_LINES or not 0 < len(lines) - n_label <= MAX_VALUE_LINES:
        return None
    label_words = [w for line in lines[:n_label] for w in line]
    value_words = [w for line in lines[n_label:] for w in line]
    label = cell_text(label_words)
    if not _has_letter(label):
        return None
    return Field(box, label, cell_text(value_words), label_words, value_words)


def _blank_field(box: BBox, words: list[Word], value_height: float) -> Field | None:
    """A box holding only a label: its text no taller than labels are beside values."""
    if len(group_lines(words)) > MAX_LABEL_LINES or any(
        w.height > LABEL_SIZE_SHARE * value_height for w in words
    ):
        return None
    label = cell_text(words)
    return Field(box, label, "", list(words), []) if _has_letter(label) else None


class _WordIndex:
    """The page's words by height on the page, to find those inside a box quickly."""

    def __init__(self, words: list[Word]) -> None:
        self.words = sorted(words, key=lambda w: w.ymid)
        self.mids = [w.ymid for w in self.words]

    def inside(self, box: BBox) -> list[Word]:
        lo, hi = bisect_left(self.mids, box[1]), bisect_right(self.mids, box[3])
        return [w for w in self.words[lo:hi] if box[0] <= w.xmid <= box[2]]


def _holds_a_box(box: BBox, boxes: list[BBox]) -> bool:
    """A frame round other drawn cells (a page border, a boxed section) is no field."""
    return any(
        b != box and box[0] <= b[0] and box[1] <= b[1] and b[2] <= box[2] and b[3] <= box[3]
        for b in boxes
    )


def _beside_filled(field: Field, filled: Iterable[Field]) -> bool:
    """A blank field drawn on its own is in a row with a filled one."""
    return any(abs(f.box[1] - field.box[1]) <= ROW_TOLERANCE for f in filled)


def find_fields(
    cell_groups: Iterable[list[BBox]], words: list[Word]
) -> tuple[list[Field], set[int]]:
    """The form fields among the drawn cells, and the indexes of the cell groups that are
    all fields (to be read as a form, not as a ruled table)."""
    groups = list(cell_groups)
    if len({round(w.height) for w in words}) < 2:
        return [], set()  # one type size: no labels set smaller than values
    index = _WordIndex(words)
    texts = [[(box, inside) for box in cells if (inside := index.inside(box))] for cells in groups]
    filled = {
        id(inside): field
        for group in texts
        for box, inside in group
        if (field := _read_field(box, inside)) is not None
    }
    if filled:
        every_box = [box for cells in groups for box in cells]
        filled = {k: f for k, f in filled.items() if not _holds_a_box(f.box, every_box)}
    if not filled:
        return [], set()
    value_height = median(w.height for f in filled.values() for w in f.value_words)
    fields: list[Field] = []
    taken: set[int] = set()
    for i, group in enumerate(texts):
        found = []
        for box, inside in group:
            field = filled.get(id(inside)) or _blank_field(box, inside, value_height)
            if field is not None and not field.value_words and _holds_a_box(box, every_box):
                field = None
            if field is None:
                break
            found.append(field)
        else:
            if found and (
                any(f.value_words for f in found)
                or all(_beside_filled(f, filled.values()) for f in found)
            ):
                fields.extend(found)
                taken.add(i)
    if len(fields) < MIN_FORM_FIELDS:
        return [], set()
    return fields, taken


def _rows(fields: list[Field]) -> list[list[Field]]:
    rows: list[list[Field]] = []
    for f in sorted(fields, key=lambda f: (f.box[1], f.box[0])):
        if rows and abs(f.box[1] - rows[-1][0].box[1]) <= ROW_TOLERANCE:
            rows[-1].append(f)
        else:
            rows.append([f])
    for row in rows:
        row.sort(key=lambda f: f.box[0])
    return rows


def _labels(row: list[Field]) -> list[str]:
    return [f.label for f in row]


def _table(page: int, header: list[Field], records: list[list[Field]]) -> PageTable:
    """A form table: ``header``'s labels, then each record's values."""
    rows = [_labels(header), *([f.value for f in record] for record in records)]
    boxes = [union_box([f.box for f in record]) or header[0].box for record in records]
    header_box = union_box([f.box for f in header]) or header[0].box
    bbox = union_box([header_box, *boxes]) or header_box
    printed = [w for f in header for w in f.label_words]
    printed += [w for record in records for f in record for w in f.value_words]
    table = PageTable(
        page=page,
        bbox=bbox,
        rows=rows,
        n_header_rows=1,
        col_edges=[*(f.box[0] for f in header), header[-1].box[2]],
        method="form",
        row_boxes=[header_box, *boxes],
    )
    found = check(printed, rows)
    if not found.complete:
        table.warnings.append(f"page {page}: {found.warning()}")
    return table


def form_tables(fields: list[Field], page: int) -> tuple[list[PageTable], list[BBox]]:
    """The tables of a page's form fields (one per repeated part, one for the rest), and
    the boxes of the fields they hold."""
    if len(fields) < MIN_FORM_FIELDS:
        return [], []
    rows = _rows(fields)
    tables: list[PageTable] = []
    used: list[BBox] = []
    single: list[Field] = []
    i = 0
    while i < len(rows):
        j = i + 1
        while j < len(rows) and _labels(rows[j]) == _labels(rows[i]):
            j += 1
        if j - i >= MIN_REPEATED_ROWS and len(rows[i]) >= MIN_FORM_FIELDS:
            tables.append(_table(page, rows[i], rows[i:j]))
            used.extend(f.box for row in rows[i:j] for f in row)
        else:
            for row in rows[i:j]:
                single.extend(row)
        i = j
    if len(single) >= MIN_FORM_FIELDS:
        tables.append(_table(page, single, [single]))
        used.extend(f.box for f in single)
    return tables, used
