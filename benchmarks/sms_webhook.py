"""Benchmark POST /sms/inbound under gunicorn on PostgreSQL and Redis, driven by wrk.

The load generator must not compete with the server for the two cores, so every request is
Twilio-signed in advance and written to one Lua file per wrk thread; wrk (a C program, `apt-get
install wrk`) only cycles through them. Each thread sends its own distinct MessageSids in
order, and every tenth request repeats one the same thread sent five requests earlier, as
Twilio does when it retries. A warm-up opens a thread for each of 500 regular numbers; in the
run eight requests in ten are texts from them into their open threads, one in ten is a first
text from a new number (a new thread, its contact and an acknowledgement) and one in ten is a
retry. Afterwards the database must hold every distinct MessageSid that was sent exactly
once, and nothing else. The CPU that gunicorn's workers, the benchmark database's PostgreSQL
backends and the Redis server used during the run is reported per request.

    .venv/bin/python benchmarks/sms_webhook.py [--duration 30] [--connections 6]
        [--workers 3] [--worker-class sync] [--threads 1]
"""

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import redis
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchmark-auth-token"
BASE = "https://heard.example.org"
PATH = "/sms/inbound"
PORT = 8765
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "heard_bench_sms"
REDIS_URL = "redis://127.0.0.1:6379/14"
WRK_THREADS = 2
# Far more than a run can send (wrk stops at its duration), so no request is sent twice
# except the deliberate retries.
REQUESTS_PER_THREAD = 40_000
# Regular numbers, each of which opens its thread in the warm-up; during the run nine texts
# in ten come from one of them, and every tenth opens a new thread from a number of its own,
# so the mix is the same however many requests a run gets through.
SENDERS = 500

# wrk's side: each thread loads its own pre-signed requests, sends them in order, counts
# what it sent, and the summary prints latency percentiles as JSON.
WRK_SCRIPT = """
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = dofile(args[1] .. "/requests_" .. id .. ".lua")
  sent = 0
  failed = 0
end

function request()
  sent = sent + 1
  local r = requests[sent]
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = r[2],
  }, r[1])
end

function response(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local sent_by = {}
  local failures = 0
  for _, thread in ipairs(threads) do
    sent_by[#sent_by + 1] = thread:get("id") .. ":" .. thread:get("sent")
    failures = failures + thread:get("failed")
  end
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p90_ms": %%f, "p99_ms": %%f, ' ..
    '"max_ms": %%f, "non_200": %%d, "socket_errors": %%d, "sent": "%%s"}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    failures, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, table.concat(sent_by, ",")))
end
"""


def _original(k: int) -> int:
    """The request a thread's k-th request (1-based) sends: every tenth repeats an earlier one."""
    return k - 5 if k % 10 == 0 else k


def _sender(thread: int, original: int) -> int:
    if original % 10 == 3:
        return SENDERS + thread * (REQUESTS_PER_THREAD // 10) + original // 10
    return (thread * REQUESTS_PER_THREAD + original) % SENDERS


def _text(sid: str, number: int) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "From": f"+4477009{number:05d}",
        "To": "+447700900999",
        "Body": f"Benchmark message {sid}: the social worker did not call back.",
        "NumMedia": "0",
    }


def _form(thread: int, k: int) -> dict[str, str]:
    original = _original(k)
    return _text(f"SM{thread:02x}{original:030x}", _sender(thread, original))


def _warm_up_forms() -> list[dict[str, str]]:
    """A first text from every regular number, sent before the run."""
    return [_text(f"SM{WRK_THREADS:02x}{n:030x}", n) for n in range(SENDERS)]


def write_requests(directory: Path) -> None:
    """One Lua file per wrk thread: a list of {body, signature}, signed for the public URL."""
    validator = RequestValidator(TOKEN)
    for thread in range(WRK_THREADS):
        lines = ["return {"]
        for k in range(1, REQUESTS_PER_THREAD + 1):
            form = _form(thread, k)
            signature = validator.compute_signature(BASE + PATH, form)
            # URL-encoded bodies and base64 signatures hold no quote or backslash.
            lines.append(f'{{"{urlencode(form)}", "{signature}"}},')
        lines.append("}")
        (directory / f"requests_{thread}.lua").write_text("\n".join(lines))
    (directory / "webhook.lua").write_text(WRK_SCRIPT % {"path": PATH})


def _fresh_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    return f"postgresql://postgres@127.0.0.1:5432/{DB}"


def _analyze(database_url: str) -> None:
    """Table statistics, as autovacuum keeps them on a live database. A new database has none,
    and without them PostgreSQL finds a number's thread by scanning every text message."""
    engine = create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


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


def _start_server(env: dict[str, str], args: argparse.Namespace) -> subprocess.Popen[bytes]:
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
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
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


