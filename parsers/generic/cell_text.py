"""Turn the words of one cell into its text: lines in reading order, wrapped lines joined,
leader dots dropped."""

from __future__ import annotations

import re

from parsers.generic.model import Word

#: A gap narrower than this share of the text height is kerning, not a space.
SPACE_GAP_RATIO = 0.15
#: Two words share a text line when they overlap vertically by at least this share.
SAME_LINE_OVERLAP = 0.5

_LEADER_RE = re.compile(r"(?:\s*[.·…_]){3,}\s*$")
_LEADER_WORD_RE = re.compile(r"^[.·…_]+$")
_INNER_LEADER_RE = re.compile(r"\s*(?:\.\s){3,}\.?\s*")
#: A nil marker ("not available"): two or three dots or an ellipsis, alone in a cell...
_NIL_RE = re.compile(r"^(?:\.{2,3}|…)$")
#: ...set apart from its neighbours on the line by this many text heights.
NIL_GAP_EMS = 0.9
#: "11,062 .6": a decimal point set apart from its integer part (aligned figures).
_SPLIT_DECIMAL_RE = re.compile(r"(\d) \.(\d)")


def is_leader(word: Word) -> bool:
    """True for a word made only of leader dots (". . ." between a label and its value)."""
    return bool(_LEADER_WORD_RE.match(word.text.strip()))


def is_nil_marker(words: list[Word], i: int) -> bool:
    """True for a short dot word standing alone where a figure would be ("..." or "…" for
    "not available" in statistical tables): two or three dots (or an ellipsis), set apart
    from the words on either side by a column gap, not joined to a label as leaders are."""
    w = words[i]
    text = w.text.strip()
    if not _NIL_RE.match(text):
        return False
    gap = NIL_GAP_EMS * w.height
    before = i == 0 or w.x0 - words[i - 1].x1 >= gap
    after = i == len(words) - 1 or words[i + 1].x0 - w.x1 >= gap
    return before and after


def drop_leaders(words: list[Word]) -> list[Word]:
    """Remove runs of dot-only words (single "." words between other text, and nil markers
    standing alone in a column, are kept)."""
    if not any(is_leader(w) for w in words):
        return words
    kept: list[Word] = []
    run: list[int] = []
    for i, w in enumerate(words):
        if is_leader(w):
            run.append(i)
            continue
        kept.extend(_kept_run(words, run))
        run = []
        kept.append(w)
    kept.extend(_kept_run(words, run))
    return kept


def _kept_run(words: list[Word], run: list[int]) -> list[Word]:
    if len(run) != 1:
        return []
    w = words[run[0]]
    if len(w.text) == 1 or is_nil_marker(words, run[0]):
        return [w]
    return []


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into text lines, top to bottom, each line left to right."""
    lines: list[list[Word]] = []
    band_top = band_bottom = 0.0
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            overlap = min(band_bottom, w.bottom) - max(band_top, w.top)
            if overlap >= SAME_LINE_OVERLAP * min(w.height, band_bottom - band_top):
                lines[-1].append(w)
                band_bottom = max(band_bottom, w.bottom)
                continue
        lines.append([w])
        band_top, band_bottom = w.top, w.bottom
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def join_line(line: list[Word]) -> str:
    parts: list[str] = []
    prev: Word | None = None
    for w in line:
        if prev is not None:
            parts.append(" " if _spaced(prev, w) else "")
        parts.append(w.text)
        prev = w
    return "".join(parts)


def _spaced(prev: Word, w: Word) -> bool:
    """True when a space separates ``prev`` from the next word ``w`` on its line: a gap
    wider than kerning, or a space character drawn between words that overlap. They overlap
    when the font gives no widths and every glyph is taken as one em wide (Tableau's
    exports); without the space character "Lab Positive" would print as "LabPositive"."""
    gap = w.x0 - prev.x1
    if gap > SPACE_GAP_RATIO * max(w.height, 1.0):
        return True
    return gap < 0 and w.space_before and w.x0 > prev.x0


def join_wrapped(lines: list[str]) -> str:
    """Join the lines of a wrapped cell with a space; a line ending in a hyphen after a
    letter runs on into a next line starting in lower case without one, the hyphen kept as
    printed ("Non-" over "campus": "Non-campus"). Tables are set by Word, Excel and report
    servers, which break lines at a word's own hyphen and never hyphenate on their own."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not text:
            text = line
        elif text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[0].islower():
            text = text + line
        else:
            text = f"{text} {line}"
    return text


def clean(text: str) -> str:
    """Strip trailing leader dots and runs of spaced dots, and collapse spaces."""
    if _NIL_RE.match(text.strip()):
        return text.strip()
    text = _LEADER_RE.sub("", text)
    text = _INNER_LEADER_RE.sub(" ", text)
    text = _SPLIT_DECIMAL_RE.sub(r"\1.\2", text)
    return " ".join(text.split())


def cell_text(words: list[Word]) -> str:
    if not words:
        return ""
    if len(words) == 1:
        return clean(words[0].text)
    lines = [drop_leaders(line) for line in group_lines(words)]
    return clean(join_wrapped([join_line(line) for line in lines if line]))
