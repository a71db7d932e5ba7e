"""pdfplumber's words, text and text map for upright text, the same results, made faster.

pdfplumber's ``WordExtractor`` is general (any reading direction, tolerance ratios, extra
attributes, punctuation splits) and pays for it on every character: a lookup of the
direction, a call to test each character, bounding boxes merged through generic helpers.
Most report text is upright and read with the default settings, so for that case the same
steps are written out here: group the characters by ``upright``, cluster them into lines
by ``top`` within the y tolerance, sort each line by ``x0``, cut words at spaces, at a
backwards step, at a gap wider than the x tolerance or a jump in ``top``, and merge each
word as pdfplumber does (ligatures expanded). Sideways runs and any other setting go to
pdfplumber's own code. ``tests/parsers/reading/test_words.py`` compares the two on every page
of the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from pdfplumber.utils.text import (
    DEFAULT_X_TOLERANCE,
    DEFAULT_Y_TOLERANCE,
    LIGATURES,
    TextMap,
    WordExtractor,
)
from pdfplumber.utils.text import extract_text as plumber_extract_text

Char = dict[str, Any]
WordTuple = tuple[dict[str, Any], list[Char]]
#: An upright word as ``_runs`` makes it: (x0, top, x1, bottom, characters), its box
#: ``_box(characters)``.
WordRecord = tuple[float, float, float, float, list[Char]]

_upright = itemgetter("upright")
_x0 = itemgetter("x0")
#: The settings of word and text extraction the fast paths take (any other goes to
#: pdfplumber's code).
TOLERANCES = frozenset({"x_tolerance", "y_tolerance"})
#: What ``Page._get_textmap`` adds to every call; they only matter with ``layout=True``.
_PAGE_DEFAULTS = frozenset({"layout_bbox", "layout_width", "layout_height"})


#: No value at all (``_clusters``' last value before the first).
_NO_VALUE = object()


def _clusters(objects: list[Any], key: str, tolerance: float) -> list[list[Any]]:
    """``cluster_objects(objects, itemgetter(key), tolerance)``: objects stably sorted by
    their value's cluster, one list per cluster."""
    values = [o[key] for o in objects]
    index = _cluster_index(values, tolerance)
    # The clusters are numbered 0, 1, ... in order, each holding at least one value: a
    # list per number, filled in the objects' order, is the stable sort grouped.
    clusters: list[list[Any]] = [[] for _ in range(len(set(index.values())))]
    # Characters of one string share their top (the same float): its cluster is looked
    # up once (a float is hashed anew at every lookup).
    last: Any = _NO_VALUE
    target: list[Any] = []
    for o, v in zip(objects, values, strict=True):
        if v is not last:
            last = v
            target = clusters[index[v]]
        target.append(o)
    return clusters


def _box(chars: list[Char]) -> tuple[float, float, float, float]:
    """``objects_to_bbox(chars)``: (x0, top, x1, bottom) of a word's characters."""
    if len(chars) == 1:
        c = chars[0]
        return c["x0"], c["top"], c["x1"], c["bottom"]
    return (
        min([c["x0"] for c in chars]),
        min([c["top"] for c in chars]),
        max([c["x1"] for c in chars]),
        max([c["bottom"] for c in chars]),
    )


def _merge(word: WordRecord) -> dict[str, Any]:
    """``WordExtractor.merge_chars`` for upright text read left to right."""
    x0, top, x1, bottom, chars = word
    first = chars[0]
    doctop_adj = first["doctop"] - first["top"]
    return {
        "text": _text(chars),
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top + doctop_adj,
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": "ltr",
    }


