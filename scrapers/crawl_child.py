"""Run Scrapy for some sources in this (child) process and write a JSON report.

The Twisted reactor cannot be restarted, so every crawl gets a fresh process:
forked from the parent, or ``python -m scrapers.crawl_child START.json REPORT.json`` where it
cannot fork (see ``scrapers.crawl.CrawlChild``, which starts it with the garbage collector off
until its imports are done),
started ahead of its crawl: it imports Scrapy, then reads the crawl's job on stdin. If this
process fails outright, its last stderr line starts with ``CRASH_MARKER`` and says why in
one sentence; the parent shows that line, not a traceback.
"""

from __future__ import annotations

import gc
import importlib
import json
import logging
import os
import shutil
import signal
import sys
import traceback
from pathlib import Path
from typing import IO, Any

import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object, walk_modules_iter
from scrapy.utils.reactor import install_reactor
from twisted.python.failure import Failure

from records.core.config import Source, load_config
from records.core.lifeline import die_with_parent
from scrapers.child_protocol import CRASH_MARKER
from scrapers.spiders.listing import ListingSpider
from scrapers.state import CrawlState


def source_settings(source: Source, agent: str) -> dict[str, Any]:
    """Scrapy settings for one source's politeness configuration."""
    return {
        "USER_AGENT": agent,
        "DOWNLOAD_DELAY": source.download_delay,
        # AutoThrottle never goes below DOWNLOAD_DELAY; starting there keeps a source
        # configured with no delay (a local test site) fast from its first request.
        "AUTOTHROTTLE_START_DELAY": source.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrent_per_domain,
        # AutoThrottle aims at this many requests in flight (its default, 1, sends one at a
        # time whatever the limit): the source's limit, so the conditional requests of a
        # weekly run go as many at a time as the source allows, never more.
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(source.concurrent_per_domain),
        "DOWNLOAD_TIMEOUT": source.timeout,
        "DOWNLOAD_MAXSIZE": source.max_bytes,
        "RETRY_TIMES": source.retries,
        # Backoff doubles from twice the source's delay: 2, 4, 8 s at the default 1 s.
        "RETRY_BACKOFF_BASE": 2 * source.download_delay,
    }


#: Scrapy's component settings: each names classes Scrapy imports when a crawl starts,
#: even those switched off (it normalises the names by importing them).
COMPONENT_SETTINGS = (
    "DOWNLOADER_MIDDLEWARES",
    "SPIDER_MIDDLEWARES",
    "EXTENSIONS",
    "ITEM_PIPELINES",
    # The download handler of each scheme: Scrapy imports them all when the downloader starts.
    "DOWNLOAD_HANDLERS",
)

#: Settings naming one class each, which Scrapy imports once the crawler is made (after the
#: job has come): its scheduler's queues, duplicate filter, stats, log formatter and
#: robots.txt parser (protego).
CLASS_SETTINGS = (
    "SCHEDULER",
    "SCHEDULER_PRIORITY_QUEUE",
    "SCHEDULER_MEMORY_QUEUE",
    "SCHEDULER_DISK_QUEUE",
    "DUPEFILTER_CLASS",
    "STATS_CLASS",
    "LOG_FORMATTER",
    "ROBOTSTXT_PARSER",
)


#: Components whose only output is the log (Scrapy's stats, dumped at the end at INFO; the
#: depth counter, for DEPTH_LIMIT, unset here, and its stats; a warning for spiders copying
#: response.meta into requests): a crawl whose log is shown nowhere (no --verbose) goes
#: without them. Every response went through each: about a twentieth of an unchanged weekly
#: run's CPU. A spider's own settings for one of these lists bring Scrapy's defaults back.
UNSEEN_COMPONENTS = {
    "SPIDER_MIDDLEWARES": (
        "scrapy.spidermiddlewares.depth.DepthMiddleware",
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",
    ),
    "EXTENSIONS": (
        "scrapy.extensions.corestats.CoreStats",
        "scrapy.extensions.logstats.LogStats",
        "scrapy.extensions.memusage.MemoryUsage",
    ),
}


def without_unseen_components(settings: Settings) -> None:
    """Switch off ``UNSEEN_COMPONENTS`` and the downloader's stats, at the project's priority."""
    for name, paths in UNSEEN_COMPONENTS.items():
        settings.set(
            name, {**settings.getdict(name), **dict.fromkeys(paths, None)}, priority="project"
        )
    settings.set("DOWNLOADER_STATS", False, priority="project")


def project_settings() -> Settings:
    """Scrapy's defaults with ``scrapers.settings`` over them, as every crawl starts."""
    base = Settings()
    base.setmodule("scrapers.settings", priority="project")
    return base


