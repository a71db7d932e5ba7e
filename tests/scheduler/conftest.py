"""Fixtures of the scheduler tests: a local agency site, paths in a temporary folder, and no
stop request leaking between tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from records.core.paths import Paths
from records.pipeline.guards import interrupt
from tests.httpserver import Handler, serve
from tests.scheduler.agency_site import AgencySite, Gate, ddor_bytes, listing, pdf_route


@pytest.fixture
def agency_site() -> Iterator[AgencySite]:
    """Serves /index.html listing every /doclib/ddor/*.pdf route; starts with a.pdf."""
    gate = Gate()
    with serve() as site:

        def index(_: Handler) -> tuple[int, dict[str, str], bytes]:
            names = sorted(p.rsplit("/", 1)[-1] for p in list(site.routes) if p.endswith(".pdf"))
            return 200, {"Content-Type": "text/html"}, listing(names)

        site.routes["/index.html"] = index
        site.routes["/doclib/ddor/a.pdf"] = pdf_route(ddor_bytes())
        yield AgencySite(site=site, gate=gate)
        gate.release()  # let a server thread still waiting finish


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(
        db=tmp_path / "records.db", archive=tmp_path / "archive", sources=tmp_path / "sources.toml"
    )


@pytest.fixture(autouse=True)
def no_stop_left_over() -> Iterator[None]:
    """A stop request must never leak from one test into the next one's runs."""
    interrupt.reset()
    yield
    interrupt.reset()
