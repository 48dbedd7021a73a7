"""Working days, as the complaints regulations count them."""

from datetime import date, timedelta
from functools import cache

import holidays

# Stage 1 (local resolution): a response within 10 working days.
STAGE_1_WORKING_DAYS = 10


@cache
def _calendar(subdivision: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=subdivision, years=[year, year + 1])


def is_working_day(day: date, subdivision: str = "ENG") -> bool:
    """Not a weekend, and not a bank holiday (Christmas, Boxing Day and Good Friday included)."""
    return day.weekday() < 5 and day not in _calendar(subdivision, day.year)


def add_working_days(start: date, days: int, subdivision: str = "ENG") -> date:
    """The date `days` working days after `start`; the day of receipt itself is not counted."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, subdivision):
            remaining -= 1
    return current
