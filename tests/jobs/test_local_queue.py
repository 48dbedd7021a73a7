"""The embedded default's job thread and its database settings, without a request."""

import threading

from app import create_app
from app.jobs import local
from tests.conftest import base_config


def test_on_sqlite_a_writer_waits_for_another_and_postgresql_is_left_alone(tmp_path):
    sqlite = create_app(base_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.db'}"))
    assert sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"timeout": 30}
    postgres = create_app(base_config())
    assert "timeout" not in postgres.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})


def test_jobs_run_in_order_one_at_a_time_and_drain_waits_for_them(tmp_path):
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.db'}"))
    ran: list[int] = []
    running = threading.Semaphore(1)

    def job(n: int) -> None:
        assert running.acquire(blocking=False), "two jobs at once"
        ran.append(n)
        running.release()

    for n in range(20):
        assert local.submit(app, local.LocalJob(f"job-{n}", "job", job, (n,)))
    assert local.drain(10.0)
    assert ran == list(range(20)) and local.depth() == 0
