"""The in-process job queue of the embedded default (no REDIS_URL): one worker thread per
process, started on first use, that runs jobs one at a time after the request that started
them has been answered.

A post is stored and committed first (ingest() persists before it enqueues), then answered; the
classifier, the alert and the notifications that follow run here. Nothing is lost if the process
dies with jobs waiting: each job's row is already committed, and the periodic sweeps
(sweep_unclassified, sweep_unsent) find what was never done and queue it again.

At exit the queue is drained for up to DRAIN_AT_EXIT_SECONDS (gunicorn allows a worker 30 s to
finish); what is left then waits for the sweeps. A failing job is logged by name and its
exception's type only: an exception's message can quote what someone wrote (a database error
repeats the row it could not store), so it never reaches the log.

Tests run jobs inline (JOBS_IN_PROCESS=inline) or call drain() to wait for this queue.
"""

import atexit
import logging
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

DRAIN_AT_EXIT_SECONDS = 25.0


@dataclass(frozen=True)
class LocalJob:
    """One piece of work: the job's name (for the log), the function, and its arguments."""

    key: str
    name: str
    run: Callable[..., Any]
    args: tuple[Any, ...]


class LocalQueue:
    """A FIFO of jobs and the single daemon thread that runs them, each in an app context."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Flask, LocalJob] | None] = queue.Queue()
        self._waiting: set[str] = set()
        self._thread: threading.Thread | None = None

    def submit(self, app: Flask, job: LocalJob) -> bool:
        """Queue a job to run in this process. False if the same job (same name and arguments)
        is already waiting or running: it does the same work, as RQ's job ids ensure with Redis."""
        with self._lock:
            if job.key in self._waiting:
                return False
            self._waiting.add(job.key)
            self._queue.put((app, job))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="heard-local-jobs", daemon=True
                )
                self._thread.start()
        return True

    def depth(self) -> int:
        """How many jobs are waiting or running."""
        return self._queue.unfinished_tasks

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every job queued so far (and any they queue) has run. True if the queue
        emptied, False if `timeout` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        done = self._queue.all_tasks_done
        with done:
            while self._queue.unfinished_tasks:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                done.wait(remaining)
        return True

    def reset(self) -> None:
        """Start afresh: a forked child has its parent's queue but not the thread that ran it."""
        self._lock = threading.Lock()
        self._queue = queue.Queue()
        self._waiting = set()
        self._thread = None

    def _work(self) -> None:
        while True:
            entry = self._queue.get()
            try:
                if entry is None:
                    return
                app, job = entry
                try:
                    _run(app, job)
                finally:
                    # Until now a request for the same work was answered by this run, as RQ
                    # treats a started job.
                    with self._lock:
                        self._waiting.discard(job.key)
            finally:
                self._queue.task_done()


def _run(app: Flask, job: LocalJob) -> None:
    from app.extensions import db

    with app.app_context():
        try:
            job.run(*job.args)
        except Exception as error:
            db.session.rollback()
            log.error(
                "job %s failed in-process: %s\n%s",
                job.name,
                type(error).__name__,
                _stack_without_messages(error),
            )
        finally:
            db.session.remove()


def _stack_without_messages(error: BaseException) -> str:
    """Where the error was raised, file by file and line by line, without any message."""
    frames = traceback.extract_tb(error.__traceback__)
    return "".join(f'  File "{f.filename}", line {f.lineno}, in {f.name}\n' for f in frames)


_queue = LocalQueue()
os.register_at_fork(after_in_child=_queue.reset)


def submit(app: Flask, job: LocalJob) -> bool:
    """Queue a job on this process's queue."""
    return _queue.submit(app, job)


def drain(timeout: float | None = None) -> bool:
    """Wait for this process's queue to empty (see LocalQueue.drain)."""
    return _queue.drain(timeout)


def depth() -> int:
    """Jobs waiting or running on this process's queue."""
    return _queue.depth()


@atexit.register
def _drain_at_exit() -> None:
    if _queue.depth() and not _queue.drain(DRAIN_AT_EXIT_SECONDS):
        log.warning(
            "%d in-process jobs left at exit; the sweeps will queue them again", _queue.depth()
        )
