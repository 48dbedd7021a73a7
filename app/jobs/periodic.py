"""Periodic work, as data: what runs, and how often (seconds). RQ's cron scheduler reads it."""

from dataclasses import dataclass

from app.jobs import BoundJob
from app.jobs.classify import sweep_unclassified


@dataclass(frozen=True)
class Periodic:
    job: BoundJob
    every_seconds: int


PERIODIC = [
    Periodic(sweep_unclassified, every_seconds=60),
]