def _line_words(line: list[Char], x_tolerance: float, y_tolerance: float) -> list[WordRecord]:
    """``WordExtractor.iter_chars_to_words`` for one line sorted left to right, each word
    with its box (``_box``'s: the line is sorted by x0, so a word's first character has
    its least x0; the others the first least or greatest value met, as ``min``/``max``)."""
    words: list[WordRecord] = []
    add = words.append
    word: list[Char] = []
    # The last character of ``word``: its x0, x1 and top; and the word's box so far.
    last_x0 = last_x1 = last_top = 0.0
    # Characters of one string share their top (the same float): within the tolerance
    # of each other, unless the tolerance is below 0.
    negative = y_tolerance < 0
    w_x0 = w_top = w_x1 = w_bottom = 0.0
    for char in line:
        text = char["text"]
        if text.isspace():
            if word:
                add((w_x0, w_top, w_x1, w_bottom, word))
            word = []
        elif text == "":  # `"" in ""`: pdfplumber's punctuation split takes it alone
            if word:
                add((w_x0, w_top, w_x1, w_bottom, word))
            add((char["x0"], char["top"], char["x1"], char["bottom"], [char]))
            word = []
        else:
            x = char["x0"]
            top = char["top"]
            x1 = char["x1"]
            if word and not (
                x < last_x0
                or x > last_x1 + x_tolerance
                or ((top is not last_top or negative) and abs(top - last_top) > y_tolerance)
            ):
                word.append(char)
                if x1 > w_x1:
                    w_x1 = x1
                if top < w_top:
                    w_top = top
                bottom = char["bottom"]
                if bottom > w_bottom:
                    w_bottom = bottom
            else:
                if word:
                    add((w_x0, w_top, w_x1, w_bottom, word))
                word = [char]
                w_x0, w_top, w_x1, w_bottom = x, top, x1, char["bottom"]
            last_x0, last_x1, last_top = x, x1, top
    if word:
        add((w_x0, w_top, w_x1, w_bottom, word))
    return words


def _runs(
    chars: list[Char], x_tolerance: float, y_tolerance: float
) -> Iterator[tuple[bool, list[Any]]]:
    """The characters in runs of the same ``upright``: an upright run as its words
    (``WordRecord``: box and characters), another run as pdfplumber's (word, characters)
    tuples."""
    if not chars:
        return
    # Nearly every page is upright throughout: one run, the list itself.
    runs: Any = [(True, chars)] if all(map(_upright, chars)) else groupby(chars, key=_upright)
    for upright, group in runs:
        run = list(group) if type(group) is not list else group
        if not upright:
            extractor = WordExtractor(x_tolerance=x_tolerance, y_tolerance=y_tolerance)
            yield False, list(extractor.iter_extract_tuples(run))
            continue
        words: list[WordRecord] = []
        for line in _clusters(run, "top", y_tolerance):
            line.sort(key=_x0)
            words.extend(_line_words(line, x_tolerance, y_tolerance))
        yield True, words


#: Pages whose words (``_runs``) are kept for the next stage that asks (accounting, text
#: lines and a template's column lines all read a page's words): the last ones asked for,
#: by their list of characters (kept with them, so the list stays the same object).
RECENT_PAGES = 2
#: Fewer characters than this are a cell or a word, not a page: not kept.
PAGE_CHARS = 300
_recent: list[tuple[list[Char], int, float, float, list[tuple[bool, list[Any]]]]] = []


def _page_runs(
    chars: list[Char], x_tolerance: float, y_tolerance: float
) -> list[tuple[bool, list[Any]]]:
    """``list(_runs(...))``, the same lists again for the same page's characters (callers
    only read them)."""
    if type(chars) is not list or len(chars) < PAGE_CHARS:
        return list(_runs(chars, x_tolerance, y_tolerance))
    for entry in _recent:
        if (
            entry[0] is chars
            and entry[1] == len(chars)
            and entry[2] == x_tolerance
            and entry[3] == y_tolerance
        ):
            return entry[4]
    runs = list(_runs(chars, x_tolerance, y_tolerance))
    _recent.insert(0, (chars, len(chars), x_tolerance, y_tolerance, runs))
    del _recent[RECENT_PAGES:]
    return runs


def word_tuples(
    chars: list[Char],
    x_tolerance: float = DEFAULT_X_TOLERANCE,
    y_tolerance: float = DEFAULT_Y_TOLERANCE,
) -> list[WordTuple]:
    """``list(WordExtractor(x_tolerance=..., y_tolerance=...).iter_extract_tuples(chars))``."""
    out: list[WordTuple] = []
    for upright, words in _runs(chars, x_tolerance, y_tolerance):
        out.extend([(_merge(w), w[4]) for w in words] if upright else words)
    return out


