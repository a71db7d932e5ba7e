"""``records template draft``: a runnable template written from what the generic extractor
finds in one document, for a person to look at, adjust and keep.

For every table with a header: its pages, a crop when its page holds other tables, the
header texts exactly as printed (the fingerprint), snake_case column names, each column's
type inferred from its body (integer, float, date with its format, else text) by the
template engine's own typing, the null markers seen, a totals row turned into a
``column_sums`` check (only for the columns whose sums it states), and facets for text
columns with few distinct values. The tables use the generic finder (``settings =
"generic"``), so the drafted template reads the rows the generic extraction reads. Pure:
file in, TOML text out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parsers.cleaning import clean_text
from parsers.generic import ExtractedTable, extract_tables
from parsers.reading.furniture import first_page_text
from parsers.templates.engine import combine_header
from parsers.templates.generic import header_cells
from parsers.templates.layout import snake_case
from parsers.templates.spec import ColumnSpec, page_numbers, type_value
from records.core.errors import ParseError

#: Cell texts that mean "no value" when a column prints them.
NULL_MARKERS = ("-", "--", "—", "–", "N/A", "n/a", "NA", "*", ".", "(X)", "x", "X")
#: Date formats tried, most specific first.
DATE_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
)
#: A label cell (the first, or any cell that is not a figure) that makes a row the
#: table's totals row: "Total", "Totals", "Grand total", "TOTAL GENERAL", "Total:".
TOTALS_TEXT = re.compile(r"^(grand\s+)?totals?(\s+general)?:?$", re.IGNORECASE)
#: A text column is a facet when it has at most this many distinct values ...
FACET_MAX_VALUES = 25
#: ... and each value repeats on average at least this often.
FACET_MIN_REPEAT = 2.0
#: How many page-1 lines (the title) become ``detect`` anchors.
DETECT_LINES = 2


@dataclass
class DraftColumn:
    name: str
    header: str
    type: str = "text"
    formats: tuple[str, ...] = ()
    null_values: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftTable:
    name: str
    source: ExtractedTable
    columns: list[DraftColumn]
    pages: str
    crop: tuple[float, float, float, float] | None
    header_rows: int
    totals: list[str | None] | None
    sums: list[str]
    facets: list[str]
    notes: list[str]
    #: Printed without a header: the first row fingerprints it and is a data row.
    headless: bool = False
    #: Columns whose printed total differs from the sum read here: (printed, sum).
    differing: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: Page -> body rows the generic extractor read there for this table (same header
    #: again and headerless continuations included).
    read_pages: dict[int, int] = field(default_factory=dict)
    #: Rows above the header inside the table's frame: its title (``ExtractedTable.title``),
    #: which names no column and may change with each edition ("as of January 29, 2016").
    title_rows: int = 0

    @property
    def last_page(self) -> int:
        return max(self.read_pages, default=self.source.page)


def draft_template(path: Path, name: str | None = None, pages: str | None = None) -> str:
    """The TOML text of a template for the tables the generic extractor finds in ``path``."""
    name = name or _slug(path.stem)
    numbers = page_numbers(pages, _page_count(path)) if pages else None
    tables = extract_tables(path, pages=numbers)
    drafted: list[DraftTable] = []
    skipped: list[str] = []
    per_page: dict[int, int] = {}
    for table in tables:
        for piece in table.pieces:
            per_page[piece.page] = per_page.get(piece.page, 0) + 1
    taken: set[str] = set()
    fingerprints: dict[tuple[str, ...], DraftTable] = {}
    for n, table in enumerate(tables):
        where = f"page {table.page} table {table.table_index}"
        headless = not table.header
        previous = drafted[-1] if drafted else None
        if (
            headless
            and previous is not None
            and table.n_columns == len(previous.columns)
            and table.page > previous.last_page
        ):
            # No header, the previous table's columns, on a later page: its continuation
            # (the template engine reads it so), not a table of its own.
            previous.read_pages.update(_rows_per_page(table))
            previous.notes.append(
                f"{where} has no header and the same {table.n_columns} columns: read as"
                f" this table's continuation ({len(table.rows)} rows)"
            )
            continue
        if headless:
            if len(table.rows) < 2 or not any(table.rows[0]):
                skipped.append(f"{where}: no header and too few rows to fingerprint it by")
                continue
            # No header printed: its first row is the fingerprint (and is not loaded).
            table = replace(table, header=[table.rows[0]], rows=table.rows[1:], spans=[])
        title_rows = table.title_rows
        fingerprint = tuple(combine_header(_column_header(table, title_rows)))
        if not any(fingerprint):
            skipped.append(f"{where}: its header cells are empty, nothing to fingerprint it by")
            continue
        if fingerprint in fingerprints:
            # The same header again: the same kind of table, read into the same one (its
            # pages are in the table's page range).
            same = fingerprints[fingerprint]
            same.read_pages.update(_rows_per_page(table))
            same.notes.append(
                f"{where} has the same header: its {len(table.rows)} rows are read into this"
                " table too"
            )
            continue
        base = _table_name(name, table, n, len(tables))
        while base in taken:
            base += "_2"
        taken.add(base)
        drafted.append(_draft_table(base, table, per_page, headless, title_rows))
        fingerprints[fingerprint] = drafted[-1]
    _set_page_ranges(
        drafted, numbers[-1] if numbers else _page_count(path), per_page, open_end=not numbers
    )
    if not drafted:
        raise ParseError(
            f"{path.name}: the generic extractor finds no table to recognise by a header"
            + (f" on pages {pages}" if pages else "")
            + ": nothing to draft a template from"
            + (f" ({'; '.join(skipped)})" if skipped else "")
        )
    return _toml(path, name, _anchor_lines(path), drafted, skipped)


def _rows_per_page(table: ExtractedTable) -> dict[int, int]:
    return {piece.page: piece.n_rows for piece in table.pieces}


def _set_page_ranges(
    drafted: list[DraftTable], last_page: int, per_page: dict[int, int], open_end: bool = False
) -> None:
    """Each table's ``pages``: from its first page through every page holding it (its
    header again, a headerless continuation) and the pages after those where no table at
    all was found (a page the extractor missed is still read, and accounted for), up to
    the next page holding another table; and a note of the rows read per page. With
    ``open_end`` (the whole document drafted), a table reaching its last page is read to the
    end of every edition ("3-"): the next one may run longer."""
    starts = [d.source.page for d in drafted]
    for i, table in enumerate(drafted):
        first = table.source.page
        later = [p for p in starts[i + 1 :] if p > first]
        end = table.last_page
        while end < last_page and not per_page.get(end + 1) and (not later or end + 1 < min(later)):
            end += 1
        if open_end and end == last_page and not later:
            # To the document's end: the next edition may run longer (or shorter).
            table.pages = f"{first}-"
        else:
            table.pages = str(first) if end == first else f"{first}-{end}"
        per = "; ".join(f"page {p}: {n}" for p, n in sorted(table.read_pages.items()))
        total = sum(table.read_pages.values())
        table.notes.append(f"rows read on the pages ({total} in all, totals rows included): {per}")


# --- one table ------------------------------------------------------------------------


def _column_header(table: ExtractedTable, title_rows: int) -> list[list[str | None]]:
    """The header rows naming the columns, as the template engine reads them: those below
    the title printed inside the table's frame (``title_rows``)."""
    spans = [(r - title_rows, c0, c1) for r, c0, c1 in table.spans if r >= title_rows]
    return header_cells(table.header[title_rows:], spans)


