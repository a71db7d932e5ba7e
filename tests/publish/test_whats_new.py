"""What's new (issue 23): the digest of each new edition on a page per source, in that
source's Atom feed (with a link) and linked from the global feed."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from db.connect import open_db
from tests.db.test_changes_by_key import KEYED, PLAIN, _edition
from tests.publish.conftest import Client


def _site(tmp_path: Path) -> Datasette:
    path = tmp_path / "records.db"
    db = open_db(path, specs=[KEYED, PLAIN])
    _edition(db, "a" * 64, "2026-09", [("Harris", "Main", 8429), ("Travis", "Del", 2000)])
    _edition(db, "b" * 64, "2026-10", [("Harris", "Main", 8868), ("Tarrant", "Ctr", 4100)])
    db.close()
    from records.publish.metadata import runtime_metadata

    metadata = runtime_metadata(path, tmp_path / "archive")
    return Datasette([str(path)], metadata=metadata)


def _get(ds: Datasette, path: str) -> Any:
    return asyncio.run(ds.client.get(path))


def test_the_digest_is_on_the_sources_page(tmp_path: Path) -> None:
    ds = _site(tmp_path)
    page = _get(ds, "/-/whats-new/abbre")
    assert page.status_code == 200
    text = page.text
    october = text.index("AbbreRptCurrent.pdf (2026-10-01 to 2026-10-28)")
    september = text.index("AbbreRptCurrent.pdf (2026-09-01 to 2026-09-28)")
    assert october < september  # newest edition first
    assert "Harris: total_population 8,429 → 8,868 (+439)" in text
    assert "<strong>New:</strong> Tarrant" in text
    assert "<strong>No longer listed:</strong> Travis" in text
    assert 'href="/-/whats-new/abbre.atom"' in text
    index = _get(ds, "/-/whats-new").text
    assert 'href="/-/whats-new/abbre"' in index
    assert _get(ds, "/-/whats-new/nobody").status_code == 404


def test_the_sources_feed_carries_each_digest_with_a_link(tmp_path: Path) -> None:
    ds = _site(tmp_path)
    response = _get(ds, "/-/whats-new/abbre.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = response.text
    entries = feed.split("<entry>")[1:]
    assert len(entries) == 2
    newest = entries[0]
    assert "<title>AbbreRptCurrent.pdf (2026-10-01 to 2026-10-28)</title>" in newest
    assert f'<link href="http://localhost/-/whats-new/abbre#{"b" * 64}"/>' in newest
    assert "Harris: total_population 8,429 → 8,868" in newest
    assert "no earlier report to compare with" in entries[1]


def test_the_global_feed_links_each_entry(site_client: Client) -> None:
    feed = site_client.get(f"/{site_client.db}/new_documents.atom").text
    (link,) = re.findall(r'<link href="([^"]+)"', feed.split("<entry>")[1])
    assert re.fullmatch(r"\.\./-/whats-new/ice-ddor#[0-9a-f]{64}", link)
