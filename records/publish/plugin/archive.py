"""``/-/archive/<sha256>``: the archived file of a document the database knows, served from
the archive folder with its own content type. Nothing else is reachable: the route only
matches 64 hex digits, the digest must be a row of ``documents``, and the resolved path must
lie inside the archive."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from datasette.utils.asgi import AsgiFileDownload, NotFound

from records.core.paths import DEFAULT_ARCHIVE
from records.publish.metadata import PLUGIN

SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Types the browser may display inline; anything else (HTML!) is sent as a download.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"}


def archive_root(datasette: Any) -> Path:
    config = datasette.plugin_config(PLUGIN) or {}
    return Path(
        config.get("archive") or os.environ.get("RECORDS_ARCHIVE") or DEFAULT_ARCHIVE
    ).resolve()


def databases(datasette: Any) -> list[Any]:
    return [db for name, db in datasette.databases.items() if name != "_internal"]


async def find_document(datasette: Any, sha256: str) -> dict[str, Any] | None:
    for db in databases(datasette):
        if not await db.table_exists("documents"):
            continue
        result = await db.execute(
            "select sha256, filename, content_type from documents where sha256 = ?", [sha256]
        )
        row = result.first()
        if row:
            return dict(row)
    return None


def _safe_filename(name: str | None, sha256: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", name or "")
    return cleaned or sha256


async def archived(datasette: Any, sha256: str) -> tuple[dict[str, Any], Path]:
    """The document row and archived file of ``sha256``; NotFound unless the database knows
    the document and its file lies inside the archive."""
    document = await find_document(datasette, sha256)
    if document is None:
        raise NotFound(f"No document with SHA-256 {sha256}")
    root = archive_root(datasette)
    path = (root / sha256[:2] / sha256).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        # Never the folder's path: visitors need not know the server's layout.
        raise NotFound(f"Document {sha256} is not in the archive")
    return document, path


async def archive_file(datasette: Any, request: Any) -> Any:
    sha256 = request.url_vars["sha256"]
    document, path = await archived(datasette, sha256)
    content_type = document.get("content_type") or "application/octet-stream"
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    filename = _safe_filename(document.get("filename"), sha256)
    return AsgiFileDownload(
        path,
        content_type=content_type,
        headers={
            "content-disposition": f'{disposition}; filename="{filename}"',
            "x-content-type-options": "nosniff",
            # An archived HTML page must never run as part of this site.
            "content-security-policy": "sandbox",
            "cache-control": "max-age=31536000, immutable",  # content-addressed
        },
    )


async def archive_not_found(request: Any) -> Any:
    raise NotFound("Archived files are addressed by their SHA-256: /-/archive/<64 hex digits>")


ROUTES = [
    (r"^/-/archive/(?P<sha256>[0-9a-f]{64})$", archive_file),
    (r"^/-/archive/(?P<rest>.*)$", archive_not_found),
]
