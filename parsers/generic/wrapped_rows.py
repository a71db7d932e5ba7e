"""Row labels wrapped onto a second line in a whitespace table: "Murder and nonnegligent"
alone on one line, "manslaughter" with the row's figures on the next. The two lines are
one row. So are a label wrapped over two lines and its figures set between them (centred
on the label: "Between-state income inequality (Gini" / figures / "index)")."""

from __future__ import annotations

from parsers.generic.cell_text import join_wrapped

#: The continuation sits at least this far (points) right of the line it continues.
INDENT_TOLERANCE = 0.5
#: ...and at most this many text heights below it.
MAX_LINE_GAP_EMS = 0.6


def _label_only(row: list[str]) -> bool:
    return bool(row[0]) and not any(row[1:])


def _continues(
    r: int, rows: list[list[str]], x0s: list[float], tops: list[float], bottoms: list[float]
) -> bool:
    """Whether line ``r + 1`` continues the label of line ``r``: it sits right below, and
    starts in lower case, or (when it carries the figures) is indented under it while the
    line after it comes back out (a group heading's items stay indented one after another)."""
    nxt = rows[r + 1]
    if not nxt[0] or rows[r][0].rstrip().endswith(":"):
        return False
    if tops[r + 1] - bottoms[r] > MAX_LINE_GAP_EMS * (bottoms[r] - tops[r]):
        return False
    if nxt[0][0].islower():
        return True
    if _label_only(nxt):
        return False
    indented = x0s[r + 1] > x0s[r] + INDENT_TOLERANCE
    back_out = r + 2 >= len(rows) or x0s[r + 2] <= x0s[r] + INDENT_TOLERANCE
    return indented and back_out


def _wrap_end(
    r: int, rows: list[list[str]], x0s: list[float], tops: list[float], bottoms: list[float]
) -> int | None:
    """The line holding the figures of the label starting on label-only line ``r``, when
    the lines from ``r`` to it are one wrapped label; else None."""
    j = r
    while j + 1 < len(rows) and _label_only(rows[j]) and _continues(j, rows, x0s, tops, bottoms):
        j += 1
        if not _label_only(rows[j]):
            return j
    return None


def _centred_figures(
    r: int, rows: list[list[str]], tops: list[float], bottoms: list[float]
) -> bool:
    """Whether line ``r + 1`` holds figures only, set between the two lines ``r`` and
    ``r + 2`` of one wrapped label: it overlaps both, and they are set as one paragraph."""
    if r + 2 >= len(rows) or not (_label_only(rows[r]) and _label_only(rows[r + 2])):
        return False
    figures = rows[r + 1]
    if figures[0] or not any(figures[1:]):
        return False
    height = bottoms[r] - tops[r]
    return (
        tops[r + 2] - bottoms[r] <= MAX_LINE_GAP_EMS * height
        and tops[r + 1] < bottoms[r]
        and bottoms[r + 1] > tops[r + 2]
    )


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
    r = n_header
    keep.extend(range(min(n_header, len(rows))))
    while r < len(rows):
        if _centred_figures(r, rows, tops, bottoms):
            # Kept as the last of the three lines, so that the row's box spans all three.
            rows[r + 2] = [join_wrapped([rows[r][0], rows[r + 2][0]]), *rows[r + 1][1:]]
            keep.append(r + 2)
            r += 3
            continue
        end = _wrap_end(r, rows, x0s, tops, bottoms)
        if end is None:
            keep.append(r)
            r += 1
            continue
        rows[end][0] = join_wrapped([rows[i][0] for i in range(r, end + 1)])
        keep.append(end)
        r = end + 1
    return keep
