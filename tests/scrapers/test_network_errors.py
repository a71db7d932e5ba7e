"""A connection the server resets mid-download is stored as a sentence, not a Twisted repr."""

from __future__ import annotations

import socket
import struct
from pathlib import Path

from tests.httpserver import Handler, serve
from tests.scrapers.crawling import Crawl, html_page, write_sources


def reset_connection(handler: Handler) -> tuple[int, dict[str, str], bytes]:
    # SO_LINGER 0 then close: the kernel answers with a TCP RST, as a crashed server would.
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    raise ConnectionAbortedError("connection reset on purpose")


def test_connection_reset_is_one_readable_sentence_naming_the_url(tmp_path: Path) -> None:
    routes = {
        "/index.html": lambda _: (200, {"Content-Type": "text/html"}, html_page("reset.pdf")),
        "/reset.pdf": reset_connection,
    }
    with serve(routes=routes) as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        crawl = Crawl(tmp_path, sources)
    url = f"{site.url}/reset.pdf"
    [error] = [e for e in crawl.errors() if e["url"] == url]
    assert error["message"] == (
        f"{url}: the server closed the connection before the response was complete"
        " (connection reset or dropped); try again later (after 1 retry)"
    )
    assert crawl.report.failed == 1
