"""The engine that runs declarative report templates (``parsers/templates/*.toml``).

For each page in a table's range (and between its anchor texts), pdfplumber finds tables
with the template's settings. A table whose first rows carry the template's header is that
template table (the header is its fingerprint); a table without a header continues the
table being read when its column count fits, so a header printed only on page 1 carries
over. Rows are then cleaned (wrapped lines joined, spanned cells filled down, subtotal,
footnote and repeated-header rows dropped, totals rows kept aside for checks) and typed.
Checks the template declares are run against the document's own totals; a failed check or
a header that does not match quarantines the document, keeping its rows for inspection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber

from parsers import checks as check_kinds
from parsers.accounting import WordBox, account_pdf, page_ranges
from parsers.base import (
    Box,
    Check,
    ParseResult,
    ParseWarning,
    Row,
    TableSpec,
    bbox_text,
    union_box,
)
from parsers.cleaning import clean_text, join_wrapped
from parsers.reading.cells import extract_cells
from parsers.reading.chars import light_chars, search_boxes, text_line_dicts
from parsers.reading.furniture import first_page_text, open_pdf
from parsers.reading.grid import find_tables
from parsers.reading.words import text_lines
from parsers.templates.generic import page_tables as generic_page_tables
from parsers.templates.generic import split_records as generic_split_records
from parsers.templates.generic import uses_generic
from parsers.templates.layout import Layout, describe_drift, match_layout, similar
from parsers.templates.rotated import fix_rotated_cells
from parsers.templates.spec import (
    EXTRA_COLUMN,
    TEMPLATES_DIR,
    ColumnSpec,
    TableTemplate,
    Template,
    page_numbers,
    read_template,
    type_value,
)

#: How many unreadable cells a check message lists before "and N more".
LISTED_PROBLEMS = 5


@dataclass
class RawRow:
    page: int
    table_index: int
    values: dict[str, str | None]
    #: The row's box on its page (cells of wrapped lines joined into it included).
    bbox: Box | None = None


@dataclass
class TableState:
    """What has been read of one template table so far."""

    rows: list[RawRow] = field(default_factory=list)
    totals: list[RawRow] = field(default_factory=list)
    #: Subtotal rows with the number of data rows read before them.
    subtotals: list[tuple[int, RawRow]] = field(default_factory=list)
    header_seen: bool = False
    stopped: bool = False
    fill: dict[str, str | None] = field(default_factory=dict)
    pending: list[dict[str, str | None]] = field(default_factory=list)
    pending_boxes: list[tuple[int, Box]] = field(default_factory=list)
    #: The edition's header, from the table that carried it (continuations follow it).
    layout: Layout | None = None
    #: Page -> boxes of every line read (header, totals, skipped rows): accounted for.
    covered: dict[int, list[Box]] = field(default_factory=dict)


@dataclass
class TypedTable:
    """A template table after typing: data rows, totals rows and subtotal rows as dicts."""

    rows: list[Row]
    totals: list[dict[str, Any]]
    subtotals: list[tuple[int, dict[str, Any]]]


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def combine_header(rows: list[list[str | None]]) -> list[str]:
    """Several header rows -> one name per column. A None cell is spanned by the cell on its
    left (pdfplumber's merged cell), so group titles are forward-filled across their span,
    unless the column has a cell of its own above it: then that cell spans down."""
    width = max((len(r) for r in rows), default=0)
    parts: list[list[str]] = [[] for _ in range(width)]
    above: list[str | None] = [None] * width  # each column's real cell in the row above
    for row in rows:
        last: str | None = None
        for i in range(width):
            cell = row[i] if i < len(row) else None
            if cell is None and above[i] is not None:
                # Under a cell of its own in the row above: that cell spans down (a
                # "Total" beside a group's sub-headers), not the left neighbour across.
                last = None
                continue
            if cell is None:
                cell = last
            else:
                last = cell
                above[i] = cell
            text = clean_text(cell)
            if text:
                parts[i].append(text)
    return [" ".join(p) for p in parts]


def find_header(table: TableTemplate, cells: list[list[str | None]]) -> int | None:
    """Index of the first body row when the template's header is in the first rows."""
    found = find_layout(table, cells)
    return found[0] if found else None


def find_layout(table: TableTemplate, cells: list[list[str | None]]) -> tuple[int, Layout] | None:
    """(first body row, the edition's layout) when the template's header is in the first
    rows; optional columns may be missing and, with ``extra_columns = "keep"``, unknown
    columns present (``parsers.templates.layout``)."""
    last_start = min(table.header_search_rows, len(cells) - table.header_rows)
    for start in range(0, last_start + 1):
        layout = match_layout(table, combine_header(cells[start : start + table.header_rows]))
        if layout is not None:
            return start + table.header_rows, layout
    return None


def header_drift(table: TableTemplate, cells: list[list[str | None]]) -> str:
    """What changed in a header that is nearly the template's: '' when none is close."""
    last_start = min(table.header_search_rows, len(cells) - table.header_rows)
    for start in range(0, last_start + 1):
        found = combine_header(cells[start : start + table.header_rows])
        if similar(table, found):
            return describe_drift(table, found)
    return ""


def describe_found(cells: list[list[str | None]]) -> str:
    """How an unrecognised table looks, for the quarantine message."""
    first = next((r for r in cells if any(clean_text(c) for c in r)), cells[0] if cells else [])
    shown = [clean_text(c) or "" for c in first]
    return f"{len(first)} columns, first row {shown}"


def _settings_key(table: TableTemplate) -> tuple[Any, ...]:
    return (repr(sorted(table.settings.items())), table.crop)


class TemplateParser:
    """A Parser (see ``parsers.base``) driven by one template file."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.name = template.name
        self.version = template.version
        self.description = template.description
        self.tables: tuple[TableSpec, ...] = tuple(t.spec() for t in template.tables)

    def __repr__(self) -> str:
        return f"TemplateParser({self.name!r}, version={self.version!r})"

    def detect(self, path: Path) -> bool:
        text = first_page_text(path)
        return text is not None and all(p.search(text) for p in self.template.detect)

    def parse(self, path: Path) -> ParseResult:
        with open_pdf(path) as pdf:
            return run_template(self.template, path, pdf)


def load_templates(directory: Path = TEMPLATES_DIR) -> list[TemplateParser]:
    """One parser per ``*.toml`` template, sorted by file name (``*.sheet.toml`` files are
    spreadsheet templates: ``parsers.spreadsheets.template``)."""
    return [
        TemplateParser(read_template(p))
        for p in sorted(directory.glob("*.toml"))
        if not p.name.endswith(".sheet.toml")
    ]


# --- reading tables -----------------------------------------------------------------


def _page_regions(table: TableTemplate, pdf: pdfplumber.PDF) -> dict[int, tuple[float, float]]:
    """Page number -> (top, bottom) band where this table may be, from pages and anchors."""
    regions: dict[int, tuple[float, float]] = {}
    started = table.start_after is None
    for number in page_numbers(table.pages, len(pdf.pages)):
        page = pdf.pages[number - 1]
        top, bottom = 0.0, float(page.height)
        if not started and table.start_after is not None:
            hits = search_boxes(page, table.start_after.pattern)
            if not hits:
                continue
            started = True
            top = hits[0]["bottom"]
        if table.stop_before is not None:
            hits = [h for h in search_boxes(page, table.stop_before.pattern) if h["top"] > top]
            if hits:
                regions[number] = (top, hits[0]["top"])
                break
        regions[number] = (top, bottom)
    return regions


def _extract_page(
    page: Any, tables: list[TableTemplate], regions: dict[str, tuple[float, float]]
) -> list[
    tuple[float, TableTemplate | None, list[TableTemplate], list[list[str | None]], list[Box]]
]:
    """Every pdfplumber table on the page for these templates, in reading order, each with
    the template whose header it carries (or None), the templates it may continue and the
    box of each of its rows."""
    groups: dict[tuple[Any, ...], list[TableTemplate]] = {}
    for table in tables:
        groups.setdefault(_settings_key(table), []).append(table)
    found = []
    for members in groups.values():
        first = members[0]
        area = page
        if first.crop:
            x0, top, x1, bottom = first.crop
            area = page.crop(
                (
                    x0 or 0,
                    top or 0,
                    page.width if x1 is None else x1,
                    page.height if bottom is None else bottom,
                )
            )
        for bbox, cells, boxes in _find_tables(page, area, first):
            if not cells:
                continue
            top = bbox[1]
            allowed = [m for m in members if regions[m.name][0] - 1 <= top <= regions[m.name][1]]
            if not allowed:
                continue
            owner = next((m for m in allowed if find_header(m, cells) is not None), None)
            found.append((top, owner, allowed, cells, boxes))
    found.sort(key=lambda item: item[0])
    return found


def _find_tables(
    page: Any, area: Any, table: TableTemplate
) -> list[tuple[Any, list[Any], list[Box]]]:
    """(bbox, cells, row boxes) of the tables in ``area``: pdfplumber's with the table's
    settings, or the generic extractor's (``settings = "generic"``), kept when inside the
    crop. One box per list of cells (``extract_cells`` gives one per ``table.rows`` entry)."""
    if not uses_generic(table.settings):
        settings = fit_explicit_lines(area, table.settings)
        return [
            (t.bbox, fix_rotated_cells(t, extract_cells(t)), [row.bbox for row in t.rows])
            for t in find_tables(area, settings)
        ]
    x0, top, x1, bottom = area.bbox
    return [
        (bbox, cells, boxes)
        for bbox, cells, boxes in generic_page_tables(Path(page.pdf.stream.name), page.page_number)
        if x0 <= (bbox[0] + bbox[2]) / 2 <= x1 and top <= (bbox[1] + bbox[3]) / 2 <= bottom
    ]


def fit_explicit_lines(area: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Explicit column lines with text-derived rows: the grid's outer edges are the text's
    extent, whatever the outer lines given. pdfplumber's text rows span exactly the words
    of the area, so an outer line beyond the text met no row edge and its column was lost
    (unless ``intersection_tolerance`` was raised); and a last column right of the last
    line given had no right edge. Lines given inside the text extent are kept as they are."""
    lines = settings.get("explicit_vertical_lines")
    if (
        settings.get("vertical_strategy") != "explicit"
        or settings.get("horizontal_strategy") != "text"
        or not lines
        or not all(isinstance(x, int | float) for x in lines)
    ):
        return settings
    # The extent of ``area.extract_words()``'s words: a word is made of every character
    # that is not white space, and spans its characters' boxes (no words made).
    printed = [c for c in light_chars(area) if not c["text"].isspace()]
    if not printed:
        return settings
    left = min([float(c["x0"]) for c in printed])
    right = max([float(c["x1"]) for c in printed])
    inner = sorted(float(x) for x in lines if left < float(x) < right)
    return {**settings, "explicit_vertical_lines": [left, *inner, right]}


def explicit_lines_hint(table: TableTemplate) -> str:
    """For a header that does not match: how the explicit column lines make the columns."""
    lines = table.settings.get("explicit_vertical_lines")
    if table.settings.get("vertical_strategy") != "explicit" or not lines:
        return ""
    return (
        f" (explicit_vertical_lines {list(lines)}: the grid's outer edges are the text's"
        " extent and each line inside it splits two columns, so a column missing means a"
        " line missing between two columns, and one too many a line too many)"
    )


def _take_rows(
    table: TableTemplate,
    state: TableState,
    cells: list[list[str | None]],
    boxes: list[Box],
    page: int,
    table_index: int,
) -> None:
    names = [c.name for c in table.columns]
    layout = state.layout or Layout(tuple(table.headers), tuple(names))
    for raw, box in zip(cells, boxes, strict=True):
        if state.stopped:
            return
        state.covered.setdefault(page, []).append(box)
        cleaned = [clean_text(c) for c in raw]
        text = " ".join(c for c in cleaned if c)
        if not text:
            continue
        if any(p.search(text) for p in table.stop_rows):
            state.stopped = True
            return
        if any(p.search(text) for p in table.skip_rows):
            continue
        if not table.header_is_data and layout.is_header(cleaned):
            continue  # the header repeated inside the table
        values = layout.values(table, cleaned)
        if _matches(table.totals_row, values) or _matches(table.subtotal_rows, values):
            filled = {**values, **{c: values[c] or state.fill.get(c) for c in table.fill_down}}
            if _matches(table.totals_row, values):
                state.totals.append(RawRow(page, table_index, filled, box))
            else:
                state.subtotals.append((len(state.rows), RawRow(page, table_index, filled, box)))
            continue
        keys = table.key_columns
        if keys and all(values.get(k) is None for k in keys):
            if table.wrapped == "next":
                state.pending.append(values)
                state.pending_boxes.append((page, box))
            elif state.rows:
                last_row = state.rows[-1]
                for name in names:
                    last_row.values[name] = join_wrapped([last_row.values[name], values[name]])
                if last_row.page == page and last_row.bbox is not None:
                    last_row.bbox = union_box([last_row.bbox, box])
            continue
        for earlier in reversed(state.pending):
            for name in names:
                values[name] = join_wrapped([earlier[name], values[name]])
        # Wrapped lines printed above the row on the same page are part of its box.
        box = union_box([box, *(b for p, b in state.pending_boxes if p == page)]) or box
        state.pending.clear()
        state.pending_boxes.clear()
        for name in table.fill_down:
            if values[name] is None:
                values[name] = state.fill.get(name)
            state.fill[name] = values[name]
        state.rows.append(RawRow(page, table_index, values, box))


def _width(table: TableTemplate, state: TableState) -> int:
    return state.layout.width if state.layout is not None else len(table.columns)


def _matches(match: Any, values: dict[str, str | None]) -> bool:
    return match is not None and bool(match.pattern.search(values.get(match.column) or ""))


def _read_tables(
    template: Template, pdf: pdfplumber.PDF
) -> tuple[dict[str, TableState], list[str], dict[str, list[str]]]:
    states = {t.name: TableState() for t in template.tables}
    problems: list[str] = []
    unmatched: dict[str, list[str]] = {t.name: [] for t in template.tables}
    regions = {t.name: _page_regions(t, pdf) for t in template.tables}
    pages = sorted({n for r in regions.values() for n in r})
    current: TableTemplate | None = None
    for number in pages:
        active = [t for t in template.tables if number in regions[t.name]]
        bands = {t.name: regions[t.name][number] for t in active}
        for index, (_, owner, allowed, cells, boxes) in enumerate(
            _extract_page(pdf.pages[number - 1], active, bands)
        ):
            if owner is not None:
                state = states[owner.name]
                state.header_seen = True
                start, state.layout = find_layout(owner, cells) or (0, None)
                if owner.header_is_data:  # the fingerprint row is a data row too
                    start = max(0, start - owner.header_rows)
                state.covered.setdefault(number, []).extend(boxes[:start])
                body, boxes = cells[start:], boxes[start:]
                current = owner
            elif (
                current is not None
                and current in allowed
                and states[current.name].header_seen
                and not states[current.name].stopped
                and len(cells[0]) == _width(current, states[current.name])
            ):
                body = cells
            else:
                for table in allowed:
                    state = states[table.name]
                    if state.header_seen and not state.stopped and table is current:
                        problems.append(
                            f"page {number}: table {table.name} continues with "
                            f"{describe_found(cells)}; expected {len(table.columns)} columns"
                        )
                    elif not state.header_seen:
                        drift = header_drift(table, cells)
                        unmatched[table.name].append(
                            f"page {number}: {describe_found(cells)}"
                            + (f" ({drift})" if drift else "")
                        )
                continue
            _take_rows(current, states[current.name], body, boxes, number, index)
    return states, problems, unmatched


# --- typing -------------------------------------------------------------------------


def type_row(table: TableTemplate, raw: RawRow, problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in table.columns:
        text = raw.values.get(column.name)
        flags: dict[str, bool] = {}
        for flag in column.flags:
            hit = text is not None and bool(flag.pattern.search(text))
            flags[flag.column] = hit
            if hit and text is not None:
                text = clean_text(flag.pattern.sub("", text))
        try:
            values[column.name] = type_value(column, text)
        except ValueError as exc:
            problems.append(f"page {raw.page} {table.name}.{column.name}: {exc}")
            values[column.name] = text  # kept as printed, for inspection
        values.update(flags)
    if table.extra_columns == "keep":
        values[EXTRA_COLUMN] = raw.values.get(EXTRA_COLUMN)
    return values


def _type_tables(
    template: Template, states: dict[str, TableState], problems: list[str]
) -> dict[str, TypedTable]:
    typed: dict[str, TypedTable] = {}
    for table in template.tables:
        state = states[table.name]
        rows = [
            Row(
                table.name,
                raw.page,
                raw.table_index,
                i,
                type_row(table, raw, problems),
                bbox_text(raw.bbox),
            )
            for i, raw in enumerate(state.rows)
        ]
        totals = [type_row(table, raw, problems) for raw in state.totals]
        subtotals = [(n, type_row(table, raw, problems)) for n, raw in state.subtotals]
        typed[table.name] = TypedTable(rows, totals, subtotals)
    return typed


# --- the whole document -------------------------------------------------------------


def run_template(template: Template, path: Path, pdf: pdfplumber.PDF) -> ParseResult:
    result = ParseResult()
    states, layout_problems, unmatched = _read_tables(template, pdf)
    for table in template.tables:
        if table.required and not states[table.name].header_seen:
            seen = "; ".join(unmatched[table.name][:3]) or "no table"
            layout_problems.append(
                f"table {table.name}: expected header {table.headers} "
                f"({len(table.columns)} columns), found {seen}" + explicit_lines_hint(table)
            )
    for table in template.tables:
        if states[table.name].pending:
            layout_problems.append(
                f"table {table.name}: {len(states[table.name].pending)} wrapped lines after "
                "the last row belong to no row"
            )
    cell_problems: list[str] = []
    typed = _type_tables(template, states, cell_problems)
    for typed_table in typed.values():
        result.rows.extend(typed_table.rows)
    result.document["pages"] = len(pdf.pages)
    for table in template.tables:
        others = {
            n
            for t in template.tables
            if t is not table
            for n in page_numbers(t.pages, len(pdf.pages))
        }
        warning = skipped_header_pages(table, pdf, others)
        if warning is not None:
            result.warnings.append(warning)
    generic_pages = {
        n
        for t in template.tables
        if uses_generic(t.settings)
        for n in page_numbers(t.pages, len(pdf.pages))
    }
    if generic_pages:  # a record the generic finder may have read as several rows
        result.warnings.extend(generic_split_records(path, generic_pages))
    covered: dict[int, list[Box]] = {}
    for state in states.values():
        for number, boxes in state.covered.items():
            covered.setdefault(number, []).extend(boxes)
    texts = _PageTexts(pdf)
    account_pdf(pdf, result, covered, seen=texts.seen)
    for fact in template.facts:
        match = fact.pattern.search(texts.joined())
        raw = match.group(1) if match else None
        try:
            result.document[fact.name] = type_value(
                ColumnSpec(fact.name, fact.name, fact.type, "", fact.formats), raw
            )
        except ValueError as exc:
            cell_problems.append(f"fact {fact.name}: {exc}")
            result.document[fact.name] = raw
    if result.document.get("report_date") is not None:  # an "as of" date: the period
        for bound in ("report_period_start", "report_period_end"):
            result.document.setdefault(bound, result.document["report_date"])
    result.checks.append(
        Check(
            "cells_typed",
            not cell_problems,
            expected="every cell readable as its column's type",
            found=cell_problems[:LISTED_PROBLEMS] or "all readable",
            message=f"{len(cell_problems)} unreadable cells" if cell_problems else "",
        )
    )
    absent = {t.name for t in template.tables if not t.required and not states[t.name].header_seen}
    for spec in template.checks:
        if spec.get("table") in absent:  # an optional table this edition does not print
            name = spec.get("name", spec["kind"])
            result.checks.append(
                Check(name, True, expected=f"{spec['table']} checked", found="not printed")
            )
            continue
        result.checks.append(check_kinds.run_declared(spec, typed, texts))
    for check in result.checks:
        if check.warn_only and not check.passed:  # on_fail = "warn": said, not quarantined
            result.warnings.append(ParseWarning("check", check.describe()))
    if layout_problems:
        result.quarantine = (
            f"{path.name}: layout does not match template {template.name} "
            f"v{template.version}: " + "; ".join(layout_problems)
        )
    return result


def skipped_header_pages(
    table: TableTemplate,
    pdf: pdfplumber.PDF,
    others: frozenset[int] | set[int] = frozenset(),
) -> ParseWarning | None:
    """A table limited by ``pages`` whose header is printed on pages outside them (and
    outside ``others``, the pages the template's other tables read): the pages it leaves
    out (a draft's ``pages = "1-2"`` on a 9-page report)."""
    if table.pages is None:
        return None
    inside = set(page_numbers(table.pages, len(pdf.pages)))
    headers = [_norm(h) for h in table.headers if _norm(h)]
    if not headers:
        return None
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        if number in inside or number in others:
            continue
        text = _norm(page.extract_text())
        if all(h in text for h in headers):
            found.append(number)
    if not found:
        return None
    return ParseWarning(
        "skipped_pages",
        f"table {table.name}: its header is printed on page{'s' if len(found) > 1 else ''}"
        f" {page_ranges(found)}, which its pages = {table.pages!r} leave out",
        tuple(found),
    )


class _PageTexts:
    """Page texts, extracted only when a fact or check needs them. The text of a page whose
    words the accounting found (``seen``) is made from them, not read again."""

    def __init__(self, pdf: pdfplumber.PDF) -> None:
        self.pdf = pdf
        self._lines: list[list[dict[str, Any]]] | None = None
        self._texts: dict[int, list[str]] = {}

    def seen(self, number: int, words: list[WordBox]) -> None:
        """Page ``number``'s words (``account_pdf``'s ``seen``): its text lines kept."""
        self._texts[number] = text_lines(words)

    def lines(self) -> list[list[dict[str, Any]]]:
        if self._lines is None:
            self._lines = [text_line_dicts(page) for page in self.pdf.pages]
        return self._lines

    def joined(self) -> str:
        count = len(self.pdf.pages)
        if len(self._texts) == count:
            return "\n".join(t for n in range(1, count + 1) for t in self._texts[n])
        return "\n".join(line["text"] for page in self.lines() for line in page)
