"""Crawler attacks: a document link or redirect into the newsroom's network (SSRF), a
listing page that moved to another host, endless pagination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scrapers.addresses import PRIVATE_HOSTS_ENV, address_problem, refusal
from tests.httpserver import Handler, Site, serve
from tests.scrapers.crawling import Crawl, html_page, tiny_pdf, write_sources

SECRET = tiny_pdf("internal service secret")


def html(body: bytes) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "text/html"}, body


def redirect(to: str) -> tuple[int, dict[str, str], bytes]:
    return 302, {"Location": to, "Content-Type": "text/html"}, b""


@pytest.fixture
def internal() -> Site:
    """An "internal service" on another port of 127.0.0.1, holding a secret PDF."""
    with serve(
        routes={"/secret.pdf": lambda _: (200, {"Content-Type": "application/pdf"}, SECRET)}
    ) as site:
        yield site


def only_listing_allowed(monkeypatch: pytest.MonkeyPatch, site: Site) -> None:
    """As in production: only the agency site (here on 127.0.0.1) may be private."""
    monkeypatch.setenv(PRIVATE_HOSTS_ENV, site.url.removeprefix("http://"))


def test_document_links_into_the_local_network_are_refused_and_named(
    tmp_path: Path, internal: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = internal.url.rsplit(":", 1)[1]
    public = tiny_pdf("a public report")
    routes = {
        "/index.html": lambda h: html(
            html_page(
                "report.pdf",
                f"http://localhost:{port}/secret.pdf",
                "hop.pdf",
            )
        ),
        "/report.pdf": lambda _: (200, {"Content-Type": "application/pdf"}, public),
        "/hop.pdf": lambda _: redirect(f"http://127.0.0.1:{port}/secret.pdf"),
    }
    with serve(routes=routes) as site:
        only_listing_allowed(monkeypatch, site)
        crawl = Crawl(tmp_path, write_sources(tmp_path, f"{site.url}/index.html"))
    assert internal.log == []  # the internal service was never asked for anything
    assert [d["url"] for d in crawl.documents()] == [f"{site.url}/report.pdf"]
    messages = sorted(e["message"] for e in crawl.errors())
    assert messages == sorted(
        [
            f"http://localhost:{port}/secret.pdf: not fetched: refused: localhost resolves to"
            " 127.0.0.1, a loopback address (requests to private networks are refused; a source"
            " that must reach one lists the host in private_hosts)",
            f"{site.url}/hop.pdf: not fetched: refused: 127.0.0.1 is a loopback address (requests"
            " to private networks are refused; a source that must reach one lists the host in"
            f" private_hosts) (redirected from {site.url}/hop.pdf)",
        ]
    )
    assert crawl.report.failed == 2


def test_a_source_may_opt_in_for_one_private_host(
    tmp_path: Path, internal: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = {"/index.html": lambda h: html(html_page(f"{internal.url}/secret.pdf"))}
    with serve(routes=routes) as site:
        only_listing_allowed(monkeypatch, site)
        sources = write_sources(
            tmp_path,
            f"{site.url}/index.html",
            private_hosts=[internal.url.removeprefix("http://")],
        )
        crawl = Crawl(tmp_path, sources)
    assert [d["url"] for d in crawl.documents()] == [f"{internal.url}/secret.pdf"]
    assert crawl.errors() == []


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private-network address"),
        ("172.16.0.1", "a private-network address"),
        ("192.168.1.1", "a private-network address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("fd12:3456::1", "a unique-local address"),
        ("0.0.0.0", "a private-network address"),
        ("100.64.0.1", "a reserved address"),
        ("224.0.0.1", "a reserved address"),
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ],
)
def test_address_kinds(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


def test_refusal_resolves_names_first() -> None:
    assert refusal("localhost", 80) is not None
    assert refusal("127.1", 80) is not None  # an odd spelling of loopback, resolved


def test_listing_redirected_to_another_host_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(routes={"/index.html": lambda h: html(html_page("report.pdf"))}) as elsewhere:
        port = elsewhere.url.rsplit(":", 1)[1]
        moved = f"http://localhost:{port}/index.html"
        with serve(routes={"/index.html": lambda h: redirect(moved)}) as site:
            monkeypatch.setenv(PRIVATE_HOSTS_ENV, "*")
            crawl = Crawl(tmp_path, write_sources(tmp_path, f"{site.url}/index.html"))
    assert elsewhere.log == []
    [error] = crawl.errors()
    assert error["stage"] == "crawl"
    assert error["message"] == (
        f"{site.url}/index.html: listing page not fetched: redirected to another host"
        f" ({moved}): has the site moved? check the source's url"
    )
    assert crawl.documents() == []


def endless_site(report: bytes) -> dict[str, Any]:
    """A listing whose every page links to the next; the first lists one report."""

    def listing(handler: Handler) -> tuple[int, dict[str, str], bytes]:
        number = int(handler.path.split("=")[1]) if "=" in handler.path else 0
        links = ["report.pdf"] if number == 0 else []
        more = f'<a class="next" href="/list?page={number + 1}">next</a>'
        return html(html_page(*links, extra=more))

    return {
        "/list": listing,
        "/report.pdf": lambda _: (200, {"Content-Type": "application/pdf"}, report),
    }


def test_endless_pagination_run_summary_counts_the_document_it_loaded(tmp_path: Path) -> None:
    from records.core.config import load_config
    from records.core.paths import Paths
    from records.pipeline.run import run

    with serve(routes=endless_site(tiny_pdf("the one report"))) as site:
        sources = write_sources(
            tmp_path, f"{site.url}/list", next_css="a.next", max_listing_pages=3, parser="generic"
        )
        paths = Paths(db=tmp_path / "records.db", archive=tmp_path / "archive", sources=sources)
        summary = run(load_config(sources), ["test-agency"], paths=paths)
    assert summary.documents_new == 1
    assert summary.status == "failed"
    assert [e["message"] for e in summary.errors if e["stage"] == "crawl"] == [
        f"{site.url}/list?page=3: not read: the crawl already read 3 listing pages, the limit"
        " (max_listing_pages of source 'test-agency'); does the site paginate without end?"
        " raise the limit if the listing really is that long"
    ]


def test_endless_pagination_stops_at_the_listing_page_cap(tmp_path: Path) -> None:
    routes = endless_site(tiny_pdf("the one report"))
    with serve(routes=routes) as site:
        sources = write_sources(
            tmp_path, f"{site.url}/list", next_css="a.next", max_listing_pages=5
        )
        crawl = Crawl(tmp_path, sources)
    listings = [r for r in site.log if r.path == "/list"]
    assert len(listings) == 5
    [error] = crawl.errors()
    assert error["message"] == (
        f"{site.url}/list?page=5: not read: the crawl already read 5 listing pages, the limit"
        " (max_listing_pages of source 'test-agency'); does the site paginate without end?"
        " raise the limit if the listing really is that long"
    )
    assert len(crawl.report.new) == 1


def test_connection_time_resolution_refuses_a_rebound_name() -> None:
    """A name that passed the middleware's check and then resolves to a private address
    (DNS rebinding) is refused by the resolver the connection uses."""
    from scrapers.addresses import PrivateAddressResolved, PublicOnlyResolver

    resolver = PublicOnlyResolver.__new__(PublicOnlyResolver)
    resolver.allowed = {"intranet.example"}
    assert resolver.check("93.184.215.14", b"agency.example.gov") == "93.184.215.14"
    assert resolver.check("10.0.0.5", "intranet.example") == "10.0.0.5"
    with pytest.raises(PrivateAddressResolved) as raised:
        resolver.check("127.0.0.1", b"rebind.example")
    assert raised.value.why == (
        "refused: rebind.example resolves to 127.0.0.1, a loopback address when connecting"
        " (requests to private networks are refused; a source that must reach one lists the"
        " host in private_hosts)"
    )


def test_a_public_host_is_resolved_once_per_crawl_and_a_private_one_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The early check resolves each public host once per crawl (60 requests to one agency
    host were 60 lookups); a refused host is refused on every request."""
    from types import SimpleNamespace

    from scrapy.http import Request
    from twisted.internet import defer

    import scrapers.addresses as addresses

    answers = {"agency.example.gov": ["93.184.215.14"], "rebind.example": ["10.0.0.5"]}
    looked_up: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        looked_up.append(f"{host}:{port}")
        return answers[host]

    monkeypatch.setattr(addresses, "resolve", resolve)
    # No reactor here: the lookup runs at once instead of in Twisted's thread pool.
    monkeypatch.setattr(addresses, "deferToThread", lambda f, *a: defer.succeed(f(*a)))
    monkeypatch.setattr(addresses, "maybe_deferred_to_future", lambda d: d)
    monkeypatch.delenv(PRIVATE_HOSTS_ENV, raising=False)
    crawler = SimpleNamespace(spider=SimpleNamespace(source=SimpleNamespace(private_hosts=())))
    middleware = addresses.PrivateAddressMiddleware(crawler)

    def check(url: str) -> Any:
        outcome = defer.Deferred.fromCoroutine(middleware.process_request(Request(url)))
        failures: list[Any] = []
        outcome.addErrback(failures.append)
        return failures[0].value if failures else None

    for n in range(3):
        assert check(f"https://agency.example.gov/reports/{n}.pdf") is None
    assert check("http://agency.example.gov/other.pdf") is None  # another port
    refused = [check("https://rebind.example/secret.pdf") for _ in range(2)]
    assert [type(r).__name__ for r in refused] == ["PrivateAddressRefused"] * 2
    assert looked_up == [
        "agency.example.gov:443",
        "agency.example.gov:80",
        "rebind.example:443",
        "rebind.example:443",
    ]
