"""Periodic work, as data: what runs and how often. `scheduler.py` runs each once a period."""

from dataclasses import dataclass

from app.jobs import BoundJob
from app.jobs.alerts import draw_second_look_sample, escalate_alerts
from app.jobs.classify import sweep_unclassified
from app.jobs.complaints import open_complaint_stages, send_complaint_reminders
from app.jobs.email import poll_mailbox
from app.jobs.outbound import sweep_unsent
from app.jobs.retention import apply_retention
from app.jobs.trends import warm_trends


@dataclass(frozen=True)
class Periodic:
    job: BoundJob
    every_seconds: int


PERIODIC = [
    Periodic(escalate_alerts, every_seconds=60),
    Periodic(sweep_unclassified, every_seconds=60),
    Periodic(sweep_unsent, every_seconds=60),
    Periodic(poll_mailbox, every_seconds=60),
    Periodic(open_complaint_stages, every_seconds=60),
    # Hourly; each stage's reminder goes at most once a week, on a working day.
    Periodic(send_complaint_reminders, every_seconds=3600),
    # Hourly; only the first run in a week draws that week's sample.
    Periodic(draw_second_look_sample, every_seconds=3600),
    # Reads the trends page's default view again only when the data moved on.
    Periodic(warm_trends, every_seconds=60),
    # Daily: one run a day claims the period, and each item is re-checked under its lock.
    Periodic(apply_retention, every_seconds=24 * 3600),
]
