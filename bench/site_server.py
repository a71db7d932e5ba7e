"""The agency site of ``bench_pipeline.py``: a folder served on 127.0.0.1, in a process of its
own, as an agency's web server is (its work and its threads are not the timed process's).

    python bench/site_server.py FOLDER [--http10]

Prints the port it listens on, then serves until stdin closes (its parent gone or done).
HTTP/1.1 with connections kept open and each answer sent as written (TCP_NODELAY), as web
servers answer; a listen backlog of 128. ``--http10``: Python's ``http.server`` defaults,
as figures before 2026-12-07 were measured (HTTP/1.0, a TCP connection per request, backlog 5).
``If-Modified-Since`` is answered 304 (stdlib).
"""

from __future__ import annotations

import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # stdlib name
        return None


class _OldHandler(_Handler):
    protocol_version = "HTTP/1.0"
    disable_nagle_algorithm = False


def main(argv: list[str]) -> None:
    folder, http10 = argv[0], "--http10" in argv[1:]
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        partial(_OldHandler if http10 else _Handler, directory=folder),
        bind_and_activate=False,
    )
    server.request_queue_size = 5 if http10 else 128
    server.server_bind()
    server.server_activate()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the parent closes it (or exits)
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
