"""Each stage's stored next deadline (`next_due_on`) stays what `stages.deadline` says after
every write that can move it: opening, acknowledging, extending, a panel and its
recommendations, an owner, an answer, a withdrawal, an escalation; and after a change of the
nation's calendar once refreshed. Each check reads the stored date back from the database."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ComplaintOutcome, ComplaintStage, StaffRole
from app.services.complaints import stages
from tests.factories import (
    ComplaintStageFactory,
    FeedbackItemFactory,
    StaffUserFactory,
    TeamFactory,
)

# A Friday before the Christmas bank holidays: Stage 1 (10 working days) is due 7 January.
RECEIVED = datetime(2025, 12, 19, 10, tzinfo=UTC)


def stored(stage: ComplaintStage) -> date | None:
    """The next deadline as the database holds it, not as the object in memory says."""
    db.session.commit()
    return db.session.execute(
        select(ComplaintStage.next_due_on).where(ComplaintStage.id == stage.id)
    ).scalar_one()


def in_step(stage: ComplaintStage) -> date | None:
    """The stored next deadline, checked against the deadline rule worked out afresh."""
    found = stored(stage)
    assert found == (None if stage.responded_on else stages.deadline(stage).due)
    return found


@pytest.fixture
def officer(app):
    return StaffUserFactory(role=StaffRole.COMPLAINTS_OFFICER)


def test_opening_acknowledging_extending_and_answering_keep_it(app, officer, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 5))
    stage = stages.open_stage_one(FeedbackItemFactory(created_at=RECEIVED))
    assert in_step(stage) == date(2026, 1, 7)
    stages.acknowledge(stage, officer)
    assert in_step(stage) == date(2026, 1, 7)
    stages.set_owner(stage, officer, TeamFactory(), officer)
    assert in_step(stage) == date(2026, 1, 7)
    # Stage 1's one extension goes to 20 working days from receipt.
    assert stages.extend(stage, officer, "The social worker is away") == date(2026, 1, 21)
    assert in_step(stage) == date(2026, 1, 21)
    stages.record_outcome(stage, officer, ComplaintOutcome.UPHELD, None, date(2026, 1, 5))
    assert in_step(stage) is None


def test_a_withdrawal_clears_it(app, officer, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 5))
    stage = stages.open_stage_one(FeedbackItemFactory(created_at=RECEIVED))
    stages.withdraw(stage, officer, "Sorted out by phone")
    assert in_step(stage) is None


def test_escalating_opens_the_next_stage_with_its_own_and_the_panel_moves_it(
    app, officer, monkeypatch
):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 12, 1))
    stage_one = stages.open_stage_one(
        FeedbackItemFactory(created_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    )
    stages.record_outcome(stage_one, officer, ComplaintOutcome.NOT_UPHELD, None, date(2026, 1, 9))
    stage_two = stages.escalate(stage_one, officer, date(2026, 1, 12))
    assert in_step(stage_one) is None
    assert in_step(stage_two) == date(2026, 2, 16)  # 25 working days
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))
    stages.extend(stage_two, officer, "Investigator ill", working_days=40)
    assert in_step(stage_two) == date(2026, 3, 9)
    monkeypatch.setattr(stages, "today", lambda: date(2026, 12, 1))
    stages.record_outcome(stage_two, officer, ComplaintOutcome.UPHELD, None, date(2026, 4, 1))
    stage_three = stages.escalate(stage_two, officer, date(2026, 4, 2))
    assert in_step(stage_three) == date(2026, 5, 19)  # the panel: over Easter and 4 May
    stages.record_panel(stage_three, officer, date(2026, 5, 11))
    assert in_step(stage_three) == date(2026, 5, 18)  # recommendations, 5 working days
    stages.record_recommendations(stage_three, officer, date(2026, 5, 15))
    assert in_step(stage_three) == date(2026, 6, 8)  # final response; 25 May a bank holiday
    stages.record_outcome(stage_three, officer, ComplaintOutcome.UPHELD, None)
    assert in_step(stage_three) is None


def test_a_stage_written_directly_gets_it_too(app):
    stage = ComplaintStageFactory(received_on=date(2026, 10, 1), due_on=date(2026, 11, 2))
    assert in_step(stage) == date(2026, 11, 2)
    stage.extended_due_on = date(2026, 11, 30)
    assert in_step(stage) == date(2026, 11, 30)
    answered = ComplaintStageFactory(due_on=date(2026, 11, 2), responded_on=date(2026, 11, 1))
    assert in_step(answered) is None


def test_the_database_refuses_an_open_stage_without_one(app):
    stage = ComplaintStageFactory(received_on=date(2026, 10, 1), due_on=date(2026, 11, 2))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE complaint_stage SET next_due_on = NULL WHERE id = :id"), {"id": stage.id}
        )
    db.session.rollback()


def test_refreshing_after_a_change_of_nation_or_regime_moves_what_changed(make_app):
    """A review panel that met on Monday 16 March 2026 owes its recommendations 5 working days
    later: the 23rd in England, the 24th in Northern Ireland (St Patrick's Day, the 17th, is a
    bank holiday there only). Under the Welsh rules there is no panel: the stage's own date."""
    app = make_app(NATION="ENG")
    with app.app_context():
        panel = ComplaintStageFactory(
            stage=3,
            received_on=date(2026, 2, 2),
            due_on=date(2026, 3, 16),
            panel_held_on=date(2026, 3, 16),
        )
        stage_one = ComplaintStageFactory(received_on=date(2026, 3, 2), due_on=date(2026, 3, 16))
        answered = ComplaintStageFactory(due_on=date(2026, 3, 2), responded_on=date(2026, 3, 2))
        assert stored(panel) == date(2026, 3, 23)
        app.config["NATION"] = "NIR"
        assert stages.refresh_next_deadlines() == 1
        assert in_step(panel) == date(2026, 3, 24)
        app.config["COMPLAINTS_REGIME"] = "wales-children"
        assert stages.refresh_next_deadlines() == 1
        assert in_step(panel) == date(2026, 3, 16)
        assert in_step(stage_one) == date(2026, 3, 16)
        assert in_step(answered) is None
