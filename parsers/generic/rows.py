"""Text lines of a page and the runs of lines that look like an unruled table.

A line is split into segments at wide gaps; a line with two or more segments is
"tabular". Tables are runs of tabular lines (with short single-segment lines in between,
such as group labels or wrapped cells), cut at wide single-segment lines (titles, prose,
notes) and at large vertical gaps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from parsers.generic.cell_text import drop_leaders, group_lines
from parsers.generic.model import Word

#: A gap wider than this many text heights separates two segments of a line.
SEGMENT_GAP_EMS = 0.9
#: A vertical gap larger than this many text heights ends a table.
BLOCK_GAP_EMS = 2.6
#: A single-segment line wider than this share of the page's text width is prose or a title.
PROSE_LINE_SHARE = 0.55
#: A single-segment line at least this share of the table's width above it is a title.
TITLE_SHARE = 0.5
#: Fewest tabular lines a whitespace table needs.
MIN_TABULAR_LINES = 2
#: A line set this many times larger than the page's text is a title (cover pages,
#: headings); a line mixing sizes this far apart is layout (a logo beside a title), not a
#: table row. Both end a table.
DISPLAY_SIZE_RATIO = 1.6
MIN_SIZED_CHARS = 3

#: A header of at most this many lines, this many text heights above the figures at most,
#: is joined to them across a gap wider than BLOCK_GAP_EMS.
HEADER_MAX_LINES = 4
HEADER_GAP_EMS = 5.0
#: A sub-heading this many text heights below a table, over figures in the same columns,
#: starts a section of the same table (key figures grouped under headings).
SECTION_GAP_EMS = 5.0
YEAR_RE = re.compile(r"^(?:19|20)\d\d[*a-z]?$")

#: Numbers, amounts, percentages and dates, with an optional footnote mark.
#: A note under a table starts with a footnote mark ("*", "**", "a", "†") or a label
#: ("Source:", "Notes:") and goes on in words.
NOTE_MARK_RE = re.compile(r"^(?:\*{1,3}\S*|[a-z]|\(?[a-z]\)|[†‡§¶])$")
NOTE_LABEL_RE = re.compile(r"^(?:sources?|notes?)[:.]", re.IGNORECASE)
#: ...with at least this many words (and more words than figures) after a letter mark
#: (a row "a  12  13" is data).
NOTE_MIN_WORDS = 3
NUMERIC_RE = re.compile(r"^[\(\[]?[-–+$€£]?\s?\d[\d.,/:\-]*\s?%?[\)\]]?[*a-z†‡]{0,2}$")


def is_numeric(text: str) -> bool:
    return bool(NUMERIC_RE.match(text.strip()))


@dataclass
class TextLine:
    words: list[Word]
    segments: list[list[Word]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def tabular(self) -> bool:
        return len(self.segments) >= 2

    @property
    def size(self) -> float:
        return median(w.height for w in self.words)

    def mixes_sizes(self) -> bool:
        # Footnote marks set apart ("3,210 b") are small on purpose: only segments of a
        # few characters or more count.
        sizes = [
            median(w.height for w in seg)
            for seg in self.segments
            if sum(len(w.text.strip()) for w in seg) >= MIN_SIZED_CHARS
        ]
        return len(sizes) > 1 and max(sizes) > DISPLAY_SIZE_RATIO * min(sizes)

    @property
    def numeric(self) -> bool:
        """True when the line carries at least one number apart from its first word."""
        return any(is_numeric(w.text) for w in self.words[1:])


def text_height(words: list[Word]) -> float:
    return median(w.height for w in words) if words else 10.0


def split_segments(words: list[Word], gap: float) -> list[list[Word]]:
    segments: list[list[Word]] = [[words[0]]]
    for prev, w in zip(words, words[1:], strict=False):
        if w.x0 - prev.x1 > gap:
            segments.append([w])
        else:
            segments[-1].append(w)
    return segments


def text_lines(words: list[Word], em: float) -> list[TextLine]:
    lines = []
    for line_words in group_lines(words):
        line_words = drop_leaders(line_words)
        if not line_words:
            continue
        line = TextLine(line_words)
        line.segments = split_segments(line_words, SEGMENT_GAP_EMS * em)
        lines.append(line)
    return lines


def table_blocks(lines: list[TextLine], em: float) -> list[list[TextLine]]:
    """Runs of lines that may form a table, titles and notes around them removed."""
    if not lines:
        return []
    page_x0 = min(line.x0 for line in lines)
    page_x1 = max(line.x1 for line in lines)
    prose_width = PROSE_LINE_SHARE * (page_x1 - page_x0)
    runs: list[list[TextLine]] = []
    current: list[TextLine] = []
    #: Whether each run ended at a vertical gap (not at a title or prose line).
    at_gap: list[bool] = []
    #: The middle of the title or prose line just above, while the lines run on under it.
    axis: float | None = None
    previous: TextLine | None = None
    for line in lines:
        breaks = (
            (not line.tabular and line.x1 - line.x0 > prose_width)
            or line.size > DISPLAY_SIZE_RATIO * em
            or line.mixes_sizes()
        )
        # A line in one piece right under a title and centred on its axis is the title's
        # next line ("(as of March 4, 2024)"), however short: not a header part.
        breaks = breaks or (
            axis is not None
            and previous is not None
            and len(line.segments) == 1
            and line.top - previous.bottom <= BLOCK_GAP_EMS * em
            and abs((line.x0 + line.x1) / 2 - axis) <= em
        )
        axis = (line.x0 + line.x1) / 2 if breaks else None
        previous = line
        if current and (line.top - current[-1].bottom > BLOCK_GAP_EMS * em or breaks):
            runs.append(current)
            at_gap.append(not breaks)
            current = []
        if not breaks:
            current.append(line)
    if current:
        runs.append(current)
        at_gap.append(False)
    runs = _headers_joined(runs, at_gap, em)
    blocks = []
    for run in runs:
        blocks.extend(_trim(run))
    return [b for b in blocks if sum(1 for line in b if line.tabular) >= MIN_TABULAR_LINES]


def _is_header_run(run: list[TextLine]) -> bool:
    """A few lines of column headings: no figures but years, at least one line of several
    headings."""
    if len(run) > HEADER_MAX_LINES or not any(line.tabular for line in run):
        return False
    return all(
        not is_numeric(w.text) or YEAR_RE.match(w.text.strip()) for line in run for w in line.words
    )


def _headers_joined(runs: list[list[TextLine]], at_gap: list[bool], em: float) -> list[Any]:
    """A run of column headings set apart from the figures below by a wider gap than the
    rows (a statement's two-level header) belongs to them: joined, so that the table
    keeps its header and its columns their names. So does a section under a sub-heading
    set apart from the table above it (``_next_section``)."""
    out: list[list[TextLine]] = []
    for i, run in enumerate(runs):
        if out and at_gap[i - 1] and _is_header_run(out[-1]):
            head = out[-1]
            below = sum(1 for line in run if line.numeric)
            near = run[0].top - head[-1].bottom <= HEADER_GAP_EMS * em
            x0 = min(line.x0 for line in run)
            x1 = max(line.x1 for line in run)
            inside = all(x0 - em <= line.x0 and line.x1 <= x1 + em for line in head)
            if near and inside and below >= MIN_TABULAR_LINES:
                out[-1] = head + run
                continue
        if out and at_gap[i - 1] and _next_section(out[-1], run, em):
            out[-1] = out[-1] + run
            continue
        out.append(run)
    return out


def _last_ends(run: list[TextLine]) -> list[float]:
    return sorted(line.segments[-1][-1].x1 for line in run if line.tabular)


def _next_section(above: list[TextLine], run: list[TextLine], em: float) -> bool:
    """Whether ``run`` continues the table ``above`` after a sub-heading: it starts with a
    single heading at the table's left edge right over a line of figures, within
    SECTION_GAP_EMS of it, and its figures end where those above end (same columns)."""
    if len(run) < 2 or run[0].tabular or not run[1].numeric:
        return False
    if run[0].top - above[-1].bottom > SECTION_GAP_EMS * em:
        return False
    left = min(line.x0 for line in above)
    if abs(run[0].x0 - left) > em:
        return False
    ends_above, ends = _last_ends(above), _last_ends(run)
    if not ends_above or not ends:
        return False
    return abs(median(ends_above) - median(ends)) <= em and (
        max(len(line.segments) for line in run) == max(len(line.segments) for line in above)
    )


def _trim(run: list[TextLine]) -> list[list[TextLine]]:
    """Drop title lines above and note lines below the tabular lines of a run."""
    tabular = [i for i, line in enumerate(run) if line.tabular]
    if not tabular:
        return []
    first, last = tabular[0], tabular[-1]
    left = min(run[i].x0 for i in tabular)
    width = max(run[i].x1 for i in tabular) - left
    first_column_end = max(max(w.x1 for w in run[i].segments[0]) for i in tabular)
    em = median(w.height for i in tabular for w in run[i].words)
    # Notes under a table of figures are not its rows, however their mark and text line
    # up with its columns ("*  Significantly different ...", "Source: ...").
    while last > first and _is_note(run[last]):
        last -= 1
        while last > first and not run[last].tabular:
            last -= 1
    if last == first or not run[last].numeric:
        last = tabular[-1]
    start = first
    # Keep short lines just above the first tabular line (stacked header parts) unless one
    # of them is a title: as wide as half the table, or starting at its left edge and
    # running past its first column. Everything above a title goes too.
    for i in range(first - 1, -1, -1):
        line = run[i]
        if line.x1 - line.x0 >= TITLE_SHARE * width:
            break
        if line.x0 <= left + em and line.x1 > first_column_end + em / 2:
            break
        start = i
    return [run[start : last + 1]]


def _is_note(line: TextLine) -> bool:
    """A footnote or source line: a mark then words (a star mark alone will do), or a
    "Source:"/"Note:" label."""
    words = [w.text.strip() for w in line.words]
    if NOTE_LABEL_RE.match(words[0]):
        return True
    if not NOTE_MARK_RE.match(words[0]):
        return False
    rest = words[1:]
    if words[0].startswith("*"):
        return True
    figures = sum(1 for w in rest if is_numeric(w))
    return len(rest) - figures >= max(NOTE_MIN_WORDS, figures + 1)
