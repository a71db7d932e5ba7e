"""A real HTTP server on 127.0.0.1 for tests: serves a folder plus programmable routes,
answers conditional requests (ETag / If-None-Match, Last-Modified / If-Modified-Since) and
logs every request so tests can check what was sent."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: A route returns (status, headers, body).
Route = Callable[["Handler"], tuple[int, dict[str, str], bytes]]

LAST_MODIFIED = formatdate(1490000000, usegmt=True)  # fixed, so runs are comparable


@dataclass
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]
    status: int
    body_bytes: int


@dataclass
class Site:
    root: Path | None = None
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)
    conditional: bool = True
    url: str = ""

    def requests_for(self, path: str) -> list[LoggedRequest]:
        return [r for r in self.log if r.path == path]


class Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, format: str, *args: object) -> None:  # stdlib name
        return None

    def do_GET(self) -> None:  # stdlib name
        path = self.path.split("?", 1)[0]
        route = self.site.routes.get(self.path) or self.site.routes.get(path)
        if route is not None:
            status, headers, body = route(self)
        else:
            status, headers, body = self._static(path)
        self._send(status, headers, body)

    def _static(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if self.site.root is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"
        target = (self.site.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.site.root.resolve()) or not target.is_file():
            return 404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"
        body = target.read_bytes()
        kind = {".pdf": "application/pdf", ".html": "text/html", ".txt": "text/plain"}.get(
            target.suffix, "application/octet-stream"
        )
        headers = {"Content-Type": kind}
        if self.site.conditional:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if self.headers.get("If-None-Match") == etag or (
                not self.headers.get("If-None-Match")
                and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                return 304, headers, b""
        return 200, headers, body

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.site.log.append(
            LoggedRequest("GET", self.path.split("?", 1)[0], dict(self.headers), status, len(body))
        )
        self.send_response(status)
        headers = dict(headers)
        headers.setdefault("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


@contextmanager
def serve(
    root: Path | None = None, routes: dict[str, Route] | None = None, conditional: bool = True
) -> Iterator[Site]:
    """Serve ``root`` (and ``routes``) on 127.0.0.1 at a free port for the block."""
    site = Site(root=root, routes=dict(routes or {}), conditional=conditional)
    handler = type("BoundHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
