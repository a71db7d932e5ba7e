"""Row labels wrapped onto a second line in a whitespace table: "Murder and nonnegligent"
alone on one line, "manslaughter" with the row's figures on the next. The two lines are
one row."""

from __future__ import annotations

from parsers.generic.cell_text import join_wrapped

#: The continuation sits at least this far (points) right of the line it continues.
INDENT_TOLERANCE = 0.5
#: ...and at most this many text heights below it.
MAX_LINE_GAP_EMS = 0.6


def _label_only(row: list[str]) -> bool:
    return bool(row[0]) and not any(row[1:])


def _is_continuation(
    r: int, rows: list[list[str]], x0s: list[float], tops: list[float], bottoms: list[float]
) -> bool:
    """Whether line ``r + 1`` continues the label-only line ``r``: it carries the figures,
    sits right below, and starts in lower case, or is indented under it while the line
    after it comes back out (a group heading's items stay indented one after another)."""
    label, nxt = rows[r], rows[r + 1]
    if not _label_only(label) or label[0].rstrip().endswith(":"):
        return False
    if not nxt[0] or not any(nxt[1:]):
        return False
    if tops[r + 1] - bottoms[r] > MAX_LINE_GAP_EMS * (bottoms[r] - tops[r]):
        return False
    if nxt[0][0].islower():
        return True
    indented = x0s[r + 1] > x0s[r] + INDENT_TOLERANCE
    back_out = r + 2 >= len(rows) or x0s[r + 2] <= x0s[r] + INDENT_TOLERANCE
    return indented and back_out


def join_wrapped_labels(
    rows: list[list[str]],
    x0s: list[float],
    tops: list[float],
    bottoms: list[float],
    n_header: int,
) -> list[int]:
    """Join each wrapped body-row label into the line holding its figures (in place) and
    return the indices of the rows to keep."""
    keep: list[int] = []
    for r in range(len(rows)):
        if r >= n_header and r + 1 < len(rows) and _is_continuation(r, rows, x0s, tops, bottoms):
            rows[r + 1][0] = join_wrapped([rows[r][0], rows[r + 1][0]])
            continue
        keep.append(r)
    return keep
