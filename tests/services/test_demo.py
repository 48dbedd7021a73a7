from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import FeedbackItem, Message, Team
from app.services.demo import load_demo


def test_the_demo_spans_kinds_channels_teams_and_a_year(app):
    load_demo(items=200, seed=7)

    assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 200
    kinds = set(db.session.scalars(select(FeedbackItem.kind)))
    assert kinds == {"complaint", "compliment", "comment", "audit"}
    channels = set(db.session.scalars(select(Message.channel)))
    assert {"web_child", "web_adult", "sms", "email"} <= channels
    assert db.session.scalar(select(func.count()).select_from(Team)) == 8
    oldest = db.session.scalar(select(func.min(Message.received_at)))
    assert oldest < datetime.now(UTC) - timedelta(days=270)


def test_loading_the_demo_twice_adds_nothing(app):
    load_demo(items=50, seed=7)
    assert load_demo(items=50, seed=7)[0].startswith("Loaded 0 new")
    assert db.session.scalar(select(func.count()).select_from(Message)) == 50