def _draft_table(
    name: str,
    table: ExtractedTable,
    per_page: dict[int, int],
    headless: bool = False,
    title_rows: int = 0,
) -> DraftTable:
    headers = combine_header(_column_header(table, title_rows))
    names = _column_names([""] * len(headers) if headless else headers)
    body = [[clean_text(c) for c in row] for row in table.rows]
    totals = None
    marked = [i for i, r in enumerate(body) if _total_cell(r) is not None]
    # One such row is the table's total; several are subtotals of groups: kept as data.
    if len(marked) == 1:
        totals = body.pop(marked[0])
    columns = [
        _infer(DraftColumn(names[i], headers[i]), [r[i] if i < len(r) else None for r in body])
        for i in range(len(headers))
    ]
    sums, differing = _stated_sums(columns, body, totals) if totals else ([], {})
    facets = [c.name for i, c in enumerate(columns) if i > 0 and _is_facet(c, [r[i] for r in body])]
    first, last = table.pages[0], table.pages[-1]
    crowded = any(per_page.get(p, 0) > 1 for p in table.pages)
    notes = [
        f"found by the generic extractor on page{'s' if first != last else ''} "
        f"{first if first == last else f'{first}-{last}'} ({table.method}),"
        f" {len(table.rows)} body rows"
    ]
    if title_rows:
        notes.append(
            f"its title is printed inside its frame, above the header: {table.title!r};"
            " not a column name (it may change with each edition), so the header is searched"
            f" for below it (header_search_rows = {title_rows})"
        )
    if headless:
        notes.append(
            "no header printed: the first row is the fingerprint, and loaded as data"
            " (header_is_data; its text cells must match, number and date columns take any"
            " figure); name the columns"
        )
    if crowded:
        # No crop: with the generic finder the tables of a page are already apart, and the
        # header tells which is which (a crop would hide this table's other pages).
        notes.append(
            f"its page holds other tables too: the header picks this one (a crop such as"
            f" {list(_crop(table))} would only be needed with pdfplumber settings)"
        )
    if totals is not None:
        label = totals[_total_cell(totals) or 0]
        notes.append(f"the row {label!r} is a totals row: kept out of the data, for the check")
    elif len(marked) > 1:
        notes.append(
            f"{len(marked)} rows start {body[marked[0]][0]!r}: subtotals, kept as rows (see"
            " subtotal_rows and the subtotals check to set them aside)"
        )
    return DraftTable(
        name=name,
        source=table,
        columns=columns,
        pages=str(first) if first == last else f"{first}-{last}",
        crop=None,
        header_rows=len(table.header) - title_rows,
        totals=totals,
        sums=sums,
        facets=facets,
        notes=notes,
        differing=differing,
        read_pages=_rows_per_page(table),
        headless=headless,
        title_rows=title_rows,
    )


