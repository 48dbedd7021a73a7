"""When a complaint's clock starts: the day it counts as received.

The COMPLAINT_CLOCK_STARTS setting chooses the convention. `next-working-day` (the default):
a complaint received inside office hours (COMPLAINT_OFFICE_HOURS, UK time, 09:00-17:00 unless
set) on a working day is received that day; one received outside them (before opening too),
at a weekend or on a bank holiday is received on the next working day. `day-received`: the
UK date it arrived, whatever the hour.
"""

from datetime import date, datetime, time, timedelta

from flask import current_app

from app.services.common import UK_TIME, nation
from app.services.complaints import deadlines as wd

NEXT_WORKING_DAY = "next-working-day"
DAY_RECEIVED = "day-received"
CONVENTIONS = (NEXT_WORKING_DAY, DAY_RECEIVED)
DEFAULT_OFFICE_HOURS = "09:00-17:00"


def office_hours(setting: str) -> tuple[time, time]:
    """Office hours from a setting such as "09:00-17:00"; a malformed one is a config error."""
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in setting.split("-"))
    except ValueError:
        raise ValueError(
            f"COMPLAINT_OFFICE_HOURS must look like {DEFAULT_OFFICE_HOURS}, not {setting!r}"
        ) from None
    if opens >= closes:
        raise ValueError("COMPLAINT_OFFICE_HOURS must open before it closes")
    return opens, closes


def counts_as_received(
    moment: datetime, convention: str, hours: tuple[time, time], nation_code: str
) -> date:
    """The day a complaint that arrived at `moment` counts as received."""
    if convention not in CONVENTIONS:
        raise ValueError(f"COMPLAINT_CLOCK_STARTS must be one of {', '.join(CONVENTIONS)}")
    local = moment.astimezone(UK_TIME)
    day = local.date()
    if convention == DAY_RECEIVED:
        return day
    opens, closes = hours
    if wd.is_working_day(day, nation_code) and opens <= local.time() < closes:
        return day
    following = day + timedelta(days=1)
    while not wd.is_working_day(following, nation_code):
        following += timedelta(days=1)
    return following


def clock_starts(moment: datetime) -> date:
    """The day a complaint that arrived at `moment` counts as received, under the settings."""
    config = current_app.config
    return counts_as_received(
        moment,
        str(config.get("COMPLAINT_CLOCK_STARTS", NEXT_WORKING_DAY)),
        office_hours(str(config.get("COMPLAINT_OFFICE_HOURS", DEFAULT_OFFICE_HOURS))),
        nation(),
    )
