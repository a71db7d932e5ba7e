"""Rules typed as characters: lines of "-----" (or "_____", "=====") in fixed-width text
reports, printed under the column headers of database listings.

Such a line is a ruling, never a row of cells. Where it underlines a header line, its
runs of dashes give the columns' extents exactly; a listing whose header is two or more
underlined lines prints each record over that many lines (the San Jose police firearm
report: "TYPE ITEM MAKE ..." over "SERIAL NUMBER REPORT/TAG NUMBER ..."), and each record
becomes one row with the columns of all its header lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.generic.cell_text import group_lines, join_line
from parsers.generic.model import PageTable, Word

#: Characters a typed rule is made of, and the fewest in one run.
RULE_CHARS = frozenset("-_=")
MIN_RULE_CHARS = 3
#: A rule underlines the text line whose bottom is within this many text heights above it.
UNDERLINE_GAP_EMS = 0.6
#: A vertical gap larger than this many text heights ends the listing below a header.
LISTING_GAP_EMS = 2.6
#: A word may start this many text heights left of its column's rule.
START_TOLERANCE_EMS = 0.5


@dataclass
class TextRule:
    """One line of typed rules: its vertical extent and each run's (x0, x1)."""

    top: float
    bottom: float
    runs: list[tuple[float, float]]


def is_rule_word(word: Word) -> bool:
    text = word.text.strip()
    return len(text) >= MIN_RULE_CHARS and set(text) <= RULE_CHARS


def split_text_rules(words: list[Word]) -> tuple[list[Word], list[TextRule]]:
    """``words`` without the lines made only of typed rules, and those lines as rules. A
    rule-like word on a line with other text ("____" as a flags value) stays a word."""
    kept: list[Word] = []
    rules: list[TextRule] = []
    for line in group_lines(words):
        if all(is_rule_word(w) for w in line):
            rules.append(
                TextRule(
                    top=min(w.top for w in line),
                    bottom=max(w.bottom for w in line),
                    runs=[(w.x0, w.x1) for w in line],
                )
            )
        else:
            kept.extend(line)
    return kept, rules


def _column(word: Word, runs: list[tuple[float, float]], em: float) -> int:
    """The run a fixed-width field starts in: the last one starting at or left of the word
    (text may overflow its rule to the right, never to the left)."""
    index = 0
    for i, (x0, _) in enumerate(runs):
        if word.x0 >= x0 - START_TOLERANCE_EMS * em:
            index = i
    return index


def _cells(line: list[Word], runs: list[tuple[float, float]], em: float) -> list[str]:
    parts: list[list[Word]] = [[] for _ in runs]
    for w in line:
        parts[_column(w, runs, em)].append(w)
    # Printed as typed: a field of underscores ("____" flags) is a value, not leader dots.
    return [" ".join(join_line(p).split()) for p in parts]


def _underlined(lines: list[list[Word]], rule: TextRule, em: float) -> int | None:
    """Index of the text line ``rule`` underlines, if it underlines one."""
    for i in range(len(lines) - 1, -1, -1):
        bottom = max(w.bottom for w in lines[i])
        if bottom <= (rule.top + rule.bottom) / 2:
            if rule.top - bottom <= UNDERLINE_GAP_EMS * em:
                return i
            return None
    return None


def find_underlined_listings(
    words: list[Word], rules: list[TextRule], page: int, em: float
) -> tuple[list[PageTable], list[Word]]:
    """Listings headed by underlined lines among ``words``, and the words left over."""
    lines = group_lines(words)
    headed: list[tuple[int, TextRule]] = []
    for rule in rules:
        if len(rule.runs) < 2:
            continue
        i = _underlined(lines, rule, em)
        if i is not None:
            headed.append((i, rule))
    # Stacks of header lines, each directly followed by the next one's line.
    stacks: list[list[tuple[int, TextRule]]] = []
    for i, rule in headed:
        if stacks and stacks[-1][-1][0] == i - 1:
            stacks[-1].append((i, rule))
        else:
            stacks.append([(i, rule)])
    tables: list[PageTable] = []
    used: set[int] = set()
    for stack in stacks:
        table = _listing(lines, stack, page, em, used)
        if table is not None:
            tables.append(table)
    rest = [w for i, line in enumerate(lines) if i not in used for w in line]
    return tables, rest


def _listing(
    lines: list[list[Word]],
    stack: list[tuple[int, TextRule]],
    page: int,
    em: float,
    used: set[int],
) -> PageTable | None:
    k = len(stack)
    last_rule = stack[-1][1]
    body: list[int] = []
    prev_bottom = last_rule.bottom
    for i in range(stack[-1][0] + 1, len(lines)):
        if i in used:
            break
        top = min(w.top for w in lines[i])
        if top - prev_bottom > LISTING_GAP_EMS * em:
            break
        body.append(i)
        prev_bottom = max(w.bottom for w in lines[i])
    n_records = len(body) // k
    if n_records < 1:
        return None
    runs = [rule.runs for _, rule in stack]
    header = [
        cell
        for (i, _), line_runs in zip(stack, runs, strict=True)
        for cell in _cells(lines[i], line_runs, em)
    ]
    rows = [header]
    record_words: list[list[Word]] = [[w for i, _ in stack for w in lines[i]]]
    for r in range(n_records):
        record = body[r * k : (r + 1) * k]
        rows.append([cell for j, i in enumerate(record) for cell in _cells(lines[i], runs[j], em)])
        record_words.append([w for i in record for w in lines[i]])
    taken = [i for i, _ in stack] + body[: n_records * k]
    used.update(taken)
    all_words = [w for i in taken for w in lines[i]]
    x0 = min(min(r[0] for r in runs[0]), min(w.x0 for w in all_words))
    x1 = max(max(r[1] for rr in runs for r in rr), max(w.x1 for w in all_words))
    top = min(w.top for w in lines[stack[0][0]])
    bottom = max(w.bottom for w in all_words)
    # Column edges of the first header line's rules (the record's first printed line),
    # then those of the lines below, so a continuation on the next page is recognised.
    edges = [x for rr in runs for x in [r[0] for r in rr]] + [runs[-1][-1][1]]
    return PageTable(
        page=page,
        bbox=(x0, top, x1, bottom),
        rows=rows,
        n_header_rows=1,
        col_edges=edges,
        method="text-ruled",
        # Each record's lines, across the listing.
        row_boxes=[
            (x0, min(w.top for w in ws), x1, max(w.bottom for w in ws)) for ws in record_words
        ],
    )