def _total_cell(row: list[str | None]) -> int | None:
    """Index of the cell that makes ``row`` a totals row (the first cell, or any label cell
    before the figures), else None."""
    for i, cell in enumerate(row):
        if cell and TOTALS_TEXT.match(cell):
            return i
        if cell and not re.fullmatch(r"[\d.,\s%()*-]+", cell):
            continue  # another label: the total's label may still follow
        if cell:
            return None  # a figure before any "Total": a data row
    return None


def _column_names(headers: list[str]) -> list[str]:
    names: list[str] = []
    for i, header in enumerate(headers):
        base = snake_case(header) if header.strip() else f"column_{i + 1}"
        candidate, k = base, 1
        while candidate in names:
            k += 1
            candidate = f"{base}_{k}"
        names.append(candidate)
    return names


def _infer(column: DraftColumn, cells: list[str | None]) -> DraftColumn:
    """The column's type: the first of integer, float, date that reads every cell (with the
    template engine's own typing), else text; null markers seen are set aside first."""
    seen = [c for c in cells if c is not None]
    nulls = tuple(sorted({c for c in seen if c in NULL_MARKERS}))
    values = [c for c in seen if c not in nulls]
    if not values:
        column.notes.append("always empty here: typed text")
        column.null_values = nulls
        return column
    for kind, formats in (("integer", ()), ("float", ()), *[("date", (f,)) for f in DATE_FORMATS]):
        spec = ColumnSpec(column.name, column.header, kind, "", formats=formats or ("%m/%d/%Y",))
        if _reads_all(spec, values):
            column.type, column.formats = kind, formats
            break
    column.null_values = nulls if column.type != "text" else ()
    if column.type == "date":
        column.notes.append(f"guessed: every value reads as a date {column.formats[0]!r}")
    elif column.type != "text":
        column.notes.append(f"guessed: every value reads as {column.type}")
    if column.null_values:
        column.notes.append(f"printed {list(column.null_values)} for no value")
    return column


