"""The source registry: ``sources.toml`` read, validated and turned into ``Source`` objects.

A bad file gives one ``ConfigError`` naming the file, the source and the field.

Every field is declared once, as one line of ``Settings`` (``[settings]``) or ``Source``
(``[[source]]``) below: its name, type (the annotation), default, bounds and help
(``records.core.fields.declared``). Validation, the defaults and the README's fields tables
are produced from those lines. To add a setting, add one line to ``Settings``::

    page_cap: int = declared(500, low=1, unit="pages", help="pages read from one document")

then run ``python -m records.core.reference --write README.md`` (a test fails until the
README's table matches) and read ``settings.page_cap`` where it is used. A check that the
type and bounds cannot express (a URL, a folder) is a ``check=`` function below, taking the
``Reading`` (where, for the message), the field's name and the value.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from records.core.errors import ConfigError
from records.core.fields import Reading, declared, declared_fields, read_fields
from records.core.filetypes import CRAWLED_TYPES

DEFAULT_SOURCES = Path("sources.toml")
DEFAULT_SCHEDULE = "0 9 * * mon"  # weekly, Monday 09:00 in the configured timezone
DEFAULT_TIMEZONE = "America/New_York"
#: The file types a source keeps unless its ``doc_types`` says otherwise.
DEFAULT_DOC_TYPES = CRAWLED_TYPES
DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
HOOK_EVENTS = ("on_failure", "on_stale", "on_new_document")
#: Seconds one document may take to parse before it is failed (``[settings] parse_timeout``).
DEFAULT_PARSE_TIMEOUT = 600
#: Seconds a whole crawl (all the run's sources) may take (``[settings] crawl_timeout``).
DEFAULT_CRAWL_TIMEOUT = 6 * 3600
#: Largest file `records add` accepts, in bytes (``[settings] max_bytes``, or --max-bytes).
DEFAULT_ADD_MAX_BYTES = 500 * 1024 * 1024
#: Listing pages one crawl of a source may read (``[[source]] max_listing_pages``).
DEFAULT_MAX_LISTING_PAGES = 1000
#: Wall-clock seconds a command hook may run, its children included (``[settings] hook_timeout``).
DEFAULT_HOOK_TIMEOUT = 60
#: Wall-clock seconds a webhook call may take, connecting to reading the answer
#: (``[settings] webhook_timeout``).
DEFAULT_WEBHOOK_TIMEOUT = 10
#: What CSV downloads do with cells a spreadsheet would run as a formula
#: (``[settings] csv_formulas``): "neutralise" (prefix a quote) or "keep".
CSV_FORMULA_MODES = ("neutralise", "keep")


@dataclass(frozen=True)
class Hook:
    """A notification: a shell command (payload on stdin) or a webhook URL (JSON POST)."""

    command: str | None = None
    webhook: str | None = None


# -- checks that a field's type and bounds cannot express (``declared(check=...)``) ----------


def _timezone(reading: Reading, key: str, timezone: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reading.fail(key, f"unknown zone {timezone!r}") from None
    return timezone


def _template_dirs(reading: Reading, key: str, raw: Any) -> tuple[Path, ...]:
    """``[settings] templates``: folders of templates, relative to the sources file."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(d, str) and d for d in raw):
        raise reading.fail(key, "must be a list of folders")
    folders = []
    for entry in raw:
        folder = (reading.path.resolve().parent / Path(entry).expanduser()).resolve()
        if not folder.is_dir():
            raise reading.fail(key, f"{entry!r} is not a folder ({folder})")
        folders.append(folder)
    return tuple(folders)


def _hooks_field(reading: Reading, key: str, raw: Any) -> dict[str, tuple[Hook, ...]]:
    return _hooks(reading.where, raw)


