"""Reading a PDF's pages once per process, for every stage that needs them.

Page text for search, OCR decisions, parser detection and the parse itself all ask for the
same pages of the same file in one worker process. ``open_document`` hands them one
``Document`` (cached per file version), whose pages keep the objects read from them, so
each page's content stream is interpreted once however many stages look at it.

One reader: pdfminer reads the page as in pdfplumber, but characters are turned into
pdfplumber's dicts by a specialised path (pdfplumber resolves every attribute of every
character through its generic converter, which is most of its time). The dicts are the
ones pdfplumber makes, key for key and value for value: pdfplumber's own reader is the
oracle ``tests/parsers/reading/test_document.py`` compares every fixture page with.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any
from unicodedata import normalize as normalize_unicode

import pdfplumber
from pdfminer import pdfinterp, psparser
from pdfminer import settings as pdfminer_settings
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTPage, LTRect
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFInterpreterError
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import PSEOF, PSKeyword, keyword_name
from pdfminer.utils import apply_matrix_rect
from pdfplumber.page import (
    ALL_ATTRS,
    Page,
    PDFPageAggregatorWithMarkedContent,
    fix_fontname_bytes,
)
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

from parsers.reading.ascii85 import install as install_ascii85
from parsers.reading.chars import CHAR_DATA_WIDTH, FastCrops, full_chars, light_of
from parsers.reading.operators import NO_OPS, FastOperators
from parsers.reading.pagelist import Acyclic, PageList, drop_streams
from parsers.reading.paths import path_dicts
from parsers.reading.tokens import reading_fast
from parsers.reading.words import TOLERANCES, page_textmap
from parsers.reading.words import extract_words as fast_extract_words

#: Documents kept open per process: a worker handles one document at a time (when it
#: parses an OCR copy, the original's pages are not needed once their text is read).
CACHED_DOCUMENTS = 1
#: Objects of one document's pages kept read for the next stage (each about 1.8 KB with
#: its share of the page's caches: about 180 MB; some 50 dense tabular pages). Pages read
#: beyond it are let go as soon as the next page is read (``TRANSIENT_PAGES``), whatever
#: the stage, so memory does not grow with page count: a stage that needs such a page
#: again reads it again.
KEPT_OBJECTS = 100_000
#: Pages read beyond ``KEPT_OBJECTS`` held at once (the page a stage works on and the one
#: before: a table continuing over a page break looks back one page).
TRANSIENT_PAGES = 2
#: A page drawing more objects than this (characters, lines, rectangles, curves, images)
#: is not read: its reading stops there and the page is empty to every stage, named in
#: ``pages_not_read``. Each object is a dict of about 1 KB, so one page costs at most about
#: 200 MB; a 7 KB PDF can draw 10^6 tiny characters (1.5 GB read whole). Real pages stay
#: far below: a dense tabular page draws 5,000-20,000.
MAX_PAGE_OBJECTS = 200_000

_PLAIN = (float, int, bool, str, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)
_NUMBERS = (int, float)
#: pdfminer's device logger (its warning for a string element it cannot render).
_device_log = logging.getLogger("pdfminer.pdfdevice")

#: pdfminer's path objects and the ``object_type`` pdfplumber names them by.
_PATH_KINDS: dict[type, str] = {LTRect: "rect", LTLine: "line", LTCurve: "curve"}

_lock = threading.Lock()
#: Pages not read because of ``MAX_PAGE_OBJECTS``: file -> page number -> why.
_not_read: dict[str, dict[int, str]] = {}
_cache: OrderedDict[tuple[str, int, int], Document] = OrderedDict()


def _forget_inherited() -> None:
    """In a forked child: drop the parent's open documents. Their files share the parent's
    file offsets, so reading them here while the parent (or a sibling) reads too would
    interleave the two reads and garble both."""
    global _lock
    _lock = threading.Lock()
    _cache.clear()
    _not_read.clear()


os.register_at_fork(after_in_child=_forget_inherited)


#: The garbage collector's thresholds while a page is read. Reading makes tens of thousands
#: of objects (a dict per character) that all live on; at Python's default (a collection
#: every 700 new objects, a full one every 100 of those) the collector spends about as long
#: scanning them as the reading takes. Reference counting still frees everything at once.
READING_GC_THRESHOLDS = (10_000, 50, 50)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often for the block (process-wide; restored after)."""
    before = gc.get_threshold()
    if before[0] >= READING_GC_THRESHOLDS[0]:  # already (an enclosing read, or the user)
        yield
        return
    gc.set_threshold(*READING_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _plain(value: Any) -> Any:
    """``resolve_all(value)`` without its cost for the plain values characters and paths
    hold (numbers, and tuples or lists of numbers or of points)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple and all(type(v) in _PLAIN for v in value):
        return value
    if kind is list and all(
        type(v) in _PLAIN or (type(v) is tuple and all(type(u) in _PLAIN for u in v)) for v in value
    ):
        return list(value)  # resolve_all makes a new list too
    return resolve_all(value)


_decoded: dict[Any, Any] = {}


def _decode_name(name: Any) -> Any:
    try:
        return _decoded[name]
    except (KeyError, TypeError):
        value = resolve_and_decode(name)
        if isinstance(name, str | bytes):
            _decoded[name] = value
        return value


class _CharDicts(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, except that a character goes straight to the dict pdfplumber
    would make of it: the same arithmetic as pdfminer's ``LTChar`` (bounding box through
    the text matrix, descent below the baseline, upright test) and as pdfplumber's
    ``Page.process_object``, without the object in between."""

    def __init__(self, page: FastPage) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
        self.page = page
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.doctop = page.initial_doctop
        self.norm = page.pdf.unicode_norm
        #: What never changes for a font (``_font``), kept for the document's other pages
        #: (pdfminer's resource manager gives them the same font objects).
        self.fonts: dict[int, list[Any]] = reading_caches(page.pdf).fonts
        #: Objects the page may still draw (``MAX_PAGE_OBJECTS``).
        self.budget = MAX_PAGE_OBJECTS
        #: What makes pdfplumber's dicts of the light characters (``parsers.reading.chars``):
        #: each unrotated string's shared values, and (e, f, advance, string) per character.
        self.strings: list[tuple[Any, ...]] = []
        self.char_data: list[Any] = []
        #: What a path's dict needs of the page (``parsers.reading.paths.path_dicts``).
        self.page_values = (
            page.page_number,
            page.height,
            self.mb_x0,
            self.mb_top,
            page.initial_doctop,
        )

    def _spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise PageOverLimit(MAX_PAGE_OBJECTS)

    def paint_path(
        self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Sequence[Any]
    ) -> None:
        """pdfplumber's dict of each subpath (``parsers.reading.paths``), tagged as
        pdfplumber's device tags pdfminer's objects."""
        path_dicts(
            self._paint, _plain, self.ctm, gstate, stroke, fill, evenodd, path, self.page_values
        )

    def _paint(self, made: list[dict[str, Any]]) -> None:
        """What one ``paint_path`` made (maybe nothing): added, then the last object tagged."""
        self._spend()
        for attr in made:
            self.cur_item.add(attr)  # type: ignore[arg-type]
        self.tag_cur_item()

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._spend()
        super().render_image(*args, **kwargs)

    def tag_cur_item(self) -> None:
        """As pdfplumber's: the marked-content tag goes on the object made last, which is
        a character's dict when a path or image made none."""
        objects: list[Any] = self.cur_item._objs
        if objects and type(objects[-1]) is dict:
            last: Any = objects[-1]
            mcid, tag = _plain(self.cur_mcid), _plain(self.cur_tag)
            if "object_type" in last:  # a path's dict (``parsers.reading.paths``)
                last["mcid"] = mcid
                last["tag"] = tag
                return
            full = last.get("full")
            if full is not None:
                full["mcid"] = mcid
                full["tag"] = tag
                return
            # A light character: its string's values again, with these tags.
            at = last["i"] + CHAR_DATA_WIDTH - 1  # (e, advance, string)
            shared = list(self.strings[self.char_data[at]])
            shared[9:11] = [mcid, tag]  # (a, b, c, d, f, low, high, font, upright, mcid, tag, ...)
            self.char_data[at] = len(self.strings)
            self.strings.append(tuple(shared))
            return
        super().tag_cur_item()

    def _font(self, font: Any) -> list[Any]:
        """What never changes for a font: writing direction, name, descent, each
        character code's text and width as pdfminer looks them up, and whether its codes
        are several bytes."""
        entry = self.fonts.get(id(font))
        if entry is None or entry[0] is not font:
            name = font.fontname
            name = fix_fontname_bytes(name) if isinstance(name, bytes) else _plain(name)
            vertical, multibyte = font.is_vertical(), font.is_multibyte()
            entry = [font, vertical, name, font.get_descent(), {}, {}, multibyte]
            self.fonts[id(font)] = entry
        return entry

    def _glyph(self, font: Any, glyphs: dict[int, tuple[str, float]], cid: int) -> Any:
        try:
            text = font.to_unichr(cid)
            if not isinstance(text, str):
                raise TypeError(str(type(text)))
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        if self.norm is not None:
            text = normalize_unicode(self.norm, text)
        glyph = glyphs[cid] = (text, font.char_width(cid))
        return glyph

    def render_char(
        self,
        matrix: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        """One character (pdfminer calls this for vertical fonts; horizontal strings go
        through ``render_string_horizontal`` below, which does the same per character)."""
        entry = self._font(font)
        _, vertical, _, font_descent, glyphs, _, _ = entry
        glyph = glyphs.get(cid)
        if glyph is None:
            glyph = self._glyph(font, glyphs, cid)
        text, textwidth = glyph
        adv = textwidth * fontsize * scaling
        if vertical:
            (vx, vy) = font.char_disp(cid)
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font_descent * fontsize
            bbox = (0, descent + rise, adv, descent + rise + fontsize)
        (a, b, c, d, e, f) = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        constant = self._string_constants(entry, upright, ncs, graphicstate)
        self._add_char(constant, matrix, bbox, adv, text, vertical)
        return float(adv)

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        """pdfminer's ``render_string`` (the text matrix through the current matrix, the
        string's spacing; same operations, same order) with the font's writing direction
        and code width looked up once per font."""
        font = textstate.font
        entry = self._font(font)
        if entry[1]:  # vertical writing: pdfminer's
            super().render_string(textstate, seq, ncs, graphicstate)
            return
        (a1, b1, c1, d1, e1, f1) = textstate.matrix
        (a0, b0, c0, d0, e0, f0) = self.ctm
        matrix = (
            a0 * a1 + c0 * b1,
            b0 * a1 + d0 * b1,
            a0 * c1 + c0 * d1,
            b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0,
            b0 * e1 + d0 * f1 + f0,
        )
        fontsize = textstate.fontsize
        scaling = textstate.scaling * 0.01
        charspace = textstate.charspace * scaling
        wordspace = textstate.wordspace * scaling
        if entry[6]:
            wordspace = 0
        rise = textstate.rise
        dxscale = 0.001 * fontsize * scaling
        # ``render_string_horizontal``'s test for an upright string without rotation or
        # skew, made here: such a string goes straight to ``_unrotated_string``.
        (x, y) = textstate.linematrix
        (a, b, c, d, e, f) = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        fc = x * b + y * d + f
        if b == 0 and c == 0 and self.mb_x0 == 0 and upright and fc and fc == fc:
            _, _, _, font_descent, glyphs, sized, _ = entry
            constant = self._string_constants(entry, upright, ncs, graphicstate)
            descent = font_descent * fontsize
            x = self._unrotated_string(
                seq, matrix, x, y, font, fontsize, scaling, charspace, wordspace, dxscale,
                glyphs, constant, descent + rise, descent + rise + fontsize, False, fc, sized,
            )  # fmt: skip
            textstate.linematrix = (x, y)
            return
        textstate.linematrix = self.render_string_horizontal(
            seq, matrix, textstate.linematrix, font, fontsize, scaling, charspace, wordspace,
            rise, dxscale, ncs, graphicstate,
        )  # fmt: skip

    def render_string_horizontal(
        self,
        seq: Any,
        matrix: Any,
        pos: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: Any,
        graphicstate: Any,
    ) -> Any:
        """pdfminer's loop over a string's characters with ``render_char`` written into it:
        what is the same for the whole string (font, upright test, colours, tags) is
        worked out once, and each character's matrix and box with pdfminer's arithmetic
        (``translate_matrix``, then the box through the matrix as ``LTChar`` makes it)."""
        (x, y) = pos
        needcharspace = False
        entry = self._font(font)
        _, _, _, font_descent, glyphs, sized, _ = entry
        (a, b, c, d, e, f) = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        constant = self._string_constants(entry, upright, ncs, graphicstate)
        descent = font_descent * fontsize
        low, high = descent + rise, descent + rise + fontsize
        # The characters' matrix f (``x * b + y * d + f``): the same for the whole string
        # when b is 0 and it is not 0 (x * b is then a zero of either sign, which changes
        # no sum but one that is 0 itself), for any finite x.
        fc = x * b + y * d + f
        if b == 0 and c == 0 and self.mb_x0 == 0 and upright and fc and fc == fc:
            x = self._unrotated_string(
                seq, matrix, x, y, font, fontsize, scaling, charspace, wordspace, dxscale,
                glyphs, constant, low, high, needcharspace, fc, sized,
            )  # fmt: skip
            return (x, y)
        add_char = self._add_char
        for obj in seq:
            if isinstance(obj, int | float):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    glyph = glyphs.get(cid)
                    if glyph is None:
                        glyph = self._glyph(font, glyphs, cid)
                    text, textwidth = glyph
                    adv = textwidth * fontsize * scaling
                    char_matrix = (a, b, c, d, x * a + y * c + e, x * b + y * d + f)
                    add_char(constant, char_matrix, (0, low, adv, high), adv, text, False)
                    x += float(adv)
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            else:
                _device_log.warning(
                    "Cannot render horizontal string because %r is not a valid int, float "
                    "or bytes.",
                    obj,
                )
        return (x, y)

    def _unrotated_string(
        self,
        seq: Any,
        matrix: Any,
        x: float,
        y: float,
        font: Any,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        dxscale: float,
        glyphs: dict[int, tuple[str, float]],
        constant: tuple[Any, ...],
        low: float,
        high: float,
        needcharspace: bool,
        fc: float,
        sized: dict[tuple[float, float, float], dict[int, tuple[str, float, float]]],
    ) -> float:
        """``render_string_horizontal``'s loop with ``_add_char`` written into it, for an
        upright matrix without rotation or skew on a page whose media box starts at x = 0
        (nearly every string): the same arithmetic, term for term, without a call per
        character, and each character a light dict (``parsers.reading.chars``; what else
        pdfplumber's dict holds is kept in ``strings`` and ``char_data``). The string's
        matrix f is ``fc`` for every character (see the caller), so its characters share
        their vertical box; products of values fixed for the string are made once (the same
        operations in the same order, so the same floats): a character's advance and its
        product with a are kept per font, size, scaling and a (``sized``), since every
        string of a report repeats a few of them. Returns where the string ends (x)."""
        (a, b, c, d, e, f) = matrix
        fontname, upright, mcid, tag, ncs, scolor, ncolor = constant
        string = len(self.strings)
        self.strings.append(
            (a, b, c, d, fc, low, high, fontname, upright, mcid, tag, ncs, scolor, ncolor)
        )
        # _add_char's box for bbox (0, low, adv, high) through this matrix, its vertical part
        bottom_y, top_y = d * low + fc, d * high + fc
        y0, y1 = (bottom_y, top_y) if bottom_y <= top_y else (top_y, bottom_y)
        top = (self.height - y1) + self.mb_top
        bottom = (self.height - y0) + self.mb_top
        char_doctop = self.doctop + top
        size = y1 - y0
        a_zero = a * 0
        yc = y * c
        data = self.char_data
        at = len(data)
        container = self.cur_item
        # Where pdfminer's container would put the object (its list, unless a subclass
        # does more on adding).
        add: Any = container.add
        if type(container).add is LTContainer.add:
            add = container._objs.append
        budget = self.budget
        key = (fontsize, scaling, a)
        advances = sized.get(key)
        if advances is None:
            advances = sized[key] = {}
        # Each character's light dict (``parsers.reading.chars``) is a copy of this one
        # with its own box, text and place: copying a small dict is faster than building
        # it, and the keys keep this order.
        shared = {
            "x0": 0.0,
            "x1": 0.0,
            "top": top,
            "bottom": bottom,
            "doctop": char_doctop,
            "upright": upright,
            "text": "",
            "size": size,
            "i": 0,
        }
        # A simple font's codes are the string's bytes (pdfminer's ``decode`` copies them
        # into a bytearray, whose items are the same ints).
        simple = type(font).decode is PDFFont.decode
        width = CHAR_DATA_WIDTH
        for obj in seq:
            kind = type(obj)
            if kind is bytes or (kind is not float and kind is not int and isinstance(obj, bytes)):
                cids: Any = obj if simple else list(font.decode(obj))
                # Counted per string: a page over the limit is dropped whole, so where
                # within its last string the count runs out changes nothing.
                budget -= len(cids)
                if budget < 0:
                    self.budget = budget
                    raise PageOverLimit(MAX_PAGE_OBJECTS)
                for cid in cids:
                    if needcharspace:
                        x += charspace
                    advance = advances.get(cid)
                    if advance is None:
                        glyph = glyphs.get(cid)
                        if glyph is None:
                            glyph = self._glyph(font, glyphs, cid)
                        text, textwidth = glyph
                        adv = textwidth * fontsize * scaling  # a float: scaling is Tz * 0.01
                        advance = advances[cid] = (text, adv, a * adv)
                    text, adv, a_adv = advance
                    ec = x * a + yc + e
                    left = a_zero + ec
                    right = a_adv + ec
                    data += (ec, adv, string)
                    char = shared.copy()
                    if left <= right:
                        char["x0"] = left
                        char["x1"] = right
                    else:
                        char["x0"] = right
                        char["x1"] = left
                    char["text"] = text
                    char["i"] = at
                    add(char)
                    at += width
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            elif isinstance(obj, _NUMBERS):
                x -= obj * dxscale
                needcharspace = True
            else:
                _device_log.warning(
                    "Cannot render horizontal string because %r is not a valid int, float "
                    "or bytes.",
                    obj,
                )
        self.budget = budget
        return x

    def _string_constants(
        self, entry: list[Any], upright: bool, ncs: Any, graphicstate: Any
    ) -> tuple[Any, ...]:
        """The keys of a character's dict that are the same for a whole string."""
        scolor = graphicstate.scolor
        ncolor = graphicstate.ncolor
        return (
            entry[2],
            upright,
            _plain(self.cur_mcid),
            _plain(self.cur_tag),
            _decode_name(ncs.name),
            scolor if isinstance(scolor, tuple) else (scolor,),
            ncolor if isinstance(ncolor, tuple) else (ncolor,),
        )

    def _add_char(
        self,
        constant: tuple[Any, ...],
        matrix: Any,
        bbox: tuple[float, float, float, float],
        adv: float,
        text: str,
        vertical: bool,
    ) -> None:
        """The dict pdfplumber makes of the ``LTChar`` pdfminer would make: the box through
        the matrix, then pdfplumber's page coordinates."""
        self.budget -= 1
        if self.budget < 0:
            raise PageOverLimit(MAX_PAGE_OBJECTS)
        (a, b, c, d, e, f) = matrix
        if b == 0 and c == 0:
            # apply_matrix_rect's arithmetic for an unrotated matrix (its four corners
            # reduce to two x and two y values).
            left, right = a * bbox[0] + e, a * bbox[2] + e
            low, high = d * bbox[1] + f, d * bbox[3] + f
            x0, x1 = (left, right) if left <= right else (right, left)
            y0, y1 = (low, high) if low <= high else (high, low)
        else:
            (x0, y0, x1, y1) = apply_matrix_rect(matrix, bbox)
            if x1 < x0:
                (x0, x1) = (x1, x0)
            if y1 < y0:
                (y0, y1) = (y1, y0)
        width = x1 - x0
        height = y1 - y0
        top = (self.height - y1) + self.mb_top
        fontname, upright, mcid, tag, ncs, scolor, ncolor = constant
        attr = {
            "matrix": matrix,  # numbers pdfminer multiplied out: nothing to resolve
            "fontname": fontname,
            "adv": adv,
            "upright": upright,
            "x0": x0,
            "y0": y0,
            "x1": x1,
            "y1": y1,
            "width": width,
            "height": height,
            "size": width if vertical else height,
            "mcid": mcid,
            "tag": tag,
            "object_type": "char",
            "page_number": self.pageno,
            "ncs": ncs,
            "text": text,
            "stroking_color": scolor,
            "non_stroking_color": ncolor,
            "top": top,
            "bottom": (self.height - y0) + self.mb_top,
            "doctop": self.doctop + top,
        }
        if self.mb_x0 != 0:
            attr["x0"] = x0 + self.mb_x0
            attr["x1"] = x1 + self.mb_x0
        self.cur_item.add(light_of(attr))  # type: ignore[arg-type]


class PageOverLimit(Exception):
    """A page draws more than ``MAX_PAGE_OBJECTS`` objects (raised and caught while reading)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"not read: it draws more than {limit:,} objects (characters, lines, rectangles,"
            " curves, images), the limit for one page"
        )


def pages_not_read(path: Path) -> list[tuple[int, str]]:
    """The pages of ``path`` this process left unread for their size, with why; each is
    given once (the caller reports them)."""
    found = _not_read.pop(str(Path(path).resolve()), {})
    return sorted(found.items())


def _no_log(*args: Any, **kwargs: Any) -> None:
    return None


class _TokenLog:
    """pdfminer's module logger, minus the cost of its per-token ``debug`` calls (a few
    per character: several per cent of reading a page) while debug logging is off."""

    def __init__(self, real: logging.Logger) -> None:
        self.real = real
        self.debug: Any = _no_log

    def refresh(self) -> None:
        self.debug = self.real.debug if self.real.isEnabledFor(logging.DEBUG) else _no_log

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


# pdfminer's ASCII85 streams (the DDOR's content) decoded a group at a time: the same bytes.
install_ascii85()

_TOKEN_LOGS: list[_TokenLog] = []
for _module in (psparser, pdfinterp):
    if not isinstance(getattr(_module, "log"), _TokenLog):  # noqa: B009 - not re-wrapped
        setattr(_module, "log", _TokenLog(getattr(_module, "log")))  # noqa: B009, B010
    _TOKEN_LOGS.append(getattr(_module, "log"))  # noqa: B009


class _Interpreter(FastOperators):
    """pdfminer's interpreter, with each operator's method looked up once per content
    stream run instead of at every use (pdfminer builds the method name, tests for it and
    fetches it for each operator: a few per character printed), its commonest operators
    without a call per operand (``parsers.reading.operators``)."""

    def execute(self, streams: Any) -> None:
        # pdfminer's checks first: no stream run twice in the call stack (a form using
        # itself), none without an object number.
        valid = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None:
                pdfinterp.log.warning(
                    "Execute called on non-indirect object (inline image?) %r", stream
                )
            elif stream.objid in self.parent_stream_ids:
                pdfinterp.log.warning(
                    "Refusing to execute circular reference to content stream %d",
                    stream.objid,
                )
            else:
                valid.append(stream)
                self.stream_ids.add(stream.objid)
        try:
            parser = pdfinterp.PDFContentParser(valid)
        except PSEOF:
            return  # an empty page
        methods: dict[Any, tuple[Any, int] | None] = {}
        objects = getattr(parser, "_objects", None)
        if objects is not None:  # the fast tokenizer made them all: run through the list
            parser._objects = []  # type: ignore[attr-defined]  # a FastContentParser
            objects.reverse()
            self._run(objects, methods)
            return
        for obj in _objects_of(parser):
            if not isinstance(obj, PSKeyword):
                self.argstack.append(obj)
                continue
            if obj in methods:
                entry = methods[obj]
            else:
                entry = methods[obj] = self._method(obj)
            if entry is None:
                continue
            func, nargs = entry
            if nargs:
                args = self.pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()

    def _run(self, objects: list[Any], methods: dict[Any, tuple[Any, int] | None]) -> None:
        """``execute``'s loop over a list of objects, pdfminer's ``pop`` written into it: an
        operator takes its operands off the end of the stack (all of them, and is not run,
        when there are fewer than it needs; the rest stay for the next one)."""
        argstack = self.argstack
        push = argstack.append
        for obj in objects:
            if type(obj) is not PSKeyword:
                push(obj)
                continue
            entry = methods.get(obj, methods)
            if entry is methods:
                entry = methods[obj] = self._method(obj)
            if entry is None:
                continue
            func, nargs = entry
            if nargs:
                if len(argstack) >= nargs:
                    args = argstack[-nargs:]
                    del argstack[-nargs:]
                    func(*args)
                else:
                    argstack.clear()
            else:
                func()
                # pdfminer's colour operators (``sc``, ``scn``, ...) pop their operands
                # themselves, which gives the interpreter a new stack
                if self.argstack is not argstack:
                    argstack = self.argstack
                    push = argstack.append

    def do_TJ(self, seq: Any) -> None:
        """pdfminer's ``TJ``, without a copy of the graphic state per string: the device
        (``_CharDicts``) reads its colours when the string is shown and keeps no reference
        to it (pdfminer's ``LTChar`` kept one)."""
        if self.textstate.font is None:
            if pdfminer_settings.STRICT:
                raise PDFInterpreterError("No font specified!")
            return
        graphicstate = self.graphicstate
        self.device.render_string(self.textstate, seq, graphicstate.ncs, graphicstate)

    def do_Tj(self, s: Any) -> None:
        self.do_TJ([s])

    def _method(self, keyword: PSKeyword) -> tuple[Any, int] | None:
        """The bound ``do_`` method for an operator and its number of operands, as
        pdfminer finds them; None for an unknown operator (an error when strict)."""
        name = keyword_name(keyword)
        method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        func = getattr(self, method, None)
        if func is None:
            if pdfminer_settings.STRICT:
                raise PDFInterpreterError(f"Unknown operator: {name!r}")
            return None
        if getattr(func, "__func__", None) in NO_OPS:
            return None  # takes no operands and does nothing: as if not called
        return func, func.__code__.co_argcount - 1


def _objects_of(parser: Any) -> Iterator[Any]:
    """The objects of the parser's content in order: from its list when the fast
    tokenizer made them all (no call per object), else one by one from pdfminer's."""
    objects = getattr(parser, "_objects", None)
    if objects is not None:
        parser._objects = []
        objects.reverse()
        yield from objects
        return
    while True:
        try:
            (_, obj) = parser.nextobject()
        except PSEOF:
            return
        yield obj


class FastPage(Acyclic, FastCrops, Page):
    """A pdfplumber page whose characters become dicts through a specialised path: light
    dicts first (``light_chars``; ``parsers.reading.chars``), pdfplumber's own when
    ``chars`` or ``objects`` is asked for. Its lines, rectangles, curves, images and edges
    do not make them, nor do its crops' (``FastCrop``).

    Everything else (crop, within_bbox, search, text extraction, table finding) is
    pdfplumber's own code working on these dicts."""

    cached_properties: list[str] = [
        *Page.cached_properties,
        "_shapes",
        "_light",
        "_char_place",
        "_char_data",
        "_light_textmaps",
    ]
    _shapes: dict[str, list[dict[str, Any]]]
    _light: list[dict[str, Any]]
    _char_place: int

    @property
    def layout(self) -> LTPage:
        if self.pdf.laparams is not None:  # layout analysis needs pdfminer's objects
            return super().layout
        if hasattr(self, "_layout"):
            return self._layout
        for log in _TOKEN_LOGS:
            log.refresh()
        device = _CharDicts(self)
        interpreter = _Interpreter(self.pdf.rsrcmgr, device)
        try:
            with reading_fast(reading_caches(self.pdf).content_lines):
                interpreter.process_page(self.page_obj)
        except PageOverLimit as over:
            # What was read so far goes: a part of a page would give part of its rows.
            del device, interpreter
            self._layout = LTPage(self.page_number, (0, 0, 0, 0))
            source = getattr(self.pdf, "source_path", None)
            if source is not None:
                _not_read.setdefault(source, {})[self.page_number] = str(over)
            return self._layout
        except Exception as e:
            raise PdfminerException(e) from e
        self._layout: LTPage = device.get_result()
        self._char_data = (device.strings, device.char_data)
        if isinstance(self.pdf, FastPDF):
            self.pdf.page_read(self, MAX_PAGE_OBJECTS - device.budget)
        return self._layout

    def parse_objects(self) -> dict[str, list[dict[str, Any]]]:
        """pdfplumber's ``parse_objects``: every object's dict by kind, in page order
        (figures' contents in their place), without a generator step per character."""
        if self.pdf.laparams is not None:
            return dict(super().parse_objects())
        shapes, light, place = self._read()
        if not light:
            return dict(shapes)
        strings, data = self.__dict__.get("_char_data", ([], []))
        with fewer_collections():
            chars = full_chars(light, strings, data, self.page_number)
        # The kinds in the order pdfplumber meets them: characters where the first one
        # came, after the kinds met before it.
        kinds = list(shapes.items())
        return dict([*kinds[:place], ("char", chars), *kinds[place:]])

    def _read(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]], int]:
        """The page's objects other than characters (pdfplumber's dicts, by kind, in page
        order), its light characters in page order, and how many kinds come before them."""
        if "_shapes" in self.__dict__:
            return self._shapes, self._light, self._char_place
        objects: dict[str, list[dict[str, Any]]] = {}
        chars: list[dict[str, Any]] = []
        early: list[str] = []
        with fewer_collections():
            self._gather(self.layout._objs, objects, chars, early)
        self._shapes, self._light, self._char_place = objects, chars, len(early)
        return objects, chars, len(early)

    def light_chars(self) -> list[dict[str, Any]]:
        """The page's characters as light dicts (``parsers.reading.chars``), in page order;
        pdfplumber's own when pdfminer's layout analysis is on."""
        if self.pdf.laparams is not None:
            return self.chars
        return self._read()[1]

    def _kind(self, kind: str) -> list[dict[str, Any]]:
        """``self.objects.get(kind, [])`` without making the characters' dicts."""
        if "_objects" in self.__dict__ or self.pdf.laparams is not None:
            return self.objects.get(kind, [])
        return self._read()[0].get(kind, [])

    @property
    def rects(self) -> list[dict[str, Any]]:
        return self._kind("rect")

    @property
    def lines(self) -> list[dict[str, Any]]:
        return self._kind("line")

    @property
    def curves(self) -> list[dict[str, Any]]:
        return self._kind("curve")

    @property
    def images(self) -> list[dict[str, Any]]:
        return self._kind("image")

    def _gather(
        self,
        items: list[Any],
        objects: dict[str, list[dict[str, Any]]],
        chars: list[dict[str, Any]],
        early: list[str],
    ) -> None:
        """Each object's dict into its kind's list of ``objects``, and characters (made as
        dicts by ``_CharDicts``) into ``chars``; the kinds first met before any character
        go into ``early`` too."""
        for obj in items:
            if type(obj) is dict:
                kind = obj.get("object_type")
                if kind is None:  # a light character (``parsers.reading.chars``)
                    chars.append(obj)
                    continue
                # a path's dict (``parsers.reading.paths``)
            else:
                if isinstance(obj, LTContainer):
                    self._gather(obj._objs, objects, chars, early)
                    continue
                obj = self.process_object(obj)
                kind = obj["object_type"]
                if kind == "anno":
                    continue
                if kind == "char":  # a pdfminer character (not made by ``_CharDicts``)
                    chars.append(light_of(obj))
                    continue
            same = objects.get(kind)
            if same is None:
                same = objects[kind] = []
                if not chars:
                    early.append(kind)
            same.append(obj)

    def process_object(self, obj: Any) -> Any:
        """pdfplumber's dict of a layout object: characters come as dicts already; a
        character, rectangle, line or curve pdfminer made is turned into one here, as
        pdfplumber's ``process_object`` does it (without resolving plain numbers)."""
        kind = type(obj)
        if kind is dict:  # a character, made by _CharDicts
            return obj
        if kind is LTChar:
            attr = self._char_attr(obj)
        elif kind in _PATH_KINDS:
            attr = self._path_attr(obj, _PATH_KINDS[kind])
        else:
            return super().process_object(obj)
        mb_x0, mb_top = self.mediabox[:2]
        if "y0" in attr:
            height = self.height
            attr["top"] = (height - attr["y1"]) + mb_top
            attr["bottom"] = (height - attr["y0"]) + mb_top
            attr["doctop"] = self.initial_doctop + attr["top"]
        if "x0" in attr and mb_x0 != 0:
            attr["x0"] = attr["x0"] + mb_x0
            attr["x1"] = attr["x1"] + mb_x0
        return attr

    def extract_words(self, **kwargs: Any) -> list[dict[str, Any]]:
        """pdfplumber's ``extract_words`` (a table finder's text strategy asks for them), by
        ``parsers/reading/words.py`` from the light characters when ``kwargs`` ask only
        for tolerances."""
        if set(kwargs) <= TOLERANCES:
            return fast_extract_words(self.light_chars(), **kwargs)
        return fast_extract_words(self.chars, **kwargs)

    def extract_text(self, **kwargs: Any) -> str:
        """pdfplumber's ``extract_text``: from the light characters when ``kwargs`` ask only
        for tolerances (the text map's characters are not given out, only its text)."""
        if not set(kwargs) <= TOLERANCES or self.pdf.laparams is not None:
            return str(super().extract_text(**kwargs))
        return str(self.light_textmap(**kwargs).as_string)

    def light_textmap(self, **kwargs: Any) -> Any:
        """``page_textmap`` of the light characters for tolerances ``kwargs`` (kept)."""
        textmaps = self.__dict__.setdefault("_light_textmaps", {})
        key = tuple(sorted(kwargs.items()))
        textmap = textmaps.get(key)
        if textmap is None:
            textmap = textmaps[key] = page_textmap(self.light_chars(), **kwargs)
        return textmap

    def _get_textmap(self, **kwargs: Any) -> Any:
        """pdfplumber's text map of the page (its text, text lines and searches), made by
        ``parsers/reading/words.py`` unless ``kwargs`` ask for a layout or another reading."""
        textmap = page_textmap(self.chars, **kwargs)
        return textmap if textmap is not None else super()._get_textmap(**kwargs)

    def _char_attr(self, obj: Any) -> dict[str, Any]:
        attr = {k: _plain(v) for k, v in obj.__dict__.items() if k in ALL_ATTRS}
        attr["object_type"] = "char"
        attr["page_number"] = self.page_number
        if hasattr(obj, "ncs"):
            attr["ncs"] = _decode_name(obj.ncs.name)
        text = obj.get_text()
        norm = self.pdf.unicode_norm
        attr["text"] = normalize_unicode(norm, text) if norm is not None else text
        gs = obj.graphicstate
        attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
        attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
        if isinstance(attr["fontname"], bytes):
            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        return attr

    def _path_attr(self, obj: Any, kind: str) -> dict[str, Any]:
        attr = {
            k: v if type(v) in _PLAIN_TYPES else _plain(v)  # most are numbers: no call
            for k, v in obj.__dict__.items()
            if k in ALL_ATTRS
        }
        attr["object_type"] = kind
        attr["page_number"] = self.page_number
        for space in ("ncs", "scs"):  # pdfminer gives paths neither (yet), as pdfplumber says
            if hasattr(obj, space):
                attr[space] = resolve_and_decode(getattr(obj, space).name)
        coord = self.point2coord
        attr["pts"] = [coord(pt) for pt in attr["pts"]]
        attr["path"] = [(cmd, *map(coord, pts)) for cmd, *pts in obj.original_path]
        attr["dash"] = obj.dashing_style
        return attr

    def objects_read(self) -> int:
        """How many objects this page holds now (0 when not read or let go)."""
        objects = self.__dict__.get("_objects")
        if objects:
            return sum(len(v) for v in objects.values())
        shapes = self.__dict__.get("_shapes")
        if shapes is None:
            return 0
        return len(self._light) + sum(len(v) for v in shapes.values())


