"""Benchmark POST /sms/inbound under gunicorn (2 gthread workers) on PostgreSQL and Redis.

Signed requests from a load generator on loopback; a bounded count and time. Reports
requests per second and p50/p99 latency, then checks every message was stored exactly once
(every tenth request is a Twilio retry of an earlier one, which must not be stored again).

    .venv/bin/python benchmarks/sms_webhook.py [--requests 6000] [--concurrency 8]
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchmark-auth-token"
BASE = "https://heard.example.org"
PORT = 8765
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "heard_bench_sms"
REDIS_URL = "redis://127.0.0.1:6379/14"


def _fresh_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    return f"postgresql://postgres@127.0.0.1:5432/{DB}"


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": BASE,
        "SECRET_KEY": "benchmark",
        "CLASSIFIER": "",
    }


def _start_server(env: dict[str, str]) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "heard", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    subprocess.run(
        [bin_dir / "python", "-c", f"import redis; redis.Redis.from_url('{REDIS_URL}').flushdb()"],
        check=True,
    )
    server = subprocess.Popen(
        [
            bin_dir / "gunicorn",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _form(n: int) -> dict[str, str]:
    # 500 senders, so threading looks up real history; every tenth request retries an earlier one.
    sid_number = n - 5 if n % 10 == 9 else n
    return {
        "MessageSid": f"SM{sid_number:032x}",
        "From": f"+4477009{sid_number % 500:05d}",
        "To": "+447700900999",
        "Body": f"Benchmark message {sid_number}: the social worker did not call back.",
        "NumMedia": "0",
    }


def _worker(numbers: list[int], deadline: float, latencies: list[float], errors: list[int]):
    validator = RequestValidator(TOKEN)
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    for n in numbers:
        if time.monotonic() > deadline:
            break
        form = _form(n)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(BASE + "/sms/inbound", form),
        }
        body = urlencode(form)
        started = time.perf_counter()
        connection.request("POST", "/sms/inbound", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=60)
    args = parser.parse_args()

    database_url = _fresh_database()
    server = _start_server(_env(database_url))
    try:
        latencies: list[float] = []
        errors: list[int] = []
        deadline = time.monotonic() + args.max_seconds
        numbers = list(range(args.requests))
        threads = [
            threading.Thread(
                target=_worker, args=(numbers[i :: args.concurrency], deadline, latencies, errors)
            )
            for i in range(args.concurrency)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)

    sent = len(latencies)
    expected = {_form(n)["MessageSid"] for n in range(sent)} if sent == args.requests else None
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        stored, distinct = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT external_id) FROM message "
                "WHERE direction = 'inbound'"
            )
        ).one()
    engine.dispose()
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"requests: {sent} in {elapsed:.1f}s, concurrency {args.concurrency}, errors {len(errors)}"
    )
    print(f"throughput: {sent / elapsed:.0f} requests/second")
    print(f"latency: p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms")
    print(f"stored: {stored} inbound messages, {distinct} distinct MessageSids", end="")
    if expected is not None:
        ok = stored == distinct == len(expected)
        print(f", expected {len(expected)}: {'exactly once' if ok else 'MISMATCH'}")
    else:
        print(" (time limit reached before every request was sent)")


if __name__ == "__main__":
    main()