def _reads_all(spec: ColumnSpec, values: list[str]) -> bool:
    try:
        return all(type_value(spec, v) is not None for v in values)
    except ValueError:
        return False


def _typed(column: DraftColumn, text: str | None) -> Any:
    spec = ColumnSpec(
        column.name,
        column.header,
        column.type,
        "",
        formats=column.formats or ("%m/%d/%Y",),
        null_values=column.null_values,
    )
    try:
        return type_value(spec, text)
    except ValueError:
        return None


def _stated_sums(
    columns: list[DraftColumn], body: list[list[str | None]], totals: list[str | None]
) -> tuple[list[str], dict[str, tuple[Any, Any]]]:
    """The numeric columns whose totals-row figure is the sum of the column, and those whose
    figure differs from it (name -> (printed, sum))."""
    matching: list[str] = []
    differing: dict[str, tuple[Any, Any]] = {}
    for i, column in enumerate(columns):
        if column.type not in ("integer", "float") or i >= len(totals):
            continue
        stated = _typed(column, totals[i])
        values = [_typed(column, r[i] if i < len(r) else None) for r in body]
        total = sum(v for v in values if v is not None)
        if stated is None:
            continue
        if abs(stated - total) <= 1e-6 * max(1.0, abs(total)):
            matching.append(column.name)
        else:
            differing[column.name] = (stated, total)
    return matching, differing


def _is_facet(column: DraftColumn, cells: list[str | None]) -> bool:
    values = [c for c in cells if c]
    distinct = set(values)
    return (
        column.type == "text"
        and len(values) >= 2 * FACET_MIN_REPEAT
        and 1 < len(distinct) <= FACET_MAX_VALUES
        and len(values) / len(distinct) >= FACET_MIN_REPEAT
    )


def _crop(table: ExtractedTable) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = table.bbox
    return (round(x0 - 2, 1), round(top - 2, 1), round(x1 + 2, 1), round(bottom + 2, 1))


def _table_name(name: str, table: ExtractedTable, n: int, count: int) -> str:
    base = snake_case(name)
    return base if count == 1 else f"{base}_p{table.page}_t{table.table_index}"


# --- the document -----------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A ``[detect]`` anchor: a page-1 line as printed and the regex written for it, its
    edition's own values (dates, numbers, month and day names) written as patterns."""

    printed: str
    pattern: str
    #: What became a pattern, in the line's order ("date", "number", "month", ...).
    values: tuple[str, ...] = ()


#: Month and weekday names by language (the languages of the reports seen so far): a
#: full name is an edition's value wherever it stands; its first three letters (``Mar``,
#: ``Fri.``) only beside a number, so that ``May``, ``Sun`` or ``out`` in a title stay words.
MONTHS = {
    "English": "january february march april may june july august september october"
    " november december",
    "Spanish": "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre"
    " noviembre diciembre",
    "Portuguese": "janeiro fevereiro março abril maio junho julho agosto setembro outubro"
    " novembro dezembro",
    "French": "janvier février mars avril mai juin juillet août septembre octobre novembre"
    " décembre",
}
WEEKDAYS = {
    "English": "monday tuesday wednesday thursday friday saturday sunday",
    "Spanish": "lunes martes miércoles jueves viernes sábado domingo",
    "Portuguese": "segunda terça quarta quinta sexta sábado domingo",
    "French": "lundi mardi mercredi jeudi vendredi samedi dimanche",
}
#: A page-1 line is an anchor when at least this many letters of it are not an edition's
#: values ("Friday, March 1, 2024" has none: it is not chosen while a line of words exists).
ANCHOR_LETTERS = 4
#: An anchor holds at most this many characters of its line (whole words).
ANCHOR_CHARS = 60
#: The pieces of a printed word: a figure (digits, with grouping or decimal marks, and an
#: ordinal ending), a run of letters, a run of anything else.
_PIECES = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|º|ª)?|[^\W\d_]+|[\W_]+?(?=\d|[^\W\d_]|$)")
#: A word that is a date printed in figures (1/3/2020, 02/29/24, 2024-03-01, 30.01.2016).
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _names_pattern(names: str) -> str:
    prefixes = sorted({n[:3] for n in names.split()})
    return rf"(?i:(?:{'|'.join(prefixes)})\w*\.?)"


