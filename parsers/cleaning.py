"""Turning the text of a PDF cell into a typed value.

Agency PDFs print values for people, not machines: thousands separators, dates whose
digits were spaced out by the typesetter (``0 3 / 2 5 / 2 0 16``), footnote stars glued
to a word (``(CANCELLED)**``), cells wrapped over several lines. Every function here
takes the raw cell text (or None) and returns the value to store, or raises
``ValueError`` with the offending text so the caller can say which cell was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar

#: Date formats tried when a template names none. US agencies print month first.
DEFAULT_DATE_FORMATS: tuple[str, ...] = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
)

#: Cell texts that mean "no value" in agency tables.
EMPTY_MARKERS: frozenset[str] = frozenset({"", "-", "--", "—", "–", "n/a", "N/A"})

#: Characters agencies use as footnote markers after a value.
FOOTNOTE_CHARS = "*†‡§¹²³"

# Only digits, date punctuation and spaces: safe to squeeze spaces out (a spaced-out date).
_SPACED_NUMERIC = re.compile(r"^[\d\s/.\-]+$")
_MONTH_ABBREVIATION = re.compile(r"\b(Sept)\.?", re.IGNORECASE)
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")

# Figures printed the continental way (Brazil, Colombia, most of Europe): "3.670" is 3670,
# "6,4" is 6.4, "1.234,5" is 1234.5. Only these shapes are read so, never "1,234" alone.
_DOT_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")
_COMMA_DECIMAL = re.compile(r"^[-+]?(\d+|[1-9]\d{0,2}(\.\d{3})+),(\d{1,2}|\d{4,})$")
_CONTINENTAL = re.compile(r"^[-+]?(\d+|[1-9]\d{0,2}(\.\d{3})+)(,\d+)?$")
_PLAIN_INTEGER = re.compile(r"^[-+]?\d+$")
# Figures that can only be printed the English way: "1,234,567", "1,234.5", "0.5", "12.25".
_ENGLISH = re.compile(
    r"^[-+]?\$?(\d{1,3}(,\d{3}){2,}(\.\d+)?|\d{1,3}(,\d{3})+\.\d+|\d*\.(\d{1,2}|\d{4,}))$"
)

_T = TypeVar("_T")

TRUE_WORDS: frozenset[str] = frozenset({"y", "yes", "true", "x", "1", "✓", "✔"})
FALSE_WORDS: frozenset[str] = frozenset({"n", "no", "false", "0", ""})


def clean_text(raw: str | None) -> str | None:
    """Trim, join wrapped lines with a space and collapse runs of whitespace; blank -> None."""
    if raw is None:
        return None
    # str.split() cuts at runs of the characters ``\s`` matches (str.isspace) and drops
    # those at the ends: the runs collapsed to one space, then trimmed.
    text = " ".join(raw.split())
    return text or None


def join_wrapped(parts: Iterable[str | None], joiner: str = " ") -> str | None:
    """Join the pieces of a cell that was wrapped over several lines or rows."""
    pieces = [p for p in (clean_text(part) for part in parts) if p]
    return joiner.join(pieces) if pieces else None


def is_empty(raw: str | None) -> bool:
    text = clean_text(raw)
    return text is None or text in EMPTY_MARKERS


def parse_int(raw: str | None) -> int | None:
    """``3,083`` -> 3083, ``(1,234)`` -> -1234, ``1 234`` -> 1234; blank or dash -> None."""
    if is_empty(raw):
        return None
    text = clean_text(raw) or ""
    negative = text.startswith("(") and text.endswith(")")
    body = text.strip("()").replace(",", "").replace(" ", "").replace("$", "")
    if not re.fullmatch(r"[-+]?\d+", body):
        raise ValueError(f"not a whole number: {raw!r}")
    value = int(body)
    return -value if negative else value


def parse_float(raw: str | None) -> float | None:
    """``1,234.5`` -> 1234.5, ``12.5%`` -> 12.5; blank or dash -> None."""
    if is_empty(raw):
        return None
    text = clean_text(raw) or ""
    negative = text.startswith("(") and text.endswith(")")
    body = text.strip("()").replace(",", "").replace(" ", "").replace("$", "").rstrip("%")
    if not _NUMBER.fullmatch(body):
        raise ValueError(f"not a number: {raw!r}")
    value = float(body)
    return -value if negative else value


def squeeze_spaced(raw: str) -> str:
    """``0 3 / 2 5 / 2 0 16`` -> ``03/25/2016``: drop spaces inside an all-numeric token.

    Only applied when the text is digits and date punctuation, so ``Jan 5, 2017`` keeps
    its spaces.
    """
    if _SPACED_NUMERIC.match(raw):
        return re.sub(r"\s+", "", raw)
    return raw


def parse_date(raw: str | None, formats: Iterable[str] = DEFAULT_DATE_FORMATS) -> str | None:
    """A printed date -> ISO ``YYYY-MM-DD``; blank -> None; unreadable -> ValueError."""
    if raw is None:
        return None
    tried = tuple(formats)
    key = (raw, tried)
    known = _dates_seen.get(key)
    if known is not None:
        return known
    value = _parse_date(raw, tried)
    if value is not None:
        if len(_dates_seen) >= DATES_SEEN:
            _dates_seen.clear()
        _dates_seen[key] = value
    return value


#: Dates already read, by printed text and formats (a report repeats its dates on every
#: page: each is read once), at most this many kept.
DATES_SEEN = 20_000
_dates_seen: dict[tuple[str, tuple[str, ...]], str] = {}


def _parse_date(raw: str, tried: tuple[str, ...]) -> str | None:
    """``parse_date`` without the dates already read."""
    if is_empty(raw):
        return None
    text = squeeze_spaced(clean_text(raw) or "")
    # "Sept." is not a strptime abbreviation; "Jan." is handled by the "%b." formats.
    text = _MONTH_ABBREVIATION.sub("Sep", text)
    for fmt in tried:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    # Month names with a period ("Feb. 3, 2017") under formats written without one.
    undotted = re.sub(r"^([A-Za-z]{3})\.", r"\1", text)
    if undotted != text:
        for fmt in tried:
            try:
                return datetime.strptime(undotted, fmt).date().isoformat()
            except ValueError:
                continue
    raise ValueError(f"not a date in formats {', '.join(tried)}: {raw!r}")


def parse_bool(
    raw: str | None,
    true_values: Iterable[str] = TRUE_WORDS,
    false_values: Iterable[str] = FALSE_WORDS,
) -> bool | None:
    """A flag cell -> True/False; text that is neither -> ValueError."""
    text = (clean_text(raw) or "").lower()
    if text in {v.lower() for v in true_values}:
        return True
    if text in {v.lower() for v in false_values}:
        return False
    raise ValueError(f"not a yes/no flag: {raw!r}")


def split_footnote(raw: str | None, chars: str = FOOTNOTE_CHARS) -> tuple[str | None, str | None]:
    """``(CANCELLED)**`` -> (``(CANCELLED)``, ``**``): the value and its trailing marker."""
    text = clean_text(raw)
    if text is None:
        return None, None
    stripped = text.rstrip(chars).rstrip()
    marker = text[len(stripped) :].strip() or None
    return (stripped or None), marker


def iso(day: date | str) -> str:
    """A date or ISO string -> ISO string (for callers that accept either)."""
    return day.isoformat() if isinstance(day, date) else date.fromisoformat(day).isoformat()


def continental_columns(rows: Iterable[Iterable[object]]) -> set[int]:
    """Columns of a table whose figures are printed with '.' between thousands and ','
    before decimals: a column with a decimal comma ("6,4"), or with "3.670" among plain
    integers ("104", "1159": the separator printed only in the largest row). None when any
    cell of the table can only be an English figure ("0.5", "1,234.5")."""
    tally = ContinentalTally()
    for row in rows:
        for c, value in enumerate(row):
            tally.add(c, value)
            if tally.english:
                return set()
    return tally.columns()


class ContinentalTally:
    """``continental_columns`` of a table whose cells come one at a time: ``add`` each
    (column, value), ``columns()`` at the end; the same answer."""

    def __init__(self) -> None:
        self.english = False
        self.continental: set[int] = set()
        self.integers: set[int] = set()
        self.thousands: set[int] = set()

    def add(self, c: int, value: object) -> None:
        if self.english or not isinstance(value, str) or not value or not value[-1].isdigit():
            return
        if _ENGLISH.match(value):
            self.english = True
        elif _COMMA_DECIMAL.match(value):
            self.continental.add(c)
        elif _DOT_THOUSANDS.match(value):
            self.thousands.add(c)
        elif _PLAIN_INTEGER.match(value):
            self.integers.add(c)

    def columns(self) -> set[int]:
        if self.english:
            return set()
        return self.continental | (self.thousands & self.integers)


def from_continental(value: _T) -> _T | str:
    """A continental figure ("3.670", "6,4") as the same figure printed plainly ("3670",
    "6.4"); any other value unchanged."""
    if isinstance(value, str) and _CONTINENTAL.match(value):
        return value.replace(".", "").replace(",", ".")
    return value
