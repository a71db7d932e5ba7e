"""CSV downloads with formulas made inert (``records.core.formulas``, the OWASP rule).

Datasette writes its CSV (``.csv`` and ``?_format=csv``, streamed or not) itself; this ASGI
wrapper rewrites the stream on its way out, record by record, so a cell reading
``=HYPERLINK(...)`` reaches the reporter's spreadsheet as ``'=HYPERLINK(...)``. JSON and the
HTML pages are untouched and keep the original value. ``[settings] csv_formulas = "keep"``
in sources.toml (plugin config ``csv_formulas``) turns it off.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any
from urllib.parse import parse_qs

from records.core.formulas import spreadsheet_safe
from records.publish.metadata import PLUGIN


def formulas_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") != "http" or not _is_csv(scope) or _keep(datasette):
                await app(scope, receive, send)
                return
            await app(scope, receive, _neutralising(send))

        return wrapped

    return wrap


def _keep(datasette: Any) -> bool:
    config = datasette.plugin_config(PLUGIN) or {}
    return bool(config.get("csv_formulas") == "keep")


def _is_csv(scope: dict[str, Any]) -> bool:
    path = scope.get("path") or ""
    if "/-/archive/" in path:
        return False  # the archived file itself, byte for byte (its provenance)
    if path.endswith(".csv"):
        return True
    query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
    return "csv" in query.get("_format", [])


def _neutralising(send: Any) -> Any:
    rewriter = CsvRewriter()

    async def neutralising(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"
            ]
            await send({**message, "headers": headers})
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        more = message.get("more_body", False)
        body = rewriter.feed(message.get("body", b""), final=not more)
        await send({**message, "body": body})

    return neutralising


class CsvRewriter:
    """Rewrites a CSV byte stream cell by cell, whole records at a time: a record ends at a
    newline outside quotes (an even count of ``"`` so far, as RFC 4180 doubles them)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._scanned = 0  # how much of _pending was searched for record ends
        self._quotes = 0  # quotes in _pending[:_scanned]

    def feed(self, data: bytes, *, final: bool = False) -> bytes:
        self._pending += self._decoder.decode(data, final)
        cut = 0
        position = self._scanned
        while True:
            newline = self._pending.find("\n", position)
            if newline < 0:
                break
            self._quotes += self._pending.count('"', position, newline)
            position = newline + 1
            if self._quotes % 2 == 0:
                cut = position
        complete, self._pending = self._pending[:cut], self._pending[cut:]
        self._quotes = self._pending.count('"', 0, position - cut) if cut else self._quotes
        self._scanned = position - cut
        if final:
            complete, self._pending = complete + self._pending, ""
            self._scanned = self._quotes = 0
        return _rewrite(complete).encode("utf-8")


def _rewrite(text: str) -> str:
    if not text:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for record in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([spreadsheet_safe(cell) for cell in record])
    return out.getvalue()
