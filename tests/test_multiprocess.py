"""Heard scaled out on loopback: two web processes (one of them two gunicorn workers) and two
RQ workers, real processes against one PostgreSQL and one Redis, as the README's "Scaling out"
describes. Texts arrive at both web processes at once, each delivered twice (as Twilio retries
do); every message is stored once and classified once, every periodic job runs once per
period, and /metrics adds up the requests of every gunicorn worker in its process."""

import itertools
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from app.jobs.periodic import PERIODIC
from tests.conftest import TEST_DATABASE_URL, _free_port
from tests.jobs.test_scheduler import _environment, _stop

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://heard.example.org"
TWILIO_TOKEN = "multiprocess-test-auth-token"
METRICS_TOKEN = "multiprocess-metrics-token-0123456789"
TEXTS = 40
# Each process imports the stand-in classifier before Heard starts.
PRELUDE = "import runpy, sys, tests.keyword_classifier; "
WORKER = PRELUDE + "runpy.run_path('worker.py', run_name='__main__')"
WEB = PRELUDE + "from gunicorn.app.wsgiapp import run; sys.argv[0] = 'gunicorn'; run()"


def _web(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    argv = ["app:create_app()", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    return subprocess.Popen([sys.executable, "-c", WEB, *argv], cwd=ROOT, env=env)


def _wait_for(check, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{what} within {seconds} seconds")


def _healthy(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
        return response.status == 200


def _text(port: int, sid: str, sender: str, body: str) -> int:
    form = {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+447700900999",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(f"{BASE}/sms/inbound", form)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sms/inbound",
        data=urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def _words(n: int) -> str:
    return "my stepdad hits me" if n % 4 == 0 else "nobody rings me back"


def _scrape(port: int) -> dict[tuple[str, frozenset], float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def _rows(sql: str) -> list:
    engine = create_engine(TEST_DATABASE_URL)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql)).all())
    finally:
        engine.dispose()


MINUTELY = {p.job.__name__ for p in PERIODIC if p.every_seconds == 60}


def _four_periods_each() -> bool:
    runs = Counter(row.job for row in _rows("SELECT job FROM periodic_run"))
    return all(runs[job] >= 4 for job in MINUTELY)


def test_two_web_processes_and_two_workers_store_classify_and_schedule_once(
    migrated_database, make_app, redis, redis_url, tmp_path
):
    make_app()  # empties every table after the test, as for any other
    env = {
        **_environment(redis_url, tmp_path / "spool"),
        "CLASSIFIER": "test-keyword",
        "PUBLIC_BASE_URL": BASE,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "METRICS_TOKEN": METRICS_TOKEN,
        "SCHEDULER_IN_WEB": "false",
    }
    ports = [_free_port(), _free_port()]
    metrics_dir = tmp_path / "metrics"
    processes = [
        _web({**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}, ports[0], workers=2),
        _web(env, ports[1], workers=1),
        subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env),
        subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env),
    ]
    try:
        for port in ports:
            _wait_for(lambda port=port: _healthy(port), f"web process on {port} answered")
        _wait_for(
            lambda: len(_rows("SELECT runner FROM scheduler_beat")) >= 2, "both schedulers beat"
        )
        # Every text reaches both web processes at once; every fourth is a disclosure.
        deliveries = [
            (port, f"SM{n:032x}", f"+4477009{n:05d}", f"Text {n}: {_words(n)}")
            for n in range(TEXTS)
            for port in ports
        ]
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda d: _text(*d), deliveries))
        assert set(statuses) == {200}
        _wait_for(
            lambda: (
                not _rows(
                    "SELECT id FROM message WHERE direction = 'inbound' "
                    "AND classification_state = 'pending'"
                )
            ),
            "every message classified",
        )
        # Let the schedulers run until every minutely job has had four periods of six seconds.
        _wait_for(_four_periods_each, "four periods of every minutely job", seconds=120)
        scraped = _scrape(ports[0])
    finally:
        _stop(processes)

    inbound = _rows(
        "SELECT id, external_id, classification_state FROM message WHERE direction = 'inbound'"
    )
    assert len(inbound) == TEXTS, "a text delivered twice was stored twice, or not at all"
    assert len({row.external_id for row in inbound}) == TEXTS
    assert {row.classification_state for row in inbound} == {"done"}
    per_message = Counter(row.message_id for row in _rows("SELECT message_id FROM classification"))
    assert set(per_message) == {row.id for row in inbound}
    assert set(per_message.values()) == {1}, "a message was classified more than once"
    alerts = _rows("SELECT message_id FROM safeguarding_alert")
    assert len(alerts) == len({row.message_id for row in alerts}) == TEXTS // 4

    runs = _rows("SELECT job, period_start, runner, outcome FROM periodic_run")
    for job in MINUTELY:
        periods = sorted(row.period_start for row in runs if row.job == job)
        assert len(periods) == len(set(periods)), f"{job} ran twice in one period"
        assert len(periods) >= 4, f"{job} ran in only {len(periods)} periods"
        gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(periods)}
        assert gaps == {6.0}, f"{job} missed a period: {gaps}"
    assert {row.outcome for row in runs if row.job in MINUTELY} <= {"done", "skipped", None}

    # The first web process's two gunicorn workers each counted some of its texts; a scrape
    # of either adds up both.
    assert len(list(metrics_dir.glob("counter_*.db"))) >= 2
    texts_counted = sum(
        value
        for (name, labels), value in scraped.items()
        if name == "heard_http_requests_total" and ("route", "/sms/inbound") in labels
    )
    assert texts_counted == TEXTS
    assert scraped[("heard_classification_lag_seconds", frozenset())] == 0
    assert scraped[("heard_schedulers_alive", frozenset())] >= 2
