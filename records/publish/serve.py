"""`records serve`: Datasette on the database, read-only, with our metadata and plugins.

Datasette runs in this process (uvicorn), so Ctrl-C or SIGTERM stops it cleanly and nothing
is left running. The database is opened in read-only mode (``mode=ro``), not as immutable
(``-i``): weekly runs keep writing to it while Datasette serves, and an immutable database
would neither see new rows nor survive WAL checkpoints. Datasette never writes: 0.65 has no
write API and runs arbitrary SQL, after checking it is a SELECT, on read-only connections.

The metadata is built at start-up from the parsers and the sources file in use, for the
tables the served database has (``records.publish.metadata.runtime_metadata``): nothing is
read from the repository, so an installed ``records`` serves from any folder. Limits are set
in ``SETTINGS``; docs/publishing.md explains them.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from db.connect import open_db
from parsers.base import TableSpec
from parsers.registry import parser_names, table_specs
from records.core.config import load_config
from records.core.errors import RecordsError
from records.core.paths import Paths
from records.publish.metadata import runtime_metadata

#: Datasette settings, chosen for a newsroom database of weekly reports (tens of thousands of
#: rows a year). See docs/publishing.md ("Limits").
SETTINGS: dict[str, Any] = {
    # A page of JSON or a canned query returns at most this many rows; full exports of
    # tables and views stream every row with ?_stream=on regardless.
    "max_returned_rows": 5000,
    # The changes view compares every pair of reports; give it room on a year of reports
    # while still stopping a runaway ad-hoc query.
    "sql_time_limit_ms": 5000,
    # Five default facets on the declined-detainers table must not time out.
    "facet_time_limit_ms": 1000,
    # Upper bound of one streamed CSV; a year of DDOR rows is a few MB.
    "max_csv_mb": 100,
    "allow_csv_stream": True,
    "default_page_size": 100,
    # The database file is not offered for download (it is live; the archive route serves
    # the source documents, CSV/JSON the tables).
    "allow_download": False,
    # Datasette would suggest faceting by any column with few values, the bookkeeping ones
    # (page, table_index, bbox) first; each table declares the facets a reporter uses.
    "suggest_facets": False,
}


def build_datasette(paths: Paths, *, base_url: str = "/") -> Any:
    """The Datasette instance `records serve` runs (tests use the same one)."""
    from datasette.app import Datasette

    return Datasette(
        [str(paths.db)],  # mutable, opened read-only: Datasette connects with ?mode=ro
        metadata=runtime_metadata(paths.db, paths.archive, paths.sources),
        settings={**SETTINGS, "base_url": _base_url(base_url)},
    )


def _base_url(value: str) -> str:
    """Datasette wants the prefix with a slash at both ends: 'news' -> '/news/'."""
    return "/" + value.strip("/") + "/" if value.strip("/") else "/"


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise RecordsError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _configured_specs(paths: Paths) -> list[TableSpec]:
    if not paths.sources.exists():
        return []
    config = load_config(paths.sources, known_parsers=parser_names)
    return table_specs((source.parser for source in config.sources), config.settings)


def serve(paths: Paths, *, host: str, port: int, base_url: str = "/") -> None:
    import uvicorn

    # Create or migrate the schema (and views) before serving, with the tables of the
    # configured sources' parsers, so their pages and queries answer before the first run.
    db = open_db(paths.db, specs=_configured_specs(paths))
    documents = db.execute("select count(*) from documents").fetchone()[0]
    db.close()
    if documents and not paths.archive.is_dir():
        raise RecordsError(
            f"archive folder {paths.archive} not found; the {documents} document(s) in"
            f" {paths.db} could not be opened (give --archive or RECORDS_ARCHIVE)"
        )
    _check_port(host, port)
    ds = build_datasette(paths, base_url=base_url)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