def _name(reading: Reading, key: str, name: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise reading.fail(key, f"use lowercase letters, digits and dashes (got {name!r})")
    return name


def _url(reading: Reading, key: str, url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        # start_urls are named as 'url' too: they are more of the same listing pages.
        raise reading.fail("url", f"not an http(s) URL: {url!r}")
    return url


def _start_urls(reading: Reading, key: str, urls: tuple[str, ...]) -> tuple[str, ...]:
    for url in urls:
        _url(reading, key, url)
    return urls


def _parser(reading: Reading, key: str, name: str) -> str:
    if reading.parsers is not None and name not in reading.parsers:
        known = ", ".join(reading.parsers)
        raise reading.fail(key, f"unknown parser {name!r} (known: {known})")
    return name


def _regex(reading: Reading, key: str, pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise reading.fail(key, f"bad regular expression {pattern!r}: {exc}") from None
    return pattern


def _css(reading: Reading, key: str, selector: str) -> str:
    from cssselect import SelectorError
    from parsel.csstranslator import css2xpath

    try:
        css2xpath(selector)
    except SelectorError as exc:
        raise reading.fail(key, f"bad CSS selector {selector!r}: {exc}") from None
    return selector


def _schedule(reading: Reading, key: str, expression: str) -> str:
    from datetime import datetime

    from records.core.cron import crontab_trigger

    timezone = reading.settings.timezone if reading.settings is not None else DEFAULT_TIMEZONE
    try:
        trigger = crontab_trigger(expression, timezone)
    except (ValueError, TypeError) as exc:
        raise reading.fail(key, f"bad cron {expression!r}: {exc}") from None
    # A valid-looking date that never occurs (30 February) would leave the source never run.
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise reading.fail(key, f"cron {expression!r} never fires (no such date)")
    return expression


# -- the fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """``[settings]``: one line per field (see the module docstring to add one)."""

    contact: str = declared(
        "datadesk@example.org",
        help="an address put in the User-Agent, so agencies can reach you",
    )
    user_agent: str | None = declared(
        None, help="the whole User-Agent instead", shown="agency-records/0.1 (...; +mailto:contact)"
    )
    timezone: str = declared(
        DEFAULT_TIMEZONE, help="the zone of every `schedule`", check=_timezone, kind="time zone"
    )
    wayback_cdx: str = declared(
        DEFAULT_CDX, kind="URL", help="the Wayback Machine's CDX endpoint, for `archive_fallback`"
    )
    hooks: dict[str, tuple[Hook, ...]] = declared(
        factory=dict,
        help="for every source: `on_failure`, `on_stale`, `on_new_document`, each a `command`"
        " or `webhook` ([docs/scheduling.md](docs/scheduling.md))",
        check=_hooks_field,
        kind="table",
    )
    cluster: str | None = declared(
        None,
        kind="address",
        help="the Dask scheduler the parse stage runs on, `tcp://HOST:PORT` (or `--cluster`;"
        " needs `pip install 'agency-records[cluster]'`; [docs/scaling.md](docs/scaling.md))",
        shown="this machine",
    )
    shared_archive: bool = declared(
        False, help="the cluster's workers see the archive folder at the same path"
    )
    split_pages: int = declared(
        500,
        low=1,
        unit="pages",
        help="on a cluster, a PDF longer than this has its tables found in page ranges of"
        " this many pages, on several workers (the generic extractor)",
    )
    templates: tuple[Path, ...] = declared(
        (),
        help="folders of your own report templates (`*.toml`), relative to this file, searched"
        " besides `parsers/templates/` (and `RECORDS_TEMPLATES`)",
        check=_template_dirs,
        kind="list of folders",
    )
    parse_timeout: int = declared(
        DEFAULT_PARSE_TIMEOUT, low=1, unit="seconds", help="how long one document may parse"
    )
    crawl_timeout: int = declared(
        DEFAULT_CRAWL_TIMEOUT,
        low=1,
        unit="seconds",
        help="how long a whole crawl (all the run's sources) may take",
    )
    max_bytes: int = declared(
        DEFAULT_ADD_MAX_BYTES,
        low=1,
        unit="bytes",
        help="the largest file `records add` accepts (or `--max-bytes`)",
    )
    hook_timeout: int = declared(
        DEFAULT_HOOK_TIMEOUT,
        low=1,
        unit="seconds",
        help="how long a command hook may run (wall clock); then it and its children are killed",
    )
    webhook_timeout: int = declared(
        DEFAULT_WEBHOOK_TIMEOUT,
        low=1,
        unit="seconds",
        help="how long a webhook call may take, connecting to reading the answer (wall clock)",
    )
    csv_formulas: str = declared(
        "neutralise",
        choices=CSV_FORMULA_MODES,
        help="CSV downloads: `neutralise` puts a `'` before cells a spreadsheet would run as"
        " a formula (numbers stay numbers; JSON keeps the original), `keep` leaves them",
    )
    desk_header: str | None = declared(
        None,
        help="the header a proxy on this machine sets to the logged-in desk member's name;"
        " records requests are shown only to them ([docs/deploy.md](docs/deploy.md))",
        shown="nobody logs in by header",
    )
    max_render_pixels: int = declared(
        12_000_000,
        low=10_000,
        unit="pixels",
        help="most pixels in one page image `records serve` draws (a larger page is drawn smaller)",
    )
    renders_at_once: int = declared(
        2, low=1, help="page images `records serve` draws at a time; more wait, then get a 503"
    )

    @property
    def agent(self) -> str:
        return self.user_agent or f"agency-records/0.1 (newsroom data desk; +mailto:{self.contact})"


@dataclass(frozen=True)
class Source:
    """One ``[[source]]``: one line per field (see the module docstring to add one)."""

    name: str = declared(
        help="lowercase letters, digits and dashes; names the source everywhere",
        check=_name,
    )
    url: str = declared(
        help="the listing page (its site is the crawl's allowed domain)", check=_url, kind="URL"
    )
    parser: str = declared(
        help="a parser's or template's name (`records extract --help`)", check=_parser
    )
    agency: str = declared("", help="who publishes it, shown in Datasette")
    title: str = declared("", help="the report's title, shown in Datasette")
    description: str = declared("", help="what the report is, shown in Datasette")
    start_urls: tuple[str, ...] = declared(
        (),
        items="URLs",
        check=_start_urls,
        shown="`[url]`",
        help="more listing pages to start from",
    )
    link_regex: str | None = declared(
        None,
        check=_regex,
        kind="regular expression",
        help="matched against each link's absolute URL (and without its query string)",
    )
    link_css: str | None = declared(
        None, check=_css, kind="CSS selector", help="the links (link_regex and/or link_css)"
    )
    next_css: str | None = declared(
        None, check=_css, kind="CSS selector", help="pagination: the next listing page's link"
    )
    doc_types: tuple[str, ...] = declared(
        CRAWLED_TYPES,
        choices=CRAWLED_TYPES,
        items="file types",
        help="file types to keep (sniffed from the bytes, not the URL)",
    )
    spider: str | None = declared(
        None,
        shown="generic listing spider",
        help="a spider of our own for an odd site, in `scrapers/spiders/<place>_<agency>.py`"
        " (`scrapy list` shows them; see `springfield_police.py`)",
    )
    schedule: str = declared(
        DEFAULT_SCHEDULE,
        check=_schedule,
        kind="cron",
        help="when the source runs, in `[settings] timezone` (weekly, Monday 09:00)",
    )
    source_url: str | None = declared(None, kind="URL", help="the page credited in Datasette")
    license: str | None = declared(None, help="shown with the tables in Datasette")
    license_url: str | None = declared(None, kind="URL", help="shown with the tables in Datasette")
    caveats: str | None = declared(None, help="shown with the tables in Datasette")
    archive_fallback: bool = declared(
        False, help="if the listing page is gone, fetch its captures from the Wayback Machine"
    )
    wayback_cdx: str | None = declared(
        None, kind="URL", shown="`[settings] wayback_cdx`", help="this source's CDX endpoint"
    )
    download_delay: float = declared(
        1.0, low=0, unit="seconds", help="the wait between two requests to the site"
    )
    concurrent_per_domain: int = declared(
        2, low=1, high=2, why="be polite", help="requests at a time to the site (robots.txt obeyed)"
    )
    timeout: int = declared(60, low=1, unit="seconds", help="how long one download may take")
    max_bytes: int = declared(
        100 * 1024 * 1024, low=1, unit="bytes", help="the largest document downloaded"
    )
    retries: int = declared(3, low=0, help="tries again after a failed download")
    stale_after_periods: int = declared(
        2, low=1, help="schedule periods without a new document before `records status` says stale"
    )
    failing_after_runs: int = declared(
        3, low=1, help="failed runs in a row before `records status` says failing"
    )
    hooks: dict[str, tuple[Hook, ...]] = declared(
        factory=dict,
        help="like `[settings] hooks`, for this source",
        check=_hooks_field,
        kind="table",
    )
    private_hosts: tuple[str, ...] = declared(
        (),
        items="hosts",
        help="hosts (or `host:port`; `*` for any) the crawl may reach although they resolve to"
        " a loopback, private or link-local address; others are refused (`scrapers.addresses`)",
    )
    max_listing_pages: int = declared(
        DEFAULT_MAX_LISTING_PAGES,
        low=1,
        unit="pages",
        help="listing pages one crawl reads at most (endless pagination stops with an error row)",
    )

    @property
    def urls(self) -> tuple[str, ...]:
        return self.start_urls or (self.url,)

    @property
    def allowed_domains(self) -> list[str]:
        """Domains the crawl may visit, derived from the listing URLs (never configured)."""
        return sorted({urlparse(u).hostname or "" for u in self.urls} - {""})


#: Every ``[settings]`` and ``[[source]]`` field as one record each (name, type, default,
#: bounds, help), read from the two classes above: what validation and the docs read.
SETTINGS = declared_fields(Settings)
SOURCE_FIELDS = declared_fields(Source)


@dataclass(frozen=True)
class Config:
    path: Path
    settings: Settings
    sources: tuple[Source, ...]

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source named {name!r} (known: {known})")

    def select(self, names: list[str] | tuple[str, ...]) -> list[Source]:
        return [self.source(n) for n in names] if names else list(self.sources)


def sources_path(option: str | Path | None = None) -> Path:
    if option:
        return Path(option)
    env = os.environ.get("RECORDS_SOURCES")
    return Path(env) if env else DEFAULT_SOURCES


#: Given the file's settings, the parser names a source may use (the registry lives above
#: this module: ``parsers.registry.parser_names``); without it parser names are not checked.
KnownParsers = Callable[[Settings], Sequence[str]]


def load_config(
    path: str | Path | None = None, *, known_parsers: KnownParsers | None = None
) -> Config:
    """Read and validate a sources file (parser names too, when told which exist)."""
    path = sources_path(path)
    if not path.exists():
        raise ConfigError(
            f"{path}: sources file not found in {path.resolve().parent}"
            " (run records in the folder that holds it, or give --sources FILE)"
        )
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a sources file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a UTF-8 text file") from None
    unknown_top = set(data) - {"settings", "source"}
    if unknown_top:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown_top))}")
    settings = _settings(path, data.get("settings", {}))
    parsers = list(known_parsers(settings)) if known_parsers else None
    raw_sources = data.get("source", [])
    if isinstance(raw_sources, dict):
        # `[source]` (one bracket) is a single table; TOML needs `[[source]]` for a list.
        raise ConfigError(f"{path}: write [[source]] (two brackets) for each source, not [source]")
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{path}: no [[source]] entries")
    sources: list[Source] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_sources, 1):
        source = _source(path, position, raw, settings, parsers)
        if source.name in seen:
            raise ConfigError(f"{path}: source {source.name!r}: field 'name': duplicate name")
        seen.add(source.name)
        sources.append(source)
    return Config(path=path, settings=settings, sources=tuple(sources))


