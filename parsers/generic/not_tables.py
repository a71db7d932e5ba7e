"""Text that lines up like a table but is not one: running heads and feet, tables of
contents, chart labels and line-numbered pages (transcripts, pleadings).

Decisions (see bench/README.md, "Generic extraction"):
- A running head or foot is page furniture; it never belongs to a table below or above it.
- A table of contents (entries and page numbers, with or without leader dots) is navigation,
  not data: its only figures are page numbers pointing into the document itself.
- The tick labels and category names of a chart line up in rows and columns but hold no
  data beyond what the drawing shows; a row of evenly spaced axis ticks from 0 gives it away.
- A page with printed line numbers is running text, however well its numbers line up.
- A bulleted or numbered list (marker, then the item's text) is text, not a 2-column table.
- Lines of labelled values that are not figures ("Voice: (202) 512-6000", "Fax: ...") are
  an address block or a record set in text, not a table: each line names its own value.
  Labelled figures ("Population: 1,234") are key figures and stay a table.
"""

from __future__ import annotations

import re
from typing import Any

from parsers.generic.model import Word
from parsers.generic.rows import TextLine, is_numeric

#: A running head (foot) lies within this share of the page height from its top (bottom)...
MARGIN_ZONE = 0.12
#: ...and is set apart from the text by a gap of this many text heights or by a rule
#: spanning at least MARGIN_RULE_SHARE of the page width.
MARGIN_GAP_EMS = 1.5
MARGIN_RULE_SHARE = 0.5
#: How many lines at each end of a page may form the running head or foot.
MAX_MARGIN_LINES = 2

#: Page numbers of a table of contents: small integers or lower-case roman numerals.
_PAGE_REF_RE = re.compile(r"^(\d{1,4}|[ivxlc]{1,6})$")
_PAGE_HEADING_RE = re.compile(r"^(page|pages|pg\.?)$", re.IGNORECASE)
#: Most entries of a table of contents end with a page number...
TOC_PAGE_REF_SHARE = 0.6
MIN_TOC_ENTRIES = 2
#: ...that rarely goes back (a new list, such as "Figures", starts again).
TOC_MAX_DESCENTS_SHARE = 0.25
#: An entry is one text cell; a long title cut in two at a wide word gap is rare.
TOC_SPLIT_ENTRY_SHARE = 0.2

#: Fewest evenly spaced tick labels that make a chart axis.
MIN_AXIS_TICKS = 4

#: List markers: bullets and dashes, "1." "2)" "(3)", "a." "(b)", "iv.".
_LIST_MARKER_RE = re.compile(
    r"^(?:[-–—•·▪■●○◦*o>]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,5}[.)]|\(\d{1,2}\))$"
)
#: A list has this many items at least, and most of its rows start one.
MIN_LIST_ITEMS = 2
LIST_MARKER_SHARE = 0.5

#: Fewest "Label: value" lines that make an address block or a record set in text.
MIN_LABELLED_LINES = 2

#: Share of the rows whose first cell counts lines (1, 2, 3, ...) on a line-numbered page.
LINE_NUMBER_SHARE = 0.7
MIN_NUMBERED_LINES = 5
#: Beside its line numbers, a line-numbered page has fewer figures than this share of cells.
LINE_NUMBERED_FIGURES_SHARE = 0.15


def _gap_is_marked(
    upper: TextLine, lower: TextLine, rules: list[tuple[float, float, float]], em: float
) -> bool:
    if lower.top - upper.bottom >= MARGIN_GAP_EMS * em:
        return True
    return any(upper.bottom - 1 <= y <= lower.top + 1 for y, _, _ in rules)


def running_lines(
    lines: list[TextLine], edges: list[dict[str, Any]], em: float, width: float, height: float
) -> list[TextLine]:
    """The running head and foot lines of a page: at most MAX_MARGIN_LINES at the top
    (bottom) within the margin zone, set apart from the rest by a gap or a wide rule."""
    if len(lines) < 3:
        return []
    rules = [
        (e["top"], e["x0"], e["x1"])
        for e in edges
        if e["orientation"] == "h" and e["x1"] - e["x0"] >= MARGIN_RULE_SHARE * width
    ]
    found: list[TextLine] = []
    for n in range(1, MAX_MARGIN_LINES + 1):
        if lines[n - 1].bottom > MARGIN_ZONE * height:
            break
        if _gap_is_marked(lines[n - 1], lines[n], rules, em):
            found.extend(lines[:n])
            break
    for n in range(1, MAX_MARGIN_LINES + 1):
        if lines[-n].top < (1 - MARGIN_ZONE) * height:
            break
        if _gap_is_marked(lines[-n - 1], lines[-n], rules, em):
            found.extend(lines[-n:])
            break
    return found