def import_components(settings: Settings) -> None:
    """Import every component class the crawl will load, and our spiders, before the job
    comes: in the crawl child while the parent gets the run ready (the cookies middleware
    imports tldextract, the remote-control extension aiohttp: about a second that was spent
    after the job came, most of an unchanged weekly run's crawl), or once in a long-lived
    parent the child is forked from (``scrapers.crawl.import_for_forks``)."""
    paths: list[object] = [settings.get(name) for name in CLASS_SETTINGS]
    for name in COMPONENT_SETTINGS:
        components = settings.getwithbase(name)
        # Handlers are the values (scheme: class), the other components the keys.
        paths.extend(components.values() if name == "DOWNLOAD_HANDLERS" else components)
    for path in paths:
        if isinstance(path, str):
            try:
                load_object(path)
            except (ImportError, NameError, ValueError, AttributeError):
                pass  # the crawl itself reports a component it cannot load
    # Scrapy's spider loader imports every module of SPIDER_MODULES when the crawler is made.
    for module in settings.getlist("SPIDER_MODULES"):
        try:
            for _ in walk_modules_iter(module):
                pass
        except ImportError:
            pass  # the crawl reports it, as above


def spider_class(source: Source, settings: Settings) -> type:
    """The source's spider: ``ListingSpider`` unless it names one, by its Scrapy name (a
    spider in ``scrapers/spiders/``, found by Scrapy's ``SpiderLoader`` as ``scrapy list``
    finds it) or as ``module.Class`` (a spider kept elsewhere, e.g. in the tests)."""
    if not source.spider:
        return ListingSpider
    if "." not in source.spider:
        try:
            return SpiderLoader.from_settings(settings).load(source.spider)
        except KeyError:
            raise LookupError(
                f"no spider named {source.spider!r} in scrapers/spiders (see `scrapy list`)"
            ) from None
    module_name, _, attr = source.spider.rpartition(".")
    cls = getattr(importlib.import_module(module_name), attr)
    if not isinstance(cls, type):
        raise TypeError(f"{source.spider} is not a class")
    return cls


def watch_errors(crawler: Any, state: CrawlState) -> None:
    """Record a bug in a spider callback or pipeline as an error row naming the URL.

    Scrapy catches these and carries on; without this they would only reach a log.
    """

    def spider_error(failure: Failure, response: Any, spider: Any) -> None:
        state.error(
            response.url,
            "crawl",
            f"{response.url}: internal error in {type(spider).__name__}:"
            f" {failure.type.__name__}: {failure.getErrorMessage()}",
        )

    def item_error(item: Any, response: Any, spider: Any, failure: Failure) -> None:
        url = getattr(item, "url", None) or (response.url if response is not None else None)
        state.error(
            url,
            "fetch",
            f"{url}: could not archive: {failure.type.__name__}: {failure.getErrorMessage()}",
            document=True,
        )

    crawler.signals.connect(spider_error, signal=signals.spider_error, weak=False)
    crawler.signals.connect(item_error, signal=signals.item_error, weak=False)


def _could_not_start(failure: Failure, source: Source, state: CrawlState) -> None:
    """A crawler that fails to start (a bad setting, a broken spider) is an error row for
    its source; Twisted would only log it and the run would end 'ok' with nothing crawled."""
    state.error(
        source.url,
        "crawl",
        f"{source.url}: the crawl of {source.name} could not start:"
        f" {failure.type.__name__}: {failure.getErrorMessage()}",
    )


