"""`records serve`: Datasette on the database, read-only, with our metadata and plugins.

The database is opened in read-only mode (``mode=ro``), not as immutable (``-i``): weekly
runs keep writing to it while Datasette serves, and an immutable database would neither see
new rows nor survive WAL checkpoints. Datasette never writes: it has no write API in 0.65
and runs arbitrary SQL on read-only connections.

The committed ``datasette-metadata.json`` is adapted to the served database's name and the
archive folder (see ``records.metadata.runtime_metadata``) and written to a temporary file
for the life of the server. Limits are set in ``SETTINGS``; docs/publishing.md explains them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from db.connect import open_db
from records.metadata import runtime_metadata
from records.paths import Paths

#: Datasette settings, chosen for a newsroom database of weekly reports (tens of thousands of
#: rows a year). See docs/publishing.md ("Limits").
SETTINGS: dict[str, int | bool] = {
    # A page of JSON or a canned query returns at most this many rows; full exports of
    # tables and views stream every row with ?_stream=on regardless.
    "max_returned_rows": 5000,
    # The changes view compares every pair of reports; give it room on a year of reports
    # while still stopping a runaway ad-hoc query.
    "sql_time_limit_ms": 5000,
    # Facet counts on the declined-detainers table (five facets) must not time out.
    "facet_time_limit_ms": 1000,
    # Upper bound of a streamed CSV; a year of DDOR rows is a few MB.
    "max_csv_mb": 100,
    "allow_csv_stream": True,
    "default_page_size": 100,
    "allow_download": False,
}


def settings_args(settings: dict[str, int | bool] = SETTINGS) -> list[str]:
    args: list[str] = []
    for name, value in settings.items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        args += ["--setting", name, text]
    return args


def datasette_args(paths: Paths, metadata: Path, *, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve",
        str(paths.db),  # mutable but read-only: Datasette connects with ?mode=ro
        "--metadata", str(metadata),
        "--host", host, "--port", str(port),
        *settings_args(),
    ]  # fmt: skip


def write_runtime_metadata(paths: Paths, directory: Path) -> Path:
    """The metadata for this database and archive, as a file Datasette can read."""
    target = directory / "datasette-metadata.json"
    metadata = runtime_metadata(paths.db.stem, paths.archive)
    target.write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return target


def serve(paths: Paths, *, host: str, port: int) -> None:
    open_db(paths.db).close()  # create or migrate the schema (and views) before serving
    with tempfile.TemporaryDirectory(prefix="records-serve-") as tmp:
        metadata = write_runtime_metadata(paths, Path(tmp))
        try:
            subprocess.run(datasette_args(paths, metadata, host=host, port=port), check=False)
        except KeyboardInterrupt:  # Ctrl-C stops Datasette too; no traceback for the user
            pass