def _name_kinds() -> dict[str, tuple[str, str]]:
    """Every month and weekday name (and their unaccented forms) -> (kind, pattern)."""
    table: dict[str, tuple[str, str]] = {}
    for kind, by_language in (("month", MONTHS), ("weekday", WEEKDAYS)):
        for names in by_language.values():
            pattern = _names_pattern(names)
            for name in names.split():
                plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
                table.setdefault(name, (kind, pattern))
                table.setdefault(plain, (kind, pattern))
    return table


_NAMES = _name_kinds()
#: Words that are a value only beside a number (or a day name beside a month name):
#: the first three or four letters of a month or day name, and a time's AM / PM.
_SHORT_NAMES = {
    **{name[:n]: value for name, value in reversed(_NAMES.items()) for n in (4, 3)},
    "am": ("time", r"(?i:[ap]m)"),
    "pm": ("time", r"(?i:[ap]m)"),
}


def detect_anchors(path: Path) -> list[Anchor]:
    """The ``[detect]`` anchors for ``path``: the first ``DETECT_LINES`` page-1 lines with
    letters (its title; upright text, as pdfplumber reads rotated letters in no stable
    order), each line's dates, numbers, years, month and day names written as patterns so
    the same report's next edition matches too. A line of nothing but such values is left
    out (the next line of words further down is taken when no title line has words); only
    anchors that page 1's text (what detection reads) matches are kept."""
    return _anchor_lines(path)[0]


def _anchor_lines(path: Path) -> tuple[list[Anchor], list[Anchor]]:
    """The anchors, and the title lines of nothing but values left out."""
    detected = first_page_text(path) or ""
    anchors = _anchors_of(_upright_lines(path), detected)
    if not anchors[0]:  # a page all of rotated text: its lines as read, as before
        anchors = _anchors_of(detected.splitlines(), detected)
    return anchors


def _anchors_of(lines: list[str], detected: str) -> tuple[list[Anchor], list[Anchor]]:
    seen: set[str] = set()
    worded: list[Anchor] = []
    valued: list[Anchor] = []
    considered = 0
    for line in lines:
        line = " ".join(line.split())
        if len(line) < 4 or sum(ch.isalpha() for ch in line) < 4:
            continue
        if considered >= DETECT_LINES and worded:
            break
        considered += 1
        if len(line) > ANCHOR_CHARS:
            line = line[:ANCHOR_CHARS].rsplit(" ", 1)[0]
        anchor, stable_letters = _anchor(line)
        if anchor.pattern in seen or not re.search(anchor.pattern, detected):
            continue
        seen.add(anchor.pattern)
        (worded if stable_letters >= ANCHOR_LETTERS else valued).append(anchor)
    if not worded:
        return valued[:DETECT_LINES], []
    return worded, valued


def _upright_lines(path: Path) -> list[str]:
    from parsers.reading.furniture import open_pdf

    try:
        with open_pdf(path) as pdf:
            page = pdf.pages[0]
            upright = page.filter(
                lambda o: o.get("object_type") != "char" or bool(o.get("upright"))
            )
            return (upright.extract_text() or "").splitlines()
    except Exception:  # unreadable here: the page text detection reads is used instead
        return []


def line_anchor(line: str) -> Anchor:
    """The anchor for one printed line (a spreadsheet's title cell too): its edition's own
    values written as patterns."""
    return _anchor(" ".join(line.split()))[0]


