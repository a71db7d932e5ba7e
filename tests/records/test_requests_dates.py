"""Due dates of records requests: calendar days, business days, weekends, federal holidays."""

from __future__ import annotations

from datetime import date

import pytest

from records.foia.dates import (
    add_business_days,
    days_overdue,
    due_date,
    holiday_name,
    is_business_day,
)


def test_calendar_days_are_plain_addition_across_a_leap_day() -> None:
    assert due_date(date(2024, 2, 20), 10) == date(2024, 3, 1)


def test_calendar_deadline_may_fall_on_a_weekend() -> None:
    # 2024-06-01 is a Saturday: calendar-day statutes are not moved by this module.
    assert due_date(date(2024, 5, 22), 10) == date(2024, 6, 1)


def test_no_statute_days_means_no_due_date() -> None:
    assert due_date(date(2024, 5, 22), None) is None


def test_business_days_skip_weekend() -> None:
    # Filed Thursday 2024-05-02: Fri 3 (1), Mon 6 (2), Tue 7 (3).
    assert due_date(date(2024, 5, 2), 3, business_days=True) == date(2024, 5, 7)


def test_business_days_skip_thanksgiving_but_not_the_day_after() -> None:
    # Filed Mon 2024-11-25; Thu 11-28 is Thanksgiving; Fri 11-29 is a working day.
    assert due_date(date(2024, 11, 25), 10, business_days=True) == date(2024, 12, 10)
    assert add_business_days(date(2024, 11, 27), 1) == date(2024, 11, 29)


def test_federal_foia_twenty_working_days_over_christmas_and_new_year() -> None:
    # Filed Fri 2024-12-20. Holidays skipped: Wed 12-25, Wed 2025-01-01, Mon 2025-01-20
    # (Martin Luther King Jr. Day).
    assert due_date(date(2024, 12, 20), 20, business_days=True) == date(2025, 1, 22)


def test_observed_holiday_on_friday_when_july_4_is_a_saturday() -> None:
    assert holiday_name(date(2026, 7, 3)) == "Independence Day (observed)"
    assert not is_business_day(date(2026, 7, 3))
    # Filed Thu 2026-07-02: Fri 07-03 is observed, so day 1 is Mon 07-06.
    assert due_date(date(2026, 7, 2), 1, business_days=True) == date(2026, 7, 6)


def test_request_filed_on_a_saturday_starts_counting_on_monday() -> None:
    assert due_date(date(2024, 6, 1), 1, business_days=True) == date(2024, 6, 3)


def test_state_holidays_when_asked() -> None:
    # Lyndon Baines Johnson Day, Wed 2025-08-27, is a Texas state holiday only.
    assert is_business_day(date(2025, 8, 27))
    assert not is_business_day(date(2025, 8, 27), "TX")
    assert due_date(date(2025, 8, 26), 1, business_days=True) == date(2025, 8, 27)
    assert due_date(date(2025, 8, 26), 1, business_days=True, subdivision="TX") == date(2025, 8, 28)


def test_zero_days_is_the_filing_date_and_negative_is_refused() -> None:
    assert due_date(date(2024, 5, 2), 0, business_days=True) == date(2024, 5, 2)
    with pytest.raises(ValueError, match="negative"):
        due_date(date(2024, 5, 2), -1)


def test_days_overdue() -> None:
    assert days_overdue(date(2024, 12, 10), date(2024, 12, 10)) == 0
    assert days_overdue(date(2024, 12, 10), date(2025, 1, 9)) == 30
    assert days_overdue(None, date(2025, 1, 9)) == 0
