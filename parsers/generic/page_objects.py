"""Read what the extractor needs from one pdfplumber page: words and ruling edges.

Pages whose text runs up or down the sheet (a landscape table printed on a portrait page,
with or without a /Rotate entry) are turned so that text reads left to right; every
later step then works on upright geometry and boxes are mapped back with ``to_page``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pdfplumber.page import Page
from pdfplumber.utils.text import WordExtractor

from parsers.generic.model import BBox, Word
from parsers.generic.shading import visible_edges
from parsers.reading.words import word_boxes

#: Characters closer than this (points) belong to the same word. Lower than pdfplumber's
#: default of 3 so that tightly set numeric columns are not glued together.
WORD_X_TOLERANCE = 1.0
WORD_Y_TOLERANCE = 3.0
#: A character printed again within this share of its width (and of its size up or down)
#: of the same character is an overprint (fake bold), not a second character.
OVERPRINT_SHARE = 0.4
#: A page is turned when more than this share of its characters is not upright.
ROTATED_SHARE = 0.6
#: Rulings shorter than this (points) are glyph parts or tick marks, not table lines.
MIN_EDGE_LENGTH = 3.0
#: Filled shapes at most this big (points) either way are specks: the dots of a dotted rule.
SPECK_SIZE = 2.0

Turn = Literal["none", "btt", "ttb"]


@dataclass(frozen=True, slots=True)
class Shape:
    """A drawn rectangle (or the box of a curve) bigger than a speck: a box, a bar, a
    checkbox. ``stroked``: its outline is drawn; ``filled``: its inside is painted."""

    x0: float
    top: float
    x1: float
    bottom: float
    stroked: bool
    filled: bool

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PageContent:
    """The words and ruling edges of one page, in an upright frame."""

    number: int
    width: float
    height: float
    words: list[Word]
    edges: list[dict[str, Any]]
    #: How the page was turned: "btt" = text read bottom-to-top, "ttb" = top-to-bottom.
    turn: Turn
    #: Size of the original page (before turning), for mapping boxes back.
    page_width: float
    page_height: float
    #: Boxes of tiny filled shapes (see SPECK_SIZE), from which dotted rules are read.
    specks: list[BBox] = field(default_factory=list)
    #: Rectangles and curves larger than specks, in the upright frame.
    shapes: list[Shape] = field(default_factory=list)

    def to_page(self, bbox: BBox) -> BBox:
        """Map a box of the upright frame back to the page's own coordinates."""
        x0, top, x1, bottom = bbox
        if self.turn == "btt":
            return (top, self.page_height - x1, bottom, self.page_height - x0)
        if self.turn == "ttb":
            return (self.page_width - bottom, x0, self.page_width - top, x1)
        return bbox


def box(x0: float, top: float, x1: float, bottom: float, **extra: Any) -> dict[str, Any]:
    """A pdfplumber-style object dict (char, line) for a box in page coordinates."""
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        **extra,
    }


def _turn_box(
    obj: dict[str, Any], turn: Turn, width: float, height: float
) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
    if turn == "btt":
        return (height - bottom, x0, height - top, x1)
    return (top, width - x1, bottom, width - x0)


def _page_turn(chars: list[dict[str, Any]]) -> Turn:
    if not chars:
        return "none"
    sideways = [c for c in chars if not c.get("upright", True)]
    if len(sideways) <= ROTATED_SHARE * len(chars):
        return "none"
    # The text matrix's second element is positive when glyphs run up the page.
    up = sum(1 for c in sideways if c["matrix"][1] > 0)
    return "btt" if up >= len(sideways) / 2 else "ttb"


