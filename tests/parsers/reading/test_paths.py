"""Painted paths become pdfplumber's dicts (``parsers/reading/paths.py``): the shapes the
fixtures may not draw, each compared with pdfplumber's own reader, key for key."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from parsers.reading.document import FastPDF
from tests.parsers.reading.hostile import pdf_with_pages
from tests.parsers.reading.test_document import _comparable

#: Each shape pdfminer tells apart, under a matrix that scales and moves, some inside
#: marked content (a path's tag is the current one; a path that makes nothing tags the
#: object made before it).
SHAPES = b"""
q 1.5 0 0 2 10 20 cm
BT /F1 12 Tf 72 300 Td (Ab) Tj ET
/P <</MCID 0>> BDC 0 0 m 100 0 l S EMC
/Span <</MCID 1>> BDC 5 5 l S EMC
0 0 m 10 0 l 10 10 l 0 10 l h f
20 20 m 40 20 l 40 30 l 20 30 l 20 20 l h S
50 50 m 60 55 l 70 50 l h B
0 100 m 10 110 20 120 30 100 c S
5 5 m 15 5 l 30 30 m 40 30 l 40 40 l 30 40 l h b
[3 2] 1 d 1.25 w 0.5 0.2 0.1 RG 200 200 60 40 re s
/Figure <</MCID 2>> BDC 300 300 m 300 300 l f* EMC
Q
"""


def test_each_shape_is_pdfplumbers_dict(tmp_path: Path) -> None:
    path = pdf_with_pages(tmp_path / "shapes.pdf", [SHAPES])
    with pdfplumber.open(path) as plain, FastPDF.open(path) as fast:
        theirs, mine = plain.pages[0].objects, fast.pages[0].objects
        assert list(mine) == list(theirs) == ["char", "line", "rect", "curve"]
        assert _comparable(mine) == _comparable(theirs)
        for kind in ("line", "rect", "curve"):
            assert [list(o) for o in mine[kind]] == [list(o) for o in theirs[kind]]  # key order
        # not vacuous: the path that made nothing gave the line before it its tag, two
        # subpaths of one path, a dash and a colour went through
        assert [(o["mcid"], o["tag"]) for o in theirs["line"]] == [
            (1, "Span"),
            (None, None),
            (2, "Figure"),
        ]
        assert [len(o["pts"]) for o in theirs["curve"]] == [4, 2, 6, 6]
        assert theirs["curve"][-1]["dash"] == ([3, 2], 1)
        assert theirs["curve"][-1]["stroking_color"] == (0.5, 0.2, 0.1)
