"""sources.toml values that used to pass and then hang or never run: inf/nan delays, a cron
date that never comes; and the [settings] limits with their defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from records.core.config import load_config
from tests.records.test_config import GOOD, error_for, write


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_a_delay_that_is_not_a_finite_number_is_refused(tmp_path: Path, value: str) -> None:
    message = error_for(tmp_path, GOOD + f"download_delay = {value}\n")
    assert message.endswith(
        "source 'city-warn': field 'download_delay': must be a number of seconds, finite,"
        f" 0 or more (got {float(value)!r})"
    )


def test_a_cron_that_can_never_fire_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD + 'schedule = "0 9 30 2 *"\n')
    assert message.endswith(
        "source 'city-warn': field 'schedule': cron '0 9 30 2 *' never fires (no such date)"
    )


def test_a_cron_that_fires_rarely_is_accepted(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD + 'schedule = "0 9 29 2 *"\n'))
    assert config.source("city-warn").schedule == "0 9 29 2 *"


def test_settings_limits_have_defaults_and_can_be_set(tmp_path: Path) -> None:
    defaults = load_config(write(tmp_path, GOOD)).settings
    assert (defaults.parse_timeout, defaults.crawl_timeout, defaults.max_bytes) == (
        600,
        6 * 3600,
        500 * 1024 * 1024,
    )
    text = "[settings]\nparse_timeout = 30\ncrawl_timeout = 900\nmax_bytes = 1000\n" + GOOD
    settings = load_config(write(tmp_path, text)).settings
    assert (settings.parse_timeout, settings.crawl_timeout, settings.max_bytes) == (30, 900, 1000)


@pytest.mark.parametrize(
    "line", ["parse_timeout = 0", "crawl_timeout = inf", 'max_bytes = "5MB"', "max_bytes = true"]
)
def test_settings_limits_must_be_whole_positive_numbers(tmp_path: Path, line: str) -> None:
    message = error_for(tmp_path, f"[settings]\n{line}\n" + GOOD)
    field = line.split(" ")[0]
    assert f"[settings]: field '{field}': must be a whole number, at least 1" in message