def main(start_path: str, report_path: str, jobs: IO[str] | None = None) -> int:
    """Get ready (Scrapy's components imported), read the crawl's job from ``jobs`` (default
    stdin), crawl, write the report."""
    # Started from a scheduler job thread, this process inherits that thread's blocked
    # SIGTERM/SIGINT (scheduler.jobs.run_job); the parent stops us with SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    job = json.loads(Path(start_path).read_text())
    if job.get("parent"):
        workdir = job.get("workdir")
        # Without the parent the source lock is gone: stop writing now, not after Scrapy's
        # graceful shutdown, and take the parent's temp folder along.
        die_with_parent(
            int(job["parent"]),
            (lambda: shutil.rmtree(workdir, ignore_errors=True)) if workdir else None,
        )
    base = project_settings()
    import_components(base)
    if not gc.isenabled():  # started by ``scrapers.crawl.CHILD_START``: imports done
        gc.freeze()
        gc.enable()
    # Scrapy's log goes to stderr only with --verbose; otherwise the database has the story,
    # and what only the log would show is not computed.
    base.set("LOG_INSTALL_ROOT_HANDLER", bool(job.get("log", False)), priority="cmdline")
    if not job.get("log", False):
        without_unseen_components(base)
    # One process, one reactor: every source's spider runs in it, with its own settings.
    # Made before the job comes, while the parent gets the run ready, as are the reactor
    # and the crawler of the usual spider (a copy of every setting): nothing of them depends
    # on the job, and made after it they were a tenth of an unchanged weekly run.
    process = CrawlerProcess(base)
    if not job.get("log", False):
        # Scrapy sets its loggers to DEBUG (``scrapy.utils.log.DEFAULT_LOGGING``): every
        # response's "Crawled (304)" line was formatted for no handler to drop it.
        logging.getLogger("scrapy").setLevel(base.get("LOG_LEVEL"))
    ready = _ready_crawlers(process, base)
    # Started ahead (Scrapy is imported by now), the crawl itself comes on stdin as one line
    # (processes forked by the parent may hold the pipe open: no end of file to wait for).
    crawl_job = (jobs or sys.stdin).readline()
    if not crawl_job.strip():
        return 0
    job.update(json.loads(crawl_job))
    config = load_config(job["sources_file"])
    sources = config.select(job["sources"])
    # Hosts the sources allow on private networks, for the DNS resolver all spiders share
    # (``base`` is the process's settings: read when the reactor starts, and copied into
    # each crawler made below).
    allowed = sorted({host for source in sources for host in source.private_hosts})
    base.set("RECORDS_PRIVATE_HOSTS", allowed, priority="cmdline")
    states = []
    for source in sources:
        state = CrawlState(
            db_path=Path(job["db"]),
            archive_root=Path(job["archive"]),
            run_id=job.get("run_id"),
            source=source.name,
            notify_fd=job.get("notify_fd"),
        )
        states.append(state)
        try:
            cls = spider_class(source, base)
        except (ImportError, AttributeError, TypeError, LookupError) as exc:
            state.error(source.url, "crawl", f"spider {source.spider!r} not usable: {exc}")
            continue
        crawler = ready.pop(cls, None) or process.create_crawler(cls)
        # A crawler made before the job has a copy of ``base`` without them.
        crawler.settings.set("RECORDS_PRIVATE_HOSTS", allowed, priority="cmdline")
        crawler.settings.setdict(source_settings(source, config.settings.agent), priority="spider")
        watch_errors(crawler, state)
        cdx = source.wayback_cdx or config.settings.wayback_cdx
        started = process.crawl(crawler, source=source, state=state, cdx=cdx)
        started.addErrback(_could_not_start, source, state)
    process.start()
    report = Path(report_path)
    # Whole or not at all: once it is there, the parent takes it as the crawl's end.
    staged = report.with_suffix(".partial")
    staged.write_text(json.dumps([s.report() for s in states]))
    staged.replace(report)
    _hang_up(job.get("notify_fd"))
    return 0


def _hang_up(notify_fd: int | None) -> None:
    """Close this process's ends of the parent's pipes now that the report is written: the
    parent reads it at their end of file, which a process exiting gives only after
    unmapping its memory (a few milliseconds of every weekly run for a forked child)."""
    if notify_fd is not None:
        try:
            os.close(notify_fd)
        except OSError:
            pass  # closed already
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _ready_crawlers(process: CrawlerProcess, base: Settings) -> dict[type, Any]:
    """Before the job: the reactor Scrapy's settings name, installed (each crawler checks it
    is the one its settings name), and a crawler for ``ListingSpider``, the spider of every
    source that names none, for the first such source to take."""
    if base.get("TWISTED_REACTOR"):
        install_reactor(base["TWISTED_REACTOR"], base.get("ASYNCIO_EVENT_LOOP"))
    return {ListingSpider: process.create_crawler(ListingSpider)}


def run(argv: list[str], jobs: IO[str] | None = None) -> int:
    """``main`` with any crash turned into one marked line on stderr (after the traceback)."""
    try:
        return main(argv[0], argv[1], jobs)
    except Exception as exc:  # the parent reports it; we must not die silently
        traceback.print_exc()
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"{CRASH_MARKER}{type(exc).__name__}: {detail}", file=sys.stderr, flush=True)
        return 1


def exit_now(status: int) -> None:
    """Leave without the interpreter's teardown (about half a second after a crawl: Scrapy's
    and Twisted's modules and objects freed one by one) while the parent waits. Everything
    is written by now: the database commits per write, the report file is closed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    exit_now(run(sys.argv[1:]))