def _dedupe(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop characters printed twice at (nearly) the same spot so words do not double:
    fake bold overprints each glyph a fraction of a point to the side. A repeated letter
    ("ll") is a whole glyph width further on."""
    # Kept characters by text and rounded top, their x0s sorted (with their tops): a
    # character is dropped when a kept one of the same text on its row or a row either
    # side is within the tolerances. Bisection finds the few near its x0 (a row of
    # figures repeats each digit many times); the test is the same for each of them.
    seen: dict[tuple[str, int], tuple[list[float], list[float]]] = {}
    kept = []
    for c in chars:
        x0, top, text = c["x0"], c["top"], c["text"]
        row = round(top)
        tol_x = OVERPRINT_SHARE * (c["x1"] - x0)
        tol_y = OVERPRINT_SHARE * c.get("size", 1.0)
        if _near(seen, text, row, x0, top, tol_x, tol_y):
            continue
        filed = seen.get((text, row))
        if filed is None:
            seen[(text, row)] = ([x0], [top])
        elif x0 >= filed[0][-1]:
            filed[0].append(x0)
            filed[1].append(top)
        else:
            at = bisect_right(filed[0], x0)
            filed[0].insert(at, x0)
            filed[1].insert(at, top)
        kept.append(c)
    return kept


def _near(
    seen: dict[tuple[str, int], tuple[list[float], list[float]]],
    text: str,
    row: int,
    x0: float,
    top: float,
    tol_x: float,
    tol_y: float,
) -> bool:
    reach = abs(tol_x) + 1.0  # only narrows the search: the test below decides
    for r in (row, row - 1, row + 1):
        filed = seen.get((text, r))
        if filed is None:
            continue
        xs, tops = filed
        for i in range(bisect_left(xs, x0 - reach), bisect_right(xs, x0 + reach)):
            if -tol_x <= xs[i] - x0 <= tol_x and -tol_y <= tops[i] - top <= tol_y:
                return True
    return False


def _drop_margin_labels(
    chars: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Drop sideways characters printed beside the upright text (production slugs and
    file names run up the page margin) on a page that reads left to right: they would
    otherwise become a column glued to whatever table is beside them. Sideways text
    within the text's width or under a horizontal ruling (vertical column headers, the
    last of them past its column's figures) is kept."""
    upright = [c for c in chars if c.get("upright", True)]
    if len(upright) == len(chars) or not upright:
        return chars
    left = min(c["x0"] for c in upright)
    right = max(c["x1"] for c in upright)
    rules = [(e["x0"], e["x1"]) for e in edges if e["orientation"] == "h"]
    return [
        c
        for c in chars
        if c.get("upright", True)
        or left <= (c["x0"] + c["x1"]) / 2 <= right
        or any(x0 <= (c["x0"] + c["x1"]) / 2 <= x1 for x0, x1 in rules)
    ]


def _turn_chars(
    chars: list[dict[str, Any]], turn: Turn, width: float, height: float
) -> list[dict[str, Any]]:
    turned = []
    for c in chars:
        x0, top, x1, bottom = _turn_box(c, turn, width, height)
        turned.append(
            box(x0, top, x1, bottom, text=c["text"], upright=True, size=c.get("size", bottom - top))
        )
    return turned


def _turn_edges(
    edges: list[dict[str, Any]], turn: Turn, width: float, height: float
) -> list[dict[str, Any]]:
    turned = []
    for e in edges:
        x0, top, x1, bottom = _turn_box(e, turn, width, height)
        turned.append(
            box(
                x0,
                top,
                x1,
                bottom,
                orientation="v" if e["orientation"] == "h" else "h",
                object_type=e.get("object_type", "line"),
            )
        )
    return turned


def _words(chars: list[dict[str, Any]]) -> list[Word]:
    """Words of upright text, plus each run of sideways text (a vertical column header) as
    one word read in its own direction: up the page for text turned anticlockwise, down it
    for text turned clockwise. pdfplumber reads every sideways run top to bottom, which
    spells upward text backwards."""
    upright = [c for c in chars if c.get("upright", True)]
    order = {id(c): i for i, c in enumerate(upright)}
    words = [
        Word(
            x0=x0,
            top=top,
            x1=x1,
            bottom=bottom,
            text=text,
            chars=tuple([(c["x0"], c["x1"], c["text"]) for c in wchars]),
            space_before=_space_before(upright, order[id(wchars[0])]),
        )
        for x0, top, x1, bottom, text, wchars in word_boxes(
            upright, WORD_X_TOLERANCE, WORD_Y_TOLERANCE
        )
        if text.strip()
    ]
    sideways = [c for c in chars if not c.get("upright", True)]
    for up in (True, False):
        run = [c for c in sideways if (c["matrix"][1] > 0) == up]
        if not run:
            continue
        extractor = WordExtractor(
            x_tolerance=WORD_X_TOLERANCE,
            y_tolerance=WORD_Y_TOLERANCE,
            keep_blank_chars=True,
            char_dir_rotated="btt" if up else "ttb",
            line_dir_rotated="ltr" if up else "rtl",
        )
        # No glyph boxes: a vertical word is never split at a column ruling.
        words.extend(_words_of(extractor.iter_extract_tuples(run)))
    return words


def _space_before(chars: list[dict[str, Any]], i: int) -> bool:
    """True when the character drawn just before ``chars[i]`` is a space on the same line."""
    if i == 0:
        return False
    before, first = chars[i - 1], chars[i]
    return bool(before["text"].isspace()) and abs(before["top"] - first["top"]) < 1.0


def _words_of(tuples: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]) -> list[Word]:
    """Sideways words, each with its text stripped and no glyph boxes."""
    words = []
    for word, _ in tuples:
        text = word["text"].strip()
        if text:
            words.append(
                Word(
                    x0=word["x0"], top=word["top"], x1=word["x1"], bottom=word["bottom"], text=text
                )
            )
    return words


