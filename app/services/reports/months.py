"""Calendar months as people in England count them, in Python and in SQL.

Timestamps are stored in UTC; a complaint sent at 00:30 on 1 April British Summer Time was
sent in April, though it is still 31 March in UTC. `london_month()` sorts a timestamp column
into its UK month inside the database, so reports can GROUP BY month on PostgreSQL (the
service) and SQLite (the embedded default) alike.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.services.common import UK_TIME


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month; `key` ("2026-03") is what `london_month()` gives in SQL."""

    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> "Month":
        """The UK month a moment falls in."""
        local = moment.astimezone(UK_TIME)
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, key: str) -> "Month":
        """A month from its key; ValueError for anything else."""
        digits = key[:4] + key[5:]
        if len(key) != 7 or key[4] != "-" or not (digits.isascii() and digits.isdigit()):
            raise ValueError(f"not a month: {key!r}")
        month = cls(int(key[:4]), int(key[5:]))
        if not 1 <= month.month <= 12 or month.year < 1:
            raise ValueError(f"not a month: {key!r}")
        return month

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def plus(self, months: int) -> "Month":
        """The month `months` later (earlier if negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def starts_at(self) -> datetime:
        """UK midnight at the start of the month, in UTC."""
        return datetime(self.year, self.month, 1, tzinfo=UK_TIME).astimezone(UTC)

    def financial_quarter(self) -> "Quarter":
        """The quarter of the financial year (April to March) the month is in."""
        shifted = self.plus(-3)
        return Quarter(shifted.year, (shifted.month - 1) // 3 + 1)


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of the financial year starting in April of `year`: Q1 is April to June."""

    year: int
    number: int

    @property
    def months(self) -> tuple[Month, Month, Month]:
        first = Month(self.year, 4).plus(3 * (self.number - 1))
        return first, first.plus(1), first.plus(2)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    def plus(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from first to last, both included."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = month.plus(1)
    return months


class london_month(FunctionElement[str]):
    """SQL: the UK month of a UTC timestamp column as "YYYY-MM" (named like the SQL
    functions it stands for)."""

    type = String()
    inherit_cache = True
    name = "london_month"


@compiles(london_month, "postgresql")
def _london_month_postgresql(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return f"to_char(timezone('Europe/London', {compiler.process(column, **kw)}), 'YYYY-MM')"


@compiles(london_month, "sqlite")
def _london_month_sqlite(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite has no time zones: British Summer Time runs from 01:00 UTC on the last Sunday of
    # March to 01:00 UTC on the last Sunday of October, and moves the clock on an hour.
    (column,) = element.clauses
    at = compiler.process(column, **kw)
    year = f"strftime('%Y', {at})"
    begins = f"datetime(date({year} || '-04-01', 'weekday 0', '-7 days'), '+1 hour')"
    ends = f"datetime(date({year} || '-11-01', 'weekday 0', '-7 days'), '+1 hour')"
    shift = f"CASE WHEN {at} >= {begins} AND {at} < {ends} THEN '+1 hour' ELSE '+0 hours' END"
    return f"strftime('%Y-%m', {at}, {shift})"


def month_index(column: Any, months: Sequence[Month]) -> ColumnElement[int]:
    """SQL: which of `months` (consecutive, in order) a UTC timestamp column falls in, as its
    index in the list; for rows already limited to those months.

    The UK months' boundaries are worked out here in Python (`Month.starts_at()`), so the
    database compares timestamps and converts no time zone; the comparisons are nested as a
    binary search, five for two years of months. Grouping by this small integer lets the
    database hash a few hundred groups instead of sorting every row by a month's name."""

    def bucket(low: int, high: int) -> ColumnElement[int]:
        if low == high:
            return literal(low, Integer)
        middle = (low + high + 1) // 2
        return case(
            (column < months[middle].starts_at(), bucket(low, middle - 1)),
            else_=bucket(middle, high),
        )

    if not months:
        raise ValueError("no months")
    return bucket(0, len(months) - 1)