def _anchor(line: str) -> tuple[Anchor, int]:
    """The anchor for one printed line, and how many of its letters are not values."""
    words = [[m.group() for m in _PIECES.finditer(word)] for word in line.split()]
    kinds = [[_kind(piece) for piece in pieces] for pieces in words]
    _short_names(words, kinds)
    parts: list[str] = []
    values: list[str] = []
    stable = 0
    for i, pieces in enumerate(words):
        is_value = [k is not None for k in kinds[i]]
        if i:
            # Beside a value the spacing may change with the value's width.
            parts.append(r"\s*" if kinds[i - 1][-1] is not None or is_value[0] else r"\s+")
        dated = bool(_DATE.search(words_text := "".join(pieces)))
        for j, piece in enumerate(pieces):
            kind = kinds[i][j]
            if kind is None and j and _absorbed(pieces, kinds[i], j):
                continue  # the dot of "Mar.": the name's pattern takes it
            if (
                j
                and is_value[j] != is_value[j - 1]
                and not (_separator(pieces, is_value, j) or _separator(pieces, is_value, j - 1))
            ):
                # A value and the word it is glued to ("From:2/29/2024") may part.
                parts.append(r"\s*")
            if kind is None:
                parts.append(re.escape(piece))
                stable += sum(ch.isalpha() for ch in piece)
            else:
                parts.append(kind[1])
                dated_figure = dated and kind[0] in ("number", "year")
                values.append("date" if dated_figure else kind[0])
        if not dated and re.fullmatch(r"\(?\d{1,2}/\d{4}\)?", words_text):
            values[-2:] = ["period"]  # 04/2016: a month or week of a year
        elif not dated and re.fullmatch(r"\d{1,2}:\d\d(:\d\d)?", words_text):
            values[-1 - words_text.count(":") :] = ["time"]
    return Anchor(line, "".join(parts), tuple(dict.fromkeys(values))), stable


def _separator(pieces: list[str], is_value: list[bool], j: int) -> bool:
    """A date's or time's own separator ("/" of 2/29/2024, ":" of 11:57): kept glued to the
    figures around it."""
    return 0 < j < len(pieces) - 1 and pieces[j] in "/.-:" and is_value[j - 1] and is_value[j + 1]


def _absorbed(pieces: list[str], kinds: list[tuple[str, str] | None], j: int) -> bool:
    previous = kinds[j - 1]
    return pieces[j] == "." and previous is not None and previous[0] in ("month", "weekday")


def _short_names(words: list[list[str]], kinds: list[list[tuple[str, str] | None]]) -> None:
    """Mark a short month or day name (``Mar``, ``Fri.``, ``THU``) or ``AM``/``PM`` a value
    when it stands beside a number, beside a short name that does (``Fri. Mar 1``), or a
    day name beside a month name (``Tue, May-24-16``); not two month names (``out May``)."""
    flat = [(i, j) for i, pieces in enumerate(words) for j, p in enumerate(pieces)]
    flat = [(i, j) for i, j in flat if any(ch.isalnum() for ch in words[i][j])]
    accepted: set[tuple[int, int]] = set()
    for _ in range(2):
        for n, (i, j) in enumerate(flat):
            short = _SHORT_NAMES.get(words[i][j].lower())
            if kinds[i][j] is not None or short is None:
                continue
            for m in (n - 1, n + 1):
                if not 0 <= m < len(flat):
                    continue
                near_piece = words[flat[m][0]][flat[m][1]]
                near = kinds[flat[m][0]][flat[m][1]]
                if (
                    near_piece[0].isdigit()
                    or flat[m] in accepted
                    or (near is not None and near[0] != short[0] and short[0] != "time")
                ):
                    kinds[i][j] = short
                    accepted.add((i, j))
                    break


def _kind(piece: str) -> tuple[str, str] | None:
    """(what the piece is, its pattern) when it is an edition's value, else None."""
    if piece[0].isdigit():
        if re.fullmatch(r"(19|20)\d\d", piece):
            return ("year", r"\d+")
        if not piece[-1].isdigit():
            return ("number", r"\d+\w*")
        return ("number", r"\d[\d,.]*" if re.search(r"[,.]", piece) else r"\d+")
    return _NAMES.get(piece.lower())


def _page_count(path: Path) -> int:
    from parsers.reading.furniture import open_pdf

    with open_pdf(path) as pdf:
        return len(pdf.pages)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "report"


