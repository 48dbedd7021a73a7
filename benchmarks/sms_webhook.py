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
import statistics
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
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


def _fresh_database(name: str) -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def _sqlalchemy_url(database_url: str) -> str:
    return database_url.replace("postgresql://", "postgresql+psycopg://")


def _analyze(database_url: str) -> None:
    """Table statistics, as autovacuum keeps them on a live database. A new database has none,
    and without them PostgreSQL finds a number's thread by scanning every text message."""
    engine = create_engine(_sqlalchemy_url(database_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def _env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "FLOOR_DATABASE_URL": _sqlalchemy_url(database_url),
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": BASE,
        "SECRET_KEY": "benchmark",
        "CLASSIFIER": "",
        # This checkout's code, not an installed copy's (an editable install may point elsewhere).
        "PYTHONPATH": str(ROOT),
    }


def _prepare(app: str, database_url: str, env: dict[str, str]) -> None:
    """Heard's schema by its migrations; the floor's one table."""
    if app == "heard":
        subprocess.run(
            [Path(sys.executable).parent / "heard", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    else:
        sys.path.insert(0, str(HERE))
        from sms_floor import create_table

        create_table(_sqlalchemy_url(database_url))
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def _start_server(
    app: str, env: dict[str, str], args: argparse.Namespace
) -> subprocess.Popen[bytes]:
    """gunicorn with the same worker settings for both. Heard runs from the repository (so
    gunicorn.conf.py applies, as in production); the floor from this folder, without it."""
    command = [
        Path(sys.executable).parent / "gunicorn",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
        "app:create_app()" if app == "heard" else "sms_floor:app",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT if app == "heard" else HERE)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"gunicorn ({app}) did not start")


def _post(port: int, forms: list[dict[str, str]]) -> None:
    """Send signed forms one after another, each of which must be answered with a 200."""
    validator = RequestValidator(TOKEN)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
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


def _rss_mib(pids: list[int]) -> list[float]:
    """Resident memory of each process, from /proc."""
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(int(kib) / 1024)
    return sizes


def _processes(
    server: subprocess.Popen[bytes], database: str, redis_url: str
) -> dict[str, list[int]]:
    """The processes serving the benchmark: gunicorn's workers, the PostgreSQL backends
    connected to the benchmark database, and the Redis server (shared with anything else
    using this Redis)."""
    workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    admin = create_engine(ADMIN_URL)
    with admin.connect() as connection:
        backends = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :db"), {"db": database}
        ).scalars()
        postgres = list(backends)
    admin.dispose()
    redis_pid = redis.Redis.from_url(redis_url).info("server")["process_id"]
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


def _stored_sids(app: str, database_url: str) -> tuple[list[str], int]:
    engine = create_engine(_sqlalchemy_url(database_url))
    with engine.connect() as connection:
        if app == "floor":
            sids = list(connection.execute(text("SELECT external_id FROM floor_message")).scalars())
            replies = 0
        else:
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


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def run(app: str, args: argparse.Namespace, directory: Path, wrk: str) -> dict[str, Any]:
    """One run of one app from a fresh database: warm-up, ANALYZE, wrk, then the checks."""
    database = args.database if app == "heard" else f"{args.database}_floor"
    database_url = _fresh_database(database)
    env = _env(database_url, args.redis_url)
    _prepare(app, database_url, env)
    load_before = _load()
    server = _start_server(app, env, args)
    warm_up = _warm_up_forms()
    try:
        _post(args.port, warm_up)
        _analyze(database_url)
        serving = _processes(server, database, args.redis_url)
        rss = _rss_mib(serving["gunicorn"])
        cpu_before = {name: _cpu_seconds(pids) for name, pids in serving.items()}
        completed = subprocess.run(
            [
                wrk,
                f"--threads={WRK_THREADS}",
                f"--connections={args.connections}",
                f"--duration={args.duration}s",
                "--timeout=10s",
                f"--script={directory / 'webhook.lua'}",
                f"http://127.0.0.1:{args.port}{PATH}",
                "--",
                str(directory),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result = _result(completed.stdout)
        # Backends opened during the run (a worker's pool growing) are counted too.
        serving = _processes(server, database, args.redis_url)
        cpu = {
            name: _cpu_used(cpu_before[name], _cpu_seconds(pids)) for name, pids in serving.items()
        }
        rss_after = _rss_mib(serving["gunicorn"])
        sent, in_flight = _sent_forms(result["sent"], args.connections)
        sent += warm_up
        # wrk stops with requests in flight and never reads their answers: like Twilio,
        # send those again, so that every message sent has been answered at least once.
        _post(args.port, in_flight)
    finally:
        server.terminate()
        server.wait(10)
    expected = {form["MessageSid"] for form in sent}
    stored, replies = _stored_sids(app, database_url)
    result.update(
        app=app,
        load_before=load_before,
        load_after=_load(),
        rate=result["requests"] / result["seconds"],
        cpu_ms={name: seconds / result["requests"] * 1000 for name, seconds in cpu.items()},
        rss_mib=rss,
        rss_after_mib=rss_after,
        stored=len(stored),
        distinct_stored=len(set(stored)),
        distinct_sent=len(expected),
        replies=replies,
        exactly_once=len(stored) == len(set(stored)) and set(stored) == expected,
        missing=sorted(expected - set(stored))[:5],
        unexpected=sorted(set(stored) - expected)[:5],
    )
    return result


def _describe(result: dict[str, Any]) -> str:
    cpu = result["cpu_ms"]
    return (
        f"{result['app']:5} load {result['load_before']} -> {result['load_after']}: "
        f"{result['rate']:.0f} req/s ({result['requests']} in {result['seconds']:.1f}s, "
        f"non-200 {result['non_200']}, socket errors {result['socket_errors']}), "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"max {result['max_ms']:.1f} ms; CPU/request workers {cpu['gunicorn']:.2f} + "
        f"PostgreSQL {cpu['postgres']:.2f} + Redis {cpu['redis']:.2f} = "
        f"{sum(cpu.values()):.2f} ms; worker RSS "
        + "/".join(f"{size:.0f}" for size in result["rss_after_mib"])
        + f" MiB; stored {result['distinct_stored']} of {result['distinct_sent']} distinct, "
        + ("each exactly once" if result["exactly_once"] else "MISMATCH")
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per run")
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="per worker, for gthread")
    parser.add_argument(
        "--pairs", type=int, default=5, help="Heard and floor runs, alternately; 0: Heard alone"
    )
    parser.add_argument("--database", default=DB, help="Heard's; the floor's gets _floor added")
    parser.add_argument("--redis-url", default=REDIS_URL, help="a Redis database it may flush")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    # Heard first in even pairs and second in odd ones, so drift in the machine's load falls
    # on both alike.
    order = [("heard", "floor") if n % 2 == 0 else ("floor", "heard") for n in range(args.pairs)]
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        write_requests(directory)
        server_config = f"{args.workers} {args.worker_class} workers"
        if args.worker_class == "gthread":
            server_config += f" x {args.threads} threads"
        print(
            f"gunicorn: {server_config}; wrk: {WRK_THREADS} threads, "
            f"{args.connections} connections, {args.duration} s a run",
            flush=True,
        )
        for pair in order or [("heard",)]:
            for app in pair:
                result = run(app, args, directory, wrk)
                runs.append(result)
                print(_describe(result), flush=True)
                for sid in result["missing"]:
                    print(f"  sent, not stored: {sid}")
                for sid in result["unexpected"]:
                    print(f"  stored, never sent: {sid}")
    _summarise(runs)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _summarise(runs: list[dict[str, Any]]) -> None:
    heard = [run for run in runs if run["app"] == "heard"]
    floor = [run for run in runs if run["app"] == "floor"]
    for name, group in (("heard", heard), ("floor", floor)):
        if not group:
            continue
        print(
            f"{name} median of {len(group)}: {_median([r['rate'] for r in group]):.0f} req/s, "
            f"p50 {_median([r['p50_ms'] for r in group]):.1f} ms, "
            f"p99 {_median([r['p99_ms'] for r in group]):.1f} ms "
            f"(worst {max(r['p99_ms'] for r in group):.1f}), CPU/request "
            f"{_median([sum(r['cpu_ms'].values()) for r in group]):.2f} ms "
            f"(workers {_median([r['cpu_ms']['gunicorn'] for r in group]):.2f}), worker RSS "
            f"{_median([max(r['rss_after_mib']) for r in group]):.0f} MiB; "
            + (
                "every run stored each text exactly once"
                if all(r["exactly_once"] for r in group)
                else "SOME RUN MISMATCHED"
            )
        )
    if heard and floor:
        ratios = [h["rate"] / f["rate"] for h, f in zip(heard, floor, strict=False)]
        print(
            "throughput ratio heard/floor per pair: "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
            + f"; median {_median(ratios):.2f}"
        )
        cpu_ratio = _median([sum(r["cpu_ms"].values()) for r in heard]) / _median(
            [sum(r["cpu_ms"].values()) for r in floor]
        )
        print(f"CPU per request heard/floor (medians): {cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
