"""Turn a failed download into one sentence a reporter can act on.

Scrapy hands errbacks a Twisted ``Failure`` whose message is often empty (a cancelled
download) or written for Scrapy developers ("set DOWNLOAD_FAIL_ON_DATALOSS"). The errors
table wants what went wrong with which URL, in plain words.
"""

from __future__ import annotations

from http import HTTPStatus

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.python.failure import Failure


def describe_failure(failure: Failure, *, timeout: float, max_bytes: int) -> str:
    """Why a request failed, without the URL (callers put it first)."""
    exc = failure.value
    detail = str(exc).strip()
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in detail:
            return "disallowed by the site's robots.txt; not fetched"
        return f"not fetched: {detail or 'request ignored'}"
    if isinstance(exc, ResponseDataLossError):
        return (
            "truncated body (data loss): the connection closed before the"
            " Content-Length bytes arrived"
        )
    if isinstance(exc, DownloadCancelledError):
        # The size limit is the only reason our crawls cancel a download mid-run.
        return (
            f"larger than the download size limit of {_size(max_bytes)}; not archived"
            " (raise the source's max_bytes in sources.toml if the file is expected)"
        )
    if isinstance(exc, DownloadTimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, CannotResolveHostError):
        if detail.lower().startswith("dns lookup failed"):
            return detail
        return f"DNS lookup failed: {detail or 'host name not found'}"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "connection refused: server down or unreachable"
    if isinstance(exc, DownloadFailedError):
        return f"download failed: {detail or type(exc).__name__}"
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _size(n: int) -> str:
    """Bytes as a reporter reads them: '5 MB (5000000 bytes)'."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB ({n} bytes)"
    return f"{n} bytes"


def http_status(status: int) -> str:
    """'HTTP 404 Not Found': the code and its standard phrase."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def retry_note(retries: int) -> str:
    """' (after N retries)' when the request was retried, else ''."""
    if retries <= 0:
        return ""
    return f" (after {retries} retr{'y' if retries == 1 else 'ies'})"