def word_boxes(
    chars: list[Char],
    x_tolerance: float = DEFAULT_X_TOLERANCE,
    y_tolerance: float = DEFAULT_Y_TOLERANCE,
) -> list[tuple[float, float, float, float, str, list[Char]]]:
    """(x0, top, x1, bottom, text, characters) of each of ``word_tuples``' words, without
    making the words' dicts."""
    out: list[tuple[float, float, float, float, str, list[Char]]] = []
    for upright, words in _page_runs(chars, x_tolerance, y_tolerance):
        if upright:
            out.extend([(x0, top, x1, bottom, _text(w), w) for x0, top, x1, bottom, w in words])
        else:
            out.extend([(d["x0"], d["top"], d["x1"], d["bottom"], d["text"], w) for d, w in words])
    return out


def word_texts(chars: list[Char]) -> list[str]:
    """The text of each of ``extract_words(chars)``' words (default tolerances), without
    their dicts."""
    out: list[str] = []
    for upright, words in _runs(chars, DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE):
        if upright:
            out.extend([_text(w[4]) for w in words])
        else:
            out.extend([word["text"] for word, _ in words])
    return out


def extract_words(chars: list[Char], **kwargs: Any) -> list[dict[str, Any]]:
    """``pdfplumber.utils.extract_words(chars, **kwargs)``."""
    if not set(kwargs) <= TOLERANCES:
        return list(WordExtractor(**kwargs).extract_words(chars))
    return [word for word, _ in word_tuples(chars, **kwargs)]


def extract_text(chars: list[Char], **kwargs: Any) -> str:
    """``pdfplumber.utils.extract_text(chars, **kwargs)`` (no layout)."""
    if not set(kwargs) <= TOLERANCES:
        return str(plumber_extract_text(chars, **kwargs))
    chars = list(chars)
    if not chars:
        return ""
    y_tolerance = kwargs.get("y_tolerance", DEFAULT_Y_TOLERANCE)
    x_tolerance = kwargs.get("x_tolerance", DEFAULT_X_TOLERANCE)
    line = _one_upright_line(chars, y_tolerance)
    if line is not None:
        return _line_text(line, x_tolerance, y_tolerance)
    if all([c["upright"] for c in chars]):
        text = _lines_text(chars, x_tolerance, y_tolerance)
        if text is not None:
            return text
    words = _word_tops(chars, x_tolerance, y_tolerance)
    index = _cluster_index([top for top, _ in words], y_tolerance)
    ordered = sorted(words, key=lambda w: index[w[0]])
    lines = groupby(ordered, key=lambda w: index[w[0]])
    return "\n".join(" ".join(_text(w) for _, w in line) for _, line in lines)


def cell_text(chars: list[Char]) -> str:
    """``extract_text(chars)`` with the default tolerances: a table cell's text (a few
    characters, nearly always one upright line), as ``cell_texts`` makes a row's."""
    return cell_texts([chars])[0]


def cell_texts(cells: list[list[Char]]) -> list[str]:
    """``[cell_text(chars) if chars else "" for chars in cells]``: a row's cells' texts in
    one call, the one-character and the one-upright-line cases written out."""
    out: list[str] = []
    add = out.append
    ligatures = LIGATURES
    y_tolerance = DEFAULT_Y_TOLERANCE
    for chars in cells:
        if len(chars) == 1:
            char = chars[0]
            if char["upright"]:  # one word of one letter (none for white space or no text)
                text = char["text"]
                add("" if text.isspace() else (ligatures.get(text) or text))
                continue
        elif not chars:
            add("")
            continue
        tops = [c["top"] for c in chars]
        if not max(tops) <= min(tops) + y_tolerance or not all(map(_upright, chars)):
            add(extract_text(chars))
            continue
        chars = sorted(chars, key=_x0)
        add(_line_text(chars, DEFAULT_X_TOLERANCE, y_tolerance))
    return out


