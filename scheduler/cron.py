"""Cron ``schedule`` strings read the way crontab(5) reads them.

APScheduler 3's ``CronTrigger.from_crontab`` passes the day-of-week field through to its own
numbering, where 0 is Monday; crontab(5) counts 0 (and 7) as Sunday. So ``0 9 * * 1-5``,
"weekdays at 09:00" to anyone who knows cron, would run Tuesday to Saturday. APScheduler
keeps this for compatibility in 3.x (its issue #286), so we translate the field into day
names, which both agree on, before building the trigger. Every reader of a ``schedule``
(config check, jobs, cadence) goes through ``crontab_trigger``.
"""

from __future__ import annotations

from datetime import tzinfo

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
