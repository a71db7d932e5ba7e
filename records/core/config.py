"""The source registry: ``sources.toml`` read, validated and turned into ``Source`` objects.

A bad file gives one ``ConfigError`` naming the file, the source and the field.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from records.core.errors import ConfigError

DEFAULT_SOURCES = Path("sources.toml")
DEFAULT_SCHEDULE = "0 9 * * mon"  # weekly, Monday 09:00 in the configured timezone
DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_DOC_TYPES = ("pdf", "xlsx", "xls", "csv")
DEFAULT_CDX = "https://web.archive.org/cdx/search/cdx"
HOOK_EVENTS = ("on_failure", "on_stale", "on_new_document")
#: Seconds one document may take to parse before it is failed (``[settings] parse_timeout``).
DEFAULT_PARSE_TIMEOUT = 600
#: Seconds a whole crawl (all the run's sources) may take (``[settings] crawl_timeout``).
DEFAULT_CRAWL_TIMEOUT = 6 * 3600
#: Largest file `records add` accepts, in bytes (``[settings] max_bytes``, or --max-bytes).
DEFAULT_ADD_MAX_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class Hook:
    """A notification: a shell command (payload on stdin) or a webhook URL (JSON POST)."""

    command: str | None = None
    webhook: str | None = None


@dataclass(frozen=True)
class Settings:
    contact: str = "datadesk@example.org"
    user_agent: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    wayback_cdx: str = DEFAULT_CDX
    hooks: dict[str, tuple[Hook, ...]] = field(default_factory=dict)
    #: Dask scheduler address for the parse stage (docs/scaling.md); None: this machine.
    cluster: str | None = None
    #: The cluster's workers see the archive folder at the same path (docs/scaling.md).
    shared_archive: bool = False
    #: Folders of report templates (``*.toml``) searched besides ``parsers/templates/``,
    #: resolved against the sources file's folder.
    templates: tuple[Path, ...] = ()
    parse_timeout: int = DEFAULT_PARSE_TIMEOUT
    crawl_timeout: int = DEFAULT_CRAWL_TIMEOUT
    max_bytes: int = DEFAULT_ADD_MAX_BYTES

    @property
    def agent(self) -> str:
        return self.user_agent or f"agency-records/0.1 (newsroom data desk; +mailto:{self.contact})"


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    parser: str
    agency: str = ""
    title: str = ""
    description: str = ""
    start_urls: tuple[str, ...] = ()
    link_regex: str | None = None
    link_css: str | None = None
    next_css: str | None = None
    doc_types: tuple[str, ...] = DEFAULT_DOC_TYPES
    spider: str | None = None
    schedule: str = DEFAULT_SCHEDULE
    source_url: str | None = None
    license: str | None = None
    license_url: str | None = None
    caveats: str | None = None
    archive_fallback: bool = False
    wayback_cdx: str | None = None
    download_delay: float = 1.0
    concurrent_per_domain: int = 2
    timeout: int = 60
    max_bytes: int = 100 * 1024 * 1024
    retries: int = 3
    stale_after_periods: int = 2
    failing_after_runs: int = 3
    hooks: dict[str, tuple[Hook, ...]] = field(default_factory=dict)

    @property
    def urls(self) -> tuple[str, ...]:
        return self.start_urls or (self.url,)

    @property
    def allowed_domains(self) -> list[str]:
        """Domains the crawl may visit, derived from the listing URLs (never configured)."""
        return sorted({urlparse(u).hostname or "" for u in self.urls} - {""})


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
    if not isinstance(raw_sources, list) or not raw_sources:
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


_SOURCE_FIELDS = {f.name: f for f in fields(Source)}
_REQUIRED = ("name", "url", "parser")
#: Fields checked for their TOML type before use: a wrong type would otherwise surface
#: only inside the crawl (Scrapy failing to start, a silent run with nothing crawled).
_TEXT_FIELDS = (
    "name", "url", "parser", "agency", "title", "description", "link_regex", "link_css",
    "next_css", "spider", "schedule", "source_url", "license", "license_url", "caveats",
    "wayback_cdx",
)  # fmt: skip
#: field -> smallest allowed value.
_INT_FIELDS = {
    "timeout": 1,
    "max_bytes": 1,
    "retries": 0,
    "stale_after_periods": 1,
    "failing_after_runs": 1,
}
_SETTINGS_TEXT_FIELDS = (
    "contact",
    "user_agent",
    "timezone",
    "wayback_cdx",
    "cluster",
)
#: [settings] limits: field -> smallest allowed value.
_SETTINGS_INT_FIELDS = {"parse_timeout": 1, "crawl_timeout": 1, "max_bytes": 1}


def _settings(path: Path, raw: Any) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [settings] must be a table")
    allowed = {
        "contact", "user_agent", "timezone", "wayback_cdx", "hooks", "cluster", "shared_archive",
        "templates", *_SETTINGS_INT_FIELDS,
    }  # fmt: skip
    for key in raw:
        if key not in allowed:
            raise ConfigError(
                f"{path}: [settings]: unknown field {key!r}{_did_you_mean(key, allowed)}"
            )
    for key in _SETTINGS_TEXT_FIELDS:
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError(f"{path}: [settings]: field {key!r}: must be a string in quotes")
    if "shared_archive" in raw and not isinstance(raw["shared_archive"], bool):
        raise ConfigError(
            f"{path}: [settings]: field 'shared_archive': must be true or false, without quotes"
        )
    for key, low in _SETTINGS_INT_FIELDS.items():
        value = raw.get(key, low)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ConfigError(
                f"{path}: [settings]: field {key!r}: must be a whole number, at least {low}"
                f" (got {value!r})"
            )
    timezone = raw.get("timezone", DEFAULT_TIMEZONE)
    _check_timezone(path, "[settings]", timezone)
    return Settings(
        contact=str(raw.get("contact", Settings.contact)),
        user_agent=raw.get("user_agent"),
        timezone=timezone,
        wayback_cdx=str(raw.get("wayback_cdx", DEFAULT_CDX)),
        hooks=_hooks(f"{path}: [settings]", raw.get("hooks", {})),
        cluster=raw.get("cluster") or None,
        shared_archive=bool(raw.get("shared_archive", False)),
        templates=_template_dirs(path, raw.get("templates", [])),
        parse_timeout=raw.get("parse_timeout", DEFAULT_PARSE_TIMEOUT),
        crawl_timeout=raw.get("crawl_timeout", DEFAULT_CRAWL_TIMEOUT),
        max_bytes=raw.get("max_bytes", DEFAULT_ADD_MAX_BYTES),
    )


def _template_dirs(path: Path, raw: Any) -> tuple[Path, ...]:
    """``[settings] templates``: folders of templates, relative to the sources file."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(d, str) and d for d in raw):
        raise ConfigError(f"{path}: [settings]: field 'templates': must be a list of folders")
    folders = []
    for entry in raw:
        folder = (path.resolve().parent / Path(entry).expanduser()).resolve()
        if not folder.is_dir():
            raise ConfigError(
                f"{path}: [settings]: field 'templates': {entry!r} is not a folder ({folder})"
            )
        folders.append(folder)
    return tuple(folders)