def _lines_text(chars: list[Char], x_tolerance: float, y_tolerance: float) -> str | None:
    """``extract_text(chars, ...)`` for upright characters whose lines (clusters of their
    tops) each lie within ``y_tolerance``: then the words' tops, taken from their lines,
    cluster as the lines do (a gap wider than the tolerance between two lines' tops is one
    between their words' tops too, and inside a line none can be), so each line of text
    is one line's words. None when a line is taller (its words' tops may split it)."""
    texts: list[str] = []
    for line in _clusters(chars, "top", y_tolerance):
        tops = [c["top"] for c in line]
        if not max(tops) <= min(tops) + y_tolerance:
            return None
        line.sort(key=_x0)
        text = _line_text(line, x_tolerance, y_tolerance)
        # a line of white space alone has no word, so no line of text
        if text or not all([c["text"].isspace() for c in line]):
            texts.append(text)
    return "\n".join(texts)


def _line_text(line: list[Char], x_tolerance: float, y_tolerance: float) -> str:
    """``" ".join(_text(w) for w in _line_words(line, ...))`` without the words' lists: the
    same cuts between words (one space each), the text of each character in order."""
    pieces: list[str] = []
    open_word = False  # a word is being read (``word`` in ``_line_words``)
    any_word = False
    last_x0 = last_x1 = last_top = 0.0
    negative = y_tolerance < 0  # see ``_line_words``
    for char in line:
        text = char["text"]
        if text.isspace():
            open_word = False
        elif text == "":  # a word by itself (``_line_words``), with no text
            if any_word:
                pieces.append(" ")
            any_word = True
            open_word = False
        else:
            x = char["x0"]
            top = char["top"]
            if not open_word or (
                x < last_x0
                or x > last_x1 + x_tolerance
                or ((top is not last_top or negative) and abs(top - last_top) > y_tolerance)
            ):
                if any_word:
                    pieces.append(" ")
                any_word = True
                open_word = True
            pieces.append(text)
            last_x0, last_x1, last_top = x, char["x1"], top
    joined = "".join(pieces)
    if _LIGATURE_LETTERS.isdisjoint(joined):  # no character's text is a ligature
        return joined
    return "".join([LIGATURES.get(piece) or piece for piece in pieces])


def _one_upright_line(chars: list[Char], y_tolerance: float) -> list[Char] | None:
    """The characters sorted left to right when they are all upright and their tops lie
    within ``y_tolerance`` of each other (a table cell's usual text): then they make one
    cluster of lines, so one line of words, and so do their words' tops. None otherwise."""
    tops = [c["top"] for c in chars]
    # The clustering's own test (``_cluster_index``), from the lowest top: every top is
    # within ``tolerance`` of the one before it in order.
    if not max(tops) <= min(tops) + y_tolerance or not all([c["upright"] for c in chars]):
        return None
    return sorted(chars, key=_x0)


def _word_tops(
    chars: list[Char], x_tolerance: float, y_tolerance: float
) -> list[tuple[float, list[Char]]]:
    """Each word's top and characters, in pdfplumber's order: what the text and the text
    map need of a word (its text is its characters', ligatures expanded)."""
    words: list[tuple[float, list[Char]]] = []
    for upright, run in _page_runs(chars, x_tolerance, y_tolerance):
        if upright:
            words.extend([(w[1], w[4]) for w in run])
        else:
            words.extend([(word["top"], w) for word, w in run])
    return words


def _text(chars: list[Char]) -> str:
    """A word's text as ``merge_chars`` joins it (ligatures expanded)."""
    if len(chars) == 1:
        text = chars[0]["text"]
        return LIGATURES.get(text, text or "")
    try:
        text = "".join([c["text"] for c in chars])
    except TypeError:  # a text of None: none at all
        pass
    else:
        if _LIGATURE_LETTERS.isdisjoint(text):  # no character's text is a ligature
            return text
    return "".join([LIGATURES.get(c["text"], c["text"] or "") for c in chars])


#: Every letter of a ligature ``merge_chars`` expands.
_LIGATURE_LETTERS = frozenset("".join(LIGATURES))


