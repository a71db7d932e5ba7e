"""Page accounting: on each page, the rows a parse loaded and the table-like lines it left out.

A parse that finds no table on a page, or a template limited to pages 1-2 of a 9-page
report, used to end as a plain ``parsed``. Every parser (templates, the generic extractor,
spreadsheets) now hands its loaded rows to this module, which counts, per page (or sheet),

- the rows loaded, and
- the lines that look like table rows (``TABLE_LIKE_TOKENS`` or more numeric or date
  tokens, aligned with the same tokens of another such line on the page) that fall in no
  loaded row and no table the parser read.

The counts land in ``ParseResult.accounted``. Unaccounted lines become a ``ParseWarning``
on the ``ParseResult`` (``kind = "unaccounted_lines"``) naming the pages and how many
lines; a document that yields no row at all from pages with table-like lines gets
``kind = "no_rows"``. ``db.load`` stores the warnings with the document; the CLI,
``records status`` and Datasette show them. Nothing is dropped to keep the count clean:
the warning is the point.

Entry points:

- ``account_pdf(pdf, result, covered)``: a PDF already open (pdfplumber), the result's rows
  plus the boxes a parser read but did not load as rows (header, totals, skipped rows);
  ``seen=`` hands each page's words to a caller that needs them too (the template engine
  makes the facts' page text from them);
- ``page_lines(page, words, read)`` where a page is read (a page worker), then
  ``account_found(found, result, covered)`` once the rows are known: ``account_pdf``'s
  accounts without reading any page again;
- ``account_lines(pages, result)``: any document given as lines of (position, text) tokens
  per page or sheet, e.g. a spreadsheet's rows with the column index as position;
- ``no_rows_warning(pages)`` / ``is_table_like(tokens)`` for parsers with their own loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from parsers.base import Box, ParseResult, ParseWarning, bbox_text
from parsers.reading.chars import light_chars
from parsers.reading.words import word_boxes

#: How many numeric or date tokens a line needs to look like a table row.
TABLE_LIKE_TOKENS = 2
#: Points within which two tokens' left or right edges count as aligned (PDF lines).
ALIGN_TOLERANCE = 3.0
#: How many example lines a warning quotes.
QUOTED = 2

_NUMBER = re.compile(r"^[-+−(]?[$€£]?(\d{1,3}([,.\s]\d{3})+|\d+)([.,]\d+)?%?\)?[*†‡^¹²³]*$")
#: Dates (03/01/2016, 2016-03-01), times (23:30) and case numbers (23-10-02-279463).
_DATE = re.compile(r"^\d{1,4}([/.:-]\d{1,6})+$")
_PAGE_OF = re.compile(r"\bpage\s+\d+\s+(of|/)\s+\d+\b", re.IGNORECASE)

#: A token of a line: (left, right, text). Spreadsheets give the column index twice.
Token = tuple[float, float, str]
#: A word as (x0, top, x1, bottom, text, ...): ``word_boxes`` adds its characters.
WordBox = tuple[Any, ...]


def is_value_token(text: str) -> bool:
    """A number (thousands separators, decimals, %, footnote marks), a date, a time or a
    case number of digits and dashes."""
    known = _values_seen.get(text)
    if known is not None:
        return known
    stripped = text.strip()
    value = bool(stripped) and bool(_NUMBER.match(stripped) or _DATE.match(stripped))
    if len(_values_seen) >= VALUES_SEEN:
        _values_seen.clear()
    _values_seen[text] = value
    return value


#: Tokens already told apart (a table repeats its dates, counts and names on every page:
#: each is matched once), at most this many kept.
VALUES_SEEN = 20_000
_values_seen: dict[str, bool] = {}


def is_table_like(tokens: Sequence[str]) -> bool:
    """Whether a line's tokens hold several numeric or date values (alignment aside)."""
    return sum(1 for t in tokens if is_value_token(t)) >= TABLE_LIKE_TOKENS


@dataclass(frozen=True)
class Line:
    """One printed line: where it is (top, bottom; a row number for sheets) and its tokens."""

    top: float
    bottom: float
    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(t[2] for t in self.tokens)

    def values(self) -> list[Token]:
        return [t for t in self.tokens if is_value_token(t[2])]


@dataclass(frozen=True)
class PageAccount:
    """One page (or sheet, numbered from 1) of a parse."""

    page: int
    rows: int
    table_like: int
    unaccounted: tuple[str, ...]


