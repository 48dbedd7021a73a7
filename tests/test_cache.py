"""The data version that `app.cache` keys the trends tables on: which commits move it on."""

from sqlalchemy import text, update

from app import cache
from app.extensions import db
from app.models import Direction, FeedbackItem
from app.services.staff import audit_log
from tests.factories import FeedbackItemFactory, MessageFactory


def test_a_change_moves_the_version_on_only_once_committed(app):
    item = FeedbackItemFactory()  # committed by the factory
    start = cache.data_version()
    item.score = 4
    db.session.flush()
    assert cache.data_version() == start
    db.session.rollback()
    assert cache.data_version() == start
    item.score = 5
    db.session.commit()
    assert cache.data_version() != start


def test_commits_that_change_no_report_leave_it(app):
    outbound = MessageFactory(direction=Direction.OUTBOUND, text="Thank you")
    db.session.commit()
    start = cache.data_version()
    # Reading recorded, a delivery receipt for a text we sent: no report changes.
    audit_log.record(audit_log.Action.TRENDS_VIEWED)
    outbound.delivery_status = "delivered"
    db.session.commit()
    assert cache.data_version() == start
    # Words changed (as anonymising does) change what may be quoted.
    outbound.text = "[removed]"
    db.session.commit()
    assert cache.data_version() != start


def test_bulk_statements_and_sql_text_move_it_on(app):
    item = FeedbackItemFactory()
    db.session.commit()
    start = cache.data_version()
    db.session.execute(update(FeedbackItem).where(FeedbackItem.id == item.id).values(score=3))
    db.session.commit()
    moved = cache.data_version()
    assert moved != start
    db.session.execute(text("SELECT count(*) FROM feedback_item"))
    db.session.commit()
    assert cache.data_version() == moved
    db.session.execute(text("UPDATE message SET text = 'x' WHERE id = -1"))
    db.session.commit()
    assert cache.data_version() != moved


def test_cached_results_are_kept_per_version(app):
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.cached("test", ("a",), compute) == 1
    assert cache.cached("test", ("a",), compute) == 1
    assert cache.cached("test", ("b",), compute) == 2
    FeedbackItemFactory()
    db.session.commit()
    assert cache.cached("test", ("a",), compute) == 3
