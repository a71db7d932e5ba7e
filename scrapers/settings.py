"""Scrapy settings for agency-records. Values that differ from Scrapy's project template say so.

Per-source politeness (delay, timeout, size limit, retries) is applied on top of these by
``scrapers.crawl_child`` from ``sources.toml``.
"""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "agency-records"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# Replaced at crawl time with one naming the project and the configured contact address.
USER_AGENT = "agency-records/0.1 (+mailto:datadesk@example.org)"  # template: unset

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # template: 1 (agency sites: two at a time at most)
DOWNLOAD_DELAY = 1.0  # as the template (default 0)
AUTOTHROTTLE_ENABLED = True  # template: commented out
AUTOTHROTTLE_START_DELAY = 1.0  # template: 5 (start at DOWNLOAD_DELAY, not slower)
AUTOTHROTTLE_MAX_DELAY = 30.0  # template: 60 (a slow site backs off, but the run still ends)
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # as the template
DOWNLOAD_TIMEOUT = 60  # default 180: a stuck agency server should not hold the weekly run
RETRY_ENABLED = True  # default, stated because our middleware replaces the retry one
RETRY_TIMES = 3  # default 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]  # default
# Our own: retries wait RETRY_BACKOFF_BASE * 2**(n-1) s, at most RETRY_BACKOFF_MAX (or as
# long as Retry-After says, within that cap). See scrapers.backoff.
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
# Names resolving to private addresses are refused at connection time too (DNS rebinding).
# Default: scrapy.resolver.CachingThreadedResolver, which this extends. Newer Scrapy calls the
# setting TWISTED_DNS_RESOLVER (and warns about DNS_RESOLVER), older Scrapy DNS_RESOLVER.
if hasattr(_scrapy_defaults, "TWISTED_DNS_RESOLVER"):
    TWISTED_DNS_RESOLVER = "scrapers.addresses.PublicOnlyResolver"
else:  # pragma: no cover (Scrapy before the rename)
    DNS_RESOLVER = "scrapers.addresses.PublicOnlyResolver"
DOWNLOADER_MIDDLEWARES = {
    # Before Scrapy's own (offsite is 50): every request and redirect hop is checked for
    # private addresses after name resolution (scrapers.addresses).
    "scrapers.addresses.PrivateAddressMiddleware": 40,
    # After the redirect middleware (600), so it sees a listing's redirect first.
    "scrapers.addresses.ListingRedirectMiddleware": 650,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.backoff.BackoffRetryMiddleware": 550,
}
# A body shorter than its Content-Length fails the download (recorded as "truncated").
DOWNLOAD_FAIL_ON_DATALOSS = True
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024  # default 1 GiB; larger is an error row, not a crash
DOWNLOAD_WARNSIZE = 0  # default 32 MiB: big PDFs are normal here, the warning is noise
COOKIES_ENABLED = False  # template: commented out (default on); public pages need none
TELNETCONSOLE_ENABLED = False  # template: on
# Default on: an HTTP control server on localhost for every crawl (and aiohttp imported for it).
REMOTE_CONTROL_ENABLED = False
# Scrapy imports every component its *_BASE settings list, even one switched off above (the
# component decides at start-up that it is not configured): the cookies middleware imports
# tldextract, the remote-control extension aiohttp, about 0.4 s of each crawl's start. These
# are left out of the lists; a spider that switches one back on (``custom_settings``) gets
# it listed again (``scrapers.spiders.base.AgencySpider.update_settings``).
SWITCHED_OFF_COMPONENTS = {
    # component: (the setting listing it, the setting switching it on, its default order)
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": (
        "DOWNLOADER_MIDDLEWARES",
        "COOKIES_ENABLED",
        700,
    ),
    "scrapy.extensions.telnet.TelnetConsole": ("EXTENSIONS", "TELNETCONSOLE_ENABLED", 0),
    "scrapy.extensions.remote_control.RemoteControl": ("EXTENSIONS", "REMOTE_CONTROL_ENABLED", 0),
}
DOWNLOADER_MIDDLEWARES_BASE = {  # default: Scrapy's, with the cookies middleware
    path: order
    for path, order in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
    if path not in SWITCHED_OFF_COMPONENTS
}
EXTENSIONS_BASE = {  # default: Scrapy's, with the telnet console and remote control
    path: order
    for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
    if path not in SWITCHED_OFF_COMPONENTS
}
EXTENSIONS = {
    # Default: Scrapy's AutoThrottle, which lets no 304 answer lower its delay (an unchanged
    # run is all 304s: one slow answer slowed the rest). See scrapers.throttle.
    "scrapy.extensions.throttle.AutoThrottle": None,
    "scrapers.throttle.ConditionalAutoThrottle": 0,
}
# Default on: Scrapy reads and parses a callback's source code on every response to warn
# about a generator returning a value (our callbacks do not); 0.7 s of 60 responses.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Default 100: Scrapy starts that many tasks for every response's output, which here is one
# item or one request (a listing page: its links); the archive pipeline is synchronous, so
# one at a time is as fast. 100 tasks per 304 answer were a third of an unchanged run's
# crawl; 4 still made 3% of its Python calls.
CONCURRENT_ITEMS = 1
HTTPCACHE_ENABLED = False  # default; conditional requests use validators stored in the database
ITEM_PIPELINES = {"scrapers.pipelines.ArchivePipeline": 300}  # template: commented out
# Let error statuses reach the spider so they are recorded, not silently dropped.
HTTPERROR_ALLOW_ALL = True  # default False
FEED_EXPORT_ENCODING = "utf-8"  # as the template
LOG_LEVEL = "WARNING"  # default DEBUG: the crawl reports to the pipeline, not the log
# Default: ten libraries' versions and the platform, logged at INFO (below LOG_LEVEL, never
# shown) when each crawl starts, after running `uname -p` for the platform: 5-15 ms.
LOG_VERSIONS: list[str] = []
