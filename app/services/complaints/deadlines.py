"""Working days, as the complaints regulations count them, in each UK nation's calendar.

A working day is not a Saturday or Sunday and not a bank holiday of the nation (Christmas Day,
Boxing Day, Good Friday and one-off ones such as a coronation included). Dates are UK dates:
a moment is turned into the date it was in Europe/London before anything is counted.
"""

from datetime import date, timedelta
from functools import cache

import holidays

# England and Wales by default; the others are the subdivisions the holidays package knows.
NATIONS = ("ENG", "WLS", "SCT", "NIR")


@cache
def _calendar(nation: str, year: int) -> holidays.HolidayBase:
    if nation not in NATIONS:
        raise ValueError(f"unknown UK nation {nation!r}; use one of {', '.join(NATIONS)}")
    return holidays.country_holidays("GB", subdiv=nation, years=[year])


def is_working_day(day: date, nation: str = "ENG") -> bool:
    """Not a weekend, and not a bank holiday (Christmas, Boxing Day and Good Friday included)."""
    return day.weekday() < 5 and day not in _calendar(nation, day.year)


def add_working_days(start: date, days: int, nation: str = "ENG") -> date:
    """The date `days` working days after `start`; the day of receipt itself is not counted."""
    if days < 0:
        raise ValueError("a deadline cannot be a negative number of working days away")
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, nation):
            remaining -= 1
    return current


def working_days_until(today: date, due: date, nation: str = "ENG") -> int:
    """Working days left from `today` to `due` (due day counted, today not); negative when
    the due date has passed, counting the working days since."""
    if due >= today:
        return _count_working_days(today, due, nation)
    return -_count_working_days(due, today, nation)


def _count_working_days(after: date, up_to: date, nation: str) -> int:
    """Working days in (after, up_to]."""
    return sum(
        is_working_day(after + timedelta(days=n), nation)
        for n in range(1, (up_to - after).days + 1)
    )


def within_working_days(start: date, day: date, days: int, nation: str = "ENG") -> bool:
    """Whether `day` falls on or after `start` and no later than `days` working days after it."""
    return start <= day <= add_working_days(start, days, nation)
