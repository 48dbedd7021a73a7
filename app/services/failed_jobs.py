"""Failed background jobs, for administrators: list them, and put one back on its queue.

A job is shown by its id, its queue, the job it runs (a dotted name) and the ids it was given,
when it failed and the kind of error: never the error's message or traceback, which could
quote what someone wrote. A retry is recorded in the audit log.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from app.models import StaffUser
from app.services.common import Refusal
from app.services.staff.audit_log import Action, record

# Job ids are made from a job's name and its ids (`classify_message-42`), or are RQ's UUIDs.
JOB_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
# The traceback's last line starts with the exception's (dotted) class name.
_ERROR_KIND = re.compile(r"^([A-Za-z_][\w.]*)(?::|$)")
SHOWN = 100


@dataclass(frozen=True)
class FailedJob:
    """One failed job, as an administrator sees it."""

    id: str
    queue: str
    job: str
    arguments: str
    failed_at: datetime | None
    error: str


def failed(connection: Redis, queues: list[str], limit: int = SHOWN) -> list[FailedJob]:
    """The most recently failed jobs across the queues, newest first, at most `limit`."""
    found: list[FailedJob] = []
    for name in queues:
        registry = FailedJobRegistry(name, connection=connection)
        ids = registry.get_job_ids(0, limit - 1)
        for job in Job.fetch_many(ids, connection=connection):
            if job is not None:
                found.append(_describe(job, name))
    oldest = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda job: job.failed_at or oldest, reverse=True)
    return found[:limit]


def _describe(job: Job, queue: str) -> FailedJob:
    # Heard's jobs all run through app.jobs.run_job(path, *ids): show the path and the ids.
    args = list(job.args or [])
    name = str(args.pop(0)) if args and isinstance(args[0], str) else str(job.func_name)
    ended = job.ended_at
    if ended is not None and ended.tzinfo is None:
        ended = ended.replace(tzinfo=UTC)
    return FailedJob(
        id=job.id,
        queue=queue,
        job=name,
        arguments=", ".join(str(arg) for arg in args if isinstance(arg, int | str))[:200],
        failed_at=ended,
        error=error_kind(_traceback(job)),
    )


def _traceback(job: Job) -> str | None:
    result = job.latest_result()
    return result.exc_string if result is not None else None


def error_kind(traceback: str | None) -> str:
    """The exception's class from a traceback's last line, without its message."""
    lines = [line for line in (traceback or "").strip().splitlines() if line.strip()]
    if not lines:
        return "unknown"
    match = _ERROR_KIND.match(lines[-1].strip())
    return match.group(1) if match else "unknown"


def retry(connection: Redis, job_id: str, staff: StaffUser, ip_address: str | None) -> FailedJob:
    """Put a failed job back on its queue, and record who did."""
    if not JOB_ID.fullmatch(job_id):
        raise Refusal("That is not a job id.")
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        raise Refusal("That job is no longer kept.") from None
    registry = FailedJobRegistry(job.origin, connection=connection)
    if job_id not in registry:
        raise Refusal("That job has not failed, or was retried already.")
    described = _describe(job, job.origin)
    registry.requeue(job_id)
    record(
        Action.JOB_RETRIED,
        staff,
        "rq_job",
        job_id,
        detail={"queue": described.queue, "job": described.job},
        ip_address=ip_address,
    )
    return described