def _post(forms: list[dict[str, str]]) -> None:
    """Send signed forms one after another, each of which must be answered with a 200."""
    validator = RequestValidator(TOKEN)
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    for form in forms:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(BASE + PATH, form),
        }
        connection.request("POST", PATH, body=urlencode(form), headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{form['MessageSid']} refused with {response.status}")


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) each process has used so far, from /proc; gone ones left out."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def _processes(server: subprocess.Popen[bytes]) -> dict[str, list[int]]:
    """The processes serving the benchmark: gunicorn's workers, the PostgreSQL backends
    connected to the benchmark database, and the Redis server (shared with anything else
    using this Redis)."""
    workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    admin = create_engine(ADMIN_URL)
    with admin.connect() as connection:
        backends = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :db"), {"db": DB}
        ).scalars()
        postgres = list(backends)
    admin.dispose()
    redis_pid = redis.Redis.from_url(REDIS_URL).info("server")["process_id"]
    return {"gunicorn": [int(pid) for pid in workers], "postgres": postgres, "redis": [redis_pid]}


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between the two readings; a process started in between counts from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _sent_forms(sent: str, tail: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The forms wrk sent (each thread's first n requests), and each thread's last `tail`."""
    forms: list[dict[str, str]] = []
    last: list[dict[str, str]] = []
    for pair in sent.split(","):
        thread, count = (int(part) for part in pair.split(":"))
        # wrk calls request() once on its first thread to check the script, and never sends it.
        first = 2 if thread == 0 else 1
        forms += [_form(thread, k) for k in range(first, count + 1)]
        last += [_form(thread, k) for k in range(max(first, count - tail + 1), count + 1)]
    return forms, last


def _result(output: str) -> dict[str, Any]:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _stored_sids(database_url: str) -> tuple[list[str], int]:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        sids = list(
            connection.execute(
                text("SELECT external_id FROM message WHERE direction = 'inbound'")
            ).scalars()
        )
        replies = connection.execute(
            text("SELECT count(*) FROM message WHERE direction = 'outbound'")
        ).scalar_one()
    engine.dispose()
    return sids, replies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=30, help="seconds of load")
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="per worker, for gthread")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        write_requests(directory)
        database_url = _fresh_database()
        server = _start_server(_env(database_url), args)
        warm_up = _warm_up_forms()
        try:
            _post(warm_up)
            _analyze(database_url)
            serving = _processes(server)
            cpu_before = {name: _cpu_seconds(pids) for name, pids in serving.items()}
            run = subprocess.run(
                [
                    wrk,
                    f"--threads={WRK_THREADS}",
                    f"--connections={args.connections}",
                    f"--duration={args.duration}s",
                    "--timeout=10s",
                    f"--script={directory / 'webhook.lua'}",
                    f"http://127.0.0.1:{PORT}{PATH}",
                    "--",
                    str(directory),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            result = _result(run.stdout)
            # Backends opened during the run (a worker's pool growing) are counted too.
            serving = _processes(server)
            cpu = {
                name: _cpu_used(cpu_before[name], _cpu_seconds(pids))
                for name, pids in serving.items()
            }
            sent, in_flight = _sent_forms(result["sent"], args.connections)
            sent += warm_up
            # wrk stops with requests in flight and never reads their answers: like Twilio,
            # send those again, so that every message sent has been answered at least once.
            _post(in_flight)
        finally:
            server.terminate()
            server.wait(10)

    expected = {form["MessageSid"] for form in sent}
    stored, replies = _stored_sids(database_url)
    exactly_once = len(stored) == len(set(stored)) and set(stored) == expected
    server_config = f"{args.workers} {args.worker_class} workers"
    if args.worker_class == "gthread":
        server_config += f" x {args.threads} threads"
    print(f"gunicorn: {server_config}; wrk: {WRK_THREADS} threads, {args.connections} connections")
    print(
        f"requests: {result['requests']} in {result['seconds']:.1f}s, "
        f"non-200 {result['non_200']}, socket errors {result['socket_errors']}"
    )
    print(f"throughput: {result['requests'] / result['seconds']:.0f} requests/second")
    print(
        f"latency: p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms"
    )
    per_request = {name: seconds / result["requests"] * 1000 for name, seconds in cpu.items()}
    print(
        f"CPU per request: gunicorn workers {per_request['gunicorn']:.2f} ms, PostgreSQL "
        f"backends {per_request['postgres']:.2f} ms, redis-server {per_request['redis']:.2f} ms "
        f"(all of Redis, shared), total {sum(per_request.values()):.2f} ms"
    )
    print(
        f"stored: {len(stored)} inbound messages ({len(set(stored))} distinct), "
        f"{len(expected)} distinct sent, {replies} replies: "
        + ("each exactly once" if exactly_once else "MISMATCH")
    )
    for sid in sorted(expected - set(stored))[:5]:
        print(f"  sent, not stored: {sid}")
    for sid in sorted(set(stored) - expected)[:5]:
        print(f"  stored, never sent: {sid}")
    with open("/proc/loadavg") as loadavg:
        print(f"load average afterwards: {' '.join(loadavg.read().split()[:3])}")


if __name__ == "__main__":
    main()
