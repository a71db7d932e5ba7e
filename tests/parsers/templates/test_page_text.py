"""The engine's page text made from the words the accounting found (``text_lines``) is
pdfplumber's ``extract_text_lines()``, and the accounting's lines from those words
(``box_lines``) are ``words_to_lines(page.extract_words())``: compared on the first pages
of every fixture PDF, against pdfplumber's own text map and words of the same characters."""

from __future__ import annotations

import pytest
from pdfplumber.utils.text import chars_to_textmap
from pdfplumber.utils.text import extract_words as plumber_words

from parsers.accounting import box_lines, words_to_lines
from parsers.reading.furniture import open_pdf
from parsers.reading.words import text_lines, word_boxes
from tests.shared import FIXTURES, fixture

ALL_PDFS = sorted(
    str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.pdf") if "site" not in p.parts
)
FIRST_PAGES = 3


@pytest.mark.parametrize("relative", ALL_PDFS)
def test_text_and_lines_from_the_words_are_pdfplumbers(relative: str) -> None:
    with open_pdf(fixture(relative)) as pdf:
        for page in pdf.pages[:FIRST_PAGES]:
            chars = page.chars
            words = word_boxes(chars)
            textmap = chars_to_textmap(chars, layout_bbox=page.bbox)  # Page._get_textmap's
            assert text_lines(words) == [line["text"] for line in textmap.extract_text_lines()]
            assert box_lines(words) == words_to_lines(plumber_words(chars))


def test_text_lines_of_words_on_one_line_and_of_none() -> None:
    words = [
        (10.0, 100.0, 20.0, 108.0, "", []),  # a word with no text (a line starts with it)
        (22.0, 100.5, 40.0, 108.5, "Total", []),
        (50.0, 101.0, 70.0, 109.0, "1,234", []),
        (10.0, 120.0, 30.0, 128.0, "Page", []),
    ]
    assert text_lines(words) == ["Total 1,234", "Page"]
    assert text_lines([]) == []
