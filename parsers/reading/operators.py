"""pdfminer's commonest content-stream operators, without a call per operand.

pdfminer's interpreter checks each operand of each operator through ``safe_float`` (a
function call apiece, a few per character printed on a ruled page: ``re`` per cell,
``Tm``/``Tf`` per string, colours per cell). ``FastOperators`` does the same conversions
inline (``float(x)``, which is what ``safe_float`` calls), in the same order, with the same
results; when one fails it hands the operands to pdfminer's own method, which logs or
raises as it always did. Operators that do nothing (``ET``, ``W``, ``W*``) are not called at
all. ``tests/parsers/reading/test_operators.py`` compares each with pdfminer's, and every
fixture page's objects are compared with pdfplumber's own reader.
"""

from __future__ import annotations

from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.psparser import literal_name
from pdfminer.utils import MATRIX_IDENTITY

#: What ``float`` raises where ``safe_float`` gives None (and, for ``Tf``, a font not in
#: the page's resources).
_NOT_A_NUMBER = (TypeError, ValueError, OverflowError)
_NOT_A_FONT = (KeyError, TypeError, ValueError, OverflowError)

#: pdfminer's operators that take no operands and do nothing (its interpreter calls them).
NO_OPS = frozenset(
    {
        PDFPageInterpreter.do_ET,
        PDFPageInterpreter.do_W,
        PDFPageInterpreter.do_W_a,
    }
)


class FastOperators(PDFPageInterpreter):
    """``PDFPageInterpreter``'s ``re``, ``Tm``, ``Td``, ``TD``, ``TL``, ``Tf``, ``BT``,
    ``g``, ``G``, ``rg`` and ``RG`` with the operands converted inline."""

    def do_re(self, x: Any, y: Any, w: Any, h: Any) -> None:
        try:
            x_f = float(x)
            y_f = float(y)
            w_f = float(w)
            h_f = float(h)
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_re(self, x, y, w, h)
            return
        right = x_f + w_f
        top = y_f + h_f
        self.curpath += [
            ("m", x_f, y_f),
            ("l", right, y_f),
            ("l", right, top),
            ("l", x_f, top),
            ("h",),
        ]

    def do_Tm(self, a: Any, b: Any, c: Any, d: Any, e: Any, f: Any) -> None:
        try:
            matrix = (float(a), float(b), float(c), float(d), float(e), float(f))
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_Tm(self, a, b, c, d, e, f)
            return
        textstate = self.textstate
        textstate.matrix = matrix
        textstate.linematrix = (0, 0)

    def do_Td(self, tx: Any, ty: Any) -> None:
        try:
            tx_f = float(tx)
            ty_f = float(ty)
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_Td(self, tx, ty)
            return
        textstate = self.textstate
        (a, b, c, d, e, f) = textstate.matrix
        textstate.matrix = (a, b, c, d, tx_f * a + ty_f * c + e, tx_f * b + ty_f * d + f)
        textstate.linematrix = (0, 0)

    def do_TD(self, tx: Any, ty: Any) -> None:
        try:
            tx_f = float(tx)
            ty_f = float(ty)
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_TD(self, tx, ty)
            return
        textstate = self.textstate
        (a, b, c, d, e, f) = textstate.matrix
        textstate.matrix = (a, b, c, d, tx_f * a + ty_f * c + e, tx_f * b + ty_f * d + f)
        textstate.leading = ty_f
        textstate.linematrix = (0, 0)

    def do_TL(self, leading: Any) -> None:
        try:
            leading_f = float(leading)
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_TL(self, leading)
            return
        self.textstate.leading = -leading_f

    def do_Tf(self, fontid: Any, fontsize: Any) -> None:
        try:
            font = self.fontmap[literal_name(fontid)]
            size = float(fontsize)
        except _NOT_A_FONT:
            PDFPageInterpreter.do_Tf(self, fontid, fontsize)
            return
        textstate = self.textstate
        textstate.font = font
        textstate.fontsize = size

    def do_BT(self) -> None:
        textstate = self.textstate
        textstate.matrix = MATRIX_IDENTITY
        textstate.linematrix = (0, 0)

    def do_g(self, gray: Any) -> None:
        try:
            gray_f = float(gray)
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_g(self, gray)
            return
        graphicstate = self.graphicstate
        graphicstate.ncolor = gray_f
        graphicstate.ncs = self.csmap["DeviceGray"]

    def do_G(self, gray: Any) -> None:
        try:
            gray_f = float(gray)
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_G(self, gray)
            return
        graphicstate = self.graphicstate
        graphicstate.scolor = gray_f
        graphicstate.scs = self.csmap["DeviceGray"]

    def do_rg(self, r: Any, g: Any, b: Any) -> None:
        try:
            rgb = (float(r), float(g), float(b))
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_rg(self, r, g, b)
            return
        graphicstate = self.graphicstate
        graphicstate.ncolor = rgb
        graphicstate.ncs = self.csmap["DeviceRGB"]

    def do_RG(self, r: Any, g: Any, b: Any) -> None:
        try:
            rgb = (float(r), float(g), float(b))
        except _NOT_A_NUMBER:
            PDFPageInterpreter.do_RG(self, r, g, b)
            return
        graphicstate = self.graphicstate
        graphicstate.scolor = rgb
        graphicstate.scs = self.csmap["DeviceRGB"]
