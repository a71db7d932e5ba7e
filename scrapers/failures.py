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
from twisted.internet.error import (
    ConnectionAborted,
    ConnectionDone,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

from scrapers.addresses import PrivateAddressResolved


def describe_failure(failure: Failure, *, timeout: float, max_bytes: int) -> str:
    """Why a request failed, without the URL (callers put it first)."""
    exc = failure.value
    detail = str(exc).strip()
    for cause in _causes(exc):
        if isinstance(cause, PrivateAddressResolved):
            return f"not fetched: {cause.why}"
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
    network = network_reason(exc, timeout=timeout)
    if network:
        return network
    if isinstance(exc, DownloadFailedError):
        return f"download failed: {detail or type(exc).__name__}"
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def network_reason(exc: BaseException, *, timeout: float) -> str | None:
    """A sentence for a connection that failed below HTTP, or None.

    Twisted reports these as ``ResponseFailed([<twisted.python.failure.Failure
    twisted.internet.error.ConnectionLost: ...>])``, and Scrapy 2.19 wraps that text in
    ``DownloadFailedError``; the errors table would show the repr. The real cause is in the
    exception chain or in the ``reasons`` list of Twisted's response errors.
    """
    for cause in _causes(exc):
        if isinstance(cause, ConnectionLost | ConnectionDone | ConnectionAborted):
            return (
                "the server closed the connection before the response was complete"
                " (connection reset or dropped); try again later"
            )
        if isinstance(cause, TxConnectionRefusedError | DownloadConnectionRefusedError):
            return "connection refused: server down or unreachable"
        if isinstance(cause, DNSLookupError | CannotResolveHostError):
            return "DNS lookup failed: host name not found"
        if isinstance(cause, TCPTimedOutError | TxTimeoutError | DownloadTimeoutError):
            return f"timed out after {timeout:g} s"
        if isinstance(cause, ConnectionResetError):
            return "the server reset the connection; try again later"
        if type(cause).__module__.startswith("OpenSSL"):
            return "the secure connection (TLS) could not be set up with the server"
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc``, what it wraps (``__cause__``/``__context__``), and the exceptions inside any
    Twisted ``reasons`` list, breadth first."""
    seen: list[BaseException] = []
    queue: list[BaseException] = [exc]
    while queue and len(seen) < 20:
        current = queue.pop(0)
        if any(current is s for s in seen):
            continue
        seen.append(current)
        for inner in (current.__cause__, current.__context__):
            if inner is not None:
                queue.append(inner)
        for reason in getattr(current, "reasons", None) or []:
            value = getattr(reason, "value", reason)
            if isinstance(value, BaseException):
                queue.append(value)
    return seen


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
