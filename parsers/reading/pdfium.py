"""The ``"pdfium"`` reader: page objects read by pdfium (pypdfium2), in pdfplumber's shape.

pdfminer still reads the page tree (page boxes, rotation, the numbering and doctops that
pdfplumber's ``Page`` works out), which is cheap; what a page holds (characters, lines,
rectangles, curves, images) comes from pdfium, which interprets the content stream in C.
Every dict has the keys pdfplumber gives its objects, with pdfminer's arithmetic applied
to pdfium's numbers (a character's box is its origin, advance, font size and the font's
descent through its matrix, as ``LTChar`` makes it), so pdfplumber's table and text code
and our parsers run on them unchanged. What pdfium cannot give the way pdfminer does:

- numbers are pdfium's 32-bit floats (a few millionths of a point off pdfminer's);
- a run of consecutive spaces is one space character (pdfium keeps one), which word
  splitting treats the same; pdfium's generated spaces and line ends are left out;
- colours are pdfium's RGB(A) as fractions (pdfplumber gives the PDF's own colour space),
  ``ncs`` is None, ``mcid``/``tag`` are None, ``dash`` is None;
- a path's ``pts`` follow pdfium's point order (a ``re`` is drawn from another corner).

Where pdfium's text is not pdfminer's it is put back: a space-only string pdfium leaves
out becomes a space at its text object's origin, pdfium's generated spaces and line ends
are dropped, a glyph standing for several characters is one character, and advances and
descents are pdfminer's (its font objects, found by name in the page's resources). A page
with a Type 3 or vertical font or with ``ActualText`` (which pdfium shows instead of the
glyphs) is read by pdfminer, as the ``"fast"`` reader does; so is a document pdfium cannot
open. Rows are the same as pdfplumber's on every fixture (``tests/parsers/
test_pdf_pages.py``); speed is about the fast reader's (``bench/bench_speed.py
--tools templates,templates-pdfium``), so it is not the default.
"""

from __future__ import annotations

import ctypes
import math
import threading
from typing import Any, cast

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.pdffont import PDFFont, PDFType3Font
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1, stream_value
from pdfminer.psparser import LIT
from pdfminer.utils import apply_matrix_pt, apply_matrix_rect, mult_matrix
from pdfplumber.page import Page, fix_fontname_bytes

from parsers.reading.document import FastPage, FastPDF

Matrix = tuple[float, float, float, float, float, float]
#: A page's fonts by pdfium's name: pdfminer's name, descent and widths by text.
_PageFonts = dict[str, tuple[str, float, dict[str, float] | None]]

#: pdfium is not thread safe: one call into a document at a time per process.
_pdfium_lock = threading.Lock()

LITERAL_FORM = LIT("Form")

_SEGMENT_OPS = {
    pdfium_c.FPDF_SEGMENT_MOVETO: "m",
    pdfium_c.FPDF_SEGMENT_LINETO: "l",
    pdfium_c.FPDF_SEGMENT_BEZIERTO: "c",
}


def _page_ctm(page: Page) -> Matrix:
    """The matrix pdfminer starts a page with (its rotation and media box origin)."""
    (x0, y0, x1, y1) = page.page_obj.mediabox
    rotate = page.page_obj.rotate
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _matrix(obj: Any) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1, 0, 0, 1, 0, 0)
    return (
        _decimal(m.a),
        _decimal(m.b),
        _decimal(m.c),
        _decimal(m.d),
        _decimal(m.e),
        _decimal(m.f),
    )


def _colour(getter: Any, obj: Any) -> tuple[float, ...]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return ()
    return (r.value / 255, g.value / 255, b.value / 255)


class _Unlike(Exception):
    """The page has what pdfium reads otherwise than pdfminer (Type 3 or vertical fonts,
    marked-content ``ActualText``): its objects are read by pdfminer."""