def _toml(
    path: Path,
    name: str,
    anchors: tuple[list[Anchor], list[Anchor]],
    tables: list[DraftTable],
    skipped: list[str],
) -> str:
    detect, passed_over = anchors
    out = [
        f"# Drafted by `records template draft` from {path.name}: check every guess (comments",
        "# say what was guessed), write the descriptions, then save it in a template folder",
        "# and run `records extract FILE --parser NAME`.",
        f"name = {_str(name)}",
        'version = "0.1"',
        f"description = {_str(f'Tables of {path.name} (drafted; describe the report here).')}",
        "",
        "# page 1 must contain these (regular expressions): its title lines, their dates,",
        "# numbers, month and day names written as patterns so that later editions match",
        "[detect]",
    ]
    out += [
        f"# not an anchor: {_str(a.printed)}, nothing but this edition's values"
        f" ({', '.join(a.values)})"
        for a in passed_over
    ]
    out += [
        "page1 = [",
    ]
    for anchor in detect:
        said = f" ({', '.join(anchor.values)}: any)" if anchor.values else ""
        out += [f"    # printed {_str(anchor.printed)}{said}", f"    {_regex(anchor.pattern)},"]
    out.append("]")
    for skip in skipped:
        out.append(f"# not drafted: {skip}")
    checks: list[str] = []
    for table in tables:
        out += ["", "[[tables]]"]
        out += [f"# {note}" for note in table.notes]
        out += [
            f"name = {_str(table.name)}",
            f"description = {_str('TODO: what one row of this table is.')}",
            'settings = "generic"  # the tables the generic extractor finds',
            f"pages = {_str(table.pages)}",
        ]
        if table.crop:
            out.append(
                f"crop = [{', '.join(str(v) for v in table.crop)}]  # the page holds other tables"
            )
        out += [
            f"header_rows = {table.header_rows}",
            f"header_search_rows = {table.title_rows}"
            + ("  # the title rows above the header" if table.title_rows else ""),
        ]
        if table.headless:
            out.append("header_is_data = true  # no header printed: the first row is data")
        if table.totals is not None:
            at = _total_cell(table.totals) or 0
            pattern = f"^{re.escape(table.totals[at] or '')}$"
            named = _str(table.columns[at].name)
            out.append(f"totals_row = {{ column = {named}, pattern = {_regex(pattern)} }}")
        if table.facets:
            out.append(f"facets = [{', '.join(_str(f) for f in table.facets)}]  # few values")
        for column in table.columns:
            out += ["", "[[tables.columns]]"]
            out += [f"# {note}" for note in column.notes]
            out += [
                f"name = {_str(column.name)}",
                f"header = {_str(column.header)}",
                f"type = {_str(column.type)}",
            ]
            if column.formats:
                out.append(f"formats = [{', '.join(_str(f) for f in column.formats)}]")
            if column.null_values:
                out.append(f"null_values = [{', '.join(_str(v) for v in column.null_values)}]")
            out.append(f"description = {_str(f'TODO: printed as {column.header!r}.')}")
        if table.totals is not None:
            label = table.totals[_total_cell(table.totals) or 0]
            if table.sums:
                checks += [
                    "",
                    "[[checks]]",
                    f"# the {label!r} row states these columns' sums",
                    'kind = "column_sums"',
                    f"table = {_str(table.name)}",
                    f"columns = [{', '.join(_str(c) for c in table.sums)}]",
                ]
            if table.differing:
                # Kept as a warning: rows may be missing from this reading, or the agency's
                # total may cover rows it does not list (then set unlisted or a tolerance).
                differ = ", ".join(
                    f"{c} printed {p}, rows sum to {t}" for c, (p, t) in table.differing.items()
                )
                checks += [
                    "",
                    "[[checks]]",
                    f"# in {path.name} the {label!r} row differs from the rows read: {differ}.",
                    "# Rows may be missing (see the page notes above), or the total covers rows",
                    "# not listed (then: unlisted = true) or is off by a little (tolerance).",
                    'name = "column_sums_differing"',
                    'kind = "column_sums"',
                    f"table = {_str(table.name)}",
                    f"columns = [{', '.join(_str(c) for c in table.differing)}]",
                    'on_fail = "warn"',
                ]
    return "\n".join(out + checks) + "\n"


def _str(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def _regex(pattern: str) -> str:
    """A TOML literal string when it can be one (no escaping of backslashes to read)."""
    if "'" not in pattern and "\n" not in pattern:
        return f"'{pattern}'"
    return _str(pattern)
