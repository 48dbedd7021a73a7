"""Deadline nudges and overdue warnings, run by an in-process RQ worker on a fixed date and
sent as real emails to a local SMTP server."""

from datetime import UTC, date, datetime

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from app.extensions import db
from app.models import (
    ComplaintOutcome,
    ComplaintStage,
    Direction,
    Message,
    StaffRole,
)
from app.services.complaints import stages
from app.services.complaints.reminders import send_reminders
from tests.factories import FeedbackItemFactory, StaffUserFactory, TeamFactory

HEAD = "head.of.service@council.example"
TEXT = "My son's report called him by the wrong name"


@pytest.fixture
def setup(make_app, smtp_server, redis, redis_url):
    captured, smtp = smtp_server
    app = make_app(REDIS_URL=redis_url, HEAD_OF_SERVICE_EMAIL=HEAD, **smtp)
    with app.app_context():
        manager = StaffUserFactory(
            email="manager@council.example", name="Morgan Manager", role=StaffRole.MANAGER
        )
        item = FeedbackItemFactory(
            reference="HD-7777-TEST",
            created_at=datetime(2025, 12, 19, 10, tzinfo=UTC),
            team=TeamFactory(name="North"),
        )
        # Received 19 December 2025: Stage 1 is due on 7 January 2026.
        stage = stages.open_stage_one(item)
        stage.manager_id = manager.id
        db.session.commit()
        yield app, captured, stage.id, redis


def run_worker(redis, today: date) -> None:
    from app.jobs.complaints import send_complaint_reminders

    send_complaint_reminders.delay(today.isoformat())
    queues = [Queue(name, connection=redis) for name in ("periodic", "outbound")]
    SimpleWorker(queues, connection=redis).work(burst=True)


def test_nudge_weekly_then_overdue_warnings_to_manager_and_head_of_service(setup):
    _app, captured, stage_id, redis = setup
    run_worker(redis, date(2025, 12, 24))  # 6 working days left: nothing yet
    assert captured.messages == []

    run_worker(redis, date(2025, 12, 30))  # 5 working days left
    assert sorted(m["To"] for m in captured.messages) == [HEAD, "manager@council.example"]
    nudge = captured.messages[0]
    assert nudge["Subject"] == "Due soon: complaint HD-7777-TEST, Stage 1 response"
    body = nudge.get_body(("plain",)).get_content()
    assert "7 January 2026" in body and "5 working day(s) left" in body
    assert f"/staff/items/{db.session.get(ComplaintStage, stage_id).feedback_item_id}" in body
    assert TEXT not in body

    run_worker(redis, date(2025, 12, 31))
    run_worker(redis, date(2026, 1, 5))  # inside the week since the nudge
    assert len(captured.messages) == 2
    run_worker(redis, date(2026, 1, 6))  # a week on, still not answered
    assert len(captured.messages) == 4

    run_worker(redis, date(2026, 1, 8))
    assert len(captured.messages) == 6
    assert captured.messages[-1]["Subject"].startswith("Overdue: complaint HD-7777-TEST")

    run_worker(redis, date(2026, 1, 14))
    assert len(captured.messages) == 6
    run_worker(redis, date(2026, 1, 15))
    assert len(captured.messages) == 8

    db.session.expire_all()
    stored = db.session.execute(
        select(Message).where(Message.direction == Direction.OUTBOUND)
    ).scalars()
    assert {m.delivery_status for m in stored} == {"sent"}


def test_no_reminders_at_weekends_or_once_answered(setup):
    _app, _captured, stage_id, _redis = setup
    assert send_reminders(date(2026, 1, 10)) == 0  # a Saturday
    stage = db.session.get(ComplaintStage, stage_id)
    stage.responded_on, stage.outcome = date(2026, 1, 7), ComplaintOutcome.UPHELD
    db.session.commit()
    assert send_reminders(date(2026, 1, 12)) == 0


def test_an_extension_moves_the_clock_and_the_nudges_with_it(setup, monkeypatch):
    _app, _captured, stage_id, _redis = setup
    assert send_reminders(date(2025, 12, 30)) == 2
    monkeypatch.setattr(stages, "today", lambda: date(2025, 12, 30))
    stage = db.session.get(ComplaintStage, stage_id)
    stages.extend(stage, stage.manager, "Waiting for the court bundle")
    assert send_reminders(date(2026, 1, 8)) == 0  # extended to 21 January: 9 left
    assert send_reminders(date(2026, 1, 14)) == 2  # 5 left of the new deadline
