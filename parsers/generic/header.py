"""How many leading rows of a table are its header: the rows above the first row that
carries a number outside its first column (stacked header lines included); none when the
first row's first cell is repeated down that column (``_repeated_down``)."""

from __future__ import annotations

import re

from parsers.generic.rows import is_numeric

#: Header rows beyond this are unlikely; a table of text only gets one header row.
MAX_HEADER_ROWS = 6
#: Years and year ranges ("2011", "1975-79", "2012-13") head columns more often than
#: they fill them.
_YEAR_RE = re.compile(r"^(19|20)\d\d([-–/](\d\d|(19|20)\d\d))?$")


def _is_data(cell: str) -> bool:
    return is_numeric(cell) and not _YEAR_RE.match(cell.strip())


def _repeated_down(rows: list[list[str]]) -> bool:
    """Whether the first row's first cell is also, word for word, the first cell of most
    rows below it (two at least): a column of field labels printed beside every record
    ("Reported: Occurred: Incident: Summary:" in a crime log of record blocks), so the first
    row is a record like the others. A header names its column once; the values under it
    are not its name."""
    first = rows[0][0].strip() if rows[0] else ""
    if not first:
        return False
    same = sum(1 for row in rows[1:] if row and row[0].strip() == first)
    return same >= 2 and same * 2 > len(rows) - 1


def count_header_rows(rows: list[list[str]]) -> int:
    if len(rows) < 2 or _repeated_down(rows):
        return 0
    for r, row in enumerate(rows[: MAX_HEADER_ROWS + 1]):
        if any(_is_data(cell) for cell in row[1:] if cell):
            # A row right above the figures with text in its first cell only is the
            # sub-heading of the rows below it ("Population" over its items), not a header.
            while r > 0 and rows[r - 1][0] and not any(rows[r - 1][1:]):
                r -= 1
            return r
    # No numbers near the top: a text table, whose first row names the columns when
    # it fills most of them.
    filled = sum(1 for cell in rows[0] if cell)
    return 1 if filled * 2 >= len(rows[0]) else 0