class LightTextMap(TextMap):
    """pdfplumber's ``TextMap`` without a tuple per letter: its text and, letter for letter,
    the character each letter comes from (None for the spaces and newlines put between
    words), in two lists. A page's text map held a (letter, character) tuple for every
    letter: the DDOR's 35 pages made 78,000 of them, each tracked by the garbage
    collector. ``tuples`` gives pdfplumber's list when asked."""

    def __init__(self, letters: list[str], owners: list[Char | None]) -> None:
        self.line_dir_render = "ttb"
        self.char_dir_render = "ltr"
        self.owners = owners
        self.as_string = "".join(letters)

    @property
    def tuples(self) -> list[tuple[str, Char | None]]:  # type: ignore[override]
        return list(zip(self.as_string, self.owners, strict=True))

    def to_string(self) -> str:
        return self.as_string

    def match_to_dict(
        self,
        m: Any,
        main_group: int = 0,
        return_groups: bool = True,
        return_chars: bool = True,
    ) -> dict[str, Any]:
        """pdfplumber's ``match_to_dict``, the match's characters from ``owners``."""
        chars = [c for c in self.owners[m.start(main_group) : m.end(main_group)] if c is not None]
        x0, top, x1, bottom = _box(chars)
        result: dict[str, Any] = {
            "text": m.group(main_group),
            "x0": x0,
            "top": top,
            "x1": x1,
            "bottom": bottom,
        }
        if return_groups:
            result["groups"] = m.groups()
        if return_chars:
            result["chars"] = chars
        return result


def page_textmap(chars: list[Char], **kwargs: Any) -> TextMap | None:
    """``Page._get_textmap(**kwargs)`` for a page's characters, or None when ``kwargs`` ask
    for more than the default text map (layout, directions, ...)."""
    if not set(kwargs) <= _PAGE_DEFAULTS | TOLERANCES:
        return None
    y_tolerance = kwargs.get("y_tolerance", DEFAULT_Y_TOLERANCE)
    words = _word_tops(chars, kwargs.get("x_tolerance", DEFAULT_X_TOLERANCE), y_tolerance)
    letters: list[str] = []
    owners: list[Char | None] = []
    # WordMap.to_textmap without layout, words presorted: lines are runs of words in the
    # same ``top`` cluster (order kept), one newline between lines, one space between words.
    index = _cluster_index([top for top, _ in words], y_tolerance)
    previous = None
    line_len = 0
    for top, word_chars in words:
        line = index[top]
        if previous is not None and line != previous:
            letters.append("\n")
            owners.append(None)
            line_len = 0
        elif line_len:  # no space after words without letters (empty text) at a line start
            letters.append(" ")
            owners.append(None)
            line_len += 1
        previous = line
        for c in word_chars:
            text = c["text"]
            if text in LIGATURES:
                text = LIGATURES[text]
            if len(text) == 1:
                letters.append(text)
                owners.append(c)
                line_len += 1
            else:  # one entry per letter (none for an empty text)
                letters.extend(text)
                owners.extend([c] * len(text))
                line_len += len(text)
    return LightTextMap(letters, owners)


def text_line_boxes(
    chars: list[Char],
    x_tolerance: float = DEFAULT_X_TOLERANCE,
    y_tolerance: float = DEFAULT_Y_TOLERANCE,
) -> list[dict[str, Any]] | None:
    """``page_textmap(chars).extract_text_lines(strip=True, return_chars=False)`` without
    the text map: each line (the words whose ``top`` falls in one cluster, written as
    ``page_textmap`` writes them) with its spaces stripped, blank ones left out, and the
    box of the characters that give it letters (all of them lie between its first and last
    letter, the span pdfplumber's search takes them from). None when a character's text
    holds a newline (the text map would cut the line there)."""
    runs = _page_runs(chars, x_tolerance, y_tolerance)
    if not all([upright for upright, _ in runs]):
        return _char_line_boxes(_word_tops(chars, x_tolerance, y_tolerance), y_tolerance)
    # Upright words: each word's characters all give letters (white space makes no word;
    # a character of no text is a word by itself), so a line's box is its words' boxes
    # but those of no text, and its letters are its words' texts.
    words = [w for _, run in runs for w in run]
    index = _cluster_index([w[1] for w in words], y_tolerance)
    out: list[dict[str, Any]] = []
    pieces: list[str] = []  # the line's words and spaces, as page_textmap writes them
    boxes: list[WordRecord] = []  # the words giving them letters
    previous = None
    for word in words:
        line = index[word[1]]
        if previous is not None and line != previous:
            _add_line_of_words(out, pieces, boxes)
            pieces, boxes = [], []
        elif pieces:  # no space after words without letters at a line's start
            pieces.append(" ")
        previous = line
        text = _text(word[4])
        if text:
            if "\n" in text:
                return None
            pieces.append(text)
            boxes.append(word)
    if previous is not None:
        _add_line_of_words(out, pieces, boxes)
    return out