def _page_fonts(page: Page) -> _PageFonts:
    """pdfminer's name and descent (per point of size) of the fonts the page's resources
    name, and its forms' resources, by the name pdfium gives (without a subset prefix).
    ``_Unlike`` for a Type 3 or vertical font, or a content stream with ``ActualText``."""
    for stream in page.page_obj.contents:
        if b"/ActualText" in stream_value(stream).get_data():
            raise _Unlike("ActualText")
    fonts: _PageFonts = {}
    seen: set[int] = set()
    rsrcmgr = page.pdf.rsrcmgr
    # A font's widths by text, worked out once per document (pdfminer's resource
    # manager keeps one font object per font of the document).
    known: dict[int, tuple[PDFFont, dict[str, float] | None]] = page.pdf.__dict__.setdefault(
        "_pdfium_widths", {}
    )

    def visit(resources: Any, depth: int) -> None:
        resources = resolve1(resources)
        if not isinstance(resources, dict) or depth > 8:
            return
        for spec in dict_value(resources.get("Font", {})).values():
            objid = spec.objid if isinstance(spec, PDFObjRef) else None
            if objid is not None:
                if objid in seen:
                    continue
                seen.add(objid)
            try:
                font = rsrcmgr.get_font(objid, dict_value(spec))
            except Exception:
                continue
            if isinstance(font, PDFType3Font) or font.is_vertical():
                raise _Unlike("Type 3 or vertical font")
            name = font.fontname
            name = fix_fontname_bytes(name) if isinstance(name, bytes) else str(name)
            plain = name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name
            if plain in fonts and fonts[plain][0] != name:
                fonts[plain] = (fonts[plain][0], fonts[plain][1], None)  # which one?
            else:
                entry = known.get(id(font))
                if entry is None or entry[0] is not font:
                    entry = known[id(font)] = (font, _widths(font))
                fonts[plain] = (name, float(font.get_descent()), entry[1])
        for xobject in dict_value(resources.get("XObject", {})).values():
            if isinstance(xobject, PDFObjRef):
                if xobject.objid in seen:
                    continue
                seen.add(xobject.objid)
            stream = resolve1(xobject)
            if isinstance(stream, PDFStream) and stream.get("Subtype") is LITERAL_FORM:
                if b"/ActualText" in stream.get_data():
                    raise _Unlike("ActualText")
                visit(stream.get("Resources"), depth + 1)

    visit(page.page_obj.resources, 0)
    return fonts


def _widths(font: PDFFont) -> dict[str, float] | None:
    """pdfminer's width of each character a font's codes stand for (0.001 of the size),
    None for a font whose codes are not a byte; a text two codes of different widths
    stand for is left out."""
    if font.is_multibyte():
        codes = [c for c in font.widths if isinstance(c, int)][:4096]
    else:
        codes = list(range(256))
    widths: dict[str, float] = {}
    clashes: set[str] = set()
    for code in codes:
        try:
            text = font.to_unichr(code)
        except Exception:
            continue
        if not isinstance(text, str):
            continue
        width = font.char_width(code)
        if widths.get(text, width) != width:
            clashes.add(text)
        widths[text] = width
    for text in clashes:
        del widths[text]
    return widths


class _Font:
    """What a character's dict needs of its text object: font name, the font's descent
    per point of size (pdfminer's: its own metrics for the standard fonts' names), size,
    colours."""

    __slots__ = ("fontname", "descent", "size", "scolor", "ncolor", "widths", "low", "high")

    def __init__(self, textobj: Any, page_fonts: _PageFonts) -> None:
        size = ctypes.c_float()
        pdfium_c.FPDFTextObj_GetFontSize(textobj, size)
        self.size = float(size.value)
        font = pdfium_c.FPDFTextObj_GetFont(textobj)
        name = ""
        descent = 0.0
        self.widths: dict[str, float] | None = None
        if font:
            length = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(length)
            pdfium_c.FPDFFont_GetBaseFontName(font, buffer, length)
            name = buffer.value.decode("utf-8", "replace")
            metrics = FONT_METRICS.get(name)
            known = page_fonts.get(name)
            if known is not None:
                name, descent, self.widths = known
            elif metrics is not None:
                # pdfminer takes a standard font's metrics from its own tables, whatever
                # the PDF says (Symbol and ZapfDingbats have no descent there).
                descent = float(cast(float, metrics[0].get("Descent", 0))) * 0.001
            else:
                value = ctypes.c_float()
                if pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1.0), value):
                    descent = float(value.value)
        self.fontname = name
        self.descent = descent
        #: The box's bottom and top above the baseline, in text space (pdfminer's).
        self.low = descent * self.size
        self.high = descent * self.size + self.size
        self.scolor = _colour(pdfium_c.FPDFPageObj_GetStrokeColor, textobj)
        self.ncolor = _colour(pdfium_c.FPDFPageObj_GetFillColor, textobj)


