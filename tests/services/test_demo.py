from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import ComplimentCredit, FeedbackItem, FeedbackKind, Message, Team
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
    # Most compliments are credited to their team, as a triager would confirm the suggestion,
    # so the compliments-by-team table has something to show.
    compliments = db.session.scalar(
        select(func.count()).where(FeedbackItem.kind == FeedbackKind.COMPLIMENT)
    )
    credited = db.session.scalar(select(func.count()).select_from(ComplimentCredit))
    assert compliments and 0.6 * compliments <= credited < compliments
    unmatched = db.session.scalar(
        select(func.count())
        .select_from(ComplimentCredit)
        .join(FeedbackItem, FeedbackItem.id == ComplimentCredit.feedback_item_id)
        .where(FeedbackItem.team_id != ComplimentCredit.team_id)
    )
    assert unmatched == 0


def test_loading_the_demo_twice_adds_nothing(app):
    load_demo(items=50, seed=7)
    # 50 received, and the acknowledgements sent for the complaints among them.
    messages = db.session.scalar(select(func.count()).select_from(Message))
    assert messages >= 50
    assert load_demo(items=50, seed=7)[0].startswith("Loaded 0 new")
    assert db.session.scalar(select(func.count()).select_from(Message)) == messages
