"""The ICDAR-2013 table competition's structure measure: adjacency relations.

Every non-empty cell is related to its nearest non-empty neighbour to the right (same row)
and below (same column). Two tables are compared as multisets of (text, text, direction)
relations, with cell text normalised (case folded, whitespace, punctuation and camelot's
``<s>`` superscript tags removed), so that line breaks inside a cell and leader dots do not
count, only which text sits next to which.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_TAG_RE = re.compile(r"</?s>")
_NOT_WORD_RE = re.compile(r"[\W_]+")

Relations = Counter[tuple[str, str, str]]


def normalise(text: str | None) -> str:
    if not text:
        return ""
    return _NOT_WORD_RE.sub("", _TAG_RE.sub("", text)).casefold()


def relations(grid: Sequence[Sequence[str | None]]) -> Relations:
    cells = [[normalise(c) for c in row] for row in grid]
    found: Relations = Counter()
    for row in cells:
        filled = [c for c in row if c]
        for a, b in zip(filled, filled[1:], strict=False):
            found[(a, b, "h")] += 1
    width = max((len(row) for row in cells), default=0)
    for col in range(width):
        filled = [row[col] for row in cells if col < len(row) and row[col]]
        for a, b in zip(filled, filled[1:], strict=False):
            found[(a, b, "v")] += 1
    return found


@dataclass
class Score:
    correct: int = 0
    expected: int = 0
    found: int = 0

    def add(self, other: Score) -> None:
        self.correct += other.correct
        self.expected += other.expected
        self.found += other.found

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_table(expected: Relations, candidates: list[Relations]) -> Score:
    """Score one ground-truth table against the candidate table that shares most relations
    with it (ICDAR-2013 scores structure per matched table). ``candidates`` come most
    overlapping first: when none shares a relation, the first one's relations all count
    as wrong; with no candidate at all, nothing was found."""
    total = sum(expected.values())
    if not candidates:
        return Score(0, total, 0)
    best = Score(0, total, sum(candidates[0].values()))
    for found in candidates:
        correct = sum((expected & found).values())
        if correct > best.correct:
            best = Score(correct, total, sum(found.values()))
    return best
