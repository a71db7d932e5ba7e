"""Shared fixtures: a sources file pointing at a local copy of an agency site, temp paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from records.core.paths import Paths
from tests.httpserver import Site, serve
from tests.shared import REPO, fixture

# The agency sites of the tests are served on 127.0.0.1, which crawls refuse unless a source
# (or this variable) allows it (scrapers.addresses); tests/security/ narrows it again.
os.environ.setdefault("RECORDS_PRIVATE_HOSTS", "*")


def sources_for(site_url: str, tmp_path: Path, *, extra: str = "") -> Path:
    """The shipped sources.toml with ice-ddor pointed at ``site_url`` — nothing else changed
    but the url (and, for speed, no crawl delay)."""
    text = (REPO / "sources.toml").read_text(encoding="utf-8")
    text = text.replace(
        'url = "https://www.ice.gov/declined-detainer-outcome-report"\nlink_regex',
        f'url = "{site_url}/index.html"\nlink_regex',
    )
    text = text.replace(
        "archive_fallback = true", f"archive_fallback = true\ndownload_delay = 0.0\n{extra}"
    )
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ddor_site() -> Iterator[Site]:
    with serve(fixture("ddor/site")) as site:
        yield site


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(
        db=tmp_path / "records.db", archive=tmp_path / "archive", sources=tmp_path / "sources.toml"
    )