def _settings(path: Path, raw: Any) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [settings] must be a table")
    reading = Reading(path, f"{path}: [settings]", "settings")
    return Settings(**read_fields(Settings, raw, reading))


def _source(
    path: Path, position: int, raw: Any, settings: Settings, parsers: list[str] | None
) -> Source:
    where = f"{path}: source #{position}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    name = raw.get("name")
    if isinstance(name, str) and name:
        where = f"{path}: source {name!r}"
    reading = Reading(path, where, "source", settings=settings, parsers=parsers)
    values = read_fields(Source, raw, reading)
    if not values.get("link_regex") and not values.get("link_css") and not values.get("spider"):
        raise ConfigError(f"{where}: field 'link_regex': give link_regex and/or link_css")
    return Source(**values)


def _hooks(where: str, raw: Any) -> dict[str, tuple[Hook, ...]]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: field 'hooks': must be a table")
    hooks: dict[str, tuple[Hook, ...]] = {}
    for event, entries in raw.items():
        if event not in HOOK_EVENTS:
            raise ConfigError(
                f"{where}: field 'hooks': unknown event {event!r} (use {', '.join(HOOK_EVENTS)})"
            )
        if isinstance(entries, dict):
            entries = [entries]
        parsed = []
        for entry in entries:
            if not isinstance(entry, dict) or not (entry.get("command") or entry.get("webhook")):
                raise ConfigError(f"{where}: field 'hooks.{event}': needs command or webhook")
            parsed.append(Hook(command=entry.get("command"), webhook=entry.get("webhook")))
        hooks[event] = tuple(parsed)
    return hooks
