"""What an operator watches, read at the moment a monitor asks: the queues, the classification
backlog, alerts nobody has acknowledged, notifications, the schedulers. Reads only; /metrics
turns these into Prometheus gauges.

Each reading is a small indexed query (or a few Redis commands), so a scrape every 15 seconds
costs the database little however many years of feedback it holds.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AlertStatus,
    ClassificationState,
    DeliveryStatus,
    Direction,
    Message,
    SafeguardingAlert,
    SchedulerBeat,
)

# Unacknowledged alerts are counted in these bands of age, each named by its upper edge; the
# review target is an hour in office hours and four hours out of them.
ALERT_AGE_BANDS: tuple[tuple[str, timedelta | None], ...] = (
    ("15m", timedelta(minutes=15)),
    ("1h", timedelta(hours=1)),
    ("4h", timedelta(hours=4)),
    ("24h", timedelta(hours=24)),
    ("older", None),
)
# Notifications are counted over this window of sending (the received_at index bounds it).
NOTIFICATION_WINDOW = timedelta(days=7)
# A scheduler that beat within this long is counted as alive (as /healthz counts it).
SCHEDULER_ALIVE = timedelta(minutes=3)
# Delivery states that mean a notification did not and will not get through by itself.
FAILED = (
    DeliveryStatus.REFUSED,
    DeliveryStatus.FAILED,
    DeliveryStatus.UNDELIVERED,
    DeliveryStatus.CANCELED,
)


@dataclass(frozen=True)
class QueueReading:
    """One RQ queue: jobs waiting, running and failed, and how long the oldest has waited."""

    name: str
    waiting: int
    running: int
    failed: int
    oldest_seconds: float | None


def queue_readings(connection: Redis, names: list[str], now: datetime) -> list[QueueReading]:
    """Each queue's depth and the age of the job at its head (the one waiting longest)."""
    readings = []
    for name in names:
        queue = Queue(name, connection=connection)
        head = queue.get_job_ids(0, 1)
        oldest = None
        if head:
            job = Job.fetch(head[0], connection=connection)
            enqueued = job.enqueued_at
            if enqueued is not None:
                # RQ has stored naive UTC times in some versions and aware ones in others.
                if enqueued.tzinfo is None:
                    enqueued = enqueued.replace(tzinfo=UTC)
                oldest = max(0.0, (now - enqueued).total_seconds())
        readings.append(
            QueueReading(
                name=name,
                waiting=queue.count,
                running=StartedJobRegistry(queue=queue).count,
                failed=FailedJobRegistry(queue=queue).count,
                oldest_seconds=oldest,
            )
        )
    return readings


@dataclass(frozen=True)
class ClassificationReading:
    """Inbound messages waiting for the classifier, and how long the oldest has waited."""

    pending: int
    oldest_pending_seconds: float | None
    failed: int


def classification_reading(now: datetime) -> ClassificationReading:
    """The classification backlog (the state column is indexed)."""
    rows = db.session.execute(
        select(Message.classification_state, func.count(), func.min(Message.stored_at))
        .where(
            Message.direction == Direction.INBOUND,
            Message.classification_state.in_(
                (ClassificationState.PENDING, ClassificationState.FAILED)
            ),
        )
        .group_by(Message.classification_state)
    ).all()
    by_state = {state: (count, oldest) for state, count, oldest in rows}
    pending, oldest = by_state.get(ClassificationState.PENDING, (0, None))
    failed, _ = by_state.get(ClassificationState.FAILED, (0, None))
    return ClassificationReading(
        pending=int(pending),
        oldest_pending_seconds=(now - oldest).total_seconds() if oldest is not None else None,
        failed=int(failed),
    )


def unacknowledged_alerts_by_age(now: datetime) -> dict[str, int]:
    """Open (unacknowledged) alerts counted in ALERT_AGE_BANDS; every band is present."""
    created = db.session.execute(
        select(SafeguardingAlert.created_at).where(SafeguardingAlert.status == AlertStatus.OPEN)
    ).scalars()
    counts = dict.fromkeys((band for band, _ in ALERT_AGE_BANDS), 0)
    for at in created:
        counts[age_band(now - at)] += 1
    return counts


def age_band(age: timedelta) -> str:
    """The first band whose upper edge the age is under."""
    for band, upper in ALERT_AGE_BANDS:
        if upper is None or age < upper:
            return band
    raise AssertionError("the last band has no upper edge")


def notifications(now: datetime) -> dict[tuple[str, str], int]:
    """Outbound messages sent in NOTIFICATION_WINDOW still pending, or failed, counted by
    (state, purpose): state is `pending` or `failed`."""
    rows = db.session.execute(
        select(Message.delivery_status, Message.purpose, func.count())
        .where(
            Message.direction == Direction.OUTBOUND,
            Message.received_at >= now - NOTIFICATION_WINDOW,
            Message.delivery_status.in_((DeliveryStatus.PENDING, *FAILED)),
        )
        .group_by(Message.delivery_status, Message.purpose)
    ).all()
    counts: Counter[tuple[str, str]] = Counter()
    for status, purpose, count in rows:
        state = "pending" if status == DeliveryStatus.PENDING else "failed"
        counts[(state, purpose or "other")] += int(count)
    return dict(counts)


@dataclass(frozen=True)
class SchedulerReading:
    """How long since any scheduler beat, and how many beat recently."""

    last_beat_seconds: float | None
    alive: int


def scheduler_reading(now: datetime) -> SchedulerReading:
    """The schedulers' heartbeats (one row per scheduler process)."""
    last, alive = db.session.execute(
        select(
            func.max(SchedulerBeat.beat_at),
            func.count().filter(SchedulerBeat.beat_at >= now - SCHEDULER_ALIVE),
        )
    ).one()
    return SchedulerReading(
        last_beat_seconds=(now - last).total_seconds() if last is not None else None,
        alive=int(alive),
    )
