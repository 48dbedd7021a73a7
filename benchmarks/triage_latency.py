"""Benchmark the safeguarding path end to end: a disclosure sent on the children's web form,
until (1) the child's confirmation page shows crisis help, and (2) the on-duty reviewer's text
and email have been handed to the SMS and email senders.

Real parts: gunicorn serving the app, one `worker.py` RQ worker, PostgreSQL, Redis, the
configured classifier (minilm unless CLASSIFIER says otherwise), the twilio client and smtplib.
With --embedded: the embedded default instead, SQLite and no Redis (jobs run in the web
process, periodic work on its scheduler thread), one gunicorn worker and no `worker.py`.
Twilio's API is a local HTTP server and the mail server a local aiosmtpd, each recording when a
message reached it, so the time measured includes the hand-off itself. Disclosures are sent one
at a time and each waits for both notifications, so the figure is latency, not queueing.

    .venv/bin/python benchmarks/triage_latency.py [--disclosures 40] [--timeout 120] [--embedded]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import requests
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "heard_bench_triage"
REDIS_URL = "redis://127.0.0.1:6379/12"
PORT = 8766
TWILIO_PORT = 8767
SMTP_PORT = 8768
DUTY_PHONE = "+447700900100"
REVIEWER_EMAIL = "duty.reviewer@council.example"
DISCLOSURES = [
    "My mum's boyfriend hits me when she is at work",
    "He hurts me and says I can't tell anyone",
    "I am scared to go home because my dad hits me",
    "My carer locks me in my room and doesn't give me food",
]


class Arrivals:
    """When each notification reached the fake Twilio or the SMTP server, by where it went."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sms: list[tuple[float, str, str]] = []
        self.mail: list[tuple[float, list[str], str]] = []

    def first_after(self, start: float, alert_path: str) -> tuple[float | None, float | None]:
        """The first text and the first email to the reviewer, after start, naming the alert."""
        with self.lock:
            sms = [t for t, to, body in self.sms if t >= start and to == DUTY_PHONE]
            mail = [
                t
                for t, to, body in self.mail
                if t >= start and REVIEWER_EMAIL in to and alert_path in body
            ]
        return (min(sms) if sms else None, min(mail) if mail else None)


def _fake_twilio(arrivals: Arrivals) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            at = time.monotonic()
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            to, body = form.get("To", [""])[0], form.get("Body", [""])[0]
            with arrivals.lock:
                arrivals.sms.append((at, to, body))
            payload = json.dumps({"sid": f"SM{uuid.uuid4().hex}", "status": "queued"}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", TWILIO_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _MailHandler:
    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.monotonic()
        content = envelope.content.decode("utf-8", "replace")
        with self.arrivals.lock:
            self.arrivals.mail.append((at, list(envelope.rcpt_tos), content))
        return "250 OK"


def _fresh_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"


def _env(database_url: str, classifier: str, embedded: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": "" if embedded else REDIS_URL,
        "SECRET_KEY": "benchmark",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
        "RATELIMIT_PUBLIC": "100000 per minute",
        "CLASSIFIER": classifier,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "benchmark-auth-token",
        "TWILIO_FROM_NUMBER": "+447700900999",
        "TWILIO_API_BASE": f"http://127.0.0.1:{TWILIO_PORT}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(SMTP_PORT),
        "SMTP_STARTTLS": "false",
        "MAIL_FROM": "heard@council.example",
    }
    return env


SETUP = """
from datetime import UTC, datetime, timedelta
from app import create_app
from app.extensions import db
from app.models import RotaKind
from app.services.safeguarding import rota as safeguarding_rota
from app.services.staff.accounts import create_account
app = create_app()
with app.app_context():
    user = create_account(email=%(email)r, name="Duty Reviewer", role="safeguarding_reviewer",
                          password="benchmark benchmark benchmark")
    db.session.commit()
    now = datetime.now(UTC)
    for kind in RotaKind:
        safeguarding_rota.set_shift(user.id, now - timedelta(hours=1), now + timedelta(days=1),
                                    kind, 0, %(phone)r)
"""


def _prepare(env: dict[str, str], embedded: bool) -> None:
    """Schema, an empty Redis database, and one reviewer on both rotas with a duty phone."""
    bin_dir = Path(sys.executable).parent
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True}
    subprocess.run([bin_dir / "heard", "db", "upgrade"], **run)
    if not embedded:
        subprocess.run(
            [
                bin_dir / "python",
                "-c",
                f"import redis; redis.Redis.from_url('{REDIS_URL}').flushdb()",
            ],
            **run,
        )
    subprocess.run(
        [bin_dir / "python", "-c", SETUP % {"email": REVIEWER_EMAIL, "phone": DUTY_PHONE}], **run
    )