def without_running_lines(
    words: list[Word],
    lines: list[TextLine],
    edges: list[dict[str, Any]],
    em: float,
    width: float,
    height: float,
) -> list[Word]:
    drop = {id(w) for line in running_lines(lines, edges, em, width, height) for w in line.words}
    if not drop:
        return words
    return [w for w in words if id(w) not in drop]


def _value(text: str) -> float | None:
    cleaned = re.sub(r"[,$%\s]", "", text)
    try:
        return float(cleaned)
    except ValueError:
        return None


def is_table_of_contents(rows: list[list[str]]) -> bool:
    """Entries of one text cell each (indented by level), the last column holding page
    numbers that mostly go up, and no other figures. A table whose last column is headed
    by anything but "Page" is data, however its numbers run."""
    filled = [row for row in rows if any(row)]
    refs: list[int] = []
    multi = 0
    for i, row in enumerate(filled):
        last = row[-1].strip()
        entry = [cell for cell in row[:-1] if cell]
        if any(is_numeric(cell) for cell in entry):
            return False
        multi += len(entry) > 1
        if not last or not entry:
            continue
        if not _PAGE_REF_RE.match(last):
            if i == 0 and _PAGE_HEADING_RE.match(last):
                continue
            return False
        refs.append(int(last) if last.isdigit() else 0)
    if len(refs) < max(MIN_TOC_ENTRIES, TOC_PAGE_REF_SHARE * len(filled)):
        return False
    if multi > TOC_SPLIT_ENTRY_SHARE * len(filled):
        return False
    arabic = [r for r in refs if r]
    descents = sum(1 for a, b in zip(arabic, arabic[1:], strict=False) if b < a)
    return descents <= max(1, TOC_MAX_DESCENTS_SHARE * (len(arabic) - 1))


def _is_axis(values: list[float]) -> bool:
    """At least MIN_AXIS_TICKS values from 0 with one constant positive step."""
    if len(values) < MIN_AXIS_TICKS or values[0] != 0:
        return False
    step = values[1] - values[0]
    return step > 0 and all(
        abs((b - a) - step) <= 1e-9 * step for a, b in zip(values, values[1:], strict=False)
    )


def is_chart(lines: list[TextLine]) -> bool:
    """Labels of a chart: a line whose words are evenly spaced tick values starting at 0
    (the value axis), however the columns around it were cut."""
    for line in lines:
        values = [_value(w.text) for w in line.words]
        run: list[float] = []
        for v in values:
            if v is None:
                run = []
                continue
            if v == 0:
                run = [v]
            elif run:
                run.append(v)
            if _is_axis(run):
                return True
    return False


def is_line_numbered(rows: list[list[str]]) -> bool:
    """A page of running text with line numbers in the margin (1, 2, 3, ...)."""
    numbers: list[int] = []
    other: list[str] = []
    for row in rows:
        cells = [cell for cell in row if cell]
        if not cells:
            continue
        first = cells[0].strip()
        if first.isdigit() and row.index(cells[0]) == 0:
            numbers.append(int(first))
            other.extend(cells[1:])
        else:
            other.extend(cells)
    if len(numbers) < max(MIN_NUMBERED_LINES, LINE_NUMBER_SHARE * len(rows)):
        return False
    consecutive = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b == a + 1)
    if consecutive < LINE_NUMBER_SHARE * (len(numbers) - 1):
        return False
    figures = sum(1 for cell in other if is_numeric(cell))
    return figures < LINE_NUMBERED_FIGURES_SHARE * max(1, len(other))


def is_list(rows: list[list[str]]) -> bool:
    """A bulleted or numbered list: a marker ("-", "1.", "(a)") then the item's text, its
    wrapped lines under the text, nothing else; no figures in the items."""
    markers = 0
    for row in rows:
        if any(row[2:]) or (row[1:2] and is_numeric(row[1])):
            return False
        first = row[0].strip()
        if _LIST_MARKER_RE.match(first):
            markers += 1
        elif first:
            return False
    return markers >= MIN_LIST_ITEMS and markers >= LIST_MARKER_SHARE * len(rows)


def is_labelled_values(rows: list[list[str]]) -> bool:
    """Every line with several cells is labels ending in ":" before one value that is no
    figure, and such lines are most of the block (an address above them may run in one
    cell)."""
    labelled = 0
    single = 0
    for row in rows:
        cells = [cell.strip() for cell in row if cell.strip()]
        if len(cells) < 2:
            single += bool(cells)
            continue
        value = cells[-1]
        if not all(cell.endswith(":") for cell in cells[:-1]) or value.endswith(":"):
            return False
        if is_numeric(value):
            return False
        labelled += 1
    return labelled >= MIN_LABELLED_LINES and single <= labelled


def not_a_table(rows: list[list[str]]) -> bool:
    return (
        is_table_of_contents(rows)
        or is_line_numbered(rows)
        or is_list(rows)
        or is_labelled_values(rows)
    )
