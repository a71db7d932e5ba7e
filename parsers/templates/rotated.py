"""Cells printed in rotated text (a column header set vertically), read in printed order.

pdfplumber reads every character top to bottom: a header rotated a quarter turn
counter-clockwise (read bottom to top, the usual vertical header of a spreadsheet export)
comes out reversed (``SLATOT`` for TOTALS, ``1J`` / ``tcnicerP`` for "Precinct J1"), or,
when pdfminer takes the rotated glyphs for upright ones, one character per line. Here a
cell whose characters are all rotated is read again from the characters' text matrix: its
lines are the columns of characters (left to right for bottom-to-top text, right to left
for top-to-bottom text), each read along the text's own direction.
"""

from __future__ import annotations

from typing import Any

from parsers.reading.chars import light_chars

#: Characters whose x0 differ by less than this (points) are on one rotated line.
LINE_TOLERANCE = 1.5


def _rotation(char: dict[str, Any]) -> int:
    """+1: rotated to read bottom to top; -1: top to bottom; 0: horizontal (or no matrix)."""
    matrix = char.get("matrix")
    if not matrix:
        return 0
    a, b = float(matrix[0]), float(matrix[1])
    if abs(b) <= abs(a):
        return 0
    return 1 if b > 0 else -1


def read_rotated(chars: list[dict[str, Any]]) -> str | None:
    """The text of a cell's characters when they are all rotated the same way (lines joined
    by a newline, as pdfplumber joins a cell's lines), else None."""
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return None
    turns = {_rotation(c) for c in visible}
    if len(turns) != 1 or 0 in turns:
        return None
    (turn,) = turns
    lines: list[list[dict[str, Any]]] = []
    # Spaces kept where the document prints them (their place orders them in the line).
    kept = [c for c in chars if c["text"].strip() or _rotation(c) == turn]
    for char in sorted(kept, key=lambda c: float(c["x0"])):
        if lines and float(char["x0"]) - float(lines[-1][-1]["x0"]) < LINE_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    if turn < 0:
        lines.reverse()
    texts = []
    for line in lines:
        ordered = sorted(line, key=lambda c: float(c["top"]), reverse=turn > 0)
        text = ""
        for before, char in zip([None, *ordered], ordered, strict=False):
            # A gap along the line wider than a third of the glyph height is a space.
            if before is not None:
                gap = (
                    float(before["top"]) - float(char["bottom"])
                    if turn > 0
                    else float(char["top"]) - float(before["bottom"])
                )
                size = float(char["x1"]) - float(char["x0"])
                if gap > size / 3:
                    text += " "
            text += char["text"]
        texts.append(" ".join(text.split()))
    return "\n".join(texts)


def fix_rotated_cells(table: Any, cells: list[list[str | None]]) -> list[list[str | None]]:
    """``cells`` (``extract_cells(table)``) with every all-rotated cell read again in printed
    order; the same list when the page has no rotated text."""
    chars = light_chars(table.page)
    # ``_rotation(c) != 0`` inline: this runs over every character of every templated page,
    # and upright text has no ``b`` in its matrix (0 is never above ``abs(a)``).
    rotated = [
        c
        for c in chars
        if "matrix" in c
        and (m := c["matrix"])
        and m[1]
        and abs(float(m[1])) > abs(float(m[0]))
        and c["text"].strip()
    ]
    if not rotated:
        return cells
    out: list[list[str | None]] = []
    for row, texts in zip(table.rows, cells, strict=True):
        fixed = list(texts)
        for i, cell in enumerate(row.cells):
            if cell is None or not fixed[i] or not _inside(rotated, cell):
                continue
            text = read_rotated(_inside(chars, cell))
            if text is not None:
                fixed[i] = text
        out.append(fixed)
    return out


def _inside(chars: list[dict[str, Any]], cell: tuple[float, float, float, float]) -> list[Any]:
    """The characters whose middle is in the cell (pdfplumber's rule for a table's cells)."""
    x0, top, x1, bottom = cell
    return [
        c
        for c in chars
        if x0 <= (float(c["x0"]) + float(c["x1"])) / 2 < x1
        and top <= (float(c["top"]) + float(c["bottom"])) / 2 < bottom
    ]
