"""Working days, as the complaints regulations count them, in each UK nation's calendar.

A working day is not a Saturday or Sunday and not a bank holiday of the nation (Christmas Day,
Boxing Day, Good Friday and one-off ones such as a coronation included). Dates are UK dates:
a moment is turned into the date it was in Europe/London before anything is counted.

Each nation's year is worked out once per process, as the reports do with working-day
ordinals: its working days in order and, for every day, how many working days the year has had
by then. Counting the working days between two dates, or finding the date so many working days
on, is then a subtraction or an index per year crossed, never a holiday look-up per day.
"""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Year:
    """One nation's year: its working days in order, and for each day of the year (0 for
    1 January) how many working days there have been up to and including it."""

    working: tuple[date, ...]
    through: tuple[int, ...]

    def up_to(self, day: date) -> int:
        return self.through[day.timetuple().tm_yday - 1]


@cache
def _year(nation: str, year: int) -> _Year:
    first = date(year, 1, 1)
    working: list[date] = []
    through: list[int] = []
    for offset in range((date(year + 1, 1, 1) - first).days):
        day = first + timedelta(days=offset)
        if is_working_day(day, nation):
            working.append(day)
        through.append(len(working))
    return _Year(tuple(working), tuple(through))


def add_working_days(start: date, days: int, nation: str = "ENG") -> date:
    """The date `days` working days after `start`; the day of receipt itself is not counted."""
    if days < 0:
        raise ValueError("a deadline cannot be a negative number of working days away")
    if days == 0:
        return start
    year = _year(nation, start.year)
    # The nth working day after `start` is the (done + n)th of its year, or of a later one.
    wanted = year.up_to(start) + days
    number = start.year
    while wanted > len(year.working):
        wanted -= len(year.working)
        number += 1
        year = _year(nation, number)
    return year.working[wanted - 1]


def working_days_until(today: date, due: date, nation: str = "ENG") -> int:
    """Working days left from `today` to `due` (due day counted, today not); negative when
    the due date has passed, counting the working days since."""
    if due >= today:
        return _count_working_days(today, due, nation)
    return -_count_working_days(due, today, nation)


def _count_working_days(after: date, up_to: date, nation: str) -> int:
    """Working days in (after, up_to]."""
    count = _year(nation, up_to.year).up_to(up_to) - _year(nation, after.year).up_to(after)
    for number in range(after.year, up_to.year):
        count += len(_year(nation, number).working)
    return count


def within_working_days(start: date, day: date, days: int, nation: str = "ENG") -> bool:
    """Whether `day` falls on or after `start` and no later than `days` working days after it."""
    return start <= day <= add_working_days(start, days, nation)
