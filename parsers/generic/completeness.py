"""The completeness invariant: every word printed inside a table's area is in one of its cells.

A table that silently drops words (values in grid positions no drawn cell covers) or
prints a word twice (a cell copied into several rows) cannot be trusted. The check compares
the characters of the words whose centre lies in the table's area with the characters of
its cells, as multisets: cell text is the words' text re-joined, so only spaces, leader dots
and the hyphen of a word rejoined at a line end may differ, and those are left out
(ligatures are compared spelled out).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from parsers.generic.model import BBox, Word

#: Characters left out of the comparison: spaces, leader dots and underscores (dropped from
#: cells on purpose) and hyphens (dropped when a hyphenated word is rejoined).
IGNORED = frozenset(" \t\n.·…_-‐")
#: How many unplaced words a warning names.
WARNING_WORDS = 5


@dataclass
class Completeness:
    """How many words lie in a table's area, and what of their text no cell holds."""

    n_words: int
    #: Characters of those words found in no cell, and cell characters found in no word.
    missing_chars: int
    extra_chars: int
    #: Words whose text is in no cell (named in warnings; empty when nothing is missing).
    missing_words: list[str]

    @property
    def complete(self) -> bool:
        return self.missing_chars == 0 and self.extra_chars == 0

    @property
    def placed_words(self) -> int:
        return self.n_words - len(self.missing_words)

    def warning(self) -> str:
        parts = []
        if self.missing_chars:
            named = ", ".join(repr(w) for w in self.missing_words[:WARNING_WORDS])
            more = len(self.missing_words) - WARNING_WORDS
            if more > 0:
                named += f" and {more} more"
            parts.append(
                f"{len(self.missing_words) or 'some'} of {self.n_words} words inside the"
                f" table's area are in no cell" + (f" ({named})" if named else "")
            )
        if self.extra_chars:
            parts.append(f"cells hold {self.extra_chars} characters printed once (copied text)")
        return "; ".join(parts)


def _key(text: str) -> str:
    # NFKC: a word's text spells a ligature out ("fi") where its glyph keeps it ("ﬁ").
    # (ASCII text is its own NFKC form.)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_DROP)


_DROP = {ord(ch): None for ch in IGNORED}


def words_inside(words: list[Word], bbox: BBox) -> list[Word]:
    x0, top, x1, bottom = bbox
    return [w for w in words if x0 <= w.xmid <= x1 and top <= w.ymid <= bottom]


def check(words: list[Word], rows: list[list[str]]) -> Completeness:
    """Compare the words of a table's area (``words``) with its cells ``rows``."""
    # Characters counted over all the words, and over all the cells, each keyed alone.
    printed = Counter("".join([_key(w.text) for w in words]))
    cells = Counter("".join([_key(cell) for row in rows for cell in row]))
    missing = sum((printed - cells).values())
    extra = sum((cells - printed).values())
    missing_words: list[str] = []
    if missing:
        keys = Counter(_key(cell) for row in rows for cell in row if cell)
        joined = "\x00".join(keys)
        for w in sorted(words, key=lambda w: (w.top, w.x0)):
            key = _key(w.text)
            if key and key not in joined:
                missing_words.append(w.text.strip())
    return Completeness(len(words), missing, extra, missing_words)


def words_reaching_cells(words: list[Word], rows: list[list[str]]) -> int:
    """How many of ``words`` (read independently, e.g. by pdfplumber) reached a cell of
    ``rows``: a word whose text is one of the cells' words, each cell word counted once;
    else one whose text lies inside a cell (split at a ruling, a hyphenated word rejoined,
    "11,062 .6" joined). Sideways text may be read in either direction."""
    tokens: Counter[str] = Counter(
        _key(token) for row in rows for cell in row for token in cell.split()
    )
    joined = "\x00".join(_key(cell) for row in rows for cell in row if cell)
    reached = 0
    for w in words:
        key = _key(w.text)
        if not key:
            reached += 1
            continue
        for k in (key, key[::-1]):
            if tokens[k] > 0:
                tokens[k] -= 1
                reached += 1
                break
        else:
            reached += key in joined or key[::-1] in joined
    return reached