def _sideways_marked(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``chars`` with every character turned a quarter (its text matrix runs more up or
    down the page than across it) marked ``upright: False``. pdfminer's upright test
    (``a * d > 0 and b * c <= 0``) takes a quarter turn written with rounding noise
    (``-4e-09, 1, -1, -4e-09``: Excel's PDFs) for upright text, and the vertical column
    headers would be read across, letter by letter, spelt backwards."""
    out = chars
    for i, c in enumerate(chars):
        matrix = c.get("matrix")
        if c.get("upright", True) and matrix and abs(matrix[1]) > abs(matrix[0]):
            if out is chars:
                out = list(chars)
            out[i] = {**c, "upright": False}
    return out


def read_page(page: Page) -> PageContent:
    """Words and long enough ruling edges of ``page``, turned upright when needed."""
    chars = _dedupe(_sideways_marked(page.chars))
    edges = [
        e
        for e in visible_edges(page.edges, page.rects)
        if e["orientation"] in ("h", "v")
        and (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"])
        >= MIN_EDGE_LENGTH
    ]
    width, height = float(page.width), float(page.height)
    small = [
        r
        for r in (*page.rects, *page.curves)
        if r["x1"] - r["x0"] <= SPECK_SIZE and r["bottom"] - r["top"] <= SPECK_SIZE
    ]
    drawn = [
        r
        for r in (*page.rects, *page.curves)
        if r["x1"] - r["x0"] > SPECK_SIZE or r["bottom"] - r["top"] > SPECK_SIZE
    ]
    turn = _page_turn(chars)
    if turn != "none":
        chars = _turn_chars(chars, turn, width, height)
        edges = _turn_edges(edges, turn, width, height)
        specks = [_turn_box(r, turn, width, height) for r in small]
        boxes = [_turn_box(r, turn, width, height) for r in drawn]
        frame_w, frame_h = height, width
    else:
        chars = _drop_margin_labels(chars, edges)
        specks = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in small]
        boxes = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in drawn]
        frame_w, frame_h = width, height
    shapes = [
        Shape(*b, stroked=bool(r.get("stroke")), filled=bool(r.get("fill")))
        for b, r in zip(boxes, drawn, strict=True)
    ]
    return PageContent(
        number=page.page_number,
        width=frame_w,
        height=frame_h,
        words=_words(chars),
        edges=edges,
        turn=turn,
        page_width=width,
        page_height=height,
        specks=specks,
        shapes=shapes,
    )
