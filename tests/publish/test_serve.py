"""`records serve` as a user runs it: a real server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest

from records.publish.serve import SETTINGS
from tests.publish.conftest import RECORDS, Served, free_port


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers["content-type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["content-type"], exc.read()


def test_serve_publishes_with_metadata_plugins_and_settings(served_series: Served) -> None:
    # The database is named after its file (series.db): the metadata follows it.
    status, _, body = _get(f"{served_series.url}/series/ddor_declined_detainers")
    assert status == 200
    assert b"DDOR section II: declined detainers" in body
    plugins = json.loads(_get(f"{served_series.url}/-/plugins.json")[2])
    assert {p["name"] for p in plugins} >= {"agency-records", "datasette-atom"}
    settings = json.loads(_get(f"{served_series.url}/-/settings.json")[2])
    for name, value in SETTINGS.items():
        assert settings[name] == value, name
    databases = json.loads(_get(f"{served_series.url}/-/databases.json")[2])
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("series", True)]
    status, content_type, _ = _get(f"{served_series.url}/-/charts/declined-detainers.svg")
    assert status == 200 and content_type.startswith("image/svg+xml")
    status, content_type, body = _get(f"{served_series.url}/series/new_documents.atom")
    assert status == 200 and body.count(b"<entry>") == 4


def test_serve_refuses_a_port_in_use(served_series: Served) -> None:
    port = int(served_series.url.rsplit(":", 1)[1])
    result = subprocess.run(
        [str(RECORDS), "--db", str(served_series.built.db), "--archive",
         str(served_series.built.archive), "serve", "--port", str(port)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_names_a_missing_archive(served_series: Served, tmp_path) -> None:
    result = subprocess.run(
        [str(RECORDS), "--db", str(served_series.built.db), "--archive",
         str(tmp_path / "nowhere"), "serve", "--port", str(free_port())],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"archive folder {tmp_path / 'nowhere'} not found" in result.stderr


@pytest.mark.parametrize("path", ["/series/documents.csv?_stream=on", "/series/changes.json"])
def test_served_downloads(served_series: Served, path: str) -> None:
    status, _, body = _get(served_series.url + path)
    assert status == 200 and body
