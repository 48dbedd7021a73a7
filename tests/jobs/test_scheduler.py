"""The periodic-job scheduler: each job once per period, however many processes run one."""

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app.extensions import db
from app.jobs import scheduler
from app.jobs.periodic import PERIODIC
from app.models import PeriodicRun, SchedulerBeat
from app.services import locks
from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parents[2]


def test_every_process_agrees_on_when_a_period_starts():
    at = datetime(2026, 11, 18, 10, 0, 37, tzinfo=UTC)
    assert scheduler.period_start(at, 60) == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert scheduler.period_start(at, 3600) == datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert scheduler.period_start(at + timedelta(seconds=30), 60) == datetime(
        2026, 11, 18, 10, 1, tzinfo=UTC
    )


def test_one_claim_per_job_and_period(app):
    start = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    assert scheduler.claim("escalate_alerts", start, "a:1") is not None
    assert scheduler.claim("escalate_alerts", start, "b:2") is None
    assert scheduler.claim("escalate_alerts", start + timedelta(minutes=1), "b:2") is not None


def test_a_tick_claims_each_due_job_once_and_a_second_scheduler_gets_none(app, clock):
    dispatched: list[tuple[str, int]] = []

    def record(job, run_id):
        dispatched.append((job.__name__, run_id))

    first = scheduler.tick("host:1", record)
    assert sorted(first) == sorted(p.job.__name__ for p in PERIODIC)
    assert scheduler.tick("host:2", record) == []
    clock.shift(timedelta(seconds=61))
    minutely = sorted(p.job.__name__ for p in PERIODIC if p.every_seconds == 60)
    assert sorted(scheduler.tick("host:2", record)) == minutely
    assert len(dispatched) == len(PERIODIC) + len(minutely)
    beats = db.session.scalars(select(SchedulerBeat.runner)).all()
    assert sorted(beats) == ["host:1", "host:2"]


def test_a_run_that_overlaps_an_earlier_one_is_skipped(app):
    run_id = scheduler.claim("sweep_unsent", datetime.now(UTC), "here:1")
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with app.app_context(), locks.try_job_lock("sweep_unsent") as mine:
            assert mine
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(10)
    try:
        scheduler.run_periodic("app.jobs.outbound.sweep_unsent", run_id)
    finally:
        release.set()
        holder.join()
    assert db.session.get(PeriodicRun, run_id).outcome == "skipped"

    again = scheduler.claim("sweep_unsent", datetime.now(UTC) + timedelta(minutes=1), "here:1")
    scheduler.run_periodic("app.jobs.outbound.sweep_unsent", again)
    assert db.session.get(PeriodicRun, again).outcome == "done"


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM, as a process manager sends; a process still there 20 seconds later is killed,
    so no test is left with another's scheduler running, and the test says so."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    stuck = []
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            stuck.append(process.args)
    assert not stuck, f"did not stop within 20 seconds of SIGTERM: {stuck}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(redis_url: str, spool: Path) -> dict[str, str]:
    url = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "CLASSIFIER": "",
        "PERIODIC_SCALE": "0.1",  # minutely jobs every 6 seconds
        "SCHEDULER_TICK_SECONDS": "0.5",
        "SPOOL_DIR": str(spool),
        "PYTHONPATH": str(ROOT),
    }


def test_two_workers_and_a_web_process_run_each_job_once_per_period(
    migrated_database, make_app, redis, redis_url, tmp_path
):
    """Real processes on loopback, one PostgreSQL and one Redis: periods of 6 seconds, for
    more than five periods."""
    env = _environment(redis_url, tmp_path / "spool")
    port = _free_port()
    processes = [
        subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env),
        subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env),
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "app:create_app()", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={**env, "SCHEDULER_IN_WEB": "true"},
        ),
    ]
    minutely = {p.job.__name__ for p in PERIODIC if p.every_seconds == 60}
    # Real processes keep real time: the runs are read by what they recorded. They are watched
    # until every minutely job has had six periods (on a loaded machine the processes take a
    # while to start), and for three minutes at most.
    engine = create_engine(TEST_DATABASE_URL)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            time.sleep(2)
            with engine.connect() as connection:
                counts = dict(
                    connection.execute(
                        text("SELECT job, count(*) FROM periodic_run GROUP BY job")
                    ).all()
                )
            if all(counts.get(job, 0) >= 6 for job in minutely):
                break
    finally:
        _stop(processes)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT job, period_start, runner, outcome FROM periodic_run")
        ).all()
    engine.dispose()
    per_job = Counter(row.job for row in rows if row.job in minutely)
    assert set(per_job) == minutely
    for job in minutely:
        periods = sorted(row.period_start for row in rows if row.job == job)
        assert len(periods) == len(set(periods)), f"{job} ran twice in one period"
        assert len(periods) >= 5, f"{job} ran in only {len(periods)} periods"
        gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(periods)}
        assert gaps == {6.0}, f"{job} missed a period: {gaps}"
    assert {row.outcome for row in rows if row.job in minutely} <= {"done", None}
    runners = {row.runner for row in rows}
    assert len(runners) >= 2, "one process did all the work: the others never claimed"


@pytest.mark.parametrize("signal_number", [signal.SIGKILL])
def test_the_scheduler_dies_with_its_worker(
    migrated_database, redis, redis_url, tmp_path, signal_number
):
    env = _environment(redis_url, tmp_path / "spool")
    worker = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env)
    engine = create_engine(TEST_DATABASE_URL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM scheduler_beat")).scalar():
                    break
            time.sleep(0.2)
        worker.send_signal(signal_number)
        worker.wait(timeout=10)
        time.sleep(1.5)
        with engine.connect() as connection:
            before = connection.execute(text("SELECT max(beat_at) FROM scheduler_beat")).scalar()
        time.sleep(2)
        with engine.connect() as connection:
            after = connection.execute(text("SELECT max(beat_at) FROM scheduler_beat")).scalar()
        assert before == after, "something still beats after its worker was killed"
    finally:
        if worker.poll() is None:
            worker.kill()
        engine.dispose()