def _start(env: dict[str, str], embedded: bool) -> list[subprocess.Popen[bytes]]:
    """gunicorn with two workers and one RQ worker; or, embedded, one gunicorn worker alone."""
    bin_dir = Path(sys.executable).parent
    workers = "1" if embedded else "2"
    processes = [
        subprocess.Popen(
            [
                bin_dir / "gunicorn",
                *("--workers", workers, "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"),
                "app:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
    ]
    if not embedded:
        processes.append(
            subprocess.Popen(
                [bin_dir / "python", "worker.py"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                return processes
        except requests.RequestException:
            time.sleep(0.1)
    for process in processes:
        process.terminate()
    raise RuntimeError("gunicorn did not start")


def _send_disclosure(session: requests.Session, words: str) -> tuple[float, float]:
    """Fill in and send the children's form as a browser would, under "I want to complain",
    and follow it to the confirmation; returns when it was sent and how long until the
    confirmation page, with crisis help on it, had arrived."""
    page = session.get(f"http://127.0.0.1:{PORT}/child", timeout=10).text
    fields = dict(
        re.findall(r'name="(csrf_token|submission_id)" type="hidden" value="([^"]+)"', page)
    )
    sent = time.monotonic()
    response = session.post(
        f"http://127.0.0.1:{PORT}/child",
        data={**fields, "topic": "complain", "text": words},
        timeout=30,
    )
    confirmed = time.monotonic() - sent
    if response.status_code != 200 or 'href="tel:08001111"' not in response.text:
        raise RuntimeError(f"no crisis help on the confirmation ({response.status_code})")
    if "You did the right thing telling us" not in response.text:
        raise RuntimeError("the confirmation did not lead with help")
    return sent, confirmed


def _wait(arrivals: Arrivals, sent: float, timeout: float) -> tuple[float, float] | None:
    """Seconds from sending to the reviewer's text and to their email; None if either is late."""
    deadline = sent + timeout
    while time.monotonic() < deadline:
        with arrivals.lock:
            links = [body for t, to, body in arrivals.sms if t >= sent and to == DUTY_PHONE]
        if links:
            path = links[0][links[0].index("/staff/safeguarding/") :].split()[0]
            sms_at, mail_at = arrivals.first_after(sent, path)
            if sms_at is not None and mail_at is not None:
                return sms_at - sent, mail_at - sent
        time.sleep(0.01)
    return None


def _rules_ms() -> float:
    """What the in-request part costs on its own: the safeguarding rules over one disclosure
    (the floor under the confirmation time), p95 in milliseconds over 400 runs."""
    from classifiers import rules

    timings = []
    for n in range(400):
        start = time.perf_counter()
        rules.check(DISCLOSURES[n % len(DISCLOSURES)])
        timings.append((time.perf_counter() - start) * 1000)
    return _p95(timings)


def _p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def main() -> None:
    """Run the benchmark and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--disclosures", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--classifier", default=os.environ.get("CLASSIFIER", "minilm"))
    parser.add_argument("--embedded", action="store_true", help="SQLite, no Redis, no worker")
    args = parser.parse_args()

    arrivals = Arrivals()
    twilio = _fake_twilio(arrivals)
    smtp = Controller(_MailHandler(arrivals), hostname="127.0.0.1", port=SMTP_PORT)
    smtp.start()
    if args.embedded:
        home = Path(tempfile.mkdtemp(prefix="heard-bench-"))
        env = _env(f"sqlite:///{home / 'heard.sqlite'}", args.classifier, embedded=True)
        env["SPOOL_DIR"] = str(home / "spool")
    else:
        env = _env(_fresh_database(), args.classifier, embedded=False)
    _prepare(env, args.embedded)
    processes = _start(env, args.embedded)
    started = datetime.now(UTC)
    results: list[tuple[float, float]] = []
    confirmations: list[float] = []
    late = 0
    try:
        for n in range(args.disclosures):
            session = requests.Session()
            sent, confirmed = _send_disclosure(
                session, f"{DISCLOSURES[n % len(DISCLOSURES)]} ({n})"
            )
            confirmations.append(confirmed)
            timing = _wait(arrivals, sent, args.timeout)
            if timing is None:
                late += 1
            else:
                results.append(timing)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        smtp.stop()
        twilio.shutdown()

    both = [max(sms, mail) for sms, mail in results]
    report = {
        "mode": "embedded (SQLite, no Redis)" if args.embedded else "PostgreSQL, Redis, 1 worker",
        "classifier": args.classifier,
        "confirmation_p50_s": round(statistics.median(confirmations), 3),
        "confirmation_p95_s": round(_p95(confirmations), 3),
        "confirmation_max_s": round(max(confirmations), 3),
        "rules_alone_p95_ms": round(_rules_ms(), 3),
        "disclosures": args.disclosures,
        "notified": len(results),
        "late_or_lost": late,
        "first_s": round(both[0], 3) if both else None,
        "p50_s": round(statistics.median(both), 3) if both else None,
        "p95_s": round(_p95(both), 3) if both else None,
        "p95_after_first_s": round(_p95(both[1:]), 3) if len(both) > 2 else None,
        "max_s": round(max(both), 3) if both else None,
        "sms_p95_s": round(_p95([s for s, _ in results]), 3) if results else None,
        "email_p95_s": round(_p95([m for _, m in results]), 3) if results else None,
        "seconds": round((datetime.now(UTC) - started) / timedelta(seconds=1), 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
