"""Learning points: only from a stage with its outcome, themes from the taxonomy, audited."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ComplaintOutcome, LearningPoint, StaffRole, Team
from app.services.classification import themes as classification_themes
from app.services.complaints import learning as complaint_learning
from app.services.complaints import stages
from app.services.complaints.stages import ComplaintRuleError
from tests.factories import FeedbackItemFactory, StaffUserFactory, TeamFactory


@pytest.fixture
def closed_stage(app, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))
    team = Team(name="North")
    db.session.add(team)
    item = FeedbackItemFactory(created_at=datetime(2025, 12, 19, 10, tzinfo=UTC), team=team)
    item.themes = ["delay", "safeguarding", "communication"]
    db.session.commit()
    stage = stages.open_stage_one(item)
    stages.record_outcome(
        stage, StaffUserFactory(), ComplaintOutcome.UPHELD, None, date(2026, 1, 9)
    )
    return stage


def test_an_open_stage_has_no_learning_points_yet(app):
    stage = stages.open_stage_one(FeedbackItemFactory())
    with pytest.raises(ComplaintRuleError, match="outcome"):
        complaint_learning.record(stage, StaffUserFactory(), "Call back within a day")


def test_default_themes_are_the_items_taxonomy_themes_in_taxonomy_order(closed_stage):
    assert complaint_learning.default_themes(closed_stage.feedback_item) == [
        "communication",
        "delay",
    ]
    assert list(classification_themes.taxonomy_themes())[:3] == ["communication", "bias", "delay"]
    assert "safeguarding" not in classification_themes.taxonomy_themes()


def test_a_learning_point_with_an_action_is_recorded_done_and_audited(closed_stage):
    officer = StaffUserFactory()
    owner = StaffUserFactory(role=StaffRole.MANAGER)
    point = complaint_learning.record(
        closed_stage,
        officer,
        "  Letters went unanswered for weeks  ",
        "Answer every letter within 5 working days",
        owner,
        date(2026, 3, 1),
        ["delay", "communication"],
        closed_stage.team,
        ip="192.0.2.1",
    )
    assert point.lesson == "Letters went unanswered for weeks"
    assert point.themes == ["communication", "delay"]
    assert point.team.name == "North" and point.owner_id == owner.id and not point.done
    complaint_learning.mark_done(point, officer)
    assert point.done_on == date(2026, 1, 20)
    with pytest.raises(ComplaintRuleError, match="done already"):
        complaint_learning.mark_done(point, officer)
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    learning = [e for e in events if e.object_type == "learning_point"]
    assert [e.action for e in learning] == [
        "complaint_learning_recorded",
        "complaint_learning_done",
    ]
    assert "Letters" not in str(learning[0].detail)
    assert learning[0].detail["themes"] == ["communication", "delay"]


@pytest.mark.parametrize(
    ("lesson", "action", "due", "themes", "message"),
    [
        ("   ", None, None, [], "Say what was learned"),
        ("x" * 2001, None, None, [], "2000 characters"),
        ("Lesson", "y" * 2001, None, [], "2000 characters"),
        ("Lesson", None, date(2026, 3, 1), [], "Say what the action is"),
        ("Lesson", "Act", date(2026, 1, 1), [], "before the stage's response"),
        ("Lesson", None, None, ["not_a_theme"], "Choose themes from the list"),
    ],
)
def test_bad_learning_points_are_refused(closed_stage, lesson, action, due, themes, message):
    with pytest.raises(ComplaintRuleError, match=message):
        complaint_learning.record(
            closed_stage, StaffUserFactory(), lesson, action, None, due, themes
        )
    db.session.rollback()
    assert db.session.execute(select(LearningPoint)).first() is None


def test_a_point_without_an_action_cannot_be_done_and_no_future_dates(closed_stage):
    officer = StaffUserFactory()
    bare = complaint_learning.record(closed_stage, officer, "Explain the process at the start")
    with pytest.raises(ComplaintRuleError, match="no action"):
        complaint_learning.mark_done(bare, officer)
    acted = complaint_learning.record(closed_stage, officer, "Lesson", "Train the team")
    with pytest.raises(ComplaintRuleError, match="future"):
        complaint_learning.mark_done(acted, officer, date(2026, 2, 1))


def test_the_log_filters_by_team_and_puts_open_actions_first(closed_stage):
    officer = StaffUserFactory()
    south = TeamFactory(name="South")
    plain = complaint_learning.record(closed_stage, officer, "No action needed", team=south)
    later = complaint_learning.record(
        closed_stage, officer, "L1", "A1", due_on=date(2026, 4, 1), team=closed_stage.team
    )
    sooner = complaint_learning.record(
        closed_stage, officer, "L2", "A2", due_on=date(2026, 2, 1), team=closed_stage.team
    )
    done = complaint_learning.record(closed_stage, officer, "L3", "A3", team=closed_stage.team)
    complaint_learning.mark_done(done, officer)
    assert complaint_learning.log() == [sooner, later, done, plain]
    assert complaint_learning.log(team_id=south.id) == [plain]
    assert complaint_learning.log(open_actions_only=True) == [sooner, later]


def test_the_log_comes_a_page_at_a_time_in_the_same_order(closed_stage, monkeypatch):
    monkeypatch.setattr(complaint_learning, "PER_PAGE", 3)
    officer = StaffUserFactory()
    undated = complaint_learning.record(closed_stage, officer, "L0", "A0")
    dated = [
        complaint_learning.record(
            closed_stage, officer, f"L{day}", f"A{day}", due_on=date(2026, 3, day)
        )
        for day in (9, 2, 5)
    ]
    plain = [complaint_learning.record(closed_stage, officer, f"P{n}") for n in range(3)]
    whole = complaint_learning.log()
    assert whole == [dated[1], dated[2], dated[0], undated, *reversed(plain)]

    pages = [complaint_learning.log_page(page=n) for n in (1, 2, 3, 4)]

    assert [p.points for p in pages[:3]] == [whole[:3], whole[3:6], whole[6:]]
    assert [p.has_next for p in pages] == [True, True, False, False]
    assert pages[3].points == [] and all(p.open_actions == 4 for p in pages)
    assert complaint_learning.log_page(open_actions_only=True, page=2).points == [undated]
