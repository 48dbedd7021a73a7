"""Benchmark the staff pages over real HTTP, signed in, against a seeded database.

Migrates the database to the head (so a copy of an older template is upgraded the way a
deployment would be), starts gunicorn on it (Redis db 10, no scheduler, no classifier), signs
in as the seeder's administrator with password and a two-factor code, then fetches each page
in turn, round after round, so that any change in the machine's load falls on every page
alike. For each page it reports the first (cold) fetch apart, then the p50, p95 and maximum
of the rest, measured from the request to the last byte read, and the CPU one fetch cost the
gunicorn workers and the PostgreSQL backends together (read from /proc around each fetch:
the share of the time this machine's other work cannot inflate). The load average is
printed before and after.

    .venv/bin/python benchmarks/staff_pages.py --database heard_bench_1m --runs 20
    .venv/bin/python benchmarks/staff_pages.py --database heard_bench_1m \\
        --from-template heard_bench_1m_template        # make the copy afresh first
    .venv/bin/python benchmarks/staff_pages.py --database heard_bench_10k --only due,trends

The database must have been made by `benchmarks/seed.py` (its administrator signs in).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import seed as seeding  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/10"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    key: str
    name: str
    path: str


@dataclass
class Timings:
    page: Page
    first: float = 0.0
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    size: int = 0


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _copy_template(database: str, template: str) -> None:
    with psycopg.connect(f"{seeding.SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')


def _financial_year(today: date) -> str:
    """The last whole financial year (April to March) before today, as the chooser codes it."""
    first = today.year - (1 if today.month >= 4 else 2)
    return f"{first}-{(first + 1) % 100:02d}"


def _pages(database: str) -> list[Page]:
    """The pages to fetch, with the ids of a representative item, complaint and alert."""
    with psycopg.connect(f"{seeding.SERVER}/{database}") as connection:

        def one(query: str) -> int:
            row = connection.execute(query).fetchone()
            if row is None:
                raise SystemExit(f"{database} has nothing for: {query}")
            return int(row[0])

        item = one(
            "SELECT max(feedback_item_id) FROM message m JOIN feedback_item i "
            "ON i.id = m.feedback_item_id WHERE i.kind = 'comment' AND m.direction = 'outbound'"
        )
        complaint = one(
            "SELECT min(feedback_item_id) FROM complaint_stage "
            "WHERE stage = 2 AND responded_on IS NULL"
        )
        alert = one("SELECT min(id) FROM safeguarding_alert WHERE status = 'open'")
    year = _financial_year(date.today())
    return [
        Page("due", "complaints due this week", "/staff/complaints/due"),
        Page("trends", "trends, unfiltered", "/staff/trends/"),
        Page("report", f"complaints report {year}", f"/staff/reports/complaints?period={year}"),
        Page(
            "xlsx",
            f"complaints report {year}, XLSX",
            f"/staff/reports/complaints.xlsx?period={year}",
        ),
        Page(
            "pdf",
            f"complaints report {year}, PDF",
            f"/staff/reports/complaints.pdf?period={year}",
        ),
        Page("queue", "safeguarding queue", "/staff/safeguarding"),
        Page("list", "feedback list, first page", "/staff/"),
        Page("list-complaints", "feedback list, complaints", "/staff/?kind=complaint"),
        Page("item", "an item (newest comment with a reply)", f"/staff/items/{item}"),
        Page("complaint", "a complaint (open Stage 2)", f"/staff/items/{complaint}"),
        Page("alert", "a safeguarding alert", f"/staff/safeguarding/{alert}"),
        Page("learning", "learning log", "/staff/complaints/learning"),
        Page("audit-log", "audit log", "/staff/audit-log"),
        Page("jobs", "background jobs", "/staff/jobs/"),
    ]


def _prepare_sign_in(database: str) -> None:
    """Clear what earlier runs left on the account: throttles and the last code's time step
    stay as they are, but a wait for wrong codes is lifted."""
    with psycopg.connect(f"{seeding.SERVER}/{database}") as connection:
        found = connection.execute(
            "UPDATE staff_user SET failed_codes = 0, codes_wait_until = NULL WHERE email = %s "
            "RETURNING id",
            (seeding.BENCH_EMAIL,),
        ).fetchone()
        if found is None:
            raise SystemExit(f"{database} has no {seeding.BENCH_EMAIL}: seed it with seed.py")
        connection.execute("DELETE FROM sign_in_throttle")


def _last_step(database: str) -> int | None:
    with psycopg.connect(f"{seeding.SERVER}/{database}") as connection:
        row = connection.execute(
            "SELECT totp_last_timestep FROM staff_user WHERE email = %s", (seeding.BENCH_EMAIL,)
        ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _csrf(response: requests.Response) -> str:
    found = CSRF.search(response.text)
    if found is None:
        raise RuntimeError(f"no CSRF token on {response.url}")
    return found.group(1)


def sign_in(base: str, database: str) -> requests.Session:
    """Password, then a two-factor code from a time step the account has not used."""
    session = requests.Session()
    page = session.get(f"{base}/staff/sign-in")
    answer = session.post(
        f"{base}/staff/sign-in",
        data={
            "csrf_token": _csrf(page),
            "email": seeding.BENCH_EMAIL,
            "password": seeding.BENCH_PASSWORD,
        },
    )
    if "/staff/two-factor" not in answer.url:
        raise RuntimeError(f"password refused: landed on {answer.url}")
    totp = pyotp.TOTP(seeding.BENCH_TOTP_SECRET)
    last = _last_step(database)
    while last is not None and totp.timecode(time.time()) <= last:
        time.sleep(1)
    answer = session.post(
        f"{base}/staff/two-factor", data={"csrf_token": _csrf(answer), "code": totp.now()}
    )
    if "/staff/two-factor" in answer.url or "/staff/sign-in" in answer.url:
        raise RuntimeError(f"two-factor code refused: landed on {answer.url}")
    return session


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _server_pids(server: subprocess.Popen[bytes], database: str) -> list[int]:
    """gunicorn's workers and the PostgreSQL backends connected to the database."""
    workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    with psycopg.connect(f"{seeding.SERVER}/postgres") as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [int(p) for p in workers] + [int(r[0]) for r in rows]


