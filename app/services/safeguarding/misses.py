"""Measuring what the classifier misses and how often it cries wolf.

Each week a random sample of last week's unflagged messages is offered to reviewers for a
second look; one they flag counts as a miss. The miss rate is misses over samples reviewed and
the false-alarm rate is classifier alerts closed as "not a safeguarding matter" over classifier
alerts closed, each with a Wilson 95% interval, which stays honest for small samples.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertOutcome,
    AlertSource,
    AlertStatus,
    ClassificationState,
    Direction,
    FeedbackItem,
    Message,
    SafeguardingAlert,
    SecondLook,
    SecondLookVerdict,
    StaffUser,
)
from app.services import locks
from app.services.common import get_by_id, uk_date
from app.services.feedback_list import has_live_alert
from app.services.safeguarding import alerts

_Z95 = 1.959964


@dataclass(frozen=True)
class Rate:
    """A proportion found in a sample, with its Wilson 95% interval; no interval without data."""

    found: int
    out_of: int
    low: float | None
    high: float | None

    @property
    def value(self) -> float | None:
        """The proportion itself."""
        return self.found / self.out_of if self.out_of else None


def wilson(found: int, out_of: int) -> Rate:
    """The proportion found/out_of with the Wilson score interval at 95%."""
    if out_of <= 0:
        return Rate(found, 0, None, None)
    p = found / out_of
    z2 = _Z95 * _Z95
    denominator = 1 + z2 / out_of
    centre = (p + z2 / (2 * out_of)) / denominator
    half = _Z95 * math.sqrt(p * (1 - p) / out_of + z2 / (4 * out_of * out_of)) / denominator
    return Rate(found, out_of, max(0.0, centre - half), min(1.0, centre + half))


def week_of(moment: datetime) -> date:
    """The Monday, in England, of the week a moment falls in."""
    day = uk_date(moment)
    return day - timedelta(days=day.weekday())


def draw_weekly_sample(now: datetime | None = None) -> int:
    """Draw this week's sample, once a week: random inbound messages from the last seven days
    that the classifier read and did not flag, with no alert on them or live on their item.
    Returns how many were drawn. Two draws at once take turns, so the second finds the week
    drawn and draws nothing."""
    now = now or utcnow()
    with locks.transaction_lock("second-look-sample"):
        return _draw(now, week_of(now))


def _draw(now: datetime, week: date) -> int:
    drawn = db.session.execute(select(SecondLook.id).where(SecondLook.week_of == week).limit(1))
    if drawn.first() is not None:
        db.session.rollback()
        return 0
    size = current_app.config["SAFEGUARDING_SECOND_LOOK_SAMPLE"]
    candidates = (
        select(Message.id, Message.feedback_item_id)
        .join(FeedbackItem, FeedbackItem.id == Message.feedback_item_id)
        .where(
            Message.direction == Direction.INBOUND,
            Message.classification_state == ClassificationState.DONE,
            Message.received_at >= now - timedelta(days=7),
            Message.received_at <= now,
            ~exists().where(SafeguardingAlert.message_id == Message.id),
            ~exists().where(SecondLook.message_id == Message.id),
            ~has_live_alert(),
        )
        .order_by(func.random())
        .limit(max(size, 0))
    )
    rows = db.session.execute(candidates).all()
    for message_id, item_id in rows:
        db.session.add(
            SecondLook(
                message_id=message_id, feedback_item_id=item_id, week_of=week, sampled_at=now
            )
        )
    try:
        db.session.commit()
    except IntegrityError:
        # A message drawn by a run that did not wait for the lock (SQLite across processes).
        db.session.rollback()
        return 0
    return len(rows)


def waiting() -> list[SecondLook]:
    """Samples nobody has looked at yet, oldest week first."""
    query = (
        select(SecondLook)
        .where(SecondLook.verdict.is_(None))
        .order_by(SecondLook.week_of, SecondLook.id)
        .limit(200)
    )
    return list(db.session.execute(query).scalars())


def load(sample_id: int) -> SecondLook | None:
    """A sample by id; None for no such sample, including ids no row could have."""
    return get_by_id(SecondLook, sample_id)


def _reviewed(sample: SecondLook, reviewer: StaffUser, verdict: SecondLookVerdict) -> None:
    # Locked until the commit, so two reviewers cannot both decide the same sample.
    db.session.refresh(sample, with_for_update=True)
    if sample.verdict is not None:
        raise alerts.DecisionRefused("Someone has already had a second look at this one")
    sample.verdict = verdict
    sample.reviewed_by_id = reviewer.id
    sample.reviewed_at = utcnow()


def mark_fine(sample: SecondLook, reviewer: StaffUser) -> None:
    """A reviewer read it again and it is not a safeguarding matter."""
    _reviewed(sample, reviewer, SecondLookVerdict.FINE)
    db.session.commit()


def mark_missed(sample: SecondLook, reviewer: StaffUser, reason: str) -> SafeguardingAlert:
    """A reviewer read it again and it is a safeguarding matter: a miss, and a manual alert on
    the sampled message that goes through the queue like any other. The reviewer's word is
    kept as a correction for training."""
    reason = (reason or "").strip()
    if not reason or len(reason) > alerts.MAX_RATIONALE_CHARS:
        raise alerts.DecisionRefused(
            "Say why this is a safeguarding concern, in 5000 characters or fewer"
        )
    _reviewed(sample, reviewer, SecondLookVerdict.MISSED)
    alert = db.session.execute(
        select(SafeguardingAlert).where(
            SafeguardingAlert.message_id == sample.message_id,
            SafeguardingAlert.source == AlertSource.MANUAL,
        )
    ).scalar_one_or_none()
    if alert is None:
        alert = SafeguardingAlert(
            feedback_item_id=sample.feedback_item_id,
            message_id=sample.message_id,
            source=AlertSource.MANUAL,
            raised_by_id=reviewer.id,
            reason=f"Missed, found on a second look: {reason}",
            subtypes=[],
            evidence=[],
        )
        db.session.add(alert)
        db.session.flush()
    sample.alert = alert
    alerts.correct_flag(alert, reviewer, label=True)
    db.session.commit()
    if alert.status == AlertStatus.CLOSED:
        alerts.reopen(alert, reviewer, f"Missed, found on a second look: {reason}")
    return alert


def miss_rate() -> Rate:
    """Misses found over samples reviewed, since sampling began."""
    reviewed, missed = db.session.execute(
        select(
            func.count(SecondLook.id),
            func.count(SecondLook.id).filter(SecondLook.verdict == SecondLookVerdict.MISSED),
        ).where(SecondLook.verdict.is_not(None))
    ).one()
    return wilson(missed, reviewed)


def false_alarm_rate() -> Rate:
    """Classifier alerts closed as not a safeguarding matter over classifier alerts closed."""
    closed, not_safeguarding = db.session.execute(
        select(
            func.count(SafeguardingAlert.id),
            func.count(SafeguardingAlert.id).filter(
                SafeguardingAlert.outcome == AlertOutcome.NOT_SAFEGUARDING
            ),
        ).where(
            SafeguardingAlert.status == AlertStatus.CLOSED,
            SafeguardingAlert.source == AlertSource.CLASSIFIER,
        )
    ).one()
    return wilson(not_safeguarding, closed)