def _source(
    path: Path, position: int, raw: Any, settings: Settings, parsers: list[str] | None
) -> Source:
    where = f"{path}: source #{position}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    name = raw.get("name")
    if isinstance(name, str) and name:
        where = f"{path}: source {name!r}"
    for key in raw:
        if key not in _SOURCE_FIELDS:
            raise ConfigError(f"{where}: unknown field {key!r}{_did_you_mean(key, _SOURCE_FIELDS)}")
    for key in _REQUIRED:
        if not raw.get(key):
            known = parsers if key == "parser" and parsers else None
            hint = f" (known parsers: {', '.join(known)})" if known else ""
            raise ConfigError(f"{where}: field {key!r}: missing{hint}")
    values = dict(raw)
    _check_types(where, values)
    if not _valid_name(values["name"]):
        raise ConfigError(
            f"{where}: field 'name': use lowercase letters, digits and dashes (got {name!r})"
        )
    start_urls = values.pop("start_urls", None) or []
    if isinstance(start_urls, str):
        start_urls = [start_urls]
    if not isinstance(start_urls, list) or not all(isinstance(u, str) for u in start_urls):
        raise ConfigError(f"{where}: field 'start_urls': must be a list of URLs in quotes")
    for url in [values["url"], *start_urls]:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(f"{where}: field 'url': not an http(s) URL: {url!r}")
    values["start_urls"] = tuple(start_urls)
    if "doc_types" in values:
        types = values["doc_types"]
        bad = [t for t in types if t not in DEFAULT_DOC_TYPES]
        if not isinstance(types, list) or bad:
            raise ConfigError(
                f"{where}: field 'doc_types': allowed are {', '.join(DEFAULT_DOC_TYPES)}"
            )
        values["doc_types"] = tuple(types)
    for key in ("link_regex",):
        if values.get(key):
            import re

            try:
                re.compile(values[key])
            except re.error as exc:
                raise ConfigError(
                    f"{where}: field {key!r}: bad regular expression {values[key]!r}: {exc}"
                ) from None
    for key in ("link_css", "next_css"):
        if values.get(key):
            _check_css(where, key, values[key])
    if not values.get("link_regex") and not values.get("link_css") and not values.get("spider"):
        raise ConfigError(f"{where}: field 'link_regex': give link_regex and/or link_css")
    if parsers is not None and values["parser"] not in parsers:
        raise ConfigError(
            f"{where}: field 'parser': unknown parser {values['parser']!r}"
            f" (known: {', '.join(parsers)})"
        )
    _check_cron(where, values.get("schedule", DEFAULT_SCHEDULE), settings.timezone)
    if "hooks" in values:
        values["hooks"] = _hooks(where, values["hooks"])
    for key in ("concurrent_per_domain",):
        if key in values and not (isinstance(values[key], int) and 1 <= values[key] <= 2):
            raise ConfigError(f"{where}: field {key!r}: must be 1 or 2 (be polite)")
    try:
        return Source(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _check_types(where: str, values: dict[str, Any]) -> None:
    for key in _TEXT_FIELDS:
        if key in values and not isinstance(values[key], str):
            raise ConfigError(f"{where}: field {key!r}: must be a string in quotes")
    for key, low in _INT_FIELDS.items():
        if key not in values:
            continue
        value = values[key]
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where}: field {key!r}: must be a whole number (got {value!r})")
        if value < low:
            raise ConfigError(f"{where}: field {key!r}: must be at least {low} (got {value!r})")
    delay = values.get("download_delay")
    if "download_delay" in values and (
        not isinstance(delay, int | float)
        or isinstance(delay, bool)
        # inf would wait forever between requests; nan compares false with everything.
        or not math.isfinite(delay)
        or delay < 0
    ):
        raise ConfigError(
            f"{where}: field 'download_delay': must be a number of seconds, finite, 0 or more"
            f" (got {delay!r})"
        )
    if "archive_fallback" in values and not isinstance(values["archive_fallback"], bool):
        raise ConfigError(
            f"{where}: field 'archive_fallback': must be true or false, without quotes"
            f" (got {values['archive_fallback']!r})"
        )


def _check_css(where: str, key: str, selector: str) -> None:
    from cssselect import SelectorError
    from parsel.csstranslator import css2xpath

    try:
        css2xpath(selector)
    except SelectorError as exc:
        raise ConfigError(f"{where}: field {key!r}: bad CSS selector {selector!r}: {exc}") from None


def _did_you_mean(key: str, known: Any) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _valid_name(name: str) -> bool:
    import re

    return bool(re.fullmatch(r"[a-z0-9][a-z0-9-]*", name))


def _check_cron(where: str, expression: str, timezone: str) -> None:
    from datetime import datetime

    from records.core.cron import crontab_trigger

    try:
        trigger = crontab_trigger(expression, timezone)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: field 'schedule': bad cron {expression!r}: {exc}") from None
    # A valid-looking date that never occurs (30 February) would leave the source never run.
    if trigger.get_next_fire_time(None, datetime.now(UTC)) is None:
        raise ConfigError(
            f"{where}: field 'schedule': cron {expression!r} never fires (no such date)"
        )


def _check_timezone(path: Path, where: str, timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{path}: {where}: field 'timezone': unknown zone {timezone!r}") from None


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
