"""Benchmark build_report() for a financial year over 100,000 feedback items on PostgreSQL.

Seeds a database of its own (dropped and made afresh, migrated to the head) with three
financial years of feedback in realistic proportions — complaints with their stages and
outcomes, themes, messages in and out, compliments credited to teams, learning points,
Ombudsman referrals, MP and councillor enquiries, equality answers — written with COPY by
`benchmarks/seed.py`, then times the report for April 2025 to March 2026 (beside the year
before) several times.

    .venv/bin/python benchmarks/annual_report.py [--items 100000] [--runs 7] [--explain]
    .venv/bin/python benchmarks/annual_report.py --reuse --database heard_b18 --xlsx

--explain prints EXPLAIN ANALYZE for every statement one report runs. --database times a
database made elsewhere (with --reuse; for example a copy of helper 22a's 1M-item template,
upgraded to the head). --xlsx also times the workbook as the download makes it, right after
the page's build, as a person would open the page and then download. HEARD_CODE=<dir> runs
another checkout's app (to time the code before a change on the same database).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("HEARD_CODE", str(ROOT)))
sys.path.insert(0, str(ROOT / "benchmarks"))

import seed as seeding  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services.reports import export  # noqa: E402
from app.services.reports.annual import build_report  # noqa: E402

try:
    from app.services.reports import kept
    from app.services.reports.annual import report_for
except ImportError:  # the code before the report was kept
    report_for = None


DB = "heard_bench_report"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
YEAR = (date(2025, 4, 1), date(2026, 3, 31))


def plan(items: int) -> seeding.Plan:
    """Three financial years, April 2023 to March 2026, seen from mid-April 2026, with a few
    stages of the past left unanswered as a live service has; no open work beyond that."""
    return seeding.Plan(
        items=items,
        first_day=date(2023, 4, 1),
        days=3 * 365,
        now=datetime(2026, 4, 15, 12, tzinfo=UTC),
        unanswered=0.05,
    )


def _statements() -> list[tuple[str, Any]]:
    """Every statement one report runs, with its parameters (inside an app context)."""
    seen: list[tuple[str, Any]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    build_report(*YEAR)
    event.remove(db.engine, "before_cursor_execute", remember)
    return seen


def _seed(items: int) -> None:
    started = time.perf_counter()
    counts = seeding.seed(DB, plan(items), quiet=True)
    print(f"seeded in {time.perf_counter() - started:.1f} s: {json.dumps(counts)}")


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _summary(what: str, timings: list[float]) -> str:
    return (
        f"{what}, {len(timings)} runs: median {statistics.median(timings):.3f} s, "
        f"p95 {_p95(timings):.3f} s, max {max(timings):.3f} s, first {timings[0]:.3f} s"
    )


def main() -> None:
    global URL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the database already seeded")
    parser.add_argument("--database", help="time this database (with --reuse)")
    parser.add_argument("--xlsx", action="store_true", help="time the workbook after the page")
    args = parser.parse_args()
    if args.database:
        if not args.reuse:
            parser.error("--database times a database made elsewhere: give --reuse too")
        URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"

    if not args.reuse:
        _seed(args.items)
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None, "CLASSIFIER": ""})

    print(f"load before: {os.getloadavg()[0]:.2f}")
    timings, xlsx_timings, cached_timings = [], [], []
    with app.test_request_context():
        for _ in range(args.runs):
            db.session.remove()
            if report_for is not None:
                kept.forget(app)
            start = time.perf_counter()
            report = build_report(*YEAR)
            timings.append(time.perf_counter() - start)
            if report_for is not None:
                # The page's build, as the page keeps it, then the download's.
                report_for(*YEAR)
                start = time.perf_counter()
                report_for(*YEAR)
                cached_timings.append(time.perf_counter() - start)
            if args.xlsx:
                start = time.perf_counter()
                again = report_for(*YEAR) if report_for is not None else build_report(*YEAR)
                export.to_xlsx(again)
                xlsx_timings.append(time.perf_counter() - start)
    print(f"load after: {os.getloadavg()[0]:.2f}")
    print(
        f"Stage 1 complaints in the year: {report.stages.rows[0].current} "
        f"(year before {report.stages.rows[0].previous})"
    )
    print(_summary("build_report", timings))
    if cached_timings:
        print(_summary("the page's build again (kept)", cached_timings))
    if xlsx_timings:
        print(_summary("XLSX after the page (build or kept build, and the workbook)", xlsx_timings))
    if args.explain:
        with app.app_context(), db.engine.connect() as connection:
            raw = connection.connection.driver_connection
            for statement, parameters in _statements():
                with raw.cursor() as cursor:
                    if statement.startswith("SET "):
                        cursor.execute(statement)  # the report's own settings
                        continue
                    cursor.execute("EXPLAIN ANALYZE " + statement, parameters)
                    print(statement.split("\n")[0][:120])
                    print("\n".join(f"    {row[0]}" for row in cursor.fetchall()), "\n")


if __name__ == "__main__":
    main()