class PdfiumPage(FastPage):
    """A pdfplumber page whose objects pdfium read."""

    def parse_objects(self) -> dict[str, list[dict[str, Any]]]:
        if self.pdf.laparams is not None or not isinstance(self.pdf, PdfiumPDF):
            return super().parse_objects()
        try:
            fonts = _page_fonts(self)
        except _Unlike:
            return super().parse_objects()
        with _pdfium_lock:
            page = self.pdf.pdfium[self.page_number - 1]
            try:
                objects = _PageReader(self, page, fonts).read()
            finally:
                page.close()
        return objects


class _PageReader:
    def __init__(self, page: PdfiumPage, pdfium_page: Any, fonts: _PageFonts) -> None:
        self.page = page
        self.raw = pdfium_page.raw
        self.pdfium_page = pdfium_page
        self.ctm = _page_ctm(page)
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.doctop = page.initial_doctop
        self.page_number = page.page_number
        self.objects: dict[str, list[dict[str, Any]]] = {}
        self.chars: list[dict[str, Any]] = []
        self.fonts = fonts
        #: The text objects the text page's characters come from (by address).
        self._text_objects: dict[int | None, bool] = {}

    def read(self) -> dict[str, list[dict[str, Any]]]:
        self._read_chars()
        self._read_objects(self.raw, None, self.ctm)
        if self.chars:
            self.objects = {"char": self.chars, **self.objects}
        return self.objects

    def _add(self, kind: str, attr: dict[str, Any]) -> None:
        y0, y1 = attr["y0"], attr["y1"]
        top = (self.height - y1) + self.mb_top
        attr["top"] = top
        attr["bottom"] = (self.height - y0) + self.mb_top
        attr["doctop"] = self.doctop + top
        if self.mb_x0 != 0:
            attr["x0"] += self.mb_x0
            attr["x1"] += self.mb_x0
        self.objects.setdefault(kind, []).append(attr)

    # Characters: pdfium's text page, in its order.

    def _read_chars(self) -> None:
        textpage = pdfium_c.FPDFText_LoadPage(self.raw)
        if not textpage:
            return
        try:
            self._chars_of(textpage)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)

    def _chars_of(self, textpage: Any) -> None:
        count = pdfium_c.FPDFText_CountChars(textpage)
        if count <= 0:
            return
        buffer = ctypes.create_string_buffer((2 * count + 1) * 2)
        # The text has one UTF-16 unit per character but two for one outside the BMP.
        count_units = pdfium_c.FPDFText_GetText(
            textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
        )
        count_units = max(0, count_units - 1)  # less the terminating NUL
        units = memoryview(buffer.raw[: count_units * 2]).cast("H")
        ctm = self.ctm
        plain_ctm = ctm == (1, 0, 0, 1, 0, 0)  # mult_matrix by it changes no number
        rect = pdfium_c.FS_RECTF()
        matrix = pdfium_c.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        # Arguments made once: ctypes converting a structure per call costs more.
        rect_ref, matrix_ref = ctypes.byref(rect), ctypes.byref(matrix)
        ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
        get_box = pdfium_c.FPDFText_GetLooseCharBox
        get_origin = pdfium_c.FPDFText_GetCharOrigin
        get_matrix = pdfium_c.FPDFText_GetMatrix
        is_generated = pdfium_c.FPDFText_IsGenerated
        fonts: dict[Any, _Font] = {}
        last_key: tuple[float, ...] | None = None
        font: _Font | None = None
        add_char = self._add_char
        chars = self.chars
        append = chars.append
        page_height, mb_top, mb_x0 = self.height, self.mb_top, self.mb_x0
        doctop, page_number = self.doctop, self.page_number
        last_place: tuple[float, float, float] | None = None
        decimal = _decimal
        a = b = c = d = 0.0
        index = -1  # the character's index in the text page
        i = 0  # its first UTF-16 unit in the page's text
        while i < count_units:
            unit = units[i]
            index += 1
            i += 1
            if 0xD800 <= unit < 0xDC00 and i < count_units:  # a surrogate pair
                text = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i] - 0xDC00))
                i += 1
            else:
                text = chr(unit)
            if text in " \r\n\x02" and is_generated(textpage, index):
                continue  # pdfium's own spaces and line ends: pdfminer has none
            if unit == 0xFFFE:  # pdfium's mark for a hyphen it found at a line end
                text = "-"
            get_matrix(textpage, index, matrix_ref)
            key = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            if key != last_key or font is None:
                last_key = key
                a, b, c, d = (decimal(v) for v in key[:4])
                textobj = pdfium_c.FPDFText_GetTextObject(textpage, index)
                address = ctypes.cast(textobj, ctypes.c_void_p).value
                font = fonts.get(address)
                if font is None:
                    font = fonts[address] = _Font(textobj, self.fonts)
                    self._text_objects[address] = True
            get_origin(textpage, index, ox_ref, oy_ref)
            get_box(textpage, index, rect_ref)
            x, y = ox.value, oy.value
            place = (x, y, rect.right)
            if place == last_place and chars:
                # One glyph whose text is several characters (" ." or "fi"): pdfium
                # gives each its own entry in the same place, pdfminer one character.
                self._extend_char(chars[-1], font, text)
                continue
            last_place = place
            # The advance in text space: the font's widths (pdfminer's), else the loose
            # box's length along the baseline (a glyph's box may reach past its advance).
            width = font.widths.get(text) if font.widths is not None else None
            if b == 0 and c == 0 and a != 0:
                adv = (rect.right - rect.left) / abs(a)
            elif a == 0 and d == 0 and b != 0:
                adv = (rect.top - rect.bottom) / abs(b)
            else:
                adv = (rect.right - rect.left) / (math.hypot(a, b) or 1.0)
            if width is not None and adv and 0.5 * adv <= width * font.size <= 2 * adv:
                adv = width * font.size  # (no horizontal scaling seen)
            else:
                adv = decimal(adv)
            e, f = decimal(x), decimal(y)
            if not (plain_ctm and b == 0 and c == 0):
                add_char(mult_matrix((a, b, c, d, e, f), ctm), font, adv, text)
                continue
            # _add_char written out for the usual character: unrotated, upright or not.
            left, right = e, a * adv + e
            low, high = d * font.low + f, d * font.high + f
            x0, x1 = (left, right) if left <= right else (right, left)
            y0, y1 = (low, high) if low <= high else (high, low)
            height = y1 - y0
            top = (page_height - y1) + mb_top
            if mb_x0 != 0:
                x0 += mb_x0
                x1 += mb_x0
            append(
                {
                    "matrix": (a, b, c, d, e, f),
                    "fontname": font.fontname,
                    "adv": adv,
                    "upright": a * d > 0,
                    "x0": x0,
                    "y0": y0,
                    "x1": x1,
                    "y1": y1,
                    "width": x1 - x0,
                    "height": height,
                    "size": height,
                    "mcid": None,
                    "tag": None,
                    "object_type": "char",
                    "page_number": page_number,
                    "ncs": None,
                    "text": text,
                    "stroking_color": font.scolor,
                    "non_stroking_color": font.ncolor,
                    "top": top,
                    "bottom": (page_height - y0) + mb_top,
                    "doctop": doctop + top,
                }
            )

    def _extend_char(self, char: dict[str, Any], font: _Font, text: str) -> None:
        """``char`` stands for ``text`` too: its text grows, and its advance is the
        font's width of the whole (an unrotated character's box grows with it)."""
        char["text"] += text
        width = font.widths.get(char["text"]) if font.widths is not None else None
        (a, b, c, d, e, f) = char["matrix"]
        if width is None or b != 0 or c != 0 or not char["adv"]:
            return
        adv = width * font.size
        if not 0.5 * char["adv"] <= adv <= 2 * char["adv"]:
            return
        char["adv"] = adv
        left, right = e + self.mb_x0, a * adv + e + self.mb_x0
        char["x0"], char["x1"] = (left, right) if left <= right else (right, left)
        char["width"] = char["x1"] - char["x0"]

    def _add_char(self, char_matrix: Matrix, font: _Font, adv: float, text: str) -> None:
        """pdfplumber's dict of the ``LTChar`` pdfminer makes: its box, from the descent
        below the baseline to the font size above it, through the matrix."""
        size = font.size
        descent = font.descent * size
        (a, b, c, d, e, f) = char_matrix
        if b == 0 and c == 0:
            # apply_matrix_rect's arithmetic for an unrotated matrix, as the fast reader.
            left, right = e, a * adv + e
            low, high = d * descent + f, d * (descent + size) + f
            x0, x1 = (left, right) if left <= right else (right, left)
            y0, y1 = (low, high) if low <= high else (high, low)
        else:
            (x0, y0, x1, y1) = apply_matrix_rect(char_matrix, (0.0, descent, adv, descent + size))
            if x1 < x0:
                (x0, x1) = (x1, x0)
            if y1 < y0:
                (y0, y1) = (y1, y0)
        height = y1 - y0
        top = (self.height - y1) + self.mb_top
        attr = {
            "matrix": char_matrix,
            "fontname": font.fontname,
            "adv": adv,
            "upright": a * d > 0 and b * c <= 0,
            "x0": x0,
            "y0": y0,
            "x1": x1,
            "y1": y1,
            "width": x1 - x0,
            "height": height,
            "size": height,
            "mcid": None,
            "tag": None,
            "object_type": "char",
            "page_number": self.page_number,
            "ncs": None,
            "text": text,
            "stroking_color": font.scolor,
            "non_stroking_color": font.ncolor,
            "top": top,
            "bottom": (self.height - y0) + self.mb_top,
            "doctop": self.doctop + top,
        }
        if self.mb_x0 != 0:
            attr["x0"] = x0 + self.mb_x0
            attr["x1"] = x1 + self.mb_x0
        self.chars.append(attr)

    def _blank(self, obj: Any, matrix: Matrix) -> None:
        """A text object the text page has no character of. pdfium leaves out a string
        of only a space (pdfminer gives its character, and pdfplumber ends a word on it),
        which shows as a text object with no ink: a space at its origin, as wide as the
        font's widths say (no advance when they do not)."""
        if self._text_objects.get(ctypes.cast(obj, ctypes.c_void_p).value):
            return
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            return
        if left.value != right.value or bottom.value != top.value:
            return  # ink pdfium chose not to read as text: not known to be a space
        char_matrix = mult_matrix(_matrix(obj), matrix)
        font = _Font(obj, self.fonts)
        width = font.widths.get(" ") if font.widths is not None else None
        self._add_char(char_matrix, font, 0.0 if width is None else width * font.size, " ")

    # Paths and images: the page's objects, forms' contents in their place.

    def _read_objects(self, parent: Any, form: Any, matrix: Matrix) -> None:
        if form is None:
            count = pdfium_c.FPDFPage_CountObjects(parent)
            get = pdfium_c.FPDFPage_GetObject
        else:
            count = pdfium_c.FPDFFormObj_CountObjects(form)
            get = pdfium_c.FPDFFormObj_GetObject
            parent = form
        for i in range(count):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self._path(obj, matrix)
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                self._blank(obj, matrix)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                self._read_objects(None, obj, mult_matrix(_matrix(obj), matrix))
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                self._image(obj, matrix)

    def _image(self, obj: Any, matrix: Matrix) -> None:
        full = mult_matrix(_matrix(obj), matrix)
        (x0, y0, x1, y1) = apply_matrix_rect(full, (0, 0, 1, 1))
        self._add(
            "image",
            {
                "x0": x0,
                "y0": y0,
                "x1": x1,
                "y1": y1,
                "width": x1 - x0,
                "height": y1 - y0,
                "object_type": "image",
                "page_number": self.page_number,
            },
        )

    def _path(self, obj: Any, matrix: Matrix) -> None:
        fillmode, stroke_flag = ctypes.c_int(), ctypes.c_int()
        if not pdfium_c.FPDFPath_GetDrawMode(obj, fillmode, stroke_flag):
            return
        stroke = bool(stroke_flag.value)
        fill = fillmode.value != pdfium_c.FPDF_FILLMODE_NONE
        if not (stroke or fill):
            return  # a clipping path ("W n"): pdfminer paints nothing either
        evenodd = fillmode.value == pdfium_c.FPDF_FILLMODE_ALTERNATE
        full = mult_matrix(_matrix(obj), matrix)
        width = ctypes.c_float()
        pdfium_c.FPDFPageObj_GetStrokeWidth(obj, width)
        constant = {
            "linewidth": _decimal(width.value),
            "stroke": stroke,
            "fill": fill,
            "evenodd": evenodd,
            "stroking_color": _colour(pdfium_c.FPDFPageObj_GetStrokeColor, obj),
            "non_stroking_color": _colour(pdfium_c.FPDFPageObj_GetFillColor, obj),
        }
        segments: list[list[Any]] = []  # pdfminer's path segments, in page space
        x, y = ctypes.c_float(), ctypes.c_float()
        bezier: list[tuple[float, float]] = []
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            op = _SEGMENT_OPS.get(pdfium_c.FPDFPathSegment_GetType(segment))
            if op is None:
                continue
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            point = apply_matrix_pt(full, (_decimal(x.value), _decimal(y.value)))
            if op == "c":
                bezier.append(point)
                if len(bezier) < 3:
                    continue
                segments.append(["c", *bezier])
                bezier = []
            else:
                segments.append([op, point])
            if pdfium_c.FPDFPathSegment_GetClose(segment):
                segments.append(["h"])
        start = 0
        for end in range(1, len(segments) + 1):
            if end == len(segments) or segments[end][0] == "m":
                self._subpath(segments[start:end], constant)
                start = end

    def _subpath(self, path: list[list[Any]], constant: dict[str, Any]) -> None:
        """pdfminer's ``paint_path`` for one subpath: a line, a rectangle or a curve."""
        if not path or path[0][0] != "m":
            return
        shape = "".join(s[0] for s in path)
        pts = [s[-1] if s[0] != "h" else path[0][-1] for s in path]
        original = [(s[0], *s[1:]) for s in path]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        kind = "curve"
        if shape in {"mlh", "ml"}:
            kind = "line"
        elif shape in {"mlllh", "mllll"}:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
            )
            if pts[0] == pts[4] and square:
                kind = "rect"
        if kind == "rect":
            (left, low), (right, high) = pts[0], pts[2]
            box = (min(left, right), min(low, high), max(left, right), max(low, high))
        elif kind == "line":
            box = _bound(pts[:2])
        else:
            box = _bound(pts)
        coord = self.page.point2coord
        attr = {
            "x0": box[0],
            "y0": box[1],
            "x1": box[2],
            "y1": box[3],
            "width": box[2] - box[0],
            "height": box[3] - box[1],
            **constant,
            "mcid": None,
            "tag": None,
            "object_type": kind,
            "page_number": self.page_number,
            "pts": [coord(pt) for pt in (pts[:2] if kind == "line" else pts)],
            "path": [(op, *map(coord, points)) for op, *points in original],
            "dash": None,
        }
        self._add(kind, attr)


