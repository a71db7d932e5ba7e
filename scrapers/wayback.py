"""Talking to the Internet Archive's Wayback Machine for sources whose pages are gone.

The CDX API (``.../cdx/search/cdx?url=...&output=json``) lists captures of a URL; each
capture's raw bytes, exactly as archived and with links not rewritten, are at
``.../web/<timestamp>id_/<original url>``. The replay address is derived from the CDX
endpoint, so a test (or a mirror) that serves both from one host needs one setting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

#: Distinct captures of a listing page fetched at most; newest first. A weekly series
#: gains links over time, so older captures can list documents newer ones dropped.
MAX_LISTING_CAPTURES = 20
_CDX_FIELDS = ("timestamp", "original", "statuscode", "digest")


@dataclass(frozen=True)
class Capture:
    timestamp: str  # YYYYMMDDhhmmss, as the Wayback Machine writes it
    original: str
    digest: str

    @property
    def time(self) -> str:
        """The capture time as ISO 8601 UTC."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def cdx_query_url(cdx: str, url: str) -> str:
    """The CDX query for successful captures of exactly ``url``, one per distinct content."""
    params = {
        "url": url,
        "output": "json",
        "fl": ",".join(_CDX_FIELDS),
        "filter": "statuscode:200",
        "collapse": "digest",
    }
    return f"{cdx}?{urlencode(params)}"


def replay_base(cdx: str) -> str:
    """``https://web.archive.org/web/`` for the standard CDX endpoint (same host, /web/)."""
    parts = urlsplit(cdx)
    path = parts.path
    if path.endswith("/cdx/search/cdx"):
        path = path[: -len("cdx/search/cdx")] + "web/"
    else:
        path = "/web/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def capture_url(cdx: str, capture: Capture) -> str:
    """Where the raw bytes of ``capture`` are served (the ``id_`` form: no rewriting)."""
    return f"{replay_base(cdx)}{capture.timestamp}id_/{capture.original}"


def parse_cdx(body: bytes) -> list[Capture]:
    """Captures in a CDX JSON answer, oldest first, one per content digest.

    Raises ValueError with a short reason when the answer is not the expected JSON.
    """
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise ValueError("not a JSON list")
    if not data:
        return []
    header = data[0]
    if not isinstance(header, list) or not all(f in header for f in ("timestamp", "original")):
        raise ValueError("first row is not a field list with timestamp and original")
    at = {name: header.index(name) for name in header}
    captures: list[Capture] = []
    seen: set[str] = set()
    for row in data[1:]:
        if not isinstance(row, list) or len(row) != len(header):
            continue
        status = row[at["statuscode"]] if "statuscode" in at else "200"
        if status != "200":
            continue
        digest = row[at["digest"]] if "digest" in at else row[at["timestamp"]]
        if digest in seen:
            continue
        seen.add(digest)
        captures.append(Capture(row[at["timestamp"]], row[at["original"]], digest))
    return sorted(captures, key=lambda c: c.timestamp)
