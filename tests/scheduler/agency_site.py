"""A small agency site for scheduler tests: a listing page linking DDOR reports, one of which
can be held back (the "gate") until the test lets it go, so races and signals happen at a
known point of the run without sleeping in the test."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from db.connect import open_db
from db.documents import record_document
from records.core.archive import Archive
from records.core.paths import Paths
from tests.httpserver import Handler, Site
from tests.shared import REPO, fixture

DDOR_PDF = "ddor/ddor2017_01-28to02-03.pdf"
#: Rows the ice-ddor parser loads from the DDOR reproduction (sections I-III).
DDOR_ROWS = 371
#: The most any test waits for a server-side event; only reached when something is broken.
GUARD_SECONDS = 60

PDF_HEADERS = {"Content-Type": "application/pdf"}


def ddor_bytes(copy: int = 0) -> bytes:
    """The DDOR reproduction; ``copy`` > 0 appends a PDF comment, giving other bytes (a
    different document to the archive) that parse the same."""
    data = fixture(DDOR_PDF).read_bytes()
    return data + f"\n%copy {copy}\n".encode() if copy else data


@dataclass
class Gate:
    """Holds a route's response until ``release``; ``arrived`` is set when a request waits."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()

    def wait_arrived(self) -> None:
        if not self.arrived.wait(GUARD_SECONDS):
            raise AssertionError("the crawl never requested the gated document")


@dataclass
class AgencySite:
    site: Site
    gate: Gate

    @property
    def url(self) -> str:
        return self.site.url


def listing(names: list[str]) -> bytes:
    links = "".join(f'<li><a href="doclib/ddor/{n}">{n}</a></li>' for n in names)
    return f"<html><body><h1>Reports</h1><ul>{links}</ul></body></html>".encode()


def add_document(agency: AgencySite, name: str, body: bytes, *, gated: bool = False) -> None:
    """Publish another report on the site (``gated``: held until ``gate.release()``)."""
    route = gated_route(body, agency.gate) if gated else pdf_route(body)
    agency.site.routes[f"/doclib/ddor/{name}"] = route


def pdf_route(body: bytes):  # a tests.httpserver Route
    return lambda _: (200, PDF_HEADERS, body)


def gated_route(body: bytes, gate: Gate):  # a tests.httpserver Route
    def route(_: Handler) -> tuple[int, dict[str, str], bytes]:
        gate.arrived.set()
        gate.released.wait(GUARD_SECONDS)
        return 200, PDF_HEADERS, body

    return route


def write_sources(
    folder: Path, site_url: str, *, names: tuple[str, ...] = ("ice-ddor",), extra: str = ""
) -> Path:
    """A sources.toml pointing the DDOR source(s) at the local site, without politeness
    delays or retries (the server is ours)."""
    blocks = ['[settings]\ncontact = "tests@example.org"\ntimezone = "America/New_York"\n']
    for name in names:
        blocks.append(
            f'[[source]]\nname = "{name}"\nurl = "{site_url}/index.html"\n'
            'link_regex = "doclib/ddor/[^/]+\\\\.pdf$"\nparser = "ice-ddor"\n'
            "download_delay = 0.0\nretries = 0\ntimeout = 120\n"
        )
    path = folder / "sources.toml"
    path.write_text("\n".join(blocks) + extra, encoding="utf-8")
    return path


def start_records(paths: Paths, *args: str) -> subprocess.Popen[str]:
    """Start the `records` CLI in its own process (as cron or a reporter would)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from records.cli import main; main()",
            "--sources",
            str(paths.sources),
            "--db",
            str(paths.db),
            "--archive",
            str(paths.archive),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=paths.db.parent,
    )


def archived(
    paths: Paths, agency: AgencySite, name: str, data: bytes, *, status: str = "parsed"
) -> str:
    """Put ``name`` in the archive and the documents table, as an earlier run would have left
    it (``status`` parsed: nothing to do; fetched: waiting for the parser)."""
    sha = Archive(paths.archive).put(data)
    db = open_db(paths.db)
    record_document(
        db,
        sha256=sha,
        source="ice-ddor",
        url=f"{agency.url}/doclib/ddor/{name}",
        filename=name,
        content_type="application/pdf",
        size=len(data),
    )
    db.table("documents").update(sha, {"status": status})
    return sha


def not_a_ddor_pdf() -> bytes:
    """A one-page PDF that is not a DDOR report (the ice-ddor parser rejects it quickly)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Press release: office hours change on Monday.")
    return bytes(pdf.output())
