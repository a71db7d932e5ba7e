"""Cron ``schedule`` strings read the way crontab(5) reads them.

APScheduler 3's ``CronTrigger.from_crontab`` passes the day-of-week field through to its own
numbering, where 0 is Monday; crontab(5) counts 0 (and 7) as Sunday. So ``0 9 * * 1-5``,
"weekdays at 09:00" to anyone who knows cron, would run Tuesday to Saturday. APScheduler
keeps this for compatibility in 3.x (its issue #286), so we translate the field into day
names, which both agree on, before building the trigger. Every reader of a ``schedule``
(config check, jobs, cadence) goes through ``crontab_trigger``.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

#: crontab(5) day numbers: 0 = 7 = Sunday.
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_trigger(expression: str, timezone: tzinfo | str) -> CronTrigger:
    """A trigger for a five-field cron expression, days of week numbered as in crontab(5).

    Raises ValueError for a malformed expression.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"Wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=weekdays(day_of_week),
        timezone=timezone,
    )


def weekdays(field: str) -> str:
    """A crontab day-of-week field as APScheduler day names: ``1-5`` -> ``mon,tue,...,fri``."""
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        body, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ValueError(f"day of week {field!r}: bad step {step_text!r}")
            step = int(step_text)
        if body == "*":
            first, last = 0, 6
        elif "-" in body:
            start, end = body.split("-", 1)
            first, last = _day(start, field), _day(end, field)
            if last == 0 and first > 0:
                last = 7  # "fri-sun": Sunday as the end of a range is day 7
            if last < first:
                raise ValueError(f"day of week {field!r}: range {body!r} runs backwards")
        else:
            first = _day(body, field)
            # "1/2" is "from Monday, every other day", as in Vixie cron's "1-7/2".
            last = 7 if slash else first
        days.update(d % 7 for d in range(first, last + 1, step))
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def _day(text: str, field: str) -> int:
    if text.isdigit():
        number = int(text)
        if number > 7:
            raise ValueError(f"day of week {field!r}: {number} is not 0-7 (0 and 7 = Sunday)")
        return number
    if text in _DAY_NAMES:
        return _DAY_NAMES.index(text)
    raise ValueError(f"day of week {field!r}: {text!r} is not a day (0-7 or sun-sat)")


#: Cadence is measured on a fixed stretch of calendar so it never depends on today's date:
#: the longest wall-clock gap between the first fire times after this moment.
CADENCE_REFERENCE = datetime(2023, 1, 2, 0, 0)  # a Monday
#: Enough fire times to see every gap of a weekly pattern and a year of a monthly one.
CADENCE_SAMPLES = 13


def cadence_seconds(schedule: str, timezone: str) -> int:
    """Expected seconds between two runs of a cron schedule: its longest regular gap.

    "0 9 * * mon" gives 7 days, "0 9 * * mon,thu" 4 days, "0 9 1 * *" 31 days. Gaps are
    measured in local wall-clock time, so a daylight-saving change does not make a daily
    schedule look 25 hours long.
    """
    zone = ZoneInfo(timezone)
    trigger = crontab_trigger(schedule, zone)
    fire_times: list[datetime] = []
    previous: datetime | None = None
    moment = CADENCE_REFERENCE.replace(tzinfo=zone)
    for _ in range(CADENCE_SAMPLES):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        fire_times.append(fire)
        previous = fire
        moment = fire
    if len(fire_times) < 2:
        # A schedule that fires once at most (a fixed year) has no cadence; treat it as weekly.
        return 7 * 24 * 3600
    walls = [t.replace(tzinfo=None) for t in fire_times]
    return int(max((b - a).total_seconds() for a, b in zip(walls, walls[1:], strict=False)))


def describe_period(seconds: float) -> str:
    """A short human phrase for a cadence: 'weekly', 'daily', 'every 4 days', 'every 15 min'."""
    day = 24 * 3600
    named = {day: "daily", 7 * day: "weekly", 14 * day: "every 2 weeks"}
    if int(seconds) in named:
        return named[int(seconds)]
    if 28 * day <= seconds <= 31 * day:
        return "monthly"
    if seconds >= day:
        days = seconds / day
        return f"every {days:g} days" if days != int(days) else f"every {int(days)} days"
    if seconds >= 3600:
        return f"every {seconds / 3600:g} h"
    return f"every {seconds / 60:g} min"
