"""Refusing requests to the newsroom's own network (server-side request forgery).

A listing page names document links; a document link can redirect. Without a check, a link to
``http://localhost:8080/admin`` (or one redirecting to ``127.0.0.1``) is fetched, archived,
parsed and published. ``PrivateAddressMiddleware`` resolves the host of every request, each
redirect hop and robots.txt included, and refuses loopback, private, link-local,
unique-local, multicast and reserved addresses (anything that is not a global address),
unless the source opts in for that host:

- ``private_hosts = ["intranet.example", "10.0.0.5:8080"]`` in the source's
  ``[[source]]`` (a host, or host:port; ``"*"`` for any), or
- the environment variable ``RECORDS_PRIVATE_HOSTS`` (same entries, comma-separated), which
  applies to every source: the test suite sets it to ``*`` because its agency sites are
  served on 127.0.0.1.

A listing request that a redirect sent to another host is refused too (``ListingMoved``): a
site that moved must be noticed, not crawled elsewhere without a word.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlparse

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError
from twisted.internet.threads import deferToThread

#: Entries (host or host:port, or ``*``) allowed to resolve to private addresses, for all sources.
PRIVATE_HOSTS_ENV = "RECORDS_PRIVATE_HOSTS"


class PrivateAddressRefused(IgnoreRequest):
    """Raised by ``PrivateAddressMiddleware`` for a request whose host resolves to an
    address on a private network (or that cannot be resolved to check)."""


class PrivateAddressResolved(DNSLookupError):
    """Raised by ``PublicOnlyResolver`` when a name resolves, at connection time, to an
    address ``PrivateAddressMiddleware`` would have refused (DNS rebinding). ``why`` says so."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class ListingMoved(IgnoreRequest):
    """Raised by ``PrivateAddressMiddleware`` when a listing page redirects to another host."""


def allowed_entries(
    source_entries: Iterable[str], environ: dict[str, str] | None = None
) -> set[str]:
    """The source's ``private_hosts`` and those of ``RECORDS_PRIVATE_HOSTS``, lowercased."""
    env = (os.environ if environ is None else environ).get(PRIVATE_HOSTS_ENV, "")
    entries = [*source_entries, *env.split(",")]
    return {e.strip().lower() for e in entries if e.strip()}


def host_allowed(host: str, port: int, entries: set[str]) -> bool:
    host = host.lower().strip("[]")
    return "*" in entries or host in entries or f"{host}:{port}" in entries


def address_problem(address: str) -> str | None:
    """What kind of non-public address this is, or None for a global one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
        return "a unique-local address"
    if ip.is_private:
        return "a private-network address"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return "a reserved address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal is its own address)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def refusal(host: str, port: int) -> str | None:
    """Why a request to host:port must not be made (after resolving it), or None."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        return None  # the download reports the DNS failure itself
    for address in addresses:
        problem = address_problem(address)
        if problem:
            what = (
                f"{address} is {problem}"
                if host.strip("[]") == address
                else f"{host} resolves to {address}, {problem}"
            )
            return (
                f"refused: {what} (requests to private networks are refused; a source that"
                " must reach one lists the host in private_hosts)"
            )
    return None


def _port(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    default = 443 if parsed.scheme == "https" else 80
    return parsed.hostname or "", parsed.port or default


class PrivateAddressMiddleware:
    """Downloader middleware: refuse requests (and redirect hops, which pass through here
    again) to non-public addresses."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        return cls(crawler)

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        #: Hosts (and ports) this crawl found public: resolved once per crawl, not once
        #: per request (a weekly run asks one agency host for every document it knows). A
        #: name rebound to a private address later is refused where the connection resolves
        #: it (``PublicOnlyResolver``).
        self.passed: set[tuple[str, int]] = set()

    async def process_request(self, request: Any, spider: Any = None) -> None:
        spider = self.crawler.spider
        redirects = request.meta.get("redirect_urls") or []
        host, port = _port(request.url)
        if (host, port) in self.passed:
            return None
        source = getattr(spider, "source", None)
        entries = allowed_entries(getattr(source, "private_hosts", ()))
        if not host or host_allowed(host, port, entries):
            return None
        why = await maybe_deferred_to_future(deferToThread(refusal, host, port))
        if why:
            hop = f" (redirected from {redirects[0]})" if redirects else ""
            raise PrivateAddressRefused(f"{why}{hop}")
        self.passed.add((host, port))
        return None


class ListingRedirectMiddleware:
    """Downloader middleware (its responses seen before Scrapy's redirects): a listing page
    redirecting outside the source's domains fails with ``ListingMoved``. Scrapy would drop
    the redirected request as off-site without a word, and the run would end "ok", empty.
    A redirect within them (``agency.gov`` to ``www.agency.gov``) is followed as before."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ListingRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        location = response.headers.get(b"Location")
        listing = request.meta.get("listing") and "cdx_for" not in request.meta
        if not listing or response.status not in _REDIRECTS or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        host = (urlparse(target).hostname or "").lower()
        domains = getattr(self.crawler.spider, "allowed_domains", None) or []
        if any(host == d or host.endswith("." + d) for d in domains):
            return response
        raise ListingMoved(
            f"redirected to another host ({target}): has the site moved? check the source's url"
        )


_REDIRECTS = (301, 302, 303, 307, 308)


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's DNS resolver, refusing non-public answers for names no source allows.

    ``PrivateAddressMiddleware`` resolves a host before its request is sent; the connection
    resolves it again. A name that answered with a public address the first time and a
    private one the second (DNS rebinding) is stopped here, at the resolution the connection
    uses. Allowed: the host names of every crawled source's ``private_hosts`` (the Scrapy
    setting ``RECORDS_PRIVATE_HOSTS``, set by ``scrapers.crawl_child``) and of the
    environment variable.
    """

    allowed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> Any:
        resolver = super().from_crawler(crawler, reactor)
        entries = allowed_entries(crawler.settings.getlist("RECORDS_PRIVATE_HOSTS"))
        resolver.allowed = {_host_part(e) for e in entries}
        return resolver

    def getHostByName(self, name: Any, timeout: Any = ()) -> Any:  # Twisted's name
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self.check, name)
        return resolved

    def check(self, address: str, name: Any) -> str:
        host = (name.decode("idna") if isinstance(name, bytes) else str(name)).lower()
        problem = address_problem(address)
        if problem and "*" not in self.allowed and host not in self.allowed:
            shown = address if host == address else f"{host} resolves to {address},"
            raise PrivateAddressResolved(
                f"refused: {shown} {problem} when connecting (requests to private networks"
                " are refused; a source that must reach one lists the host in private_hosts)"
            )
        return address


def _host_part(entry: str) -> str:
    """``host`` of ``host`` or ``host:port`` (or ``[v6]:port``)."""
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    return entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
