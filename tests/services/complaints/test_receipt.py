"""When a complaint's clock starts: after hours, weekends and bank holidays count as the next
working day by default; the other convention is the UK date it arrived."""

from datetime import UTC, date, datetime, time

import pytest

from app.services.complaints import receipt
from app.services.complaints.receipt import counts_as_received, office_hours

HOURS = (time(9), time(17))


@pytest.mark.parametrize(
    ("moment", "nation", "received"),
    [
        (datetime(2026, 11, 18, 10, tzinfo=UTC), "ENG", date(2026, 11, 18)),  # Wednesday 10:00
        (datetime(2026, 11, 18, 16, 59, tzinfo=UTC), "ENG", date(2026, 11, 18)),
        (datetime(2026, 11, 18, 17, tzinfo=UTC), "ENG", date(2026, 11, 19)),  # closing time
        (datetime(2026, 11, 18, 8, 30, tzinfo=UTC), "ENG", date(2026, 11, 19)),  # before opening
        (datetime(2026, 11, 20, 17, 30, tzinfo=UTC), "ENG", date(2026, 11, 23)),  # Friday 17:30
        (datetime(2026, 11, 21, 11, tzinfo=UTC), "ENG", date(2026, 11, 23)),  # Saturday
        (datetime(2026, 12, 24, 17, 30, tzinfo=UTC), "ENG", date(2026, 12, 29)),  # Christmas
        (datetime(2027, 1, 1, 11, tzinfo=UTC), "SCT", date(2027, 1, 5)),  # 1 and 2 Jan in Scotland
        (datetime(2027, 1, 1, 11, tzinfo=UTC), "ENG", date(2027, 1, 4)),
        # 16:30 UTC in June is 17:30 in London (BST): after hours.
        (datetime(2026, 6, 17, 16, 30, tzinfo=UTC), "ENG", date(2026, 6, 18)),
        # 23:30 UTC on 18 June is already 19 June in London, a Friday, at 00:30.
        (datetime(2026, 6, 18, 23, 30, tzinfo=UTC), "ENG", date(2026, 6, 22)),
    ],
)
def test_the_next_working_day_convention(moment, nation, received):
    assert counts_as_received(moment, receipt.NEXT_WORKING_DAY, HOURS, nation) == received


def test_the_day_received_convention_keeps_the_uk_date():
    saturday_night = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert counts_as_received(saturday_night, receipt.DAY_RECEIVED, HOURS, "ENG") == date(
        2026, 11, 21
    )


def test_settings_are_read_and_bad_ones_refused(make_app):
    app = make_app(COMPLAINT_CLOCK_STARTS="day-received", COMPLAINT_OFFICE_HOURS="08:00-18:00")
    with app.app_context():
        assert receipt.clock_starts(datetime(2026, 11, 21, 11, tzinfo=UTC)) == date(2026, 11, 21)
    assert office_hours("08:30-16:30") == (time(8, 30), time(16, 30))
    for bad in ("nine to five", "17:00-09:00", ""):
        with pytest.raises(ValueError, match="COMPLAINT_OFFICE_HOURS"):
            office_hours(bad)
    with pytest.raises(ValueError, match="COMPLAINT_CLOCK_STARTS"):
        counts_as_received(datetime(2026, 11, 18, tzinfo=UTC), "whenever", HOURS, "ENG")
