"""The crawl child starts lean: nothing imported that a crawl does not use (an unchanged weekly
run is mostly this process's start), and a spider that switches a component back on gets it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.crawler import CrawlerRunner
from scrapy.settings import Settings

from scrapers.spiders.listing import ListingSpider
from tests.httpserver import serve
from tests.scrapers.crawling import Crawl, fresh_python_json, html_page, tiny_pdf, write_sources
from tests.shared import REPO

#: What the crawl child used to import without using: pandas and numpy (through sqlite-utils),
#: aiohttp (the remote-control extension), tldextract (the cookies middleware), the telnet
#: console.
NOT_NEEDED = ("pandas", "numpy", "aiohttp", "tldextract", "scrapy.extensions.telnet")


def _child_modules() -> dict[str, bool]:
    """Which of ``NOT_NEEDED`` a crawl child has imported once ready for its job."""
    script = (
        "import json, sys\n"
        "import scrapers.crawl_child as child\n"
        "from scrapy.settings import Settings\n"
        "base = Settings()\n"
        "base.setmodule('scrapers.settings', priority='project')\n"
        "child.import_components(base)\n"
        f"print(json.dumps({{name: name in sys.modules for name in {NOT_NEEDED!r}}}))\n"
    )
    return dict(fresh_python_json(script))


def test_the_crawl_child_imports_nothing_a_crawl_does_not_use() -> None:
    assert _child_modules() == dict.fromkeys(NOT_NEEDED, False)


def test_records_run_starts_its_crawl_child_before_the_parse_stage_imports() -> None:
    # `records run` imports the pipeline, then starts the crawl child: nothing heavy before.
    script = (
        "import json, sys\n"
        "import records.cli.ingest, records.pipeline.run\n"
        "names = ('pandas', 'numpy', 'records.pipeline.parse', 'pdfplumber', 'scrapy')\n"
        "print(json.dumps({name: name in sys.modules for name in names}))\n"
    )
    assert fresh_python_json(script) == {
        "pandas": False,
        "numpy": False,
        "records.pipeline.parse": False,
        "pdfplumber": False,
        "scrapy": False,
    }


def test_pandas_stays_importable_in_the_crawl_child(tmp_path: Path) -> None:
    """A stand-in ``pandas`` on the path: sqlite-utils is not handed it (``pd`` stays None),
    and the process can still import it afterwards."""
    (tmp_path / "pandas").mkdir()
    (tmp_path / "pandas" / "__init__.py").write_text("class Timestamp:\n    pass\n")
    script = (
        "import scrapers.crawl_child, sqlite_utils.db, pandas\n"
        "print(sqlite_utils.db.pd is None, pandas.Timestamp.__name__)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300,
        env=env,
    )  # fmt: skip
    assert out.stdout.split() == ["True", "Timestamp"]


def _components(spider: type) -> tuple[list[str], list[str]]:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    crawler = CrawlerRunner(settings).create_crawler(spider)
    middlewares = list(crawler.settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    return middlewares, list(crawler.settings.getwithbase("EXTENSIONS"))


class CookieSpider(ListingSpider):
    custom_settings = {"COOKIES_ENABLED": True, "TELNETCONSOLE_ENABLED": True}


def test_switched_off_components_are_not_listed() -> None:
    middlewares, extensions = _components(ListingSpider)
    assert "scrapy.downloadermiddlewares.cookies.CookiesMiddleware" not in middlewares
    assert "scrapy.extensions.telnet.TelnetConsole" not in extensions
    assert "scrapy.extensions.remote_control.RemoteControl" not in extensions
    # What stays: Scrapy's own, and ours.
    assert "scrapers.throttle.ConditionalAutoThrottle" in extensions
    assert "scrapers.addresses.PrivateAddressMiddleware" in middlewares


def test_a_spider_switching_cookies_back_on_gets_the_middleware() -> None:
    middlewares, extensions = _components(CookieSpider)
    assert "scrapy.downloadermiddlewares.cookies.CookiesMiddleware" in middlewares
    assert "scrapy.extensions.telnet.TelnetConsole" in extensions
    assert "scrapy.extensions.remote_control.RemoteControl" not in extensions


def test_the_crawl_child_runs_this_checkout_whatever_the_current_folder_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `records run` started from a folder with its own `scrapers` package (another checkout,
    # say): the child used to import that one first (python -m looks in the current folder).
    elsewhere = tmp_path / "elsewhere" / "scrapers"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text("raise ImportError('not this scrapers package')\n")
    monkeypatch.chdir(elsewhere.parent)
    pdf = tiny_pdf("weekly report")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_bytes(html_page("r1.pdf"))
    (tmp_path / "site" / "r1.pdf").write_bytes(pdf)
    with serve(tmp_path / "site") as site:
        sources = write_sources(tmp_path, f"{site.url}/index.html")
        crawl = Crawl(tmp_path, sources)
    assert crawl.report.new == [hashlib.sha256(pdf).hexdigest()]
    assert crawl.errors() == []


def test_what_only_the_log_shows_is_left_out_of_a_crawl_whose_log_is_not_shown() -> None:
    from scrapers.crawl_child import project_settings, without_unseen_components

    settings = project_settings()
    without_unseen_components(settings)
    spider_middlewares = {
        path
        for path, order in settings.getwithbase("SPIDER_MIDDLEWARES").items()
        if order is not None
    }
    extensions = {
        path for path, order in settings.getwithbase("EXTENSIONS").items() if order is not None
    }
    assert spider_middlewares == {
        "scrapy.spidermiddlewares.start.StartSpiderMiddleware",
        "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware",
        # The Referer header and the URL length check are kept: they change what is sent.
        "scrapy.spidermiddlewares.referer.RefererMiddleware",
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",
    }
    assert not {"CoreStats", "LogStats", "MemoryUsage"} & {p.rsplit(".", 1)[1] for p in extensions}
    assert "scrapers.throttle.ConditionalAutoThrottle" in extensions
    assert settings.getbool("DOWNLOADER_STATS") is False
    # With --verbose the crawl child keeps Scrapy's defaults (the log is shown).
    shown = project_settings()
    assert "scrapy.spidermiddlewares.depth.DepthMiddleware" in shown.getwithbase(
        "SPIDER_MIDDLEWARES"
    )
    assert shown.getbool("DOWNLOADER_STATS") is True
