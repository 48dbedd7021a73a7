"""Background jobs. A job names its queue where it is defined; these are all the queues.

With REDIS_URL set, `.delay()` enqueues to RQ. Without it the job runs in this process: on
its job thread (app/jobs/local.py), and when a request started it, only once the response has
been sent, so a post is answered before the classifier runs; or, with JOBS_IN_PROCESS=inline
(tests), at once in the caller. Callers only delay a job after their commit, so the outcome is
the same every way.
"""

import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask, after_this_request, current_app, g, has_app_context, has_request_context
from redis.exceptions import RedisError
from rq import Retry
from rq.job import Job, JobStatus
from werkzeug.wrappers import Response

from app import logs
from app.extensions import db, queues
from app.jobs import local

# Highest priority first: an RQ worker drains them in this order.
QUEUES = ["urgent", "default", "outbound", "periodic"]

log = logging.getLogger(__name__)

# A job in one of these states will still run, so the same work is not queued again.
_PENDING = {
    JobStatus.QUEUED.value,
    JobStatus.STARTED.value,
    JobStatus.SCHEDULED.value,
    JobStatus.DEFERRED.value,
}


@dataclass(frozen=True)
class JobSpec:
    queue: str
    retry: Retry | None
    timeout: int


class BoundJob:
    """A job function with `.delay()`; calling it directly runs it in the current context."""

    def __init__(self, func: Callable[..., Any], spec: JobSpec) -> None:
        self.func = func
        self.spec = spec
        self.path = f"{func.__module__}.{func.__name__}"
        self.__name__ = func.__name__
        self.__doc__ = func.__doc__

    def __call__(self, *args: Any) -> Any:
        return self.func(*args)

    def job_id(self, *args: Any) -> str:
        return "-".join([self.__name__, *map(str, args)])

    def delay(self, *args: Any, new: bool = False) -> str | None:
        """Enqueue (or, with no Redis, run now). Returns the RQ job id, or None if it ran here.

        The id is derived from the arguments, so the same work is never queued twice at once.
        `new=True` says the work cannot be queued already, because what it is about was only
        just committed; Redis is then not asked first.
        """
        if queues.connection is None:
            self._run_here(*args)
            return None
        queue = queues.get(self.spec.queue)
        job_id = self.job_id(*args)
        if not new:
            # The connection does not decode responses: a value comes back as bytes.
            status = cast(bytes | None, queue.connection.hget(Job.key_for(job_id), "status"))
            if status is not None and status.decode() in _PENDING:
                return job_id
        # One round trip for the whole enqueue rather than one per step inside RQ.
        with queue.connection.pipeline() as pipeline:
            queue.enqueue(
                run_job,
                self.path,
                *args,
                job_id=job_id,
                retry=self.spec.retry,
                job_timeout=self.spec.timeout,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
                # The id of the request that queued it, for the job's log lines.
                meta=logs.job_meta(),
                pipeline=pipeline,
            )
            pipeline.execute()
        return job_id

    def delay_or_log(self, *args: Any, new: bool = False) -> str | None:
        """Enqueue after the caller's commit; if the queue cannot be reached, log it and go on.
        For work whose row is already stored: a sweeper finds it when the queue is back, so
        the request that stored it never fails for want of Redis."""
        try:
            return self.delay(*args, new=new)
        except Exception:
            log.exception("could not enqueue %s for %s", self.__name__, args)
            return None

    def delay_or_run(self, *args: Any) -> str | None:
        """Enqueue, or run now in this process if the queue cannot be reached: for the
        sweepers, which exist for the times the queue is down."""
        try:
            return self.delay(*args)
        except (RedisError, OSError):
            log.warning("queue unavailable: running %s here", self.__name__)
            self._run_here(*args)
            return None

    def _run_here(self, *args: Any) -> None:
        """Run in this process: after the response if a request started it and asked to answer
        first (always, on the job thread), then on the job thread or at once."""
        if has_request_context():
            deferred = g.get(_DEFERRED)
            if deferred is None and _on_job_thread():
                deferred = _defer_until_sent()
            if deferred is not None:
                deferred.append((self, args))
                return
        if _on_job_thread():
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            local.submit(app, local.LocalJob(self.job_id(*args), self.__name__, self.func, args))
            return
        self._run_now(*args)

    def _run_now(self, *args: Any) -> None:
        # As under RQ, a failing job is logged and left for a retry, not raised at the caller.
        try:
            self.func(*args)
        except Exception:
            db.session.rollback()
            log.exception("job %s failed in-process", self.__name__)


_DEFERRED = "heard_deferred_jobs"


def _on_job_thread() -> bool:
    """Whether jobs run in this process go to its job thread (JOBS_IN_PROCESS=thread)."""
    return bool(current_app.config.get("JOBS_IN_PROCESS", "thread") != "inline")


def after_the_response() -> None:
    """Without Redis, run the jobs this request starts after its response has been sent,
    not before: a mail provider posting a large email is answered at once, and the classifier
    (seconds on a long email) runs afterwards in this process. With Redis nothing changes.
    On the job thread (the default) every request's jobs wait for its response anyway; this
    asks the same of JOBS_IN_PROCESS=inline."""
    if queues.connection is not None or _DEFERRED in g:
        return
    _defer_until_sent()


def _defer_until_sent() -> list[tuple["BoundJob", tuple[Any, ...]]]:
    """Keep this request's jobs until its response has been sent (the server closes it)."""
    deferred: list[tuple[BoundJob, tuple[Any, ...]]] = []
    setattr(g, _DEFERRED, deferred)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def _run_on_close(response: Response) -> Response:
        response.call_on_close(lambda: _run_deferred(app, deferred))
        return response

    return deferred


def _run_deferred(app: Flask, deferred: list[tuple["BoundJob", tuple[Any, ...]]]) -> None:
    with app.app_context():
        for bound, args in deferred:
            bound._run_here(*args)
        db.session.remove()


def job(
    queue: str, retry: Retry | None = None, timeout: int = 300
) -> Callable[[Callable[..., Any]], BoundJob]:
    """Mark a function as a job on `queue`."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; add it to QUEUES")

    def decorator(func: Callable[..., Any]) -> BoundJob:
        return BoundJob(func, JobSpec(queue=queue, retry=retry, timeout=timeout))

    return decorator


# What run_job needs of a plain function it is asked to run: none of it is read.
_PLAIN = JobSpec(queue="default", retry=None, timeout=0)

_worker_app: Flask | None = None
_engine_pid: int | None = None


def find_job(path: str) -> BoundJob:
    """The job at a dotted path."""
    module_name, _, name = path.rpartition(".")
    found = getattr(importlib.import_module(module_name), name)
    if not isinstance(found, BoundJob):
        raise TypeError(f"{path} is not a job")
    return found


def run_job(path: str, *args: Any) -> Any:
    """What RQ actually runs: find the job (or a plain function, such as the scheduler's
    run_periodic), make sure there is an app, run it, tidy the session."""
    module_name, _, name = path.rpartition(".")
    found = getattr(importlib.import_module(module_name), name)
    bound = found if isinstance(found, BoundJob) else BoundJob(found, _PLAIN)
    if has_app_context():
        return _run_in_context(bound, args)
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        return _run_in_context(bound, args)


def _run_in_context(bound: BoundJob, args: tuple[Any, ...]) -> Any:
    global _engine_pid
    # A forked work-horse must not reuse its parent's database connections.
    if _engine_pid != os.getpid():
        db.engine.dispose(close=False)
        _engine_pid = os.getpid()
    try:
        return bound.func(*args)
    finally:
        db.session.remove()
