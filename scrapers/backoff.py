"""Retries that back off: a struggling agency server gets more breathing room each time.

Scrapy's ``RetryMiddleware`` re-queues a failed request at once. This subclass waits
``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds before the n-th retry (capped at
``RETRY_BACKOFF_MAX``), or as long as the server's ``Retry-After`` asks, within that cap.
The wait happens without blocking the reactor: other downloads carry on meanwhile.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


def backoff_delay(retry: int, base: float, cap: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number ``retry`` (1-based)."""
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after.strip()), cap)
    if base <= 0:
        return 0.0
    return float(min(base * 2 ** (retry - 1), cap))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 0.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            retry_after = response.headers.get(b"Retry-After")
            await self._wait(result, retry_after.decode("latin-1") if retry_after else None)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry_request: Request, retry_after: str | None) -> None:
        delay = backoff_delay(
            retry_request.meta.get("retry_times", 1),
            self.backoff_base,
            self.backoff_max,
            retry_after,
        )
        if delay > 0:
            # Imported here: importing the reactor at module load would install the default
            # one before Scrapy installs the asyncio reactor.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
