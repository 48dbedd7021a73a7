"""The periodic-job scheduler: a thread in every worker (and, without Redis, every web
process), of which exactly one runs each job once per period.

Each tick, every scheduler tries to claim each due job's current period by inserting a
`periodic_run` row; the unique (job, period) constraint lets one insert through, whatever the
number of processes or machines. The winner enqueues the job on its RQ queue, or runs it on a
thread of its own when there is no Redis or Redis is down. The job body then runs under a lock
on its name, so a run that overlaps the next period's is skipped rather than doubled.

The thread lives and dies with its process: a worker killed with SIGKILL takes its scheduler
with it, and the other schedulers carry on claiming. Each tick also records a heartbeat for
/healthz, and replays this machine's spool of messages kept while the database was down.
"""

import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from rq.scheduler import RQScheduler
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db, queues
from app.jobs import QUEUES, BoundJob, find_job, run_job
from app.jobs.periodic import PERIODIC, Periodic
from app.models import PeriodicRun, SchedulerBeat
from app.services import locks
from app.services.intake import receiving

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def runner_name() -> str:
    """This process, as the periodic runs and heartbeats name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def every_seconds(periodic: Periodic) -> float:
    """The job's period, scaled by PERIODIC_SCALE (tests run periods of seconds)."""
    return max(1.0, periodic.every_seconds * current_app.config["PERIODIC_SCALE"])


def period_start(now: datetime, seconds: float) -> datetime:
    """The start of the period `now` falls in, counted from the epoch, so every process
    agrees on it without talking to the others."""
    elapsed = (now - _EPOCH).total_seconds()
    return _EPOCH + timedelta(seconds=elapsed - elapsed % seconds)


def claim(job_name: str, start: datetime, runner: str) -> int | None:
    """Claim one job's period; the run's id if this process won it, None if another did."""
    run = PeriodicRun(job=job_name, period_start=start, runner=runner)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run.id


def beat(runner: str, now: datetime) -> None:
    """Record that this scheduler is alive."""
    updated = db.session.execute(
        update(SchedulerBeat).where(SchedulerBeat.runner == runner).values(beat_at=now)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        db.session.add(SchedulerBeat(runner=runner, beat_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def run_periodic(path: str, run_id: int) -> None:
    """Run a claimed periodic job under the lock on its name, recording how it went."""
    bound = find_job(path)
    _mark(run_id, started_at=utcnow())
    with locks.try_job_lock(bound.__name__) as held:
        if not held:
            log.info("periodic job %s still running from an earlier period: skipped", path)
            _mark(run_id, finished_at=utcnow(), outcome="skipped")
            return
        try:
            bound.func()
        except Exception:
            db.session.rollback()
            _mark(run_id, finished_at=utcnow(), outcome="failed")
            raise
    _mark(run_id, finished_at=utcnow(), outcome="done")


def _mark(run_id: int, **values: object) -> None:
    db.session.execute(update(PeriodicRun).where(PeriodicRun.id == run_id).values(**values))
    db.session.commit()


def tick(runner: str, dispatch: "Dispatch", now: datetime | None = None) -> list[str]:
    """One pass: beat, then claim and dispatch every job whose period this is. Returns the
    names of the jobs this process claimed."""
    now = now or utcnow()
    beat(runner, now)
    claimed = []
    for periodic in PERIODIC:
        run_id = claim(periodic.job.__name__, period_start(now, every_seconds(periodic)), runner)
        if run_id is not None:
            dispatch(periodic.job, run_id)
            claimed.append(periodic.job.__name__)
    return claimed


class Dispatch:
    """Hands a claimed run to RQ, or to a thread here when there is no queue to take it."""

    def __init__(self, app: Flask, threads: int = 2) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="heard-periodic")

    def __call__(self, job: BoundJob, run_id: int) -> None:
        if queues.connection is not None:
            try:
                _enqueue(job, run_id)
                return
            except Exception:
                log.warning("queue unavailable: running periodic job %s here", job.__name__)
        self.pool.submit(self._run_here, job.path, run_id)

    def _run_here(self, path: str, run_id: int) -> None:
        with self.app.app_context():
            try:
                run_periodic(path, run_id)
            except Exception:
                log.exception("periodic job %s failed", path)
            finally:
                db.session.remove()


def _enqueue(job: BoundJob, run_id: int) -> None:
    queue = queues.get(job.spec.queue)
    queue.enqueue(
        run_job,
        f"{__name__}.run_periodic",
        job.path,
        run_id,
        job_id=f"periodic-{job.__name__}-{run_id}",
        job_timeout=job.spec.timeout,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )


class RetryPromoter:
    """Moves RQ jobs whose time has come (retries after their interval) onto their queues.

    RQ's worker can do this in a process it forks, which outlives a worker killed with
    SIGKILL; here it runs on the scheduler's thread instead, so it dies with the worker. RQ's
    own per-queue lock (it expires a minute after its holder stops) keeps it to one process.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.rq: RQScheduler | None = None

    def __call__(self) -> None:
        connection = queues.connection
        if connection is None:
            return
        if self.rq is None:
            self.rq = RQScheduler(QUEUES, connection=connection, name=self.name)
        self.rq.acquire_locks()
        self.rq.enqueue_scheduled_jobs()


class Scheduler:
    """The loop, on a daemon thread of this process."""

    def __init__(self, app: Flask, tick_seconds: float | None = None) -> None:
        self.app = app
        self.tick_seconds = tick_seconds or app.config["SCHEDULER_TICK_SECONDS"]
        self.stopping = threading.Event()
        self.dispatch = Dispatch(app)
        self.promote_retries = RetryPromoter(runner_name())
        self.thread = threading.Thread(target=self._loop, name="heard-scheduler", daemon=True)

    def start(self) -> "Scheduler":
        self.thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.thread.join(timeout)
        self.dispatch.pool.shutdown(wait=True)
        if self.promote_retries.rq is not None:
            self.promote_retries.rq.release_locks()

    def _loop(self) -> None:
        runner = runner_name()
        while not self.stopping.is_set():
            with self.app.app_context():
                try:
                    tick(runner, self.dispatch)
                except Exception:
                    log.exception("scheduler tick failed; trying again next tick")
                try:
                    self.promote_retries()
                except Exception:
                    log.warning("could not move due retries onto their queues this tick")
                try:
                    receiving.replay_spool()
                except Exception:
                    log.exception("spool replay failed; trying again next tick")
                finally:
                    db.session.remove()
            self.stopping.wait(self.tick_seconds)


def start_in_web_process(app: Flask) -> Scheduler | None:
    """Start a scheduler in a web process when the configuration asks for one (by default,
    when there is no Redis and so no worker to run periodic jobs)."""
    if not app.config["SCHEDULER_IN_WEB"]:
        return None
    return Scheduler(app).start()
