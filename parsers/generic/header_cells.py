"""Header cells that belong to several columns: group labels over a whitespace table's
columns ("Total", "Male", "Female" each over three columns) and sub-headers printed inside
one drawn cell of a ruled header ("Pre-Pawn" above "Handgun  Long Gun  *Other")."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from parsers.generic.cell_text import cell_text, group_lines
from parsers.generic.model import Word

#: (x0, x1) of a column between the gutters on either side of it.
Zone = tuple[float, float]

#: A group label is centred over its columns: its middle may be off their middle by this
#: share of the group's width (or one text height, if more).
GROUP_CENTRE_SHARE = 0.15
#: Sub-headers inside one drawn cell are set apart by at least this many text heights.
SUB_HEADER_GAP_EMS = 0.5


@dataclass(slots=True)
class Placed:
    """Where one chunk of a whitespace row was put: its columns and its extent."""

    c0: int
    c1: int
    x0: float
    x1: float

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2


def _groups(labels: list[Placed], zones: list[Zone], em: float) -> list[tuple[int, int]] | None:
    """The columns each label of a row heads: the columns nearer its middle than any other
    label's, on each outer side as far as halfway to its neighbour. None unless every
    label gets contiguous columns and sits centred over them."""
    mids = [p.mid for p in labels]
    cuts = [(a + b) / 2 for a, b in pairwise(mids)]
    lefts = [mids[0] - (cuts[0] - mids[0]), *cuts]
    rights = [*cuts, mids[-1] + (mids[-1] - cuts[-1])]
    groups: list[tuple[int, int]] = []
    for label, left, right in zip(labels, lefts, rights, strict=True):
        cols = [c for c, (a, b) in enumerate(zones) if left <= (a + b) / 2 < right]
        if not cols or not cols[0] <= label.c0 <= label.c1 <= cols[-1]:
            return None
        x0, x1 = zones[cols[0]][0], zones[cols[-1]][1]
        if abs((x0 + x1) / 2 - label.mid) > max(em, GROUP_CENTRE_SHARE * (x1 - x0)):
            return None
        groups.append((cols[0], cols[-1]))
    return groups


def group_label_spans(
    rows: list[list[str]],
    placed: list[list[Placed]],
    spans: list[tuple[int, int, int]],
    zones: list[Zone],
    n_header: int,
    em: float,
) -> list[tuple[int, int, int]]:
    """Spread the group labels of a stacked whitespace header over the columns they head.

    A header line above the last one, holding two or more labels each centred over a run of
    columns that splits the table between them, is a line of group labels: each label moves
    to the first column of its run and spans the run. A single label over one column's own
    header lines ("American" above "Indian/Alaskan" above "Native") is left as it is.
    """
    for r in range(max(0, n_header - 1)):
        labels = sorted(placed[r], key=lambda p: p.x0)
        if len(labels) < 2:
            continue
        groups = _groups(labels, zones, em)
        if groups is None or all(c0 == c1 for c0, c1 in groups):
            continue
        texts = [rows[r][p.c0] for p in labels]
        if len(set(p.c0 for p in labels)) < len(labels):
            continue
        rows[r] = [""] * len(rows[r])
        spans = [s for s in spans if s[0] != r]
        for text, (c0, c1) in zip(texts, groups, strict=True):
            rows[r][c0] = text
            if c1 > c0:
                spans.append((r, c0, c1))
    return spans


def _sub_header_line(line: list[Word], xs: list[float], c0: int, c1: int, em: float) -> bool:
    """True when a text line of a spanned cell is one header per column: its words fall in
    two or more of the spanned columns, with a wide space wherever the column changes."""
    cols = [_column(w, xs) for w in line]
    if len(set(cols)) < 2 or min(cols) < c0 or max(cols) > c1:
        return False
    return all(
        b.x0 - a.x1 >= SUB_HEADER_GAP_EMS * em
        for (a, ca), (b, cb) in pairwise(zip(line, cols, strict=True))
        if ca != cb
    )


def _column(w: Word, xs: list[float]) -> int:
    return sum(1 for x in xs[1:-1] if x <= w.xmid)


def split_sub_headers(
    rows: list[list[str]],
    spans: list[tuple[int, int, int]],
    cell_words: dict[tuple[int, int], list[Word]],
    xs: list[float],
    n_header: int,
) -> tuple[list[list[str]], list[tuple[int, int, int]], int]:
    """Ruled header cells spanning several columns whose last text line holds one header
    per column (no ruling between the group label and its sub-headers): the sub-headers go
    to their own columns, on a header row of their own below the group labels when any
    label remains above them. Returns rows, spans and the new number of header rows."""
    splits: dict[int, list[tuple[int, int, str, dict[int, str]]]] = {}
    for r, c0, c1 in spans:
        if r >= n_header:
            continue
        words = cell_words.get((r, c0), [])
        if len(words) < 2:
            continue
        lines = group_lines(words)
        em = max(w.height for w in words)
        subs_at = len(lines)
        while subs_at > 0 and _sub_header_line(lines[subs_at - 1], xs, c0, c1, em):
            subs_at -= 1
        if subs_at == len(lines):
            continue
        by_col: dict[int, list[Word]] = {}
        for line in lines[subs_at:]:
            for w in line:
                by_col.setdefault(_column(w, xs), []).append(w)
        label = cell_text([w for line in lines[:subs_at] for w in line])
        subs = {c: cell_text(ws) for c, ws in by_col.items()}
        splits.setdefault(r, []).append((c0, c1, label, subs))
    if not splits:
        return rows, spans, n_header
    new_rows: list[list[str]] = []
    new_spans: list[tuple[int, int, int]] = []
    index: dict[int, int] = {}
    for r, row in enumerate(rows):
        index[r] = len(new_rows)
        new_rows.append(list(row))
        if r not in splits:
            continue
        labelled = any(label for _, _, label, _ in splits[r])
        sub_row = [""] * len(row) if labelled else new_rows[-1]
        for c0, c1, label, subs in splits[r]:
            new_rows[-1][c0] = label
            for c, text in subs.items():
                sub_row[c] = text
            if label:
                new_spans.append((index[r], c0, c1))
        if labelled:
            new_rows.append(sub_row)
    split_cells = {(r, c0) for r, cells in splits.items() for c0, _, _, _ in cells}
    for r, c0, c1 in spans:
        if (r, c0) not in split_cells:
            new_spans.append((index[r], c0, c1))
    return new_rows, new_spans, n_header + len(new_rows) - len(rows)


def centred_label_spans(
    rows: list[list[str]],
    placed: list[list[Placed]],
    spans: list[tuple[int, int, int]],
    zones: list[Zone],
    n_header: int,
    em: float,
) -> list[tuple[int, int, int]]:
    """A header line whose one label (beside the stub column's, if any) is centred (within a
    text height) over the line of headings below it, or over the value columns, and that
    line fills two or more value columns from the first, heads them all ("Design
    effect" over 1.0 ... 1.6, "Year" over the years): it moves to the first value column
    and spans them, as the ICDAR-2013 ground truth keeps such a cell."""
    n_cols = len(zones)
    if n_cols < 3:
        return spans
    for r in range(min(n_header, len(rows) - 1)):
        labels = [p for p in placed[r] if p.c1 >= 1]
        if len(labels) != 1:
            continue
        label = labels[0]
        # A label spread already (group labels) is no longer where it was placed.
        if label.c0 < 1 or not rows[r][label.c0] or (label.c0 == 1 and label.c1 == n_cols - 1):
            continue
        below = [p for p in placed[r + 1] if p.c0 >= 1]
        if len({p.c0 for p in below}) < 2:
            continue
        # Centred over the headings of the line below, from the first value column's.
        first = min(below, key=lambda p: p.x0)
        if first.c0 != 1:
            continue
        run_mid = (first.x0 + max(p.x1 for p in below)) / 2
        # Or centred over the value columns themselves, from the middle of the gutter after
        # the stub: right-aligned headings sit right of their columns' middles.
        columns_mid = ((zones[0][1] + zones[1][0]) / 2 + zones[-1][1]) / 2
        if min(abs(label.mid - run_mid), abs(label.mid - columns_mid)) > em:
            continue
        text = rows[r][label.c0]
        rows[r][label.c0] = ""
        rows[r][1] = text
        spans = [s for s in spans if s[0] != r or s[1] != label.c0]
        spans.append((r, 1, n_cols - 1))
    return spans
