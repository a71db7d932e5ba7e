"""``parsers/reading/words.py`` gives pdfplumber's own words, cell text, page text and text
lines: compared on every page of every fixture PDF (the first pages of the long ones)."""

from __future__ import annotations

from typing import Any

import pdfplumber
import pytest
from pdfplumber.utils import text as plumber_text
from pdfplumber.utils.text import WordExtractor

from parsers.reading import words as fast_text
from tests.shared import FIXTURES, fixture

ALL_PDFS = sorted(
    str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.pdf") if "site" not in p.parts
)
FIRST_PAGES = 12
TOLERANCES: list[dict[str, Any]] = [{}, {"x_tolerance": 1.5, "y_tolerance": 2}, {"x_tolerance": 0}]


def _ids(tuples: list[tuple[dict[str, Any], list[Any]]]) -> list[tuple[dict[str, Any], list[int]]]:
    return [(word, [id(c) for c in chars]) for word, chars in tuples]


def _bands(chars: list[dict[str, Any]], height: float) -> list[list[dict[str, Any]]]:
    """The page's characters in horizontal bands, as a table's cells would take them."""
    bands: dict[int, list[dict[str, Any]]] = {}
    for c in chars:
        bands.setdefault(int(c["top"] // height), []).append(c)
    return list(bands.values())


@pytest.mark.parametrize("relative", ALL_PDFS)
def test_words_text_and_lines_are_pdfplumbers(relative: str) -> None:
    words_seen = 0
    with pdfplumber.open(fixture(relative)) as pdf:
        for page in pdf.pages[:FIRST_PAGES]:
            chars = page.chars
            for kwargs in TOLERANCES:
                theirs = list(WordExtractor(**kwargs).iter_extract_tuples(chars))
                assert _ids(fast_text.word_tuples(chars, **kwargs)) == _ids(theirs)
                assert [
                    (x0, top, x1, bottom, text, [id(c) for c in word_chars])
                    for x0, top, x1, bottom, text, word_chars in fast_text.word_boxes(
                        chars, **kwargs
                    )
                ] == [
                    (w["x0"], w["top"], w["x1"], w["bottom"], w["text"], [id(c) for c in wc])
                    for w, wc in theirs
                ]
                assert fast_text.extract_words(chars, **kwargs) == plumber_text.extract_words(
                    chars, **kwargs
                )
                if not kwargs:
                    assert fast_text.word_texts(chars) == [w["text"] for w, _ in theirs]
                assert fast_text.extract_text(chars, **kwargs) == plumber_text.extract_text(
                    chars, **kwargs
                )
                words_seen += len(theirs)
            for band in _bands(chars, 14) + _bands(chars, 40):
                assert fast_text.extract_text(band) == plumber_text.extract_text(band)
                assert fast_text.cell_text(band) == plumber_text.extract_text(band)
            for char in chars[:300]:  # a cell of one character
                assert fast_text.cell_text([char]) == plumber_text.extract_text([char])
            theirs_map = page._get_textmap()
            ours_map = fast_text.page_textmap(chars)
            assert ours_map is not None
            assert [(t, id(c)) for t, c in ours_map.tuples] == [
                (t, id(c)) for t, c in theirs_map.tuples
            ]
            assert ours_map.as_string == theirs_map.as_string
            assert ours_map.extract_text_lines() == theirs_map.extract_text_lines()
            assert fast_text.text_line_boxes(chars) == theirs_map.extract_text_lines(
                return_chars=False
            )
    if relative.endswith("schools.pdf"):
        assert words_seen > 5000


def test_other_settings_are_left_to_pdfplumber() -> None:
    with pdfplumber.open(fixture("real/tabula-java/schools.pdf")) as pdf:
        page = pdf.pages[0]
        assert fast_text.page_textmap(page.chars, layout=True) is None
        assert fast_text.extract_text(page.chars[:200], layout=True) == plumber_text.extract_text(
            page.chars[:200], layout=True
        )
        assert fast_text.extract_words(page.chars, keep_blank_chars=True) == (
            plumber_text.extract_words(page.chars, keep_blank_chars=True)
        )


def test_empty_text_and_ligatures_as_pdfplumber() -> None:
    def char(text: str, x0: float, top: float = 10.0, upright: bool = True) -> dict[str, Any]:
        return {
            "text": text,
            "x0": x0,
            "x1": x0 + 5,
            "top": top,
            "bottom": top + 10,
            "doctop": top + 800,
            "upright": upright,
            "size": 10,
        }

    chars = [
        char("a", 10),
        char("", 15),
        char("b", 20),
        char("ﬁ", 25),
        char(" ", 30),
        char("c", 36),
        char("d", 30),
        char("e", 60, 11.5),
        char("f", 10, 40),
        char("g", 70, 40, upright=False),
        char("h", 70, 46, upright=False),
        char("i", 80, 40),
    ]
    theirs = list(WordExtractor().iter_extract_tuples(chars))
    assert _ids(fast_text.word_tuples(chars)) == _ids(theirs)
    assert fast_text.extract_text(chars) == plumber_text.extract_text(chars)
    for some in (chars, chars[1:], [chars[1], *chars[7:]]):  # a line opening with no letters
        theirs_map = plumber_text.chars_to_textmap(some, layout_bbox=(0, 0, 600, 800))
        ours_map = fast_text.page_textmap(some)
        assert ours_map is not None
        assert [(t, id(c)) for t, c in ours_map.tuples] == [
            (t, id(c)) for t, c in theirs_map.tuples
        ]
        assert fast_text.text_line_boxes(some) == theirs_map.extract_text_lines(return_chars=False)
    # A character whose text holds a newline cuts the text map's line: left to it.
    assert fast_text.text_line_boxes([*chars[:3], char("x\ny", 40, 60)]) is None
    # The line is read in x order ("d" before "c"); the sideways run comes between the
    # upright ones, as in the stream.
    assert [w["text"] for w, _ in theirs] == ["a", "", "bfi", "dc", "e", "f", "gh", "i"]


@pytest.mark.parametrize(
    ("tops", "kwargs", "text"),
    [
        ((10.0, 10.0, 10.0, 10.0), {}, "ab cd"),
        ((10.0, 13.0, 10.5, 12.0), {}, "ab cd"),  # 3 apart: one line at the default tolerance
        ((10.0, 13.0001, 10.5, 12.0), {}, "a b cd"),  # just over: clustered, one line
        ((10.0, 20.0, 10.5, 12.0), {}, "b cd\na"),
        ((0.1, 3.1, 0.1, 0.1), {}, "ab cd"),  # tops near 0, where a difference can round
        ((10.0, 10.0, 10.0, 10.0), {"y_tolerance": 0}, "ab cd"),
        ((10.0, 10.0, 10.0, 10.25), {"y_tolerance": 0}, "ab c\nd"),
        ((10.0, 11.0, 10.0, 10.0), {"x_tolerance": 1.5, "y_tolerance": 1}, "ab cd"),
    ],
)
def test_a_cell_on_one_line_reads_as_pdfplumber(
    tops: tuple[float, ...], kwargs: dict[str, Any], text: str
) -> None:
    """A cell's text when its characters' tops are within the tolerance of each other (read
    as one line without clustering) and when they are just not."""
    chars = [
        {"text": t, "x0": x0, "x1": x0 + 5, "top": top, "bottom": top + 8, "doctop": top}
        | {"upright": True}
        for t, x0, top in zip("bacd", (15.0, 10.0, 30.0, 35.0), tops, strict=True)
    ]
    assert plumber_text.extract_text(chars, **kwargs) == text
    assert fast_text.extract_text(chars, **kwargs) == text
    sideways = [{**c, "upright": False} if c["text"] == "c" else c for c in chars]
    assert fast_text.extract_text(sideways, **kwargs) == plumber_text.extract_text(
        sideways, **kwargs
    )


def test_a_pages_words_are_kept_for_the_next_stage_only_while_its_characters_are_the_same() -> None:
    with pdfplumber.open(fixture("real/tabula-java/schools.pdf")) as pdf:
        chars = list(pdf.pages[0].chars)
    assert len(chars) >= fast_text.PAGE_CHARS
    first = fast_text.word_boxes(chars)
    assert fast_text.word_boxes(chars) == first
    assert fast_text.word_boxes(list(chars)) == first  # another list: read again, same words
    moved = {**chars[0], "x0": chars[0]["x0"] + 500, "x1": chars[0]["x1"] + 500}
    chars.append(moved)  # the same list, one character more: read again
    again = fast_text.word_boxes(chars)
    assert [w[:5] for w in again] == [
        (w["x0"], w["top"], w["x1"], w["bottom"], w["text"])
        for w in plumber_text.extract_words(chars)
    ]
    assert len(again) == len(first) + 1
