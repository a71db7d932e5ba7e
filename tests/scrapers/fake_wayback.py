"""A fake Wayback Machine for tests: a CDX endpoint and ``id_`` raw captures, as routes
for ``tests.httpserver.serve``.

It answers the way the real one does (https://archive.org/developers/wayback-cdx-server.html):
JSON output is a list whose first row names the fields asked for with ``fl``; ``collapse=digest``
drops adjacent captures with the same content; ``filter=statuscode:200`` keeps successes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests.httpserver import Handler, Route


@dataclass
class FakeWayback:
    #: original URL -> list of (timestamp, HTTP status, body), in capture order
    captures: dict[str, list[tuple[str, int, bytes]]] = field(default_factory=dict)
    queries: list[str] = field(default_factory=list)

    def add(self, original: str, timestamp: str, body: bytes, status: int = 200) -> None:
        self.captures.setdefault(original, []).append((timestamp, status, body))

    def routes(self) -> dict[str, Route]:
        routes: dict[str, Route] = {"/cdx/search/cdx": self._cdx}
        for original, entries in self.captures.items():
            for timestamp, _, body in entries:
                routes[f"/web/{timestamp}id_/{original}"] = _raw(body)
        return routes

    def _cdx(self, handler: Handler) -> tuple[int, dict[str, str], bytes]:
        query = parse_qs(urlsplit(handler.path).query)
        url = query["url"][0]
        self.queries.append(url)
        fields = query.get("fl", ["urlkey,timestamp,original,mimetype,statuscode,digest,length"])
        names = fields[0].split(",")
        rows: list[list[str]] = []
        last_digest = None
        for timestamp, status, body in self.captures.get(url, []):
            digest = hashlib.sha1(body).hexdigest().upper()
            if "filter" in query and query["filter"][0] == "statuscode:200" and status != 200:
                continue
            if query.get("collapse") == ["digest"] and digest == last_digest:
                continue
            last_digest = digest
            values = {
                "timestamp": timestamp,
                "original": url,
                "statuscode": str(status),
                "digest": digest,
                "urlkey": url,
                "mimetype": "-",
                "length": str(len(body)),
            }
            rows.append([values[name] for name in names])
        answer = [names, *rows] if rows else []
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()


def _raw(body: bytes) -> Route:
    return lambda handler: (200, {}, body)
