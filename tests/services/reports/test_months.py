"""UK months in Python and in SQL, on PostgreSQL and on SQLite, across the clock changes."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from app.database import UTCDateTime
from app.extensions import db
from app.services.reports.months import Month, Quarter, london_month, months_between

# (UTC moment, its UK month): the last minutes of a month in UTC can be the next month in BST.
MOMENTS = [
    (datetime(2025, 3, 30, 0, 59, tzinfo=UTC), "2025-03"),
    (datetime(2025, 3, 31, 22, 59, tzinfo=UTC), "2025-03"),
    (datetime(2025, 3, 31, 23, 0, tzinfo=UTC), "2025-04"),
    (datetime(2025, 10, 31, 23, 30, tzinfo=UTC), "2025-10"),
    (datetime(2025, 12, 31, 23, 59, tzinfo=UTC), "2025-12"),
    (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "2026-01"),
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "2026-07"),
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10"),
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "2026-03"),
]


@pytest.mark.parametrize(("moment", "key"), MOMENTS)
def test_month_of_a_moment(moment: datetime, key: str) -> None:
    assert Month.of(moment).key == key


def test_london_month_in_postgresql(app) -> None:
    """The same months from the database's time zone rules."""
    for moment, key in MOMENTS:
        assert db.session.execute(select(london_month(moment))).scalar_one() == key


def test_london_month_in_sqlite() -> None:
    """SQLite has no time zones: the clock-change rule written in SQL gives the same months."""
    engine = create_engine("sqlite://")
    table = Table(
        "t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(insert(table), [{"at": moment} for moment, _ in MOMENTS])
        keys = connection.execute(select(london_month(table.c.at)).order_by(table.c.id))
        assert list(keys.scalars()) == [key for _, key in MOMENTS]


def test_month_arithmetic_and_parsing() -> None:
    assert Month(2026, 1).plus(-1) == Month(2025, 12)
    assert Month(2025, 12).plus(13) == Month(2027, 1)
    assert Month.parse("2026-03") == Month(2026, 3)
    full_width = "\uff12\uff10\uff12\uff16-03"
    for bad in ("2026-13", "2026-00", "26-03", "2026/03", full_width, "", "2026-3"):
        with pytest.raises(ValueError):
            Month.parse(bad)
    assert [m.key for m in months_between(Month(2025, 11), Month(2026, 2))] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_financial_quarters_start_in_april() -> None:
    assert Month(2026, 3).financial_quarter() == Quarter(2025, 4)
    assert Month(2026, 4).financial_quarter() == Quarter(2026, 1)
    assert Month(2025, 12).financial_quarter() == Quarter(2025, 3)
    assert Quarter(2025, 4).months == (Month(2026, 1), Month(2026, 2), Month(2026, 3))
    assert Quarter(2025, 1).plus(-1) == Quarter(2024, 4)