class _ReadingCaches:
    """What reading one page learns that holds for the document's other pages."""

    def __init__(self) -> None:
        #: Per font: writing direction, name, descent, each code's text and advance
        #: (``_CharDicts._font``).
        self.fonts: dict[int, list[Any]] = {}
        #: Content lines already made into objects (``parsers.reading.tokens``).
        self.content_lines: dict[bytes, Any] = {}


def reading_caches(pdf: Any) -> _ReadingCaches:
    """The document's reading caches (made on first use; they go with the document)."""
    caches = pdf.__dict__.get("_reading_caches")
    if caches is None:
        caches = pdf.__dict__["_reading_caches"] = _ReadingCaches()
    return caches  # type: ignore[no-any-return]


class FastPDF(pdfplumber.PDF):
    """pdfplumber's PDF whose pages are ``FastPage``s (or ``page_class``'s)."""

    page_class: type[FastPage] = FastPage
    #: The file's resolved path, set by ``open_document``.
    source_path: str | None = None
    #: Pages kept read (``KEPT_OBJECTS``): page number -> objects drawn.
    _kept: dict[int, int]
    #: Pages read beyond it, oldest first (``TRANSIENT_PAGES``).
    _transient: OrderedDict[int, FastPage]
    _page_list: PageList

    def page_read(self, page: FastPage, objects: int) -> None:
        """``page`` was just read, drawing ``objects``: keep it while the document's kept
        pages stay within ``KEPT_OBJECTS``, else hold it only until ``TRANSIENT_PAGES``
        later pages are read."""
        if "_kept" not in self.__dict__:
            self._kept = {}
            self._transient = OrderedDict()
        drop_streams(self.doc)  # the page holds the streams it read; the document need not
        number = page.page_number
        if number in self._kept:  # read again after being let go (a caller closed it)
            del self._kept[number]
            self.pages.release(page)
        if sum(self._kept.values()) + objects <= KEPT_OBJECTS:
            self._kept[number] = objects
            self.pages.hold(page)
            return
        self._transient[number] = page
        self._transient.move_to_end(number)
        while len(self._transient) > TRANSIENT_PAGES:
            _, old = self._transient.popitem(last=False)
            old.close()

    def forget_page(self, page: Page) -> None:
        """``page`` is being closed: it no longer counts among the kept or held pages."""
        if "_kept" in self.__dict__:
            self._kept.pop(page.page_number, None)
            self._transient.pop(page.page_number, None)
        if "_page_list" in self.__dict__:
            self._page_list.release(page)

    def let_go(self, page: Page) -> None:
        """The caller is done with ``page``: close it now unless it is kept."""
        transient = self.__dict__.get("_transient")
        if transient is not None and transient.pop(page.page_number, None) is not None:
            page.close()

    @property
    def pages(self) -> PageList:  # type: ignore[override]
        """Every page, each made when asked for (``parsers.reading.pagelist``)."""
        if "_page_list" not in self.__dict__:
            self._page_list = PageList(self)
        return self._page_list

    def close(self) -> None:
        # pdfplumber's close makes every page to close it: only the pages made are open.
        self.flush_cache()
        for page in self._page_list.made() if "_page_list" in self.__dict__ else []:
            page.close()
        if not self.stream_is_external:
            self.stream.close()


