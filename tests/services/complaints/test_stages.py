"""The complaint stages: clocks from the received date, and the regulations' rules."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ComplaintOutcome,
    ComplaintStage,
    FeedbackKind,
    Team,
)
from app.services.complaints import due, stages
from app.services.complaints.stages import ComplaintRuleError
from tests.factories import FeedbackItemFactory, StaffUserFactory

# The day most complaints here arrived: a Friday, before the Christmas bank holidays.
RECEIVED = datetime(2025, 12, 19, 10, tzinfo=UTC)


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_stage_1_opens_from_the_received_date_in_london(app):
    team = Team(name="North")
    db.session.add(team)
    # 16:30 UTC on 18 December 2025 is 16:30 in London (GMT): inside office hours.
    item = FeedbackItemFactory(created_at=datetime(2025, 12, 18, 16, 30, tzinfo=UTC), team=team)
    stage = stages.open_stage_one(item)
    assert stage.received_on == date(2025, 12, 18)
    assert stage.due_on == date(2026, 1, 6)
    assert stage.team_id == team.id
    assert stages.open_stage_one(item).id == stage.id
    assert db.session.execute(select(ComplaintStage)).scalars().all() == [stage]


def test_only_complaints_get_stages_and_the_sweep_opens_missing_ones(app):
    assert stages.open_stage_one(FeedbackItemFactory(kind=FeedbackKind.COMPLIMENT)) is None
    FeedbackItemFactory(created_at=datetime(2026, 3, 30, 9, tzinfo=UTC))
    assert stages.open_missing_stage_ones() == 1
    assert stages.open_missing_stage_ones() == 0
    stage = db.session.execute(select(ComplaintStage)).scalar_one()
    assert stage.due_on == date(2026, 4, 15)  # over Easter 2026


def test_acknowledge_extend_respond_and_escalate_are_audited(app, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))
    officer = StaffUserFactory()
    stage = stages.open_stage_one(FeedbackItemFactory(created_at=RECEIVED))
    stages.acknowledge(stage, officer)
    with pytest.raises(ComplaintRuleError, match="acknowledged already"):
        stages.acknowledge(stage, officer)
    with pytest.raises(ComplaintRuleError, match="Say why"):
        stages.extend(stage, officer, "   ")
    assert stages.extend(stage, officer, "Waiting for the social worker") == date(2026, 1, 21)
    with pytest.raises(ComplaintRuleError, match="all the extension"):
        stages.extend(stage, officer, "Again")
    stages.record_outcome(
        stage, officer, ComplaintOutcome.PARTIALLY_UPHELD, None, date(2026, 1, 20)
    )
    with pytest.raises(ComplaintRuleError, match="response already"):
        stages.extend(stage, officer, "Late")
    stage_two = stages.escalate(stage, officer, date(2026, 1, 20))
    db.session.commit()
    assert (stage_two.stage, stage_two.received_on) == (2, date(2026, 1, 20))
    assert stage_two.due_on == date(2026, 2, 24)  # 25 working days
    assert actions() == [
        "complaint_acknowledged",
        "complaint_extended",
        "complaint_outcome_recorded",
        "complaint_escalated",
    ]
    extended = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "complaint_extended")
    ).scalar_one()
    assert extended.detail["reason"] == "Waiting for the social worker"
    assert extended.staff_user_id == officer.id


def test_escalation_only_within_twenty_working_days_of_the_response(app, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 3, 1))
    officer = StaffUserFactory()
    stage = stages.open_stage_one(FeedbackItemFactory(created_at=RECEIVED))
    with pytest.raises(ComplaintRuleError, match="Record this stage"):
        stages.escalate(stage, officer, date(2026, 1, 2))
    stages.record_outcome(stage, officer, ComplaintOutcome.NOT_UPHELD, None, date(2025, 12, 19))
    assert stages.escalation_closes(stage) == date(2026, 1, 21)
    with pytest.raises(ComplaintRuleError, match="within 20 working days"):
        stages.escalate(stage, officer, date(2026, 1, 22))
    assert stages.escalate(stage, officer, date(2026, 1, 21)).stage == 2
    assert stages.escalation_closes(stage) is None


def test_a_withdrawal_needs_a_reason_and_cannot_be_escalated(app, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 5))
    officer = StaffUserFactory()
    stage = stages.open_stage_one(FeedbackItemFactory(created_at=RECEIVED))
    with pytest.raises(ComplaintRuleError, match="withdrawn"):
        stages.record_outcome(stage, officer, ComplaintOutcome.WITHDRAWN, "")
    with pytest.raises(ComplaintRuleError, match="future"):
        stages.record_outcome(stage, officer, ComplaintOutcome.UPHELD, None, date(2026, 1, 6))
    stages.record_outcome(stage, officer, ComplaintOutcome.WITHDRAWN, "Resolved by phone")
    assert stage.outcome_reason == "Resolved by phone"
    with pytest.raises(ComplaintRuleError, match="cannot be escalated"):
        stages.escalate(stage, officer, date(2026, 1, 5))


def test_stage_2_extends_up_to_65_days_and_stage_3_runs_three_clocks(app, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 12, 1))
    officer = StaffUserFactory()
    stage_one = stages.open_stage_one(
        FeedbackItemFactory(created_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    )
    stages.record_outcome(stage_one, officer, ComplaintOutcome.NOT_UPHELD, None, date(2026, 1, 9))
    stage_two = stages.escalate(stage_one, officer, date(2026, 1, 12))
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))
    with pytest.raises(ComplaintRuleError, match="from 26 to 65"):
        stages.extend(stage_two, officer, "Investigator ill", working_days=66)
    stages.extend(stage_two, officer, "Investigator ill", working_days=40)
    assert stages.can_extend(stage_two)
    stages.extend(stage_two, officer, "Still ill")
    assert not stages.can_extend(stage_two)
    monkeypatch.setattr(stages, "today", lambda: date(2026, 12, 1))
    stages.record_outcome(stage_two, officer, ComplaintOutcome.UPHELD, None, date(2026, 4, 1))
    stage_three = stages.escalate(stage_two, officer, date(2026, 4, 2))
    assert stages.deadline(stage_three) == stages.Deadline(
        "panel", date(2026, 5, 19)
    )  # Easter and 4 May
    with pytest.raises(ComplaintRuleError, match="cannot be extended"):
        stages.extend(stage_three, officer, "More time")
    stages.record_panel(stage_three, officer, date(2026, 5, 11))
    assert stages.deadline(stage_three) == stages.Deadline("recommendations", date(2026, 5, 18))
    stages.record_recommendations(stage_three, officer, date(2026, 5, 15))
    assert stages.deadline(stage_three).due == date(2026, 6, 8)  # 25 May is a bank holiday
    stages.record_outcome(stage_three, officer, ComplaintOutcome.UPHELD, None)
    with pytest.raises(ComplaintRuleError, match="Ombudsman"):
        stages.escalate(stage_three, officer, date(2026, 12, 1))


def test_due_this_week_lists_open_stages_soonest_first(app):
    north, south = Team(name="North"), Team(name="South")
    db.session.add_all([north, south])
    late = stages.open_stage_one(
        FeedbackItemFactory(created_at=datetime(2026, 1, 5, 10, tzinfo=UTC), team=north)
    )
    soon = stages.open_stage_one(
        FeedbackItemFactory(created_at=datetime(2026, 1, 7, 10, tzinfo=UTC), team=south)
    )
    stages.open_stage_one(
        FeedbackItemFactory(created_at=datetime(2026, 3, 2, 10, tzinfo=UTC), team=north)
    )
    week = due.due_this_week(date(2026, 1, 28))
    assert [r.item for r in week.overdue] == [late.feedback_item, soon.feedback_item]
    assert week.due == []
    south_only = due.due_this_week(date(2026, 1, 28), due.DueFilters(team_id=south.id))
    assert [r.item for r in south_only.overdue] == [soon.feedback_item]
    assert stages.days_left(late, date(2026, 1, 16)) == 1
    assert stages.days_left(late, date(2026, 1, 21)) == -2
