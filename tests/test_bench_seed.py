"""The benchmark seeder (benchmarks/seed.py) at a small scale: its COPY fits the migrated
schema, its rows hang together, and the staff pages' services find exactly the open work
it was asked for."""

import importlib.util
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.extensions import db
from app.models import ComplaintStage, FeedbackItem, Message, SafeguardingAlert
from app.services.complaints.due import due_this_week
from app.services.safeguarding.queue import QueueFilters
from app.services.safeguarding.queue import build as build_queue
from tests.conftest import TEST_DATABASE_URL

SEED_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "seed.py"


def _seed_module():
    spec = importlib.util.spec_from_file_location("benchmark_seed", SEED_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_seed"] = module
    spec.loader.exec_module(module)
    return module


def test_a_small_seed_copies_into_the_schema_with_exactly_the_open_work_asked_for(
    app: Flask,
) -> None:
    seed = _seed_module()
    # A Wednesday: some open stages are due later this week, some are overdue.
    now = datetime(2026, 12, 9, 10, 30, tzinfo=UTC)
    plan = seed.Plan(
        items=300,
        first_day=date(2024, 12, 9),
        days=730,
        now=now,
        open_stages=40,
        open_alerts=10,
    )
    address = make_url(TEST_DATABASE_URL).set(drivername="postgresql")
    counts = seed.load(
        address.render_as_string(hide_password=False), seed.Maker(plan, "not-a-real-hash")
    )

    assert counts["feedback_item"] == 300
    assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 300
    open_stages = db.session.scalars(
        select(ComplaintStage).where(ComplaintStage.responded_on.is_(None))
    ).all()
    assert len(open_stages) == 40
    assert {s.stage for s in open_stages} == {1, 2, 3}
    # Nothing is dated after the plan's present, and every message belongs to a stored item.
    assert db.session.scalar(select(func.max(FeedbackItem.created_at))) <= now
    assert db.session.scalar(select(func.max(Message.received_at))) <= now
    assert db.session.scalar(select(func.max(ComplaintStage.acknowledged_at))) <= now
    orphans = select(func.count()).where(
        ~select(FeedbackItem.id).where(FeedbackItem.id == Message.feedback_item_id).exists()
    )
    assert db.session.scalar(orphans.select_from(Message)) == 0

    week = due_this_week(plan.today)
    assert len(week.due) + len(week.overdue) == 40
    assert week.due and week.overdue
    assert all(row.stage is not None for row in week.due + week.overdue)

    queue = build_queue(QueueFilters(), now)
    assert queue.waiting == 10
    flagged = db.session.scalars(
        select(SafeguardingAlert).where(SafeguardingAlert.status == "open")
    ).all()
    assert all(a.message_id is not None and a.acknowledged_at is None for a in flagged)
