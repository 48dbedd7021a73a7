"""Benchmark the trends page over 100,000 feedback items on PostgreSQL, and redaction on the
longest messages.

Seeds a database of its own with the complaints report benchmark's seeder (three financial
years of feedback, themes and messages, written with COPY), then adds audit scores and
safeguarding alerts (about 3% of items, reviewed after 5 minutes to 6 hours, a tenth not
yet) in SQL. Times, for March 2026:

- trends.build() with no filter, one team, one channel (the item's stored `received_via`)
  and who wrote: every query the page runs, quotes redacted;
- drawing the five charts (matplotlib to SVG);
- redact() on 10,000-character messages made to make regular expressions backtrack, and on
  a realistic one.

    .venv/bin/python benchmarks/trends.py [--items 100000] [--runs 5] [--reuse]

With `--database NAME` it seeds nothing and times a database made by `benchmarks/seed.py`
(its administrator signs in) for the month it is now: the whole page through a signed-in test
client, cold (the data version moved on before each view, as after any new feedback, so every
query runs; the charts' numbers are the same, so they are not redrawn) and warm, and
`trends.build()` and the five charts each cold and warm. It also runs against the code before
the cache (no `app.cache`), where every view is cold.

    .venv/bin/python benchmarks/trends.py --database heard_b22c [--redis URL] [--runs 20]
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import annual_report  # noqa: E402
import seed as seeding  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Channel, ContactRole  # noqa: E402
from app.services.redaction import redact  # noqa: E402
from app.services.reports import trends  # noqa: E402
from app.services.reports.months import Month  # noqa: E402
from app.web.trends import _charts, _summaries  # noqa: E402

DB = "heard_bench_trends"
# The administrator benchmarks/seed.py makes (its BENCH_EMAIL, BENCH_PASSWORD, BENCH_TOTP_SECRET).
BENCH_EMAIL = "bench-admin@example.org"
BENCH_PASSWORD = "bench-password-heard-22"
BENCH_TOTP_SECRET = "HEARDBENCHMARKTOTPSECRET22AAAAAA"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
MONTH = Month(2026, 3)

LONG_MESSAGES = {
    "one letter x 10,000": "a" * 10_000,
    "letter-digit-hyphen x 3,300": "A1-" * 3300,
    "'a (sw) ' x 1,400": "a (sw) " * 1400,
    "realistic, 10,000 chars": (
        "Dear Ms Jenkins, my son Tyler-James (DOB 12/04/2015) was seen by Mr O'Sullivan at "
        "14 Victoria Street, Bradford BD1 2AB; ring me on 07700 900123 or email "
        "kayleigh.smith@example.com about case LS22P00561. Kind regards, Kayleigh\n"
    )
    * 40,
}


def _seed(items: int) -> None:
    started = time.perf_counter()
    seeding.seed(DB, annual_report.plan(items), quiet=True)
    print(f"seeded {items} items in {time.perf_counter() - started:.1f} s")


def _time(runs: int, work: Callable[[], object]) -> str:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return f"median {statistics.median(timings):.3f} s, max {max(timings):.3f} s"


def _build(filters: trends.TrendFilters) -> trends.Trends:
    db.session.remove()
    return trends.build(filters, MONTH, may_see_safeguarding=False)


def _timings(runs: int, work: Callable[[], object]) -> str:
    """Median, 95th percentile (nearest rank) and max of `runs` runs, in milliseconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append((time.perf_counter() - start) * 1000)
    ordered = sorted(timings)
    p95 = ordered[max(0, -(-95 * runs // 100) - 1)]
    return f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, max {max(timings):.0f} ms"


def _sign_in(client: object, database: str) -> None:
    """The seeder's administrator, through the real pages (a TOTP step is used once)."""
    import pyotp

    for _attempt in range(3):
        data = {"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
        answer = client.post("/staff/sign-in", data=data)  # type: ignore[attr-defined]
        code = {"code": pyotp.TOTP(BENCH_TOTP_SECRET).now()}
        done = client.post("/staff/two-factor", data=code)  # type: ignore[attr-defined]
        if done.status_code == 302 and done.location.endswith("/staff/"):
            return
        print(f"sign-in answered {answer.status_code}, {done.status_code}; again in 31 s")
        time.sleep(31)
    raise SystemExit(f"could not sign in to {database}")


def seeded(database: str, runs: int, redis_url: str | None) -> None:
    """Time the page, build and charts against a database from benchmarks/seed.py."""
    try:
        from app import cache
    except ImportError:
        cache = None  # type: ignore[assignment]
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    # In-process, so forms are posted without CSRF tokens; nothing else differs from a server.
    config = {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url, "CLASSIFIER": ""}
    app = create_app({**config, "WTF_CSRF_ENABLED": False})
    print(f"{database}, code {'with' if cache else 'without'} app.cache, Redis {redis_url}")
    print(f"load before: {os.getloadavg()}")
    client = app.test_client()
    with app.app_context():
        from sqlalchemy import text as sql

        db.session.execute(sql("DELETE FROM sign_in_throttle"))
        db.session.commit()
        _sign_in(client, database)

    def view() -> None:
        response = client.get("/staff/trends/")
        assert response.status_code == 200, response.status_code

    def cold_view() -> None:
        if cache:
            with app.app_context():
                cache.bump()
        view()

    view()
    print(f"page, cold (every query), {runs} runs: {_timings(runs, cold_view)}")
    print(f"page, warm, {runs} runs: {_timings(runs, view)}")
    with app.app_context(), app.test_request_context():
        month = trends.current_month()
        filters = trends.TrendFilters()

        def cold_build() -> None:
            if cache:
                cache.bump()
            db.session.remove()
            trends.build(filters, month, may_see_safeguarding=True)

        result = trends.build(filters, month, may_see_safeguarding=True)
        print(f"build, cold, {runs} runs: {_timings(runs, cold_build)}")
        print(f"build, warm, {runs} runs: {_timings(runs, lambda: _build_now(month))}")
        for name, one in {"one team": trends.TrendFilters(team_id=3)}.items():
            cold = _timings(max(3, runs // 4), lambda f=one: _cold(cache, f, month))
            print(f"build, {name}, cold: {cold}")
        summaries = _summaries(result)
        if cache:
            drawn = _timings(3, lambda: _draw_afresh(result, summaries))
            print(f"five charts, drawn afresh, 3 runs: {drawn}")
        kept = _timings(runs, lambda: _charts(result, summaries))
        print(f"five charts, {'kept' if cache else 'drawn'}, {runs} runs: {kept}")
    print(f"load after: {os.getloadavg()}")


def _build_now(month: Month) -> None:
    db.session.remove()
    trends.build(trends.TrendFilters(), month, may_see_safeguarding=True)


def _cold(cache: object, filters: trends.TrendFilters, month: Month) -> None:
    if cache:
        cache.bump()  # type: ignore[attr-defined]
    db.session.remove()
    trends.build(filters, month, may_see_safeguarding=True)


def _draw_afresh(result: trends.Trends, summaries: dict[str, str]) -> None:
    """The five charts with the cache emptied first (a new in-process store)."""
    from flask import current_app

    from app import cache

    redis = cache.queues.connection
    if redis is not None:
        for key in redis.scan_iter(f"{cache.PREFIX}chart:*"):
            redis.delete(key)
    current_app.extensions["heard.cache"] = cache._Local()
    _charts(result, summaries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the database already seeded")
    parser.add_argument("--database", help="time this database from benchmarks/seed.py instead")
    parser.add_argument("--redis", help="REDIS_URL for --database (default: none, in-process)")
    args = parser.parse_args()
    if args.database:
        seeded(args.database, args.runs, args.redis)
        return
    if not args.reuse:
        _seed(args.items)

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None, "CLASSIFIER": ""})
    cases = {
        "no filter": trends.TrendFilters(),
        "one team": trends.TrendFilters(team_id=3),
        "one channel": trends.TrendFilters(channel=Channel.SMS),
        "who wrote": trends.TrendFilters(role=ContactRole.PARENT),
    }
    with app.app_context(), app.test_request_context():
        result = trends.build(trends.TrendFilters(), MONTH, may_see_safeguarding=False)
        alerts = sum(a.times.raised for a in result.alerts)
        print(f"March 2026: {len(result.spikes.spikes)} spikes, {alerts} alerts in the 12 months")
        for name, filters in cases.items():
            timing = _time(args.runs, lambda f=filters: _build(f))
            print(f"trends.build, {name}, {args.runs} runs: {timing}")
        summaries = _summaries(result)
        timing = _time(args.runs, lambda: _charts(result, summaries))
        print(f"five charts drawn, {args.runs} runs: {timing}")
    for name, message in LONG_MESSAGES.items():
        print(f"redact, {name}: {_time(args.runs, lambda m=message: redact(m))}")


if __name__ == "__main__":
    main()
