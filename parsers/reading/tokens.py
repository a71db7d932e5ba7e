"""Content-stream tokens for the fast page reader, all at once instead of one at a time.

pdfminer's tokenizer is a state machine run once per token (a few per character printed):
after the characters themselves, it is most of the time spent reading a page. Here a page's
content stream becomes pdfminer's objects (numbers, names, strings, arrays, dictionaries,
operators) in one pass (``content_objects``: one ``re.findall``, each token's kind told by its
first byte), and the interpreter runs through them as a list. What that pass refuses (nested
parentheses in a string, several content streams, ...) is cut into tokens by ``tokenize``
(one ``finditer`` pass, positions kept) and gathered by ``assemble``, or left to pdfminer.

The tokens are pdfminer's, value for value: the same number, name, keyword and string
rules (an unfinished number like ``-`` gives no token, ``\\ddd`` escapes, unknown escapes
dropped, a token cut by the end of a stream ends there). Where pdfminer's behaviour
depends on how it buffers the data (inline images, ``#`` escapes in names, a string or
name running from one content stream into the next, a line continuation after a
backslash) the page is tokenized by pdfminer itself. ``tests/parsers/reading/test_document.py``
compares every object of every fixture page with pdfplumber's.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from pdfminer import pdfinterp
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import (
    ESC_STRING,
    HEX_PAIR,
    KEYWORD_ARRAY_BEGIN,
    KEYWORD_ARRAY_END,
    KEYWORD_DICT_BEGIN,
    KEYWORD_DICT_END,
    KWD,
    LIT,
    PSEOF,
    SPC,
    PSKeyword,
    literal_name,
)
from pdfminer.utils import choplist

#: One token per match, its kind by group number (most frequent first: the alternatives
#: begin with different bytes, so their order decides nothing but speed; ``<<`` comes
#: before ``<`` and a string without parentheses or backslashes before any other string).
_TOKEN = re.compile(
    rb"""
    [\s\x00]*  # whitespace (and NUL, which pdfminer skips) before the token
    (?:
    ([-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)  # 1: number
  | ([A-Za-z][^#/%\[\]()<>{}\s]*)  # 2: keyword
  | \(([^()\\]*)\)  # 3: plain string
  | (/[^#/%\[\]()<>{}\s]*)  # 4: name
  | (%[^\r\n]*)  # 5: comment
  | (<<)  # 6: dictionary
  | (<[\s0-9a-fA-F]*)  # 7: hex string
  | (>>?)  # 8: end of dictionary (or a stray ">")
  | (\()  # 9: string with escapes or nested parentheses
  | ([\s\S])  # 10: any other byte
  | (\Z)  # 11: only whitespace left (without it, the any-byte case would take some)
    )
    """,
    re.VERBOSE,
)
_NUMBER, _KEYWORD, _PLAIN_STRING, _NAME, _COMMENT = 1, 2, 3, 4, 5
_DICT, _HEX, _CLOSE, _STRING, _OTHER = 6, 7, 8, 9, 10
_STRING_STOP = re.compile(rb"[()\\]")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_ESCAPES = {key[0]: value for key, value in ESC_STRING.items()}
_TRUE, _FALSE = b"true", b"false"


class _Unsupported(Exception):
    """A construct whose tokens depend on pdfminer's buffering: let pdfminer read it."""


def _string(data: bytes, i: int) -> tuple[bytes | None, int]:
    """The literal string starting after the "(" at ``i``: its bytes (None when the data
    ends first) and the position after its ")"."""
    out = bytearray()
    depth = 1
    n = len(data)
    while True:
        m = _STRING_STOP.search(data, i)
        if m is None:
            return None, n
        j = m.start()
        out += data[i:j]
        c = data[j]
        if c == 0x5C:  # backslash
            if j + 1 >= n:
                return None, n
            nxt = data[j + 1]
            if 0x30 <= nxt <= 0x37:
                octal = _OCTAL.match(data, j + 1)
                if octal is None:  # cannot happen: the next byte is an octal digit
                    raise _Unsupported("octal escape")
                code = int(octal.group(), 8)
                if code > 255:
                    raise _Unsupported("octal escape above 255")
                out.append(code)
                i = octal.end()
            elif nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i = j + 2
            elif nxt == 0x0D:
                raise _Unsupported("backslash before a carriage return")
            else:
                i = j + 2  # pdfminer drops an unknown escape's character
        elif c == 0x28:
            depth += 1
            out.append(c)
            i = j + 1
        else:
            depth -= 1
            if depth:
                out.append(c)
                i = j + 1
            else:
                return bytes(out), j + 1


def tokenize(data: bytes, boundaries: list[int]) -> list[tuple[int, Any]]:
    """pdfminer's tokens of ``data`` (content streams joined by newlines at
    ``boundaries``), as (position, token); raises _Unsupported where they may differ."""
    tokens: list[tuple[int, Any]] = []
    append = tokens.append
    keywords: dict[bytes, Any] = {}
    n = len(data)
    pos = 0
    while pos < n:
        resume = _scan(data, pos, boundaries, append, keywords)
        if resume is None:
            break
        pos = resume
    return tokens


def _scan(
    data: bytes, start: int, boundaries: list[int], append: Any, keywords: dict[bytes, Any]
) -> int | None:
    """Tokens from ``start`` on, through ``append``: None at the end of the data (or of
    its last complete token), else where to go on after a string with escapes."""
    n = len(data)
    for m in _TOKEN.finditer(data, start):
        kind = m.lastindex
        if kind == _NUMBER:
            text = m.group(1)
            try:
                append((m.start(1), float(text) if b"." in text else int(text)))
            except ValueError:
                pass  # pdfminer gives no token for "-" or "."
        elif kind == _KEYWORD:
            text = m.group(2)
            keyword = keywords.get(text)
            if keyword is None:
                keyword = keywords[text] = (
                    True if text == _TRUE else False if text == _FALSE else KWD(text)
                )
            append((m.start(2), keyword))
        elif kind == _PLAIN_STRING:
            pos, end = m.start(3) - 1, m.end()
            if boundaries and any(pos < b < end for b in boundaries):
                raise _Unsupported("string running into the next content stream")
            append((pos, m.group(3)))
        elif kind == _NAME:
            pos, end = m.start(4), m.end()
            if end < n and data[end] == 0x23:
                raise _Unsupported("# escape in a name")
            if end == pos + 1 and end in boundaries:
                raise _Unsupported("name cut by the end of a content stream")
            raw = m.group(4)[1:]
            try:
                name: str | bytes = str(raw, "utf-8")
            except UnicodeDecodeError:
                name = raw
            append((pos, LIT(name)))
        elif kind == _COMMENT:
            pass
        elif kind == _DICT:
            append((m.start(6), KEYWORD_DICT_BEGIN))
        elif kind == _HEX:
            pos, end = m.start(7), m.end()
            if end >= n:
                return None  # unfinished: no token
            if boundaries and any(pos < b <= end for b in boundaries):
                raise _Unsupported("hex string running into the next content stream")
            raw = m.group(7)[1:]
            append((pos, HEX_PAIR.sub(lambda h: bytes((int(h.group(0), 16),)), SPC.sub(b"", raw))))
        elif kind == _CLOSE:
            pos, end = m.start(8), m.end()
            if end - pos == 2:
                append((pos, KEYWORD_DICT_END))
            elif end in boundaries:
                raise _Unsupported('">" at the end of a content stream')
        elif kind == _STRING:
            pos = m.start(9)
            value, end = _string(data, m.end())
            if boundaries and any(pos < b < end for b in boundaries):
                raise _Unsupported("string running into the next content stream")
            if value is None:
                return None
            append((pos, value))
            return end  # the string's end: the scan goes on from there
        elif kind == _OTHER:
            append((m.start(10), KWD(m.group(10))))
        else:
            return None
    return None


def assemble(tokens: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """The objects pdfminer's parser makes of ``tokens`` in a content stream: each token as
    it is, except arrays and dictionaries gathered (a dictionary's keys by literal name,
    None values left out). Raises _Unsupported for what pdfminer treats specially or as an
    error (procedures, an operator inside an array, unbalanced or odd constructs)."""
    out: list[tuple[int, Any]] = []
    stack: list[tuple[int, bool, list[Any]]] = []  # (position, is a dict, items)
    for pos, token in tokens:
        if type(token) is PSKeyword:
            if token is KEYWORD_ARRAY_BEGIN or token is KEYWORD_DICT_BEGIN:
                stack.append((pos, token is KEYWORD_DICT_BEGIN, []))
                continue
            if token is KEYWORD_ARRAY_END or token is KEYWORD_DICT_END:
                if not stack or stack[-1][1] != (token is KEYWORD_DICT_END):
                    raise _Unsupported("unbalanced array or dictionary")
                start, is_dict, items = stack.pop()
                if is_dict:
                    if len(items) % 2:
                        raise _Unsupported("odd dictionary")
                    value: Any = {
                        literal_name(k): v for (k, v) in choplist(2, items) if v is not None
                    }
                else:
                    value = items
                pos = start
            elif stack:
                raise _Unsupported("operator inside an array or dictionary")
            elif token.name in (b"{", b"}"):
                raise _Unsupported("procedure")
            else:
                value = token
        else:
            value = token
        if stack:
            stack[-1][2].append(value)
        else:
            out.append((pos, value))
    if stack:
        raise _Unsupported("array or dictionary still open at the end")
    return out


#: ``_TOKEN``'s alternatives as one group, for ``re.findall`` (a bytes string per token,
#: no match object): the same tokens in the same order, their kind told by the first byte.
#: A string is one token when it holds no unescaped parenthesis (nested ones leave a lone
#: "(" token, which sends the stream to ``tokenize``).
_FLAT_TOKEN = re.compile(
    rb"""
    [\s\x00]*
    (
    [-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*
  | [A-Za-z][^#/%\[\]()<>{}\s]*
  | \((?:[^()\\]|\\[\s\S])*\)
  | /[^#/%\[\]()<>{}\s]*
  | %[^\r\n]*
  | <<
  | <[\s0-9a-fA-F]*
  | >>?
  | [\s\S]
  | \Z
    )
    """,
    re.VERBOSE,
)
#: Token kind by first byte (``_OTHER`` for any byte not listed).
_KIND_OF_BYTE = [_OTHER] * 256
# (by character and ``ord``: compiled by Cython (``records.core.speedups``), a loop over a
# bytes literal gives one-byte strings, not Python's ints)
for _char in "+-.0123456789":
    _KIND_OF_BYTE[ord(_char)] = _NUMBER
for _char in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
    _KIND_OF_BYTE[ord(_char)] = _KEYWORD
_KIND_OF_BYTE[ord("(")] = _STRING
_KIND_OF_BYTE[ord("/")] = _NAME
_KIND_OF_BYTE[ord("%")] = _COMMENT
_KIND_OF_BYTE[ord("<")] = _HEX  # or "<<"
_KIND_OF_BYTE[ord(">")] = _CLOSE
#: Keyword tokens already made (``KWD`` interns them, so this only saves the call).
_KEYWORDS: dict[bytes, Any] = {_TRUE: True, _FALSE: False}
_KEYWORD_BI = KWD(b"BI")
_HEX_BYTE = HEX_PAIR.sub


def _hex_byte(h: re.Match[bytes]) -> bytes:
    return bytes((int(h.group(0), 16),))


def content_objects(data: bytes) -> list[Any]:
    """``assemble(tokenize(data, []))``'s objects (without positions) in one pass over one
    content stream's tokens; raises _Unsupported wherever either would, and also for an
    inline image, a string with nested parentheses and a hex string ending the data (for
    those the two steps above, or pdfminer, decide)."""
    out: list[Any] = []
    items = out  # where the next object goes: the page's list, or an open array or dict
    stack: list[tuple[bool, list[Any]]] = []  # open arrays and dicts: (is a dict, items)
    kinds = _KIND_OF_BYTE
    keywords = _KEYWORDS
    # A page's content repeats few numbers and operators many times (200,000 number tokens
    # and 3,800 distinct ones over the six template fixtures): each is made once, and a
    # token met before is one lookup.
    known: dict[bytes, Any] = {}
    last_hex = False
    for token in _FLAT_TOKEN.findall(data):
        value = known.get(token)
        if value is not None:
            if stack and type(value) is PSKeyword:
                raise _Unsupported("operator inside an array or dictionary")
            items.append(value)
            last_hex = False
            continue
        if not token:
            break  # only whitespace left
        kind = kinds[token[0]]
        if kind == _NUMBER:
            try:
                number = known[token] = float(token) if b"." in token else int(token)
            except ValueError:
                pass  # pdfminer gives no token for "-" or "."
            else:
                items.append(number)
        elif kind == _KEYWORD:
            keyword = keywords.get(token)
            if keyword is None:
                keyword = keywords[token] = KWD(token)
            if type(keyword) is PSKeyword:
                if stack:
                    raise _Unsupported("operator inside an array or dictionary")
                if keyword is _KEYWORD_BI:
                    raise _Unsupported("inline image")
            known[token] = keyword
            items.append(keyword)
        elif kind == _STRING:
            if len(token) == 1:
                raise _Unsupported("string with nested parentheses (or unfinished)")
            if b"\\" in token:
                items.append(_string(token, 1)[0])
            else:
                # bytes: the same value wherever the token is (a table's cells repeat theirs)
                items.append(known.setdefault(token, token[1:-1]))
        elif kind == _NAME:
            raw = token[1:]
            try:
                name: str | bytes = str(raw, "utf-8")
            except UnicodeDecodeError:
                name = raw
            literal = known[token] = LIT(name)  # interned by pdfminer: the same object
            items.append(literal)
        elif kind == _COMMENT:
            pass
        elif kind == _HEX:
            if token == b"<<":
                stack.append((True, items))
                items = []
            else:
                last_hex = True
                items.append(_HEX_BYTE(_hex_byte, SPC.sub(b"", token[1:])))
                continue
        elif kind == _CLOSE:
            if token == b">>":
                if not stack or not stack[-1][0]:
                    raise _Unsupported("unbalanced array or dictionary")
                if len(items) % 2:
                    raise _Unsupported("odd dictionary")
                mapping = {
                    literal_name(k): v
                    for k, v in zip(items[::2], items[1::2], strict=True)
                    if v is not None
                }
                items = stack.pop()[1]
                items.append(mapping)
            # a lone ">" gives no token
        elif token == b"[":
            stack.append((False, items))
            items = []
        elif token == b"]":
            if not stack or stack[-1][0]:
                raise _Unsupported("unbalanced array or dictionary")
            array = items
            items = stack.pop()[1]
            items.append(array)
        else:
            if stack:
                raise _Unsupported("operator inside an array or dictionary")
            if token in (b"{", b"}"):
                raise _Unsupported("procedure")
            if token == b"#":
                raise _Unsupported("# escape in a name")
            items.append(KWD(token))
        last_hex = False
    if stack:
        raise _Unsupported("array or dictionary still open at the end")
    if last_hex:
        raise _Unsupported("hex string at the end of the data")
    return out


_active = threading.local()


class FastContentParser(pdfinterp.PDFContentParser):
    """pdfminer's content parser, fed from ``content_objects`` (or ``tokenize`` and
    ``assemble``) while a fast page is read, and pdfminer's own tokenizer otherwise, or for
    a page these leave to it.

    The objects of a page's content come all at once (``_objects``, last first), so the
    interpreter can run through them as a list; their positions are not kept (pdfminer's interpreter
    does not read them: only an inline image's data would, and those pages are left to
    pdfminer)."""

    def __init__(self, streams: Any) -> None:
        super().__init__(streams)
        self._objects: list[Any] | None = None
        self._joined: tuple[bytes, list[int]] | None = None
        self._fast_tokens: list[tuple[int, Any]] | None = None
        if not getattr(_active, "on", False):
            return
        try:
            datas = [stream_value(s).get_data() for s in streams]
        except Exception:
            return
        boundaries = []
        at = 0
        for data in datas[:-1]:
            at += len(data)
            boundaries.append(at)
            at += 1
        joined = b"\n".join(datas)
        self._joined = (joined, boundaries)
        if not boundaries:
            try:
                objects = content_objects(joined)
            except _Unsupported:
                pass
            else:
                objects.reverse()
                self._objects = objects
                return
        tokens = self._ready
        if tokens is None:
            return
        try:
            objects = assemble(list(reversed(tokens)))
        except _Unsupported:
            return  # pdfminer's parser makes the objects of these tokens
        self._objects = [value for _, value in reversed(objects)]

    @property
    def _ready(self) -> list[tuple[int, Any]] | None:
        """``tokenize``'s tokens still to give, last first (None: pdfminer's tokenizer),
        made when first asked for (the interpreter asks only on pages with odd objects)."""
        if self._fast_tokens is None and self._joined is not None:
            joined, boundaries = self._joined
            self._joined = None
            try:
                tokens = tokenize(joined, boundaries)
            except _Unsupported:
                return None
            if any(t is self.KEYWORD_BI for _, t in tokens):
                return None  # inline images: pdfminer reads their data from its buffers
            tokens.reverse()
            self._fast_tokens = tokens
        return self._fast_tokens

    def nextobject(self) -> tuple[int, Any]:
        if self._objects is None:
            return super().nextobject()
        if not self._objects:
            raise PSEOF("Unexpected EOF")
        return (0, self._objects.pop())

    def nexttoken(self) -> tuple[int, Any]:
        tokens = self._ready
        if tokens is None:
            return super().nexttoken()
        if not tokens:
            raise PSEOF("Unexpected EOF")
        return tokens.pop()


class reading_fast:
    """While active in this thread, content streams are tokenized by ``tokenize``."""

    def __enter__(self) -> None:
        _active.on = True

    def __exit__(self, *exc: object) -> None:
        _active.on = False


# pdfminer's interpreter makes its parser by this module-level name; the subclass behaves
# as pdfminer's own outside ``reading_fast``.
if not issubclass(pdfinterp.PDFContentParser, FastContentParser):
    pdfinterp.PDFContentParser = FastContentParser  # type: ignore[misc]
