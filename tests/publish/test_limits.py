"""What one request may cost and reveal: value and response size caps, no server paths."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from db.connect import open_db
from records.core.paths import Paths
from records.publish.plugin.limits import MAX_RESPONSE_BYTES
from records.publish.serve import build_datasette


@pytest.fixture
def datasette(tmp_path: Path) -> Any:
    paths = Paths(db=tmp_path / "records.db", archive=tmp_path / "archive", sources=tmp_path / "x")
    open_db(paths.db)
    ds = build_datasette(paths)
    asyncio.run(ds.invoke_startup())
    return ds


def get(ds: Any, url: str) -> Any:
    return asyncio.run(ds.client.get(url))


def test_a_huge_computed_value_fails_at_once(datasette: Any) -> None:
    response = get(datasette, "/records.json?sql=select+hex(randomblob(200000000))")
    assert response.status_code == 400
    assert response.json()["error"] == "string or blob too big"


def test_a_response_past_the_cap_is_refused_with_413(datasette: Any) -> None:
    # Seven values of 8 MB each: every one allowed, together past 50 MB.
    columns = ",".join(f"hex(randomblob(4000000))+as+c{i}" for i in range(7))
    response = get(datasette, f"/records.json?sql=select+{columns}")
    assert response.status_code == 413
    assert response.json()["error"].startswith(
        "This response would be larger than 50 MB, the most this site sends at once."
    )
    assert len(response.content) < 1000
    assert MAX_RESPONSE_BYTES == 50 * 1024 * 1024


def test_a_response_under_the_cap_is_sent_whole(datasette: Any) -> None:
    response = get(datasette, "/records.json?sql=select+hex(randomblob(1000000))+as+x&_shape=array")
    assert response.status_code == 200
    assert len(response.json()[0]["x"]) == 2_000_000


@pytest.mark.parametrize(
    "url",
    [
        "/-/metadata.json",
        "/-/metadata",
        "/-/databases.json",
        "/-/databases",
        "/-/archive/" + "a" * 64,
        "/-/archive/nothing",
        "/records",
        "/",
    ],
)
def test_no_page_shows_a_server_path(datasette: Any, tmp_path: Path, url: str) -> None:
    response = get(datasette, url)
    assert response.status_code in (200, 404)
    assert str(tmp_path) not in response.text


def test_databases_page_still_says_what_is_served(datasette: Any) -> None:
    databases = get(datasette, "/-/databases.json").json()
    assert [(d["name"], d["is_mutable"], "path" in d) for d in databases] == [
        ("records", True, False)
    ]


def test_pragma_database_list_is_refused(datasette: Any, tmp_path: Path) -> None:
    response = get(datasette, "/records.json?sql=select+file+from+pragma_database_list")
    assert response.status_code == 400
    assert response.json()["error"] == "pragma_database_list() is not available on this site"
    # Datasette's other pragma functions still answer.
    ok = get(datasette, "/records.json?sql=select+name+from+pragma_table_info('runs')")
    assert ok.status_code == 200


def test_the_archive_404_does_not_name_the_folder(datasette: Any) -> None:
    sha = "b" * 64
    db = open_db(Path(datasette.databases["records"].path))
    db["documents"].insert({"sha256": sha, "filename": "x.pdf"})
    response = get(datasette, f"/-/archive/{sha}")
    assert response.status_code == 404
    assert f"Document {sha} is not in the archive" in response.text
