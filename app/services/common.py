"""What every part of the services shares: the UK clock, ids that can exist, cells safe to open
in a spreadsheet, and `Refusal`, the one type for "the rules do not allow this".

It imports nothing from the rest of Heard but the database and models.
"""

from datetime import UTC, date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask import current_app

from app.database import utcnow
from app.extensions import db

# The UK's clock: days, months and working hours are counted in it, whatever the server's.
UK_TIME = ZoneInfo("Europe/London")

# Ids are PostgreSQL integers: a larger one cannot exist, and must not reach a query.
MAX_ID = 2**31 - 1

T = TypeVar("T")


class Refusal(ValueError):
    """A request the rules do not allow, with the reason in words for the person who asked.
    Every refusal a service raises is one of these, so a page shows any of them the same way
    (a ValueError, as most of them were before they shared this base)."""


def uk_date(moment: datetime) -> date:
    """The date it was in the UK at a moment, which is the day something counts as received."""
    return moment.astimezone(UK_TIME).date()


def uk_today() -> date:
    """Today's date in the UK."""
    return uk_date(utcnow())


def nation() -> str:
    """The UK nation Heard serves (ENG, WLS, SCT or NIR): whose bank holidays count."""
    return str(current_app.config["NATION"])


def uk_midnight(day: date) -> datetime:
    """The moment a UK calendar day begins, in UTC (as the database keeps times)."""
    return datetime.combine(day, time.min, tzinfo=UK_TIME).astimezone(UTC)


def can_exist(object_id: int) -> bool:
    """Whether an id is one the database could hold."""
    return 0 < object_id <= MAX_ID


def get_by_id(model: type[T], object_id: int) -> T | None:
    """The row with this id, or None, without asking the database for an id that cannot be."""
    return db.session.get(model, object_id) if can_exist(object_id) else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value as a cell a spreadsheet shows as text: one that would start a formula (`=`, `+`,
    `-`, `@`, or a tab or carriage return before one) gets a leading quote, so text from
    feedback cannot fetch a link or run a command on the reader's machine."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
