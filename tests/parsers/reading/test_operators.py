"""The fast operators leave the interpreter as pdfminer's own do, for good and bad operands."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.psparser import LIT

from parsers.reading.operators import NO_OPS, FastOperators


def _interpreter(kind: type[PDFPageInterpreter]) -> PDFPageInterpreter:
    manager = PDFResourceManager()
    interpreter = kind(manager, PDFDevice(manager))
    interpreter.init_resources({})
    interpreter.init_state((2.0, 0.0, 0.0, 2.0, 5.0, 7.0))
    interpreter.textstate.matrix = (1.5, 0.0, 0.25, 1.0, 10.0, 20.0)
    interpreter.textstate.linematrix = (3, 4)
    return interpreter


def _state(interpreter: PDFPageInterpreter) -> dict[str, Any]:
    text = dict(vars(interpreter.textstate))
    font = text.pop("font")
    return {
        "text": text,
        "font": type(font).__name__ if font is not None else None,
        "graphic": dict(vars(interpreter.graphicstate)),
        "path": list(interpreter.curpath),
    }


NOT_NUMBERS = [None, LIT("x"), "abc", 10**400, b"1"]


@pytest.mark.parametrize(
    ("operator", "operands"),
    [
        ("re", (1, 2.5, 3, 4.25)),
        ("re", ("1.5", 2, -3, 0)),
        *[("re", (1, 2, bad, 4)) for bad in NOT_NUMBERS],
        ("Tm", (1, 0, 0, 1, 72.5, 700)),
        *[("Tm", (1, 0, bad, 1, 72.5, 700)) for bad in NOT_NUMBERS],
        ("Td", (12, -14.5)),
        *[("Td", (bad, 2)) for bad in NOT_NUMBERS],
        *[("Td", (2, bad)) for bad in NOT_NUMBERS],
        ("TD", (12, -14.5)),
        *[("TD", (bad, 2)) for bad in NOT_NUMBERS],
        *[("TD", (2, bad)) for bad in NOT_NUMBERS],
        ("TL", (11.4,)),
        *[("TL", (bad,)) for bad in NOT_NUMBERS],
        ("Tf", (LIT("F1"), 9.5)),  # no such font: pdfminer's stand-in
        ("Tf", (LIT("F1"), None)),
        ("Tf", ("F1", 9)),
        ("BT", ()),
        ("g", (0.5,)),
        ("G", (1,)),
        *[("g", (bad,)) for bad in NOT_NUMBERS],
        *[("G", (bad,)) for bad in NOT_NUMBERS],
        ("rg", (0.1, 0.2, 1)),
        ("RG", (0, 0.5, 0.25)),
        *[("rg", (0.1, bad, 1)) for bad in NOT_NUMBERS],
        *[("RG", (bad, 0.5, 1)) for bad in NOT_NUMBERS],
    ],
)
def test_fast_operator_is_pdfminers(
    operator: str, operands: tuple[Any, ...], caplog: pytest.LogCaptureFixture
) -> None:
    """The same text state, graphic state and path after the operator, and the same
    warnings (pdfminer's own method runs when an operand is not a number)."""
    states, warnings = [], []
    for kind in (PDFPageInterpreter, FastOperators):
        interpreter = _interpreter(kind)
        interpreter.do_re(0, 0, 1, 1)  # a path already begun
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            getattr(interpreter, "do_" + operator)(*operands)
        states.append(_state(interpreter))
        warnings.append([r.getMessage() for r in caplog.records])
    assert states[0] == states[1]
    assert warnings[0] == warnings[1]
    assert FastOperators.__dict__.get("do_" + operator) is not None


def test_no_ops_do_nothing() -> None:
    """The operators left uncalled change nothing in pdfminer's interpreter either."""
    assert len(NO_OPS) == 3
    for method in NO_OPS:
        interpreter = _interpreter(PDFPageInterpreter)
        before = _state(interpreter)
        method(interpreter)
        assert _state(interpreter) == before
