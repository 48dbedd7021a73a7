"""How Heard is doing, for /healthz and for monitors: each part that a disclosure's way to a
person depends on, and a word for each (ok, or what is wrong). Reads only."""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text

from app.database import utcnow
from app.extensions import db, queues
from app.models import ClassificationState, Direction, Message, SchedulerBeat
from app.services.intake import spool
from app.services.safeguarding import notifications

# A scheduler that has not beaten for this long is taken to be gone.
SCHEDULER_STALE = timedelta(minutes=3)
# A message waiting on disk for longer than this means the database is not coming back alone.
SPOOL_STALE_SECONDS = 120


@dataclass
class HealthReport:
    """Every check, and which of them are not as they should be."""

    checks: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    database_ok: bool = True

    @property
    def status(self) -> str:
        if not self.database_ok:
            return "unavailable"
        return "degraded" if self.problems else "ok"

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "problems": self.problems, **self.checks}


def report(now: datetime | None = None) -> HealthReport:
    """Check every part; a database that does not answer ends the checks that need it."""
    now = now or utcnow()
    found = HealthReport()
    _check_redis(found)
    _check_spool(found)
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        found.database_ok = False
        found.checks["database"] = "unreachable"
        found.problems.append("database")
        return found
    found.checks["database"] = "ok"
    _check_scheduler(found, now)
    _check_notifications(found, now)
    _check_classification(found, now)
    db.session.rollback()
    return found


def _check_redis(found: HealthReport) -> None:
    connection = queues.connection
    if connection is None:
        found.checks["redis"] = "not configured"
        return
    try:
        connection.ping()
    except Exception:
        found.checks["redis"] = "unreachable"
        found.problems.append("redis")
        return
    found.checks["redis"] = "ok"


def _check_spool(found: HealthReport) -> None:
    waiting = len(spool.waiting())
    age = spool.oldest_age_seconds(time.time())
    found.checks["spool"] = {"waiting": waiting, "oldest_seconds": round(age) if age else None}
    if age is not None and age > SPOOL_STALE_SECONDS:
        found.problems.append("spool")


def _check_scheduler(found: HealthReport, now: datetime) -> None:
    last = db.session.execute(select(func.max(SchedulerBeat.beat_at))).scalar()
    if last is None:
        found.checks["scheduler"] = {"status": "missing", "last_beat_seconds_ago": None}
        found.problems.append("scheduler")
        return
    ago = (now - last).total_seconds()
    stale = ago > SCHEDULER_STALE.total_seconds()
    found.checks["scheduler"] = {
        "status": "stale" if stale else "ok",
        "last_beat_seconds_ago": round(ago),
    }
    if stale:
        found.problems.append("scheduler")


def _check_notifications(found: HealthReport, now: datetime) -> None:
    failing = notifications.failing_channels(now)
    unreached = notifications.unreached_alert_count(now)
    found.checks["notifications"] = {
        "failing_channels": list(failing),
        "alerts_not_reached": unreached,
    }
    if failing:
        found.problems.append("notifications")
    if unreached:
        found.problems.append("alerts_not_reached")


def _check_classification(found: HealthReport, now: datetime) -> None:
    oldest = db.session.execute(
        select(func.min(Message.stored_at)).where(
            Message.direction == Direction.INBOUND,
            Message.classification_state == ClassificationState.PENDING,
        )
    ).scalar()
    limit = current_app.config["CLASSIFY_SWEEP_AFTER_SECONDS"]
    age = (now - oldest).total_seconds() if oldest is not None else None
    found.checks["classification"] = {
        "oldest_pending_seconds": round(age) if age is not None else None
    }
    if age is not None and age > limit:
        found.problems.append("classification")
