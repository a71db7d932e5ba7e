"""Light characters (``parsers.reading.chars``): the same values as pdfplumber's dicts for
the keys they carry, pdfplumber's dicts still whole when asked for, and none made on the
template, DDOR and generic paths."""

from __future__ import annotations

from typing import Any

import pdfplumber
import pytest
from pdfplumber import utils as plain_utils

from parsers.generic import extract_tables
from parsers.ice_ddor.parser import PARSER as DDOR
from parsers.reading import document as pdf_pages
from parsers.reading.chars import chars_within, light_chars, text_line_dicts
from parsers.reading.document import FastPDF, forget
from parsers.registry import get_parser
from tests.parsers.reading.test_document import TEMPLATE_FIXTURES, _comparable
from tests.shared import fixture

#: Every key a light character carries with pdfplumber's value.
LIGHT_KEYS = ("x0", "x1", "top", "bottom", "doctop", "upright", "text", "size")

#: Unrotated text (light characters made from the string's values) and rotated text (the
#: NICS copy turned a quarter: light characters keeping pdfplumber's dict under "full").
PAGES = [
    "real/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "real/pdfplumber/nics-background-checks-2015-11-rotated.pdf",
    "real/camelot/m27.pdf",
    "ddor/ddor2017_01-28to02-03.pdf",
]


def _light(chars: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(c[k] for k in LIGHT_KEYS) for c in chars]


@pytest.mark.parametrize("relative", PAGES)
def test_light_characters_carry_pdfplumbers_values(relative: str) -> None:
    path = fixture(relative)
    with pdfplumber.open(path) as plain, FastPDF.open(path) as fast:
        for mine, theirs in zip(fast.pages, plain.pages, strict=True):
            light = light_chars(mine)
            assert "_objects" not in mine.__dict__  # the light ones made no full dicts
            assert light and _light(light) == _light(theirs.chars)
            # pdfplumber's dicts made afterwards from the light ones are pdfplumber's.
            assert _comparable(mine.objects) == _comparable(theirs.objects)
            assert list(mine.objects) == list(theirs.objects)


def test_edges_rects_and_lines_make_no_character_dicts() -> None:
    path = fixture("ddor/ddor2017_01-28to02-03.pdf")
    with pdfplumber.open(path) as plain, FastPDF.open(path) as fast:
        mine, theirs = fast.pages[1], plain.pages[1]
        assert len(mine.edges) == len(theirs.edges) == 164
        assert _comparable(mine.rects) == _comparable(theirs.rects)
        assert _comparable(mine.lines) == _comparable(theirs.lines)
        assert "_objects" not in mine.__dict__
        assert mine.extract_words() == theirs.extract_words()
        assert mine.extract_text() == theirs.extract_text()
        assert "_objects" not in mine.__dict__


def test_a_crops_light_characters_are_the_crop_of_the_pages() -> None:
    path = fixture("real/camelot/12s0324.pdf")
    box = (0, 360, 420, 600)
    with pdfplumber.open(path) as plain, FastPDF.open(path) as fast:
        mine = light_chars(fast.pages[0].crop(box))
        theirs = plain.pages[0].crop(box).chars
        assert len(mine) == len(theirs) == 2737
        assert _light(mine) == _light(theirs)
        within = light_chars(fast.pages[0].within_bbox(box))
        assert _light(within) == _light(plain.pages[0].within_bbox(box).chars)


@pytest.mark.parametrize("relative", PAGES)
def test_characters_within_a_box_are_pdfplumbers(relative: str) -> None:
    # Boxes cutting through characters, holding none, the whole page, and one of no width.
    with pdfplumber.open(fixture(relative)) as plain, FastPDF.open(fixture(relative)) as fast:
        for theirs_page, fast_page in zip(plain.pages[:3], fast.pages, strict=False):
            width, height = float(theirs_page.width), float(theirs_page.height)
            boxes = [
                (0.0, 0.0, width, height),
                (0.0, 0.0, width / 3, height / 2),
                (width / 4, height / 5, width * 0.6, height * 0.7),
                (width / 2, 0.0, width / 2, height),
                (width, height, width, height),
            ]
            boxes += [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in theirs_page.chars[:50]]
            for box in boxes:
                theirs = plain_utils.within_bbox(theirs_page.chars, box)
                assert chars_within(theirs_page.chars, box) == theirs
                mine = chars_within(light_chars(fast_page), box)
                assert _light(mine) == _light(theirs)
                if box[2] > box[0] and box[3] > box[1]:  # a crop has an area
                    assert _light(light_chars(fast_page.within_bbox(box))) == _light(theirs)


def test_text_lines_are_pdfplumbers_without_their_characters() -> None:
    path = fixture("ddor/ddor2017_01-28to02-03.pdf")
    with pdfplumber.open(path) as plain, FastPDF.open(path) as fast:
        for number, count in ((0, 20), (1, 19), (34, 15)):
            theirs = plain.pages[number].extract_text_lines(return_chars=False)
            assert text_line_dicts(fast.pages[number]) == theirs
            assert text_line_dicts(plain.pages[number]) == theirs
            assert len(theirs) == count
            assert theirs[0]["text"] == "U.S. Immigration and Customs Enforcement"
            assert "chars" not in theirs[0]


def _counting_full_chars(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    real = pdf_pages.full_chars

    def counting(light: list[dict[str, Any]], *args: Any) -> list[dict[str, Any]]:
        made.append(len(light))
        return real(light, *args)

    monkeypatch.setattr(pdf_pages, "full_chars", counting)
    return made


@pytest.mark.parametrize(("name", "relative"), TEMPLATE_FIXTURES)
def test_templates_make_no_pdfplumber_character_dicts(
    name: str, relative: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _counting_full_chars(monkeypatch)
    forget()
    result = get_parser(name).parse(fixture(relative))
    forget()
    assert result.rows or result.quarantine
    assert made == []


def test_the_ddor_parser_and_the_generic_extractor_make_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _counting_full_chars(monkeypatch)
    forget()
    assert len(DDOR.parse(fixture("ddor/ddor2017_01-28to02-03.pdf")).rows) > 300
    tables = extract_tables(fixture("real/camelot/m27.pdf"), workers=1)
    forget()
    assert tables
    assert made == []
    # ... while page.chars still makes them.
    with FastPDF.open(fixture("real/camelot/m27.pdf")) as pdf:
        assert len(pdf.pages[0].chars) == made[0] == 3850