class Document:
    """One opened PDF and its pages, shared by the stages of one process.

    Use as a context manager: the document stays open when the block ends (the next stage
    reads the same pages)."""

    def __init__(self, path: Path, pdf: pdfplumber.PDF) -> None:
        self.path = path
        self.pdf = pdf
        self._collections: list[Any] = []

    @property
    def pages(self) -> list[Page]:
        return self.pdf.pages

    def done_with(self, page: Page, *, keep: bool = True) -> None:
        """The caller has what it needs from ``page``: it is kept for the next stage when
        within ``KEPT_OBJECTS``, else let go now (not only when the next page is read).
        ``keep=False``: no later stage of this process needs it (the last stage, or a
        process that only reads some pages' tables): let it go in any case."""
        if isinstance(self.pdf, FastPDF) and keep:
            self.pdf.let_go(page)
        else:  # pdfplumber's own pages (the tests' oracle) are never kept
            if isinstance(self.pdf, FastPDF):
                self.pdf.forget_page(page)
            page.close()

    def objects_kept(self) -> int:
        pages = self.pdf.pages
        made = pages.made() if isinstance(pages, PageList) else pages
        return sum(p.objects_read() for p in made if isinstance(p, FastPage))

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> Document:
        # A stage's tables and text make as many objects as reading its pages did.
        collections = fewer_collections()
        collections.__enter__()
        self._collections.append(collections)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._collections:
            self._collections.pop().__exit__(None, None, None)


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def open_document(path: Path) -> Document:
    """The document at ``path``: the one this process has open for this version of the
    file, else newly opened. Raises what pdfplumber raises for an unreadable file (callers
    word the error) and OSError when the file is missing."""
    path = Path(path)
    key = _key(path)
    with _lock:
        document = _cache.get(key)
        if document is not None:
            _cache.move_to_end(key)
            return document
    pdf = FastPDF.open(path)
    if isinstance(pdf, FastPDF):
        pdf.source_path = str(path.resolve())  # where pages_not_read files its pages
    document = Document(path, pdf)
    with _lock:
        _cache[key] = document
        while len(_cache) > CACHED_DOCUMENTS:
            _, old = _cache.popitem(last=False)
            old.close()
    return document


def is_open(path: Path) -> bool:
    """Whether this process holds ``path`` open already (its pages may be read)."""
    try:
        key = _key(Path(path))
    except OSError:
        return False
    with _lock:
        return key in _cache


def forget(path: Path | None = None) -> None:
    """Close the cached document for ``path`` (every one when None)."""
    with _lock:
        keys = [k for k in _cache if path is None or k[0] == str(Path(path).resolve())]
        documents = [_cache.pop(k) for k in keys]
    for document in documents:
        document.close()
