"""Complaint clocks: open Stage 1 for new complaints, and chase deadlines."""

import logging
from datetime import date

from app.jobs import job
from app.services.complaints import reminders, stages

log = logging.getLogger(__name__)


@job("default", timeout=60)
def open_complaint_stage(item_id: int) -> bool:
    """Start one complaint's Stage 1 clock, after the commit that made it a complaint."""
    return stages.open_stage_one_of(item_id) is not None


@job("periodic", timeout=300)
def open_complaint_stages() -> int:
    """Start the Stage 1 clock of every complaint that has none yet."""
    opened = stages.open_missing_stage_ones()
    if opened:
        log.info("opened Stage 1 for %d complaints", opened)
    return opened


@job("periodic", timeout=600)
def send_complaint_reminders(today: str | None = None) -> int:
    """Send the deadline nudges and overdue warnings due today (an ISO date, for tests)."""
    stages.open_missing_stage_ones()
    return reminders.send_reminders(date.fromisoformat(today) if today else None)