def _start_server(
    database: str, port: int, workers: int, redis_url: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": redis_url,
        "SCHEDULER_IN_WEB": "0",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": "staff-pages-benchmark",
        "CLASSIFIER": "",
    }
    subprocess.run(
        [sys.executable, "-c", f"import redis; redis.Redis.from_url('{redis_url}').flushdb()"],
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(300):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _fetch(session: requests.Session, base: str, page: Page) -> tuple[float, int]:
    start = time.perf_counter()
    response = session.get(base + page.path, allow_redirects=False)
    size = len(response.content)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{page.path} answered {response.status_code}")
    return elapsed, size


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(
    database: str, pages: list[Page], runs: int, workers: int, redis_url: str = REDIS_URL
) -> tuple[list[Timings], str, str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    _prepare_sign_in(database)
    server = _start_server(database, port, workers, redis_url)
    try:
        session = sign_in(base, database)
        results = [Timings(page) for page in pages]
        for timing in results:  # cold: each worker's first compile, caches empty
            timing.first, timing.size = _fetch(session, base, timing.page)
        pids = _server_pids(server, database)
        before = _uptime()
        for _ in range(runs):
            for timing in results:
                used = _cpu_seconds(pids)
                elapsed, timing.size = _fetch(session, base, timing.page)
                timing.cpu.append(_cpu_seconds(pids) - used)
                timing.seconds.append(elapsed)
            pids = _server_pids(server, database)
        after = _uptime()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results, before, after


def _table(results: list[Timings]) -> str:
    lines = [
        "| page | first | p50 | p95 | max | CPU per fetch, p50 (web + PostgreSQL) | size |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in results:
        lines.append(
            f"| {t.page.name} | {t.first * 1000:,.0f} ms | "
            f"{statistics.median(t.seconds) * 1000:,.0f} ms | "
            f"{_percentile(t.seconds, 0.95) * 1000:,.0f} ms | {max(t.seconds) * 1000:,.0f} ms | "
            f"{statistics.median(t.cpu) * 1000:,.0f} ms | {t.size / 1024:,.0f} KiB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument(
        "--from-template", help="first make --database afresh as a copy of this database"
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--only", help="comma-separated page keys (default: every page)")
    parser.add_argument("--json", help="also write the timings to this file")
    parser.add_argument(
        "--redis-url", default=REDIS_URL, help="a Redis database of its own: it is flushed"
    )
    args = parser.parse_args()

    if args.from_template:
        _copy_template(args.database, args.from_template)
    revision = seeding.migrate(args.database)
    pages = _pages(args.database)
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.key in wanted]
    with psycopg.connect(f"{seeding.SERVER}/{args.database}") as connection:
        items = connection.execute("SELECT count(*) FROM feedback_item").fetchone()
        open_stages = connection.execute(
            "SELECT count(*) FROM complaint_stage WHERE responded_on IS NULL"
        ).fetchone()
        open_alerts = connection.execute(
            "SELECT count(*) FROM safeguarding_alert WHERE status = 'open'"
        ).fetchone()
    print(
        f"{args.database} at {revision}: {items[0] if items else 0:,} items, "
        f"{open_stages[0] if open_stages else 0:,} open stages, "
        f"{open_alerts[0] if open_alerts else 0:,} open alerts; {args.runs} runs, "
        f"{args.workers} gunicorn workers"
    )
    results, before, after = measure(args.database, pages, args.runs, args.workers, args.redis_url)
    print(f"load before: {before}")
    print(f"load after:  {after}")
    print(_table(results))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "database": args.database,
                    "revision": revision,
                    "load_before": before,
                    "load_after": after,
                    "pages": {
                        t.page.key: {
                            "path": t.page.path,
                            "first": t.first,
                            "seconds": t.seconds,
                            "cpu": t.cpu,
                            "bytes": t.size,
                        }
                        for t in results
                    },
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
