"""Cron schedules read as crontab(5) reads them: day-of-week 0 and 7 are Sunday.

APScheduler 3 numbers weekdays from Monday = 0, so without translation "1-5" (weekdays) ran
Tuesday to Saturday."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from records.core.config import load_config
from records.core.cron import cadence_seconds, crontab_trigger, weekdays
from records.core.errors import ConfigError
from scheduler.jobs import planned_jobs

NEW_YORK = ZoneInfo("America/New_York")
#: A Sunday night: every weekday of the next week is still ahead.
SUNDAY = datetime(2026, 11, 29, 0, 17, tzinfo=NEW_YORK)


def next_days(schedule: str, count: int = 7) -> list[str]:
    trigger = crontab_trigger(schedule, NEW_YORK)
    days, previous, moment = [], None, SUNDAY
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, moment)
        assert fire is not None
        days.append(fire.strftime("%a %d"))
        previous = moment = fire
    return days


def test_numeric_weekdays_one_to_five_are_monday_to_friday() -> None:
    assert next_days("0 9 * * 1-5", 6) == [
        "Mon 30",
        "Tue 01",
        "Wed 02",
        "Thu 03",
        "Fri 04",
        "Mon 07",
    ]


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("0", "sun"),
        ("7", "sun"),
        ("1", "mon"),
        ("6", "sat"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("5-7", "sun,fri,sat"),
        ("fri-sun", "sun,fri,sat"),
        ("mon,thu", "mon,thu"),
        ("*/2", "sun,tue,thu,sat"),
        ("1-5/2", "mon,wed,fri"),
        ("*", "*"),
    ],
)
def test_day_of_week_field_translation(field: str, names: str) -> None:
    assert weekdays(field) == names


@pytest.mark.parametrize("field", ["8", "5-1", "*/0", "funday", "1-x"])
def test_bad_day_of_week_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="day of week"):
        weekdays(field)


def test_sunday_zero_in_sources_toml_runs_on_sunday_and_eight_is_a_config_error(
    tmp_path,  # pytest fixture
) -> None:
    sources = tmp_path / "sources.toml"
    body = (
        '[settings]\ntimezone = "America/New_York"\n[[source]]\nname = "weekly"\n'
        'url = "https://agency.example.gov/"\nlink_regex = "\\\\.pdf$"\nparser = "generic"\n'
        'schedule = "{}"\n'
    )
    sources.write_text(body.format("0 9 * * 0"), encoding="utf-8")
    (plan,) = planned_jobs(load_config(sources), now=SUNDAY)
    assert plan.next_run == datetime(2026, 11, 29, 9, 0, tzinfo=NEW_YORK)
    assert plan.every == "weekly"
    sources.write_text(body.format("0 9 * * 8"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"field 'schedule'.*8 is not 0-7"):
        load_config(sources)


def test_weekday_cadence_is_the_weekend_gap() -> None:
    assert cadence_seconds("0 9 * * 1-5", "America/New_York") == 3 * 24 * 3600