def _add_line_of_words(
    out: list[dict[str, Any]], pieces: list[str], words: list[WordRecord]
) -> None:
    """One line of ``text_line_boxes``, unless blank: its box the words' (the least or
    greatest value met first, as ``_box`` over their characters in order)."""
    text = "".join(pieces).strip(" ")
    if not text.strip():
        return
    if len(words) == 1:
        x0, top, x1, bottom, _ = words[0]
    else:
        x0 = min([w[0] for w in words])
        top = min([w[1] for w in words])
        x1 = max([w[2] for w in words])
        bottom = max([w[3] for w in words])
    out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom})


def _char_line_boxes(
    words: list[tuple[float, list[Char]]], y_tolerance: float
) -> list[dict[str, Any]] | None:
    """``text_line_boxes`` from each word's top and characters (any reading direction)."""
    index = _cluster_index([top for top, _ in words], y_tolerance)
    out: list[dict[str, Any]] = []
    pieces: list[str] = []  # the line's letters and spaces, as page_textmap writes them
    owners: list[Char] = []  # the characters giving them letters
    previous = None
    for top, word_chars in words:
        line = index[top]
        if previous is not None and line != previous:
            _add_line(out, pieces, owners)
            pieces, owners = [], []
        elif pieces:  # no space after words without letters at a line's start
            pieces.append(" ")
        previous = line
        for c in word_chars:
            text = c["text"]
            if text in LIGATURES:
                text = LIGATURES[text]
            if text:
                if "\n" in text:
                    return None
                pieces.append(text)
                owners.append(c)
    if previous is not None:
        _add_line(out, pieces, owners)
    return out


def _add_line(out: list[dict[str, Any]], pieces: list[str], owners: list[Char]) -> None:
    """One line of ``text_line_boxes``, unless blank."""
    text = "".join(pieces).strip(" ")
    if not text.strip():
        return
    x0, top, x1, bottom = _box(owners)
    out.append({"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom})


def text_lines(words: list[tuple[Any, ...]], y_tolerance: float = DEFAULT_Y_TOLERANCE) -> list[str]:
    """``[line["text"] for line in page.extract_text_lines()]`` from the page's words
    (``word_boxes(page.chars)``, in their order): pdfplumber's text map without layout puts
    the words whose ``top`` falls in one cluster on one line, one space between words (none
    after a word with no text at a line's start), and its text lines are the lines with
    their spaces stripped, blank ones left out."""
    index = _cluster_index([w[1] for w in words], y_tolerance)
    lines: list[str] = []
    line = ""
    previous = None
    for word in words:
        number = index[word[1]]
        if previous is not None and number != previous:
            lines.append(line)
            line = ""
        elif line:
            line += " "
        previous = number
        line += word[4]
    if previous is not None:
        lines.append(line)
    texts = []
    for text in "\n".join(lines).split("\n"):
        stripped = text.strip(" ")
        if stripped.strip():
            texts.append(stripped)
    return texts


def _cluster_index(values: list[float], tolerance: float) -> dict[float, int]:
    """``make_cluster_dict(values, tolerance)``: the distinct values sorted, a new cluster
    where one is more than ``tolerance`` above the one before."""
    ordered = sorted(set(values))
    if tolerance == 0 or len(ordered) < 2:
        return {v: i for i, v in enumerate(ordered)}
    index: dict[float, int] = {}
    number, last = 0, ordered[0]
    for v in ordered:
        if not v <= last + tolerance:
            number += 1
        index[v] = number
        last = v
    return index
