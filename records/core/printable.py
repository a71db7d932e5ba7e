"""Showing names that came from outside (file names, URLs, cell text) without letting them
act on the terminal, a log or a feed reader.

A file name is chosen by whoever sent the file. A newline in it forges a log line
(``report.pdf\\nrun 7: 0 error(s)``), an escape sequence recolours or clears the terminal,
and a right-to-left override (U+202E) makes ``invoice\\u202efdp.exe`` read as
``invoiceexe.pdf``. ``printable`` writes such characters as visible escapes (``\\n``,
``\\u202e``); everything else, accents and non-Latin scripts included, is kept.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Unicode categories that do not print: controls, format characters (the bidirectional
#: overrides and isolates, zero-width joiners, BOM), line and paragraph separators,
#: surrogates and unassigned code points.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def printable(text: object) -> str:
    """``text`` with every non-printing character written as a visible escape."""
    value = str(text)
    if value.isprintable():  # the common case: nothing to do
        return value
    return "".join(
        _escape(char) if unicodedata.category(char) in _HIDDEN else char for char in value
    )
