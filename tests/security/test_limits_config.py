"""The security limits are settings: defaults, and one clear message for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from records.core.config import load_config
from records.core.errors import ConfigError

SOURCE = (
    '[[source]]\nname = "x"\nurl = "https://agency.example.gov/"\n'
    'link_regex = "pdf$"\nparser = "ice-ddor"\n'
)


def config(tmp_path: Path, settings: str = "", source: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f"[settings]\n{settings}\n{SOURCE}{source}\n", encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path))
    settings, (source,) = loaded.settings, loaded.sources
    assert (settings.hook_timeout, settings.webhook_timeout) == (60, 10)
    assert (settings.csv_formulas, settings.desk_header) == ("neutralise", None)
    assert (source.private_hosts, source.max_listing_pages) == ((), 1000)


def test_values(tmp_path: Path) -> None:
    loaded = load_config(
        config(
            tmp_path,
            'hook_timeout = 5\nwebhook_timeout = 3\ncsv_formulas = "keep"\n'
            'desk_header = "X-Records-User"',
            'private_hosts = ["intranet.example", "10.0.0.5:8080"]\nmax_listing_pages = 50',
        )
    )
    settings, (source,) = loaded.settings, loaded.sources
    assert (settings.hook_timeout, settings.webhook_timeout) == (5, 3)
    assert (settings.csv_formulas, settings.desk_header) == ("keep", "X-Records-User")
    assert source.private_hosts == ("intranet.example", "10.0.0.5:8080")
    assert source.max_listing_pages == 50


@pytest.mark.parametrize(
    ("settings", "source", "message"),
    [
        (
            "hook_timeout = 0",
            "",
            "field 'hook_timeout': must be a whole number, at least 1 (got 0)",
        ),
        ('webhook_timeout = "10"', "", "field 'webhook_timeout': must be a whole number"),
        (
            'csv_formulas = "strip"',
            "",
            "field 'csv_formulas': 'strip' is not one of 'neutralise', 'keep'",
        ),
        ("", "private_hosts = [1]", "field 'private_hosts': must be a list of hosts in quotes"),
        ("", "max_listing_pages = 0", "field 'max_listing_pages': must be at least 1 (got 0)"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, settings: str, source: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(config(tmp_path, settings, source))
    assert message in str(raised.value)
