"""What the public forms promise: the Stage 1 date for a complaint, and the teams offered."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import FeedbackKind, Team
from app.services.intake.public_feedback import stage_one_due, team_names, uk_date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 20), date(2026, 12, 4)),  # a Friday: two full weeks
        (date(2026, 11, 21), date(2026, 12, 4)),  # a Saturday counts from Monday
        (date(2026, 12, 18), date(2027, 1, 6)),  # Christmas, Boxing Day (Monday 28th), New Year
        (date(2027, 3, 22), date(2027, 4, 7)),  # Good Friday and Easter Monday 2027
    ],
)
def test_a_complaint_is_due_a_stage_1_reply_in_ten_working_days(app, received, due):
    assert stage_one_due(FeedbackKind.COMPLAINT, received, "ENG") == due


def test_scotland_has_its_own_bank_holidays(app):
    # 2 January is a bank holiday in Scotland only.
    assert stage_one_due(FeedbackKind.COMPLAINT, date(2026, 12, 18), "SCT") == date(2027, 1, 7)


@pytest.mark.parametrize(
    "kind", [FeedbackKind.COMPLIMENT, FeedbackKind.COMMENT, FeedbackKind.AUDIT]
)
def test_only_complaints_have_a_stage_1_date(kind):
    assert stage_one_due(kind, date(2026, 11, 20)) is None


def test_the_day_received_is_the_day_in_the_uk():
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert uk_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)


def test_teams_are_offered_in_alphabetical_order(app):
    db.session.add_all([Team(name="York"), Team(name="Leeds"), Team(name="Bradford")])
    db.session.commit()

    assert team_names() == ["Bradford", "Leeds", "York"]
