"""Statutory deadlines of public-records requests: calendar days or business days.

Public-records laws give agencies N days to answer. Some count calendar days (the due
date is simply the filing date plus N), others count business days: weekdays that are not
holidays. The federal FOIA (5 U.S.C. 552(a)(6)(A)) counts 20 working days, skipping
weekends and federal holidays, and the day of receipt is not counted. We count the same
way: business day 1 is the first business day after the filing date, so a request filed on
a Saturday starts counting on Monday.

Holidays are the US federal ones of the ``holidays`` package, observed dates included (a
holiday falling on a Saturday is observed on the Friday before, on a Sunday the Monday
after). A state's own holidays can be added with ``subdivision`` (e.g. "TX").
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

#: Days agencies answer in; 5 = Saturday, 6 = Sunday (``date.weekday()``).
WEEKEND = frozenset({5, 6})


@cache
def _calendar(subdivision: str | None) -> holidays.HolidayBase:
    # Years are filled in lazily by the package as dates are looked up.
    return holidays.country_holidays("US", subdiv=subdivision)


def is_business_day(day: date, subdivision: str | None = None) -> bool:
    """A weekday that is not a (observed) US federal holiday, nor a state one if asked."""
    return day.weekday() not in WEEKEND and day not in _calendar(subdivision)


def add_business_days(start: date, days: int, subdivision: str | None = None) -> date:
    """The date ``days`` business days after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_business_day(current, subdivision):
            counted += 1
    return current


def due_date(
    filed: date,
    days: int | None,
    *,
    business_days: bool = False,
    subdivision: str | None = None,
) -> date | None:
    """When an answer to a request filed on ``filed`` is due; None when no deadline is known."""
    if days is None:
        return None
    if days < 0:
        raise ValueError(f"the statutory deadline must not be negative, got {days} days")
    if business_days:
        return add_business_days(filed, days, subdivision)
    return filed + timedelta(days=days)


def days_overdue(due: date | None, today: date) -> int:
    """Calendar days past the due date (0 when not due yet or no deadline)."""
    if due is None or today <= due:
        return 0
    return (today - due).days


def holiday_name(day: date, subdivision: str | None = None) -> str | None:
    """The holiday observed on ``day``, for explaining a due date to the user."""
    return _calendar(subdivision).get(day)


def is_us_state(code: str) -> bool:
    """A subdivision (state, territory, DC) the US holiday calendar knows, e.g. "TX"."""
    return code.upper() in holidays.country_holidays("US").subdivisions


def holidays_between(start: date, end: date, subdivision: str | None = None) -> list[date]:
    """Weekday holidays after ``start`` up to ``end``: the days a business-day count skipped."""
    calendar = _calendar(subdivision)
    days = []
    current = start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() not in WEEKEND and current in calendar:
            days.append(current)
    return days
