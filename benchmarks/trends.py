"""Benchmark the trends page over 100,000 feedback items on PostgreSQL, and redaction on the
longest messages.

Seeds a database of its own with `benchmarks/seed.py` and the complaints report benchmark's
plan (three financial years of feedback, themes and messages, audit scores, and safeguarding
alerts on about 3% of items, acknowledged after 5 minutes to 6 hours; written with COPY).
Times, for March 2026:

- trends.build() with no filter, one team, one channel (the item's stored `received_via`)
  and who wrote: every query the page runs, quotes redacted;
- drawing the five charts (matplotlib to SVG);
- redact() on 10,000-character messages made to make regular expressions backtrack, and on
  a realistic one.

    .venv/bin/python benchmarks/trends.py [--items 100000] [--runs 5] [--reuse]
"""

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the database already seeded")
    args = parser.parse_args()
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
