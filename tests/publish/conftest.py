"""Databases for the publishing tests, built the way users build them, and a sync client.

``ddor_site``: `records run ice-ddor` against the DDOR fixture site served on 127.0.0.1 (the
real crawl, archive and parse). ``ddor_series``: the generated demo series (three weekly
reports and a corrected re-issue of week 1) added with the pipeline's ``add_files``.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from records.core.paths import Paths
from records.publish.serve import build_datasette
from tests.httpserver import serve
from tests.shared import REPO, fixture

RECORDS = Path(sys.executable).with_name("records")


@dataclass
class Built:
    db: Path
    archive: Path
    workdir: Path

    @property
    def name(self) -> str:
        return self.db.stem


def records_run(sources: Path, built: Built, source: str) -> None:
    """``records run SOURCE`` on ``built``'s database and archive; it must succeed."""
    result = subprocess.run(
        [str(RECORDS), "--sources", str(sources), "--db", str(built.db),
         "--archive", str(built.archive), "run", source],
        capture_output=True, text=True, cwd=built.workdir, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def fixture_sources(site_url: str, target: Path) -> Path:
    """sources.toml pointed at the local copy of the DDOR site (no Wayback fallback)."""
    text = (REPO / "sources.toml").read_text(encoding="utf-8")
    text = text.replace(
        'url = "https://www.ice.gov/declined-detainer-outcome-report"\nlink',
        f'url = "{site_url}/index.html"\nlink',
    )
    text = text.replace("archive_fallback = true", "archive_fallback = false\ndownload_delay = 0.0")
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def ddor_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("ddor-site")
    built = Built(db=work / "records.db", archive=work / "archive", workdir=work)
    with serve(fixture("ddor/site")) as site:
        sources = fixture_sources(site.url, work / "sources.toml")
        result = subprocess.run(
            [str(RECORDS), "--sources", str(sources), "--db", str(built.db),
             "--archive", str(built.archive), "run", "ice-ddor"],
            capture_output=True, text=True, cwd=work, timeout=300,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"records run failed:\n{result.stdout}\n{result.stderr}")
    return built


@pytest.fixture(scope="session")
def ddor_series(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from db.connect import open_db
    from db.sources import sync_sources
    from records.core.config import load_config
    from records.core.paths import Paths
    from records.demo.sample_reports import demo_series
    from records.pipeline.add import add_files

    work = tmp_path_factory.mktemp("ddor-series")
    (work / "pdf").mkdir()
    paths = Paths(db=work / "series.db", archive=work / "archive", sources=REPO / "sources.toml")
    config = load_config(paths.sources)
    sync_sources(open_db(paths.db), config.sources)
    # One at a time, in posting order, as weekly runs would find them.
    for report in demo_series():
        summary = add_files([report.write(work / "pdf")], paths=paths, config=config,
                            source="ice-ddor")  # fmt: skip
        if not summary.ok:
            raise RuntimeError(f"adding {report.filename} failed: {summary.errors}")
    return Built(db=paths.db, archive=paths.archive, workdir=work)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy, WAL included (copying the file alone would miss recent writes)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


class Client:
    """Datasette's async test client, driven from sync tests on one event loop."""

    def __init__(
        self, built: Built, *, desk: bool = False, sources: Path = REPO / "sources.toml"
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.ds = build_datasette(Paths(db=built.db, archive=built.archive, sources=sources))
        self.metadata = self.ds.metadata()
        self.db = built.name
        #: Logged in as the data desk (Datasette's signed actor cookie): records requests show.
        self.cookies = {"ds_actor": self.ds.sign({"a": {"id": "desk"}}, "actor")} if desk else {}

    def get(self, path: str, **kwargs: Any) -> Any:
        if self.cookies:
            kwargs.setdefault("cookies", self.cookies)
        return self.loop.run_until_complete(self.ds.client.get(path, **kwargs))

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.loop.run_until_complete(self.ds.client.post(path, **kwargs))

    def json(self, path: str) -> Any:
        response = self.get(path)
        if response.status_code != 200:
            raise AssertionError(f"GET {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def raw(self, raw_path: str) -> tuple[int, dict[str, str], bytes]:
        """GET a path exactly as given (no client-side normalisation of '..' or %2F)."""
        return self.loop.run_until_complete(_raw_get(self.ds.app(), raw_path))

    def close(self) -> None:
        self.loop.close()


async def _raw_get(app: Any, raw_path: str) -> tuple[int, dict[str, str], bytes]:
    from urllib.parse import unquote

    status = 0
    headers: dict[str, str] = {}
    body = bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update({k.decode(): v.decode() for k, v in message["headers"]})
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    scope = {
        "type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": unquote(raw_path), "raw_path": raw_path.encode(), "query_string": b"",
        "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 1),
        "server": ("localhost", 80), "root_path": "",
    }  # fmt: skip
    await app(scope, receive, send)
    return status, headers, bytes(body)


@pytest.fixture(scope="session")
def site_client(ddor_site: Built) -> Iterator[Client]:
    client = Client(ddor_site)
    yield client
    client.close()


@pytest.fixture(scope="session")
def series_client(ddor_series: Built) -> Iterator[Client]:
    client = Client(ddor_series)
    yield client
    client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    url: str
    built: Built
    process: subprocess.Popen


@pytest.fixture(scope="session")
def served_series(ddor_series: Built) -> Iterator[Served]:
    """`records serve` on the series database, as a user starts it."""
    port = free_port()
    process = subprocess.Popen(
        [str(RECORDS), "--db", str(ddor_series.db), "--archive", str(ddor_series.archive),
         "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process)
        yield Served(url, ddor_series, process)
    finally:
        process.terminate()  # uvicorn shuts down on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"records serve exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"{url}/-/versions.json", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"records serve did not answer at {url} within {timeout}s")
