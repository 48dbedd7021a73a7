"""Benchmark build_report() for a financial year over 100,000 feedback items on PostgreSQL.

Seeds a database of its own (dropped and made afresh, migrated to the head) with three
financial years of feedback in realistic proportions — complaints with their stages and
outcomes, themes, messages in and out, compliments credited to teams, learning points,
Ombudsman referrals, MP and councillor enquiries, equality answers — written with COPY, then
times the report for April 2025 to March 2026 (beside the year before) several times.

    .venv/bin/python benchmarks/annual_report.py [--items 100000] [--runs 7] [--explain]

--explain prints EXPLAIN ANALYZE for every statement one report runs.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services.reports.annual import build_report  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "heard_bench_report"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
FIRST_DAY = date(2023, 4, 1)
DAYS = 3 * 365
YEAR = (date(2025, 4, 1), date(2026, 3, 31))

TEAMS = 24
CONTACTS = 40_000
KINDS = (("complaint", 0.35), ("compliment", 0.15), ("comment", 0.2), ("audit", 0.3))
CHANNELS = (("email", 0.35), ("web_adult", 0.3), ("sms", 0.2), ("web_child", 0.1), ("api", 0.05))
ROLES = (
    "parent",
    "parent",
    "parent",
    "carer",
    "grandparent",
    "child",
    "young_person",
    "advocate",
    "professional",
    "relative",
    "care_leaver",
    None,
)
THEMES = (
    "communication",
    "bias",
    "delay",
    "staff_conduct",
    "accuracy",
    "not_listened_to",
    "decision_dispute",
    "confidentiality",
    "process",
)
OUTCOMES = ("upheld", "partially_upheld", "not_upheld", "not_upheld", "withdrawn")
FINDINGS = ("upheld", "not_upheld", "maladministration", "discontinued", None)
WORDS = (
    "thank you so much for listening to my son and for being patient with us all this year "
    "the worker kept us informed and explained every step clearly"
)


_WORDS = WORDS.split()


def _pick(weighted: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize()


def _recreate() -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()


class Seed:
    """Rows for each table, made in memory with fixed ids, then copied in."""

    def __init__(self, items: int, rng: random.Random) -> None:
        self.rng = rng
        self.items = items
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.ids: dict[str, int] = {}

    def add(self, table: str, columns: tuple[str, ...], row: tuple[Any, ...]) -> int:
        self.columns[table] = ("id", *columns)
        new_id = self.ids.get(table, 0) + 1
        self.ids[table] = new_id
        self.rows.setdefault(table, []).append((new_id, *row))
        return new_id

    def add_plain(self, table: str, columns: tuple[str, ...], row: tuple[Any, ...]) -> None:
        self.columns[table] = columns
        self.rows.setdefault(table, []).append(row)

    def build(self) -> None:
        rng = self.rng
        now = datetime(2026, 4, 15, tzinfo=UTC)
        for n in range(TEAMS):
            self.add("team", ("name", "area"), (f"Team {n + 1:02d}", f"Area {n % 4 + 1}"))
        for _ in range(CONTACTS):
            self.add(
                "contact",
                ("role", "name", "email", "may_contact", "created_at"),
                (rng.choice(ROLES) or "other", "Pat Example", "pat@example.org", False, now),
            )
        for _ in range(self.items):
            self._item(now)

    def _item(self, now: datetime) -> None:
        rng = self.rng
        kind = _pick(KINDS, rng)
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        at = datetime(day.year, day.month, day.day, rng.randrange(7, 20), tzinfo=UTC)
        team = rng.randrange(1, TEAMS + 1) if rng.random() < 0.9 else None
        themes = sorted(set(rng.sample(THEMES, rng.randint(1, 3)))) if kind != "audit" else []
        n = self.ids.get("feedback_item", 0) + 1
        # Drawn in the order they always were, so a seed gives the same data as before.
        contact = rng.randrange(1, CONTACTS + 1)
        role = rng.choice(ROLES)
        channel = _pick(CHANNELS, rng)
        item = self.add(
            "feedback_item",
            (
                "reference",
                "kind",
                "status",
                "team_id",
                "contact_id",
                "on_behalf_of_child",
                "submitter_role",
                "themes",
                "received_via",
                "created_at",
                "updated_at",
            ),
            (
                f"HD-B{n:07d}",
                kind,
                "closed",
                team,
                contact,
                False,
                role,
                json.dumps(themes),
                channel,
                at,
                at,
            ),
        )
        for theme in themes:
            self.add_plain("feedback_theme", ("feedback_item_id", "theme"), (item, theme))
        for m in range(rng.choice((1, 1, 1, 2, 3))):
            self._message(item, channel, "inbound", at + timedelta(hours=m * 30), now)
        if rng.random() < 0.6:
            self._message(item, channel, "outbound", at + timedelta(hours=1), now)
        if kind == "complaint":
            self._complaint(item, team, day, now)
        elif kind == "compliment" and rng.random() < 0.9:
            self.add(
                "compliment_credit",
                ("feedback_item_id", "team_id", "worker_name", "created_at"),
                (item, team or 1, "Sam Worker" if rng.random() < 0.5 else None, at),
            )
        if rng.random() < 0.03:
            responded = day + timedelta(days=rng.randint(3, 25))
            self.add(
                "member_enquiry",
                (
                    "feedback_item_id",
                    "member",
                    "received_on",
                    "due_on",
                    "responded_on",
                    "created_at",
                ),
                (
                    item,
                    rng.choice(("mp", "councillor")),
                    day,
                    day + timedelta(days=14),
                    responded if responded < now.date() else None,
                    at,
                ),
            )

    def _message(
        self, item: int, channel: str, direction: str, at: datetime, now: datetime
    ) -> None:
        n = self.ids.get("message", 0) + 1
        self.add(
            "message",
            (
                "feedback_item_id",
                "channel",
                "direction",
                "external_id",
                "text",
                "raw_payload",
                "received_at",
                "stored_at",
                "classification_state",
                "classify_attempts",
                "send_attempts",
            ),
            (
                item,
                channel,
                direction,
                f"bench-{n}",
                _text(self.rng, 40),
                "{}",
                at,
                at,
                "done",
                1,
                0,
            ),
        )

    def _complaint(self, item: int, team: int | None, day: date, now: datetime) -> None:
        rng = self.rng
        received = day
        for number in (1, 2, 3):
            responded = received + timedelta(days=rng.choice((5, 9, 13, 20, 27, 35, 50)))
            answered = rng.random() < 0.95 and responded < now.date()
            stage = self.add(
                "complaint_stage",
                (
                    "feedback_item_id",
                    "stage",
                    "team_id",
                    "received_on",
                    "due_on",
                    "responded_on",
                    "outcome",
                    "created_at",
                    "next_due_on",
                ),
                (
                    item,
                    number,
                    team,
                    received,
                    received + timedelta(days=14),
                    responded if answered else None,
                    rng.choice(OUTCOMES) if answered else None,
                    now,
                    # An open stage's next deadline: its due date (no extension, no panel yet).
                    None if answered else received + timedelta(days=14),
                ),
            )
            if answered and rng.random() < 0.12:
                lesson_at = datetime.combine(responded, datetime.min.time(), UTC)
                self.add(
                    "learning_point",
                    (
                        "feedback_item_id",
                        "stage_id",
                        "team_id",
                        "lesson",
                        "action",
                        "due_on",
                        "done_on",
                        "themes",
                        "created_at",
                    ),
                    (
                        item,
                        stage,
                        team,
                        _text(rng, 25),
                        _text(rng, 10) if rng.random() < 0.7 else None,
                        responded + timedelta(days=60),
                        responded + timedelta(days=40) if rng.random() < 0.5 else None,
                        '["communication"]',
                        lesson_at,
                    ),
                )
            if not answered or rng.random() > (0.09 if number == 1 else 0.12):
                break
            received = responded + timedelta(days=rng.randint(1, 25))
        if rng.random() < 0.01:
            self.add(
                "ombudsman_referral",
                ("feedback_item_id", "referred_on", "finding", "created_at"),
                (item, received + timedelta(days=60), rng.choice(FINDINGS), now),
            )
        if rng.random() < 0.3:
            self.add(
                "equality_response",
                ("feedback_item_id", "age_band", "gender", "ethnicity", "created_at"),
                (
                    item,
                    rng.choice(("25_34", "35_44", "45_54", None)),
                    rng.choice(("female", "male", None)),
                    None,
                    now,
                ),
            )

    def copy(self, url: str) -> None:
        address = url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(address) as connection, connection.cursor() as cursor:
            for table in self.rows:
                columns = ", ".join(self.columns[table])
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows[table]:
                        copy.write_row(row)
                if "id" in self.columns[table]:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {self.ids[table]})"
                    )
            cursor.execute("ANALYZE")


def _statements() -> list[tuple[str, Any]]:
    """Every statement one report runs, with its parameters (inside an app context)."""
    seen: list[tuple[str, Any]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    build_report(*YEAR)
    event.remove(db.engine, "before_cursor_execute", remember)
    return seen


def _seed(app: Any, items: int) -> None:
    started = time.perf_counter()
    _recreate()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    seed = Seed(items, random.Random(8))
    seed.build()
    seed.copy(URL)
    counts = {table: len(rows) for table, rows in seed.rows.items()}
    print(f"seeded in {time.perf_counter() - started:.1f} s: {json.dumps(counts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the database already seeded")
    args = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "REDIS_URL": None, "CLASSIFIER": ""})
    if not args.reuse:
        _seed(app, args.items)

    timings = []
    with app.app_context():
        for _ in range(args.runs):
            db.session.remove()
            start = time.perf_counter()
            report = build_report(*YEAR)
            timings.append(time.perf_counter() - start)
    print(
        f"Stage 1 complaints in the year: {report.stages.rows[0].current} "
        f"(year before {report.stages.rows[0].previous})"
    )
    print(
        f"build_report, {args.runs} runs: median {statistics.median(timings):.3f} s, "
        f"max {max(timings):.3f} s, first {timings[0]:.3f} s"
    )
    if args.explain:
        with app.app_context(), db.engine.connect() as connection:
            raw = connection.connection.driver_connection
            for statement, parameters in _statements():
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + statement, parameters)
                    print(statement.split("\n")[0][:120])
                    print("\n".join(f"    {row[0]}" for row in cursor.fetchall()), "\n")


if __name__ == "__main__":
    main()