def _decimal(value: float) -> float:
    """The number a 32-bit float stands for: pdfium keeps coordinates as 32-bit floats,
    and the PDF's own numbers (``133.65``) have at most about 7 significant digits, which
    such a float holds (it reads back as ``133.64999389...``, not pdfminer's value)."""
    size = abs(value)
    # float(f"{value:.7g}") in a fifth of the time: the float is within a few millionths
    # of its 7-digit decimal, so scaling it to an integer and back finds that decimal.
    if size >= 100:
        if size < 1000:
            return round(value * 1e4) / 1e4
        if size < 10000:
            return round(value * 1e3) / 1e3
    elif size >= 10:
        return round(value * 1e5) / 1e5
    elif size >= 1:
        return round(value * 1e6) / 1e6
    return float(f"{value:.7g}")


def _bound(pts: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


class PdfiumPDF(FastPDF):
    """pdfplumber's PDF (pdfminer reads its page tree) whose pages pdfium reads."""

    page_class = PdfiumPage
    pdfium: Any = None

    def close(self) -> None:
        super().close()
        document = getattr(self, "pdfium", None)
        if document is not None:
            with _pdfium_lock:
                document.close()
            self.pdfium = None


def open_pdfium(path: Any) -> pdfplumber.PDF:
    """``path`` read by pdfium, or by the fast reader when pdfium cannot open it or does
    not see the pages pdfminer sees."""
    pdf = cast(PdfiumPDF, PdfiumPDF.open(path))
    try:
        with _pdfium_lock:
            document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        pdf.close()
        return FastPDF.open(path)
    pdf.pdfium = document
    try:
        same = len(document) == len(pdf.pages)
    except Exception:
        pdf.close()
        raise
    if not same:
        pdf.close()
        return FastPDF.open(path)
    return pdf
