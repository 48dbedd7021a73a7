"""Working days on real UK calendars, and properties that must hold for any date."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.common import uk_date
from app.services.complaints.deadlines import (
    NATIONS,
    add_working_days,
    is_working_day,
    within_working_days,
    working_days_until,
)
from app.services.complaints.regimes import ENGLAND_CHILDREN

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
nations = st.sampled_from(NATIONS)
counts = st.integers(min_value=0, max_value=70)


def test_stage_1_from_19_december_2025_skips_christmas_boxing_day_and_new_year():
    due = add_working_days(date(2025, 12, 19), ENGLAND_CHILDREN.stage(1).working_days, "ENG")
    # 22, 23, 24, 29, 30, 31 December, then 2, 5, 6, 7 January.
    assert due == date(2026, 1, 7)
    skipped = [date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)]
    assert not any(is_working_day(day, "ENG") for day in skipped)


def test_stage_1_spanning_easter_2026_skips_good_friday_and_easter_monday():
    # Received Monday 30 March 2026; Good Friday 3 April, Easter Monday 6 April.
    assert add_working_days(
        date(2026, 3, 30), ENGLAND_CHILDREN.stage(1).working_days, "ENG"
    ) == date(2026, 4, 15)


def test_stage_1_spanning_the_coronation_bank_holiday_of_8_may_2023():
    assert not is_working_day(date(2023, 5, 8), "ENG")
    # Received Friday 28 April 2023: 1 May (early May) and 8 May (coronation) are holidays.
    assert add_working_days(
        date(2023, 4, 28), ENGLAND_CHILDREN.stage(1).working_days, "ENG"
    ) == date(2023, 5, 16)


def test_northern_ireland_and_scotland_keep_their_own_holidays():
    assert not is_working_day(date(2026, 3, 17), "NIR")  # St Patrick's Day
    assert is_working_day(date(2026, 3, 17), "ENG")
    assert not is_working_day(date(2026, 1, 2), "SCT")
    assert is_working_day(date(2026, 1, 2), "WLS")


def test_an_unknown_nation_is_refused():
    with pytest.raises(ValueError, match="unknown UK nation"):
        is_working_day(date(2026, 1, 5), "XYZ")


def test_the_received_date_is_the_date_in_london():
    # 23:30 UTC on 30 June is already 1 July in British Summer Time.
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert uk_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)


def test_days_left_count_forwards_and_backwards():
    friday = date(2026, 11, 20)
    assert working_days_until(friday, date(2026, 11, 23)) == 1
    assert working_days_until(friday, friday) == 0
    assert working_days_until(date(2026, 11, 24), friday) == -2


def test_escalation_window_is_twenty_working_days_from_the_response():
    response = date(2025, 12, 19)
    assert within_working_days(response, date(2026, 1, 21), 20)
    assert not within_working_days(response, date(2026, 1, 22), 20)
    assert not within_working_days(response, date(2025, 12, 18), 20)


@given(start=days, count=st.integers(min_value=1, max_value=70), nation=nations)
def test_a_due_date_never_falls_on_a_weekend_or_holiday(start, count, nation):
    due = add_working_days(start, count, nation)
    assert due.weekday() < 5
    assert is_working_day(due, nation)
    assert working_days_until(start, due, nation) == count


@given(start=days, fewer=counts, more=counts, nation=nations)
def test_more_working_days_never_give_an_earlier_date(start, fewer, more, nation):
    fewer, more = sorted((fewer, more))
    assert add_working_days(start, more, nation) >= add_working_days(start, fewer, nation)


@given(start=days, nation=nations, gap=st.integers(min_value=0, max_value=6))
def test_a_later_receipt_never_gives_an_earlier_deadline(start, nation, gap):
    later = start + timedelta(days=gap)
    assert add_working_days(later, 10, nation) >= add_working_days(start, 10, nation)


@given(start=days, nation=nations, extra=st.integers(min_value=0, max_value=55))
def test_an_extension_never_shortens_a_deadline(start, nation, extra):
    due = add_working_days(start, ENGLAND_CHILDREN.stage(1).working_days, nation)
    extended = add_working_days(start, ENGLAND_CHILDREN.stage(1).working_days + extra, nation)
    assert extended >= due
    assert (
        add_working_days(start, ENGLAND_CHILDREN.stage(1).extension.most_working_days, nation) > due
    )


def _one_day_at_a_time(start: date, days: int, nation: str) -> date:
    """The plain reading of the rule, as an oracle: step a day, count it if it works."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        days -= is_working_day(current, nation)
    return current


@given(start=days, count=st.integers(min_value=0, max_value=800), nation=nations)
def test_the_calendar_worked_out_once_agrees_with_counting_day_by_day(start, count, nation):
    due = _one_day_at_a_time(start, count, nation)
    assert add_working_days(start, count, nation) == due
    span = (due - start).days
    assert working_days_until(start, due, nation) == sum(
        is_working_day(start + timedelta(days=n), nation) for n in range(1, span + 1)
    )
    assert working_days_until(due, start, nation) == -working_days_until(start, due, nation)


def test_years_apart_are_counted_across_every_year_between():
    # Overdue for years: every working day of 2024 and 2025 (254 + 253 in England and Wales)
    # and of 2026 up to 2 January (one: the 2nd; the 1st is a bank holiday).
    assert working_days_until(date(2026, 1, 2), date(2023, 12, 31)) == -(254 + 253 + 1)
    assert add_working_days(date(2023, 12, 31), 254 + 253 + 1) == date(2026, 1, 2)
