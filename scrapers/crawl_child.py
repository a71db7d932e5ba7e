"""Run Scrapy for some sources in this (child) process and write a JSON report.

The Twisted reactor cannot be restarted, so every crawl gets a fresh process:
``python -m scrapers.crawl_child JOB.json REPORT.json`` (see ``records.crawl``).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from records.config import Source, load_config
from scrapers.spiders.listing import ListingSpider
from scrapers.state import CrawlState


def source_settings(source: Source, agent: str) -> dict[str, Any]:
    """Scrapy settings for one source's politeness configuration."""
    return {
        "USER_AGENT": agent,
        "DOWNLOAD_DELAY": source.download_delay,
        "AUTOTHROTTLE_START_DELAY": max(source.download_delay, 0.1),
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrent_per_domain,
        "DOWNLOAD_TIMEOUT": source.timeout,
        "DOWNLOAD_MAXSIZE": source.max_bytes,
        "RETRY_TIMES": source.retries,
    }


def spider_class(source: Source) -> type:
    if not source.spider:
        return ListingSpider
    module_name, _, attr = source.spider.rpartition(".")
    if not module_name:
        module_name, attr = f"scrapers.spiders.{source.spider}", "Spider"
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]


def main(job_path: str, report_path: str) -> int:
    job = json.loads(Path(job_path).read_text())
    config = load_config(job["sources_file"])
    sources = config.select(job["sources"])
    base = Settings()
    base.setmodule("scrapers.settings", priority="project")
    # One process, one reactor: every source's spider runs in it, with its own settings.
    process = CrawlerProcess(base, install_root_handler=job.get("log", False))
    states = []
    for source in sources:
        state = CrawlState(
            db_path=Path(job["db"]),
            archive_root=Path(job["archive"]),
            run_id=job.get("run_id"),
            source=source.name,
        )
        states.append(state)
        crawler = process.create_crawler(spider_class(source))
        crawler.settings.setdict(source_settings(source, config.settings.agent), priority="spider")
        crawler.settings.set("WAYBACK_CDX", source.wayback_cdx or config.settings.wayback_cdx)
        process.crawl(crawler, source=source, state=state)
    process.start()
    Path(report_path).write_text(json.dumps([s.report() for s in states]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
