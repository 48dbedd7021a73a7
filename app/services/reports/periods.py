"""The periods a complaints report covers: a financial year (April to March), one of its
quarters, or dates chosen by hand, each compared with the same dates a year before."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.services.common import UK_TIME, Refusal

# Far enough back for any record Heard holds; the year before must still be a real date.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
# Longer than a year would overlap the year it is compared with.
LONGEST_DAYS = 366
QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}
QUARTER_STARTS = {1: 4, 2: 7, 3: 10, 4: 1}


class PeriodError(Refusal):
    """A period a report cannot cover; the message says why, in words for the reader."""


@dataclass(frozen=True)
class Period:
    """Whole UK days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{_words(self.start)} to {_words(self.end)}"

    @property
    def is_financial_year(self) -> bool:
        """April to March: the year the regulations' annual report covers."""
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            4,
            1,
            3,
            31,
        ) and self.end.year == self.start.year + 1

    def year_before(self) -> "Period":
        """The same dates a year earlier: the period the papers put beside this one."""
        return Period(_year_before(self.start), _year_before(self.end))

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as moments: from UK midnight on the first day to UK midnight after the
        last, for columns that hold a time rather than a date."""
        first = datetime.combine(self.start, time(), UK_TIME)
        after = datetime.combine(self.end + timedelta(days=1), time(), UK_TIME)
        return first, after


def _words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _year_before(day: date) -> date:
    # 29 February has no twin in the year before; the last day of that February stands in.
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def checked(start: date, end: date) -> Period:
    """A period a report can cover, or PeriodError saying what is wrong with it."""
    if end < start:
        raise PeriodError("The end date must be the same as or after the start date")
    if start < EARLIEST or end > LATEST:
        raise PeriodError(f"Choose dates between {EARLIEST.year} and {LATEST.year}")
    if (end - start).days >= LONGEST_DAYS:
        raise PeriodError("Choose a period of a year or less")
    return Period(start, end)


def financial_year(first_year: int) -> Period:
    """April of `first_year` to March of the next: the year the annual report covers."""
    return checked(date(first_year, 4, 1), date(first_year + 1, 3, 31))


def quarter(first_year: int, number: int) -> Period:
    """Quarter 1 (April to June) to 4 (January to March) of the financial year from April of
    `first_year`."""
    if number not in QUARTER_MONTHS:
        raise PeriodError("A financial year has quarters 1 to 4")
    month = QUARTER_STARTS[number]
    start = date(first_year + (month < 4), month, 1)
    last_month = month + 2
    return checked(start, date(start.year, last_month, monthrange(start.year, last_month)[1]))


def financial_year_of(day: date) -> int:
    """The first calendar year of the financial year a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class NamedPeriod:
    """A financial year or quarter offered in the chooser, by the code its URL carries."""

    code: str
    name: str
    period: Period


def named(code: str) -> Period:
    """The period for a code such as `2025-26` (a financial year) or `2025-26-q2`."""
    parts = code.split("-")
    valid = (
        len(parts) in (2, 3)
        and all(part.isascii() and part.isalnum() for part in parts)
        and parts[0].isdigit()
        and len(parts[0]) == 4
        and parts[1] == f"{(int(parts[0]) + 1) % 100:02d}"
    )
    if not valid:
        raise PeriodError("Choose a financial year or quarter from the list")
    first_year = int(parts[0])
    if len(parts) == 2:
        return financial_year(first_year)
    if parts[2] not in ("q1", "q2", "q3", "q4"):
        raise PeriodError("Choose a financial year or quarter from the list")
    return quarter(first_year, int(parts[2][1]))


def recent(today: date, years: int = 4) -> list[NamedPeriod]:
    """This financial year and the ones before it, each followed by its quarters that have
    begun, newest first."""
    offered: list[NamedPeriod] = []
    newest = financial_year_of(today)
    for first_year in range(newest, newest - years, -1):
        code = f"{first_year}-{(first_year + 1) % 100:02d}"
        offered.append(NamedPeriod(code, f"Financial year {code}", financial_year(first_year)))
        for number in range(4, 0, -1):
            period = quarter(first_year, number)
            if period.start <= today:
                months = f"{QUARTER_MONTHS[number]} {period.start.year}"
                name = f"Quarter {number} of {code} ({months})"
                offered.append(NamedPeriod(f"{code}-q{number}", name, period))
    return offered
