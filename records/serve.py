"""`records serve`: Datasette on the database, read-only, with our metadata and plugins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from db.connect import open_db
from records.paths import Paths

REPO = Path(__file__).resolve().parents[1]
METADATA = REPO / "datasette-metadata.json"


def datasette_args(paths: Paths, *, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve",
        "-i", str(paths.db),  # immutable: opened read-only
        "--metadata", str(METADATA),
        "--host", host, "--port", str(port),
    ]


def serve(paths: Paths, *, host: str, port: int) -> None:
    open_db(paths.db).close()  # create or migrate the schema before opening it read-only
    subprocess.run(datasette_args(paths, host=host, port=port), check=False)
