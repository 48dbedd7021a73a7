"""What keeps Heard running, recorded where every process can see it: which periodic job ran
for which period, and which schedulers are alive."""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import Model


class PeriodicRun(Model):
    """One periodic job for one period. The unique constraint is the claim: however many
    workers and web processes run a scheduler, one insert per (job, period) succeeds."""

    __tablename__ = "periodic_run"
    __table_args__ = (UniqueConstraint("job", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[datetime] = mapped_column(index=True)
    runner: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # "done", "failed", or "skipped" when an earlier run of the same job was still going.
    outcome: Mapped[str | None] = mapped_column(String(16))


class SchedulerBeat(Model):
    """The last sign of life from each scheduler (host and process), for /healthz."""

    __tablename__ = "scheduler_beat"

    runner: Mapped[str] = mapped_column(String(128), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
