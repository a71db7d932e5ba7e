"""A 304 answer's latency lowers AutoThrottle's delay as a 200's does; an error's does not."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.crawler import CrawlerRunner
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.settings import Settings

from scrapers.spiders.listing import ListingSpider
from scrapers.throttle import ConditionalAutoThrottle


def _throttle(cls: type[AutoThrottle]) -> AutoThrottle:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    throttle = cls(CrawlerRunner(settings).create_crawler(ListingSpider))
    throttle.mindelay, throttle.maxdelay = 0.0, 30.0
    return throttle


def _delay_after(cls: type[AutoThrottle], status: int) -> float:
    """The delay after a fast answer (10 ms) once a slow one had set it to 0.5 s."""
    slot = SimpleNamespace(delay=0.5)
    response = Response("http://agency.example/r1.pdf", status=status)
    _throttle(cls)._adjust_delay(slot, 0.010, response)  # type: ignore[arg-type]
    return float(slot.delay)


def test_a_fast_304_lowers_the_delay_as_a_fast_200_does() -> None:
    # Halfway from 0.5 s to the target: 10 ms (AUTOTHROTTLE_TARGET_CONCURRENCY 1, as here).
    assert _delay_after(ConditionalAutoThrottle, 304) == (0.5 + 0.010) / 2
    assert _delay_after(ConditionalAutoThrottle, 200) == (0.5 + 0.010) / 2
    # Scrapy's own kept 0.5 s between every later request of an unchanged run.
    assert _delay_after(AutoThrottle, 304) == 0.5
    assert _delay_after(AutoThrottle, 200) == (0.5 + 0.010) / 2


def test_a_fast_error_page_still_does_not_lower_the_delay() -> None:
    assert _delay_after(ConditionalAutoThrottle, 404) == 0.5
    assert _delay_after(ConditionalAutoThrottle, 503) == 0.5


def test_the_crawl_uses_it_in_place_of_scrapys() -> None:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    crawler = CrawlerRunner(settings).create_crawler(ListingSpider)
    extensions = {k: v for k, v in crawler.settings.getwithbase("EXTENSIONS").items()}
    assert extensions["scrapers.throttle.ConditionalAutoThrottle"] == 0
    assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