def table_like_lines(lines: Sequence[Line], tolerance: float = ALIGN_TOLERANCE) -> list[Line]:
    """The lines with several value tokens (a quarter of their tokens or more),
    ``TABLE_LIKE_TOKENS`` of them aligned (left or right edge) with value tokens of another
    such line: the shape of a table's rows, not of prose that mentions two numbers.
    "Page N of M" footers are never table-like."""
    # Values make a quarter of the line or more: a table row, not a sentence with numbers.
    candidates: list[tuple[Line, list[Token]]] = []
    for ln in lines:
        values = ln.values()
        if len(values) >= TABLE_LIKE_TOKENS and 4 * len(values) >= len(ln.tokens):
            if not _PAGE_OF.search(ln.text):
                candidates.append((ln, values))
    # Value edges in buckets a tolerance wide, so each value is compared with the values
    # near it only (a dense page has thousands of lines: all pairs cost seconds).
    width = max(tolerance, 1e-6)
    buckets: dict[tuple[int, int], list[tuple[float, int]]] = {}
    for index, (_, values) in enumerate(candidates):
        for left, right, _text in values:
            for side, edge in ((0, left), (1, right)):
                buckets.setdefault((side, int(edge // width)), []).append((edge, index))
    kept = []
    for index, (line, values) in enumerate(candidates):
        # A table's row lines up with the row above or below it: try those first.
        if any(
            _aligned(values, candidates[other][1], tolerance, TABLE_LIKE_TOKENS)
            >= TABLE_LIKE_TOKENS
            for other in (index - 1, index + 1)
            if 0 <= other < len(candidates)
        ):
            kept.append(line)
            continue
        # How many of this line's values line up with some value of each other line.
        aligned: dict[int, int] = {}
        for left, right, _text in values:
            others: set[int] = set()
            for side, mine in ((0, left), (1, right)):
                slot = int(mine // width)
                for key in ((side, slot - 1), (side, slot), (side, slot + 1)):
                    for edge, other in buckets.get(key, ()):
                        if other != index and abs(edge - mine) <= tolerance:
                            others.add(other)
            for other in others:
                aligned[other] = aligned.get(other, 0) + 1
        if any(count >= TABLE_LIKE_TOKENS for count in aligned.values()):
            kept.append(line)
    return kept


def _aligned(
    values: Sequence[Token], others: Sequence[Token], tolerance: float, enough: int = 0
) -> int:
    """How many of ``values`` share a left or right edge (within ``tolerance``) with one of
    ``others``; counting stops at ``enough`` when given."""
    count = 0
    for left, right, _text in values:
        for other_left, other_right, _other in others:
            if -tolerance <= left - other_left <= tolerance or (
                -tolerance <= right - other_right <= tolerance
            ):
                count += 1
                break
        if enough and count >= enough:
            break
    return count


def _inside(line: Line, boxes: Sequence[Box], slack: float) -> bool:
    middle = (line.top + line.bottom) / 2
    return any(b[1] - slack <= middle <= b[3] + slack for b in boxes)


def account_page(
    page: int,
    lines: Sequence[Line],
    rows: int,
    boxes: Sequence[Box],
    *,
    aligned: bool = True,
    slack: float = 1.0,
) -> PageAccount:
    """Count one page: ``rows`` loaded, and the table-like lines outside every box in
    ``boxes`` (the loaded rows and whatever else the parser read: header, totals), widened
    by ``slack`` above and below (points; 0 for row numbers)."""
    like = (
        table_like_lines(lines)
        if aligned
        else [ln for ln in lines if is_table_like([t[2] for t in ln.tokens])]
    )
    missed = tuple(ln.text for ln in like if not _inside(ln, boxes, slack))
    return PageAccount(page, rows, len(like), missed)


def _parse_box(text: str | None) -> Box | None:
    if not text:
        return None
    x0, top, x1, bottom = (float(v) for v in text.split(","))
    return (x0, top, x1, bottom)


def words_to_lines(words: Iterable[Mapping[str, Any]], y_tolerance: float = 3.0) -> list[Line]:
    """Words (pdfplumber dicts: x0, x1, top, bottom, text) grouped into lines by ``top``."""
    return box_lines(
        [
            (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]), str(w["text"]))
            for w in words
        ],
        y_tolerance,
    )


def box_lines(words: Sequence[WordBox], y_tolerance: float = 3.0) -> list[Line]:
    """``words_to_lines`` for words given as (x0, top, x1, bottom, text, ...) tuples (what
    ``parsers.reading.words.word_boxes`` gives), without a dict per word."""
    # by top, then x0 (a stable sort by x0, then a stable sort by top: no key tuples)
    ordered = sorted(words, key=_x0)
    ordered.sort(key=_top)
    lines = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and abs(ordered[end][1] - ordered[start][1]) <= y_tolerance:
            continue
        group = sorted(ordered[start:end], key=_x0)
        tokens = tuple([(w[0], w[2], w[4]) for w in group])
        top = min([w[1] for w in group])
        bottom = max([w[3] for w in group])
        lines.append(Line(top, bottom, tokens))
        start = end
    return lines


_top = itemgetter(1)
_x0 = itemgetter(0)


def page_words(page: Any) -> list[dict[str, Any]]:
    """``page.extract_words()``'s words (their box and text) by the fast word path of
    ``parsers.reading.words`` (the same words, without pdfplumber's dict per character)."""
    return [
        {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "text": text}
        for x0, top, x1, bottom, text, _chars in word_boxes(light_chars(page))
    ]


@dataclass(frozen=True)
class PageLines:
    """What accounting needs of one page, taken where the page is read (a parser's page
    worker): how many table-like lines it prints, and those of them outside the boxes the
    worker knows will be read (its tables' boxes); usually none."""

    page: int
    table_like: int
    outside: tuple[Line, ...]


def page_lines(
    page: int, words: Sequence[WordBox], read: Sequence[Box], slack: float = 1.0
) -> PageLines:
    """``PageLines`` of one page of a PDF from its words (``word_boxes(page.chars)``, as
    ``account_pdf`` reads them) and ``read``: boxes sure to be among those the page is
    accounted against (stored as the ``bbox`` column is: to 0.1 point), widened by
    ``slack`` as in ``account_page``."""
    like = table_like_lines(box_lines(words))
    stored = [box for box in (_parse_box(bbox_text(b)) for b in read) if box is not None]
    return PageLines(page, len(like), tuple(ln for ln in like if not _inside(ln, stored, slack)))


def _rows_per_page(
    result: ParseResult, wanted: set[str] | None
) -> tuple[dict[int, int], dict[int, list[Box]]]:
    """Rows of ``result`` (of the ``wanted`` tables) per page, and their boxes per page."""
    per_page: dict[int, list[Box]] = {}
    counts: dict[int, int] = {}
    for row in result.rows:
        if wanted is not None and row.table not in wanted:
            continue
        counts[row.page] = counts.get(row.page, 0) + 1
        box = _parse_box(row.bbox)
        if box is not None:
            per_page.setdefault(row.page, []).append(box)
    return counts, per_page


def account_found(
    found: Iterable[PageLines],
    result: ParseResult,
    covered: Mapping[int, Sequence[Box]] | None = None,
    tables: Iterable[str] | None = None,
    slack: float = 1.0,
) -> list[PageAccount]:
    """``account_pdf`` for pages whose table-like lines were found as they were read
    (``page_lines``): no page is read again. The lines left outside are checked against the
    rows' boxes and ``covered`` as ``account_pdf`` checks every line; the same accounts."""
    counts, per_page = _rows_per_page(result, set(tables) if tables is not None else None)
    accounts = [
        account_lines_found(
            lines,
            counts.get(lines.page, 0),
            [*per_page.get(lines.page, []), *(covered or {}).get(lines.page, [])],
            slack,
        )
        for lines in found
    ]
    add_warnings(result, accounts)
    return accounts


def account_lines_found(
    lines: PageLines, rows: int, boxes: Sequence[Box], slack: float = 1.0
) -> PageAccount:
    """One page's account (``account_found``): ``rows`` loaded from it, ``boxes`` those
    rows' boxes (as stored: ``row_box``) and the boxes read without loading them."""
    missed = tuple(ln.text for ln in lines.outside if not _inside(ln, boxes, slack))
    return PageAccount(lines.page, rows, lines.table_like, missed)


def row_box(bbox: str | None) -> Box | None:
    """A row's stored ``bbox`` as the box accounting checks lines against."""
    return _parse_box(bbox)


def account_pdf(
    pdf: Any,
    result: ParseResult,
    covered: Mapping[int, Sequence[Box]] | None = None,
    tables: Iterable[str] | None = None,
    pages: Iterable[int] | None = None,
    *,
    seen: Callable[[int, list[WordBox]], None] | None = None,
) -> list[PageAccount]:
    """Account every page of an open pdfplumber ``pdf`` for ``result``: rows per page from
    ``result.rows`` (only ``tables`` when given), table-like lines outside the rows' boxes
    and outside ``covered`` (page -> boxes the parser read without loading them as rows);
    only ``pages`` (1-based) when given. Adds the warnings to ``result`` and returns the
    accounts. ``seen(page number, words)`` is given each page's words ((x0, top, x1,
    bottom, text, characters), as ``page.extract_words()``) for a caller that needs them
    too, so a page's words are found once."""
    only = set(pages) if pages is not None else None
    counts, per_page = _rows_per_page(result, set(tables) if tables is not None else None)
    accounts = []
    for number, page in enumerate(pdf.pages, start=1):
        if only is not None and number not in only:
            continue
        boxes = [*per_page.get(number, []), *(covered or {}).get(number, [])]
        words = word_boxes(light_chars(page))
        if seen is not None:
            seen(number, words)
        lines = box_lines(words)
        accounts.append(account_page(number, lines, counts.get(number, 0), boxes))
    add_warnings(result, accounts)
    return accounts


def account_lines(
    pages: Sequence[Sequence[Line]],
    result: ParseResult,
    covered: Mapping[int, Sequence[Box]] | None = None,
    *,
    aligned: bool = True,
    unit: str = "page",
    slack: float = 0.0,
) -> list[PageAccount]:
    """Like ``account_pdf`` for any document given as lines per page (or sheet, ``unit =
    "sheet"``), numbered from 1. A spreadsheet gives one ``Line`` per row (top = bottom =
    its row number, tokens (column, column, text)) and, in ``covered``, boxes spanning the
    row numbers of the tables it read ((0, first_row, 0, last_row)); ``slack`` widens the
    boxes (0: exact row numbers). ``aligned = False`` counts every line with several values
    (a sheet's cells are aligned by construction)."""
    per_page: dict[int, list[Box]] = {}
    counts: dict[int, int] = {}
    for row in result.rows:
        counts[row.page] = counts.get(row.page, 0) + 1
    for number, boxes in (covered or {}).items():
        per_page.setdefault(number, []).extend(boxes)
    accounts = [
        account_page(n, lines, counts.get(n, 0), per_page.get(n, []), aligned=aligned, slack=slack)
        for n, lines in enumerate(pages, start=1)
    ]
    add_warnings(result, accounts, unit=unit)
    return accounts


def page_ranges(pages: Iterable[int]) -> str:
    """[3, 4, 5, 8] -> '3-5, 8'."""
    numbers = sorted(set(pages))
    parts: list[str] = []
    start = prev = None
    for n in numbers:
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(f"{start}-{prev}" if prev != start else f"{start}")
        start = prev = n
    if start is not None:
        parts.append(f"{start}-{prev}" if prev != start else f"{start}")
    return ", ".join(parts)


def unaccounted_warning(accounts: Sequence[PageAccount], unit: str = "page") -> ParseWarning | None:
    """The warning for table-like lines in no table, or None when every one is accounted."""
    missed = [a for a in accounts if a.unaccounted]
    if not missed:
        return None
    total = sum(len(a.unaccounted) for a in missed)
    per = ", ".join(f"{unit} {a.page}: {len(a.unaccounted)}" for a in missed[:10])
    more = f", and {len(missed) - 10} more {unit}s" if len(missed) > 10 else ""
    quoted = "; ".join(repr(t[:80]) for a in missed for t in a.unaccounted[:1])[:400]
    pages = tuple(a.page for a in missed)
    return ParseWarning(
        "unaccounted_lines",
        f"{total} table-like line{'s' if total != 1 else ''} in no table on {unit}"
        f"{'s' if len(pages) > 1 else ''} {page_ranges(pages)} ({per}{more}); e.g. {quoted}",
        pages,
        total,
    )


def no_rows_warning(accounts: Sequence[PageAccount], unit: str = "page") -> ParseWarning | None:
    """ "0 rows from a document with table-like text": the warning, or None when rows were
    loaded or no page holds table-like lines. Spreadsheet and other parsers that load
    nothing call this (``add_warnings`` does) so an empty result is never a plain success."""
    if any(a.rows for a in accounts):
        return None
    like = [a for a in accounts if a.table_like]
    if not like:
        return None
    total = sum(a.table_like for a in like)
    pages = tuple(a.page for a in like)
    return ParseWarning(
        "no_rows",
        f"no rows loaded, but {total} table-like line{'s' if total != 1 else ''} printed on "
        f"{unit}{'s' if len(pages) > 1 else ''} {page_ranges(pages)}",
        pages,
        total,
    )


def add_warnings(result: ParseResult, accounts: Sequence[PageAccount], unit: str = "page") -> None:
    """Put the accounting warnings on ``result`` and the per-page counts in
    ``result.accounted`` (page -> (rows loaded, table-like lines in no table))."""
    for warning in (no_rows_warning(accounts, unit), unaccounted_warning(accounts, unit)):
        if warning is not None and warning not in result.warnings:
            result.warnings.append(warning)
            if warning.kind == "no_rows":
                break  # every table-like line is unaccounted: one warning says it
    result.accounted.update({a.page: (a.rows, len(a.unaccounted)) for a in accounts})
