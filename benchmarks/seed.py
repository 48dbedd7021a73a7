"""Seed a benchmark database with realistic feedback, written with PostgreSQL COPY.

The database is dropped and made afresh, migrated to the head by the app's own migrations,
then filled table by table with COPY (never the ORM) in chunks, a second connection copying
one chunk while the next is made. Foreign keys are not checked during the load
(`session_replication_role = replica`): every row is made consistent here. It ends with
`VACUUM ANALYZE`, as autovacuum would leave a live database.

What is made, for `--items N` feedback items in all:

- History over `--years` years up to yesterday, items in time order (ids grow with
  `created_at`, as on a live database): 35% complaints, 15% compliments (90% credited to one
  of the teams), 20% comments and 30% audit scores (1 to 5); received by email, the adult and
  children's web forms, SMS and the API (audit scores by SMS survey and the audit form); one
  to three themes on each piece of feedback but audit scores; one to three messages in,
  each classified, and often one out; complaints with Stage 1, about 9% escalated to Stage 2
  and 12% of those to Stage 3, each answered with an outcome, learning points, Ombudsman
  referrals and equality answers; MP and councillor enquiries; safeguarding alerts on about
  3% of items, reviewed and closed (those of the last week often only acknowledged); the
  audit log of staff reading items and signing in; contacts, teams and staff.
- The present, beside the history: `--open-stages` complaints with one open stage each (80%
  Stage 1, 15% Stage 2, 5% Stage 3 awaiting its panel), half of them overdue by up to two weeks
  and half due from today to the end of this week, so all are on "due this week" whenever it
  is looked at later; and `--open-alerts` safeguarding alerts raised over the last three days,
  neither acknowledged nor reviewed.
- A staff administrator to sign in as (`BENCH_EMAIL`, `BENCH_PASSWORD`, and two-factor codes
  from `BENCH_TOTP_SECRET`), and 39 other staff.

    .venv/bin/python benchmarks/seed.py --items 1000000 --database heard_bench_1m_template

Other benchmarks import `seed()` with a `Plan` of their own (a fixed period, no open work).
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.services.complaints.deadlines import add_working_days  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
LONDON = ZoneInfo("Europe/London")
NATION = "ENG"

BENCH_EMAIL = "bench-admin@example.org"
BENCH_PASSWORD = "bench-password-heard-22"
BENCH_TOTP_SECRET = "HEARDBENCHMARKTOTPSECRET22AAAAAA"

TEAMS = 24
STAFF = 40
CHUNK = 20_000
# Choices with cumulative weights (percentages), drawn with random.choices.
KINDS = (("complaint", "compliment", "comment", "audit"), (35, 50, 70, 100))
CHANNELS = (("email", "web_adult", "sms", "web_child", "api"), (35, 65, 85, 95, 100))
AUDIT_CHANNELS = (("sms", "web_audit"), (60, 100))
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
SUBTYPES = (
    "domestic_abuse",
    "emotional_abuse",
    "exploitation",
    "neglect",
    "physical_abuse",
    "self_harm",
    "sexual_abuse",
)
ALERT_OUTCOMES = (
    "referred_to_social_worker",
    "referred_to_police_or_lado",
    "already_known",
    "not_safeguarding",
    "not_safeguarding",
)
OUTCOMES = ("upheld", "partially_upheld", "not_upheld", "not_upheld", "withdrawn")
FINDINGS = ("upheld", "not_upheld", "maladministration", "discontinued", None)
STAFF_ROLES = (
    "complaints_officer",
    "complaints_officer",
    "complaints_officer",
    "manager",
    "safeguarding_reviewer",
    "safeguarding_reviewer",
    "learning_team",
    "admin",
)
# Stage rules of the English children's regime: working days to answer each stage.
STAGE_DAYS = {1: 10, 2: 25, 3: 30}
MODEL_VERSION = "heard-20261207-89e60c3b45"
SENTENCES = (
    "Thank you so much for listening to my son and for being patient with us all this year.",
    "The worker kept us informed and explained every step clearly.",
    "Nobody called me back after I left three messages last week.",
    "The report said things about my daughter that are simply not true.",
    "I felt the officer had made up her mind before she even met us.",
    "We waited four months for a decision and heard nothing in that time.",
    "My children were not asked what they wanted, and they are old enough to say.",
    "The court hearing was moved twice without anyone telling me why.",
    "She was kind to my kids and they felt safe talking to her.",
    "I want to complain about how the meeting was handled on Tuesday.",
    "Please can someone explain what happens next with the case.",
    "The letter went to my old address even though I had told you I moved.",
    "I am not happy with the way my views were written up in the report.",
    "He listened properly and I felt for the first time that someone understood.",
    "Contact arrangements were changed without anyone asking me first.",
    "It was confusing and I did not know who to ask for help.",
    "The family court adviser was late and seemed rushed during the visit.",
    "My solicitor did not get the papers in time for the hearing.",
    "I would like a copy of everything you hold about me and my children.",
    "Can you tell me who is dealing with my complaint now please.",
)
SAFEGUARDING_SENTENCES = (
    "My dad hits me when he has been drinking and I am scared to go home.",
    "Mum's new boyfriend shouts at us and threw a plate at my brother.",
    "Sometimes I think about hurting myself because nobody listens.",
    "There is never any food in the house and we are left on our own at night.",
)


@dataclass(frozen=True)
class Plan:
    """What to make: how many items over which days, and the open work beside them."""

    items: int
    first_day: date
    days: int
    now: datetime  # the data's present: nothing is answered after it
    open_stages: int = 0
    open_alerts: int = 0
    # Share of history stages left unanswered. 0 answers all of them (the open ones are then
    # exactly `open_stages`); the annual report's plan leaves a few open in its past.
    unanswered: float = 0.0
    random_seed: int = 8

    @property
    def today(self) -> date:
        return self.now.astimezone(LONDON).date()


def plan_to_now(
    items: int, years: int = 3, open_stages: int = 2000, open_alerts: int = 200
) -> Plan:
    """The staff pages' plan: `years` of history up to yesterday, open work due this week."""
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.astimezone(LONDON).date()
    days = 365 * years
    return Plan(
        items=items,
        first_day=today - timedelta(days=days),
        days=days,
        now=now,
        open_stages=open_stages,
        open_alerts=open_alerts,
    )


# Every table's columns in the order rows are made; "id" first where the table has one.
COLUMNS: dict[str, tuple[str, ...]] = {
    "team": ("id", "name", "area"),
    "staff_user": (
        "id",
        "email",
        "name",
        "role",
        "team_id",
        "password_hash",
        "totp_secret",
        "recovery_codes",
        "active",
        "failed_codes",
        "must_change_password",
        "created_at",
    ),
    "contact": (
        "id",
        "role",
        "name",
        "phone",
        "email",
        "preferred_channel",
        "may_contact",
        "language",
        "created_at",
    ),
    "feedback_item": (
        "id",
        "reference",
        "kind",
        "status",
        "team_id",
        "contact_id",
        "on_behalf_of_child",
        "submitter_role",
        "score",
        "themes",
        "received_via",
        "advocate_requested",
        "created_at",
        "updated_at",
    ),
    "feedback_theme": ("feedback_item_id", "theme"),
    "message": (
        "id",
        "feedback_item_id",
        "channel",
        "direction",
        "external_id",
        "sender",
        "text",
        "language",
        "raw_payload",
        "received_at",
        "stored_at",
        "classification_state",
        "classify_attempts",
        "classified_at",
        "recipient",
        "purpose",
        "delivery_status",
        "send_attempts",
    ),
    "classification": (
        "id",
        "message_id",
        "model_version",
        "scores",
        "themes",
        "safeguarding",
        "evidence",
        "created_at",
    ),
    "complaint_stage": (
        "id",
        "feedback_item_id",
        "stage",
        "team_id",
        "manager_id",
        "received_on",
        "acknowledged_at",
        "due_on",
        "extended_due_on",
        "responded_on",
        "outcome",
        "next_due_on",
        "created_at",
    ),
    "learning_point": (
        "id",
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
    "ombudsman_referral": ("id", "feedback_item_id", "referred_on", "finding", "created_at"),
    "equality_response": (
        "id",
        "feedback_item_id",
        "age_band",
        "gender",
        "ethnicity",
        "created_at",
    ),
    "compliment_credit": ("id", "feedback_item_id", "team_id", "worker_name", "created_at"),
    "member_enquiry": (
        "id",
        "feedback_item_id",
        "member",
        "received_on",
        "due_on",
        "responded_on",
        "created_at",
    ),
    "safeguarding_alert": (
        "id",
        "feedback_item_id",
        "message_id",
        "source",
        "status",
        "subtypes",
        "evidence",
        "score",
        "model_version",
        "created_at",
        "acknowledged_by_id",
        "acknowledged_at",
        "closed_by_id",
        "closed_at",
        "outcome",
        "rationale",
        "notified_level",
        "next_escalation_at",
    ),
    "safeguarding_decision": (
        "id",
        "alert_id",
        "staff_user_id",
        "action",
        "outcome",
        "rationale",
        "at",
    ),
    "audit_event": (
        "id",
        "at",
        "staff_user_id",
        "action",
        "object_type",
        "object_id",
        "ip_address",
        "detail",
    ),
}
ORDER = tuple(COLUMNS)


@cache
def _add_working_days(start: date, days: int) -> date:
    return add_working_days(start, days, NATION)


@cache
def _working_days_before(due: date, days: int) -> date:
    """The latest day from which `days` working days end on or before `due`."""
    start = due - timedelta(days=days)
    while _add_working_days(start, days) > due:
        start -= timedelta(days=1)
    return start


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@dataclass
class Rows:
    """A chunk of rows for each table, with the ids handed out so far (kept across chunks)."""

    ids: dict[str, int] = field(default_factory=dict)
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, *row: Any) -> int:
        new_id = self.ids.get(table, 0) + 1
        self.ids[table] = new_id
        self.tables.setdefault(table, []).append((new_id, *row))
        return new_id

    def add_plain(self, table: str, *row: Any) -> None:
        self.tables.setdefault(table, []).append(row)

    def take(self) -> dict[str, list[tuple[Any, ...]]]:
        """The rows made since the last take, which are then forgotten here."""
        taken, self.tables = self.tables, {}
        for table, rows in taken.items():
            self.counts[table] = self.counts.get(table, 0) + len(rows)
        return taken


class Maker:
    """Makes the rows of a plan, chunk by chunk, drawing from one seeded random generator."""

    def __init__(self, plan: Plan, password_hash: str) -> None:
        self.plan = plan
        self.rng = random.Random(plan.random_seed)
        self.rows = Rows()
        self.password_hash = password_hash
        self.contacts = max(200, plan.items * 2 // 5)
        self.officers: list[int] = []
        self.reviewers: list[int] = []
        self.texts = [self._text(self.rng.randint(1, 6)) for _ in range(4000)]
        self.scores = [
            json.dumps({theme: round(self.rng.random(), 2) for theme in THEMES[:4]})
            for _ in range(500)
        ]
        self.history = max(0, plan.items - plan.open_stages - plan.open_alerts)
        self.yesterday = plan.today - timedelta(days=1)

    def _text(self, sentences: int) -> str:
        return " ".join(self.rng.choice(SENTENCES) for _ in range(sentences))

    def chunks(self) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        self._people()
        yield self.rows.take()
        for i in range(self.history):
            self._history_item(i)
            if (i + 1) % CHUNK == 0:
                yield self.rows.take()
        for k in range(self.plan.open_stages):
            self._open_stage(k)
        for k in range(self.plan.open_alerts):
            self._open_alert(k)
        yield self.rows.take()

    # -- people --------------------------------------------------------------------------

    def _people(self) -> None:
        rng, rows = self.rng, self.rows
        created = _at(self.plan.first_day, 9)
        for n in range(TEAMS):
            rows.add("team", f"Team {n + 1:02d}", f"Area {n % 4 + 1}")
        rows.add(
            "staff_user",
            BENCH_EMAIL,
            "Bench Admin",
            "admin",
            None,
            self.password_hash,
            BENCH_TOTP_SECRET,
            "[]",
            True,
            0,
            False,
            created,
        )
        for n in range(2, STAFF + 1):
            role = STAFF_ROLES[n % len(STAFF_ROLES)]
            user = rows.add(
                "staff_user",
                f"staff{n:02d}@example.org",
                f"Staff Member {n:02d}",
                role,
                rng.randrange(1, TEAMS + 1),
                self.password_hash,
                None,
                "[]",
                True,
                0,
                False,
                created,
            )
            if role in ("complaints_officer", "manager"):
                self.officers.append(user)
            if role in ("safeguarding_reviewer", "manager"):
                self.reviewers.append(user)
        for n in range(self.contacts):
            phone = f"+4477009{n:05d}"[:13] if rng.random() < 0.6 else None
            rows.add(
                "contact",
                rng.choice(ROLES) or "other",
                f"Pat Example {n}",
                phone,
                f"pat{n}@example.org" if phone is None or rng.random() < 0.5 else None,
                "sms" if phone else "email",
                rng.random() < 0.7,
                "cy" if rng.random() < 0.05 else "en",
                created,
            )

    # -- history ---------------------------------------------------------------------------

    def _history_item(self, i: int) -> None:
        rng, plan = self.rng, self.plan
        day = plan.first_day + timedelta(days=i * plan.days // max(1, self.history))
        at = _at(day, 7 + (i * 13) % 14, rng.randrange(60))
        kind = rng.choices(KINDS[0], cum_weights=KINDS[1])[0]
        recent = (plan.today - day).days < 7
        status = ("new" if rng.random() < 0.5 else "open") if recent else "closed"
        item = self._item(kind, status, at, day)
        if kind == "complaint":
            self._complaint(item, day)
        elif kind == "compliment" and rng.random() < 0.9:
            self.rows.add(
                "compliment_credit",
                item.id,
                item.team or 1,
                "Sam Worker" if rng.random() < 0.5 else None,
                at,
            )
        if rng.random() < 0.03:
            self._enquiry(item.id, day, at)
        if rng.random() < 0.03 and item.first_inbound is not None:
            self._closed_alert(item, at, recent)
        if rng.random() < 0.5:
            self._audit_event(
                at + timedelta(hours=rng.randint(1, 200)),
                "view_feedback_item",
                "feedback_item",
                str(item.id),
            )
        if i % 50 == 0:
            self._audit_event(at, "sign_in", "staff_user", None)

    def _item(self, kind: str, status: str, at: datetime, day: date) -> _Item:
        rng, rows = self.rng, self.rows
        values, weights = AUDIT_CHANNELS if kind == "audit" else CHANNELS
        channel = rng.choices(values, cum_weights=weights)[0]
        team = rng.randrange(1, TEAMS + 1) if rng.random() < 0.9 else None
        themes = sorted(rng.sample(THEMES, rng.randint(1, 3))) if kind != "audit" else []
        contact = rng.randrange(1, self.contacts + 1)
        n = rows.ids.get("feedback_item", 0) + 1
        item_id = rows.add(
            "feedback_item",
            f"HD-B{n:07d}",
            kind,
            status,
            team,
            contact,
            rng.random() < 0.2,
            rng.choice(ROLES),
            rng.randint(1, 5) if kind == "audit" else None,
            json.dumps(themes),
            channel,
            channel == "web_child" and rng.random() < 0.1,
            at,
            at,
        )
        for theme in themes:
            rows.add_plain("feedback_theme", item_id, theme)
        item = _Item(item_id, team, channel, contact)
        inbound = 1 if kind == "audit" else rng.choice((1, 1, 1, 2, 3))
        for m in range(inbound):
            if m and at + timedelta(hours=m * 30) >= self.plan.now:
                break  # a later message in the thread would be in the future
            message = self._message(item, "inbound", at + timedelta(hours=m * 30), themes)
            if item.first_inbound is None:
                item.first_inbound = message
        if rng.random() < 0.6 and at < self.plan.now - timedelta(hours=1):
            self._message(item, "outbound", at + timedelta(hours=1), themes)
        return item

    def _message(
        self,
        item: _Item,
        direction: str,
        at: datetime,
        themes: list[str],
        text: str | None = None,
    ) -> int:
        rng = self.rng
        n = self.rows.ids.get("message", 0) + 1
        channel = item.channel
        outbound = direction == "outbound"
        address = f"+4477009{item.contact:05d}"[:13] if channel == "sms" else None
        if channel == "email":
            address = f"pat{item.contact}@example.org"
        message_id = self.rows.add(
            "message",
            item.id,
            channel,
            direction,
            f"bench-{n:09d}",
            None if outbound else address,
            text or rng.choice(self.texts),
            "en",
            "{}",
            at,
            at,
            "done",
            0 if outbound else 1,
            None if outbound else at + timedelta(seconds=2),
            address if outbound else None,
            "acknowledgement" if outbound else None,
            ("delivered" if channel in ("sms", "email") else None) if outbound else None,
            1 if outbound else 0,
        )
        if not outbound:
            self._classification(message_id, at, themes, text is not None)
        return message_id

    def _classification(self, message: int, at: datetime, themes: list[str], flagged: bool) -> None:
        self.rows.add(
            "classification",
            message,
            MODEL_VERSION,
            self.rng.choice(self.scores),
            json.dumps(themes),
            flagged,
            json.dumps([SAFEGUARDING_SENTENCES[0]] if flagged else []),
            at + timedelta(seconds=2),
        )

    def _complaint(self, item: _Item, day: date) -> None:
        rng, rows = self.rng, self.rows
        received = day
        ack = min(_at(day, 10) + timedelta(days=1), self.plan.now)
        for number in (1, 2, 3):
            due = _add_working_days(received, STAGE_DAYS[number])
            responded = received + timedelta(days=rng.choice((5, 9, 13, 20, 27, 35, 50)))
            if self.plan.unanswered:
                answered = rng.random() >= self.plan.unanswered and responded < self.plan.today
            else:
                responded = max(received, min(responded, self.yesterday))
                answered = True
            stage = rows.add(
                "complaint_stage",
                item.id,
                number,
                item.team,
                rng.choice(self.officers) if rng.random() < 0.8 else None,
                received,
                ack,
                due,
                None,
                responded if answered else None,
                rng.choice(OUTCOMES) if answered else None,
                None if answered else due,  # the stored next deadline of an open stage
                _at(received, 9),
            )
            if answered and rng.random() < 0.12:
                rows.add(
                    "learning_point",
                    item.id,
                    stage,
                    item.team,
                    rng.choice(self.texts),
                    rng.choice(SENTENCES) if rng.random() < 0.7 else None,
                    responded + timedelta(days=60),
                    responded + timedelta(days=40) if rng.random() < 0.5 else None,
                    '["communication"]',
                    _at(responded, 12),
                )
            if not answered or rng.random() > (0.09 if number == 1 else 0.12):
                break
            received = responded + timedelta(days=rng.randint(1, 25))
            if received >= self.plan.today:
                break
            ack = min(_at(received, 10) + timedelta(days=1), self.plan.now)
        if rng.random() < 0.01:
            rows.add(
                "ombudsman_referral",
                item.id,
                received + timedelta(days=60),
                rng.choice(FINDINGS),
                _at(received, 9),
            )
        if rng.random() < 0.3:
            rows.add(
                "equality_response",
                item.id,
                rng.choice(("25_34", "35_44", "45_54", None)),
                rng.choice(("female", "male", None)),
                None,
                _at(day, 9),
            )

    def _enquiry(self, item: int, day: date, at: datetime) -> None:
        responded = day + timedelta(days=self.rng.randint(3, 25))
        if not self.plan.unanswered:  # all answered: the open work is only what the plan names
            responded = max(day, min(responded, self.yesterday))
        self.rows.add(
            "member_enquiry",
            item,
            self.rng.choice(("mp", "councillor")),
            day,
            day + timedelta(days=14),
            responded if responded < self.plan.today else None,
            at,
        )

    def _closed_alert(self, item: _Item, at: datetime, recent: bool) -> None:
        rng = self.rng
        raised = at + timedelta(seconds=3)
        reviewer = rng.choice(self.reviewers)
        acknowledged = raised + timedelta(minutes=5) + rng.random() * timedelta(hours=6)
        acknowledged = min(acknowledged, self.plan.now)
        closed = acknowledged + timedelta(hours=rng.randint(2, 72))
        still_open = (recent and rng.random() < 0.5) or closed >= self.plan.now
        outcome = None if still_open else rng.choice(ALERT_OUTCOMES)
        alert = self.rows.add(
            "safeguarding_alert",
            item.id,
            item.first_inbound,
            "classifier",
            "acknowledged" if still_open else "closed",
            json.dumps([rng.choice(SUBTYPES)]),
            json.dumps([rng.choice(SAFEGUARDING_SENTENCES)]),
            round(0.5 + rng.random() / 2, 3),
            MODEL_VERSION,
            raised,
            reviewer,
            acknowledged,
            None if still_open else reviewer,
            None if still_open else closed,
            outcome,
            None if still_open else "Spoke to the allocated worker.",
            1,
            None,
        )
        self.rows.add(
            "safeguarding_decision", alert, reviewer, "acknowledged", None, None, acknowledged
        )
        if not still_open:
            self.rows.add(
                "safeguarding_decision",
                alert,
                reviewer,
                "closed",
                outcome,
                "Spoke to the allocated worker.",
                closed,
            )

    def _audit_event(self, at: datetime, action: str, kind: str, object_id: str | None) -> None:
        if at >= self.plan.now:
            return
        self.rows.add(
            "audit_event",
            at,
            self.rng.randrange(1, STAFF + 1),
            action,
            kind,
            object_id,
            f"10.0.{self.rng.randrange(4)}.{self.rng.randrange(1, 250)}",
            "{}",
        )

    # -- the present -----------------------------------------------------------------------

    def _open_stage(self, k: int) -> None:
        """An open stage whose next deadline is in the last two weeks (half) or from today to
        the end of this week (half): on "due this week" whenever it is looked at."""
        rng, rows, today = self.rng, self.rows, self.plan.today
        if k % 2 == 0:
            due = today - timedelta(days=rng.randint(1, 14))
        else:
            due = today + timedelta(days=rng.randint(0, 6 - today.weekday()))
        number = 1 if k % 20 < 16 else (2 if k % 20 < 19 else 3)
        received = _working_days_before(due, STAGE_DAYS[number])
        first = received
        for _earlier in range(number - 1):
            first = first - timedelta(days=rng.randint(60, 120))
        at = _at(first, 9, rng.randrange(60))
        item = self._item("complaint", "open", at, first)
        manager = rng.choice(self.officers) if rng.random() < 0.8 else None
        earlier = first
        for n in range(1, number):
            responded = earlier + timedelta(days=rng.randint(10, 30))
            rows.add(
                "complaint_stage",
                item.id,
                n,
                item.team,
                manager,
                earlier,
                _at(earlier, 10) + timedelta(days=1),
                _add_working_days(earlier, STAGE_DAYS[n]),
                None,
                responded,
                rng.choice(("partially_upheld", "not_upheld")),
                None,
                _at(earlier, 9),
            )
            earlier = responded + timedelta(days=rng.randint(1, 15))
            earlier = min(earlier, received)
        rows.add(
            "complaint_stage",
            item.id,
            number,
            item.team,
            manager,
            received,
            _at(received, 10) + timedelta(days=1),
            due,
            None,
            None,
            None,
            due,
            _at(received, 9),
        )

    def _open_alert(self, k: int) -> None:
        """A disclosure raised in the last three days, waiting for its reviewer."""
        rng, plan = self.rng, self.plan
        at = plan.now - timedelta(minutes=5 + rng.randrange(3 * 24 * 60))
        kind = "complaint" if rng.random() < 0.4 else "comment"
        item = self._item(kind, "new", at, at.date())
        flagged = self._message(item, "inbound", at, [], text=rng.choice(SAFEGUARDING_SENTENCES))
        raised = at + timedelta(seconds=3)
        self.rows.add(
            "safeguarding_alert",
            item.id,
            flagged,
            "classifier",
            "open",
            json.dumps([rng.choice(SUBTYPES)]),
            json.dumps([rng.choice(SAFEGUARDING_SENTENCES)]),
            round(0.5 + rng.random() / 2, 3),
            MODEL_VERSION,
            raised,
            None,
            None,
            None,
            None,
            None,
            None,
            1,
            raised + timedelta(minutes=15),
        )


@dataclass
class _Item:
    id: int
    team: int | None
    channel: str
    contact: int
    first_inbound: int | None = None


class Copier(threading.Thread):
    """Copies chunks handed to it on its own connection, while the next chunk is made."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        self.address = address
        self.chunks: queue.Queue[dict[str, list[tuple[Any, ...]]] | None] = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(self.address) as connection:
                connection.execute("SET session_replication_role = replica")
                connection.execute("SET synchronous_commit = off")
                while (chunk := self.chunks.get()) is not None:
                    with connection.cursor() as cursor:
                        for table in ORDER:
                            if table not in chunk:
                                continue
                            columns = ", ".join(COLUMNS[table])
                            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                                for row in chunk[table]:
                                    copy.write_row(row)
                    connection.commit()
        except BaseException as error:  # handed to the main thread, which stops
            self.failure = error
            while self.chunks.get() is not None:
                pass

    def send(self, chunk: dict[str, list[tuple[Any, ...]]] | None) -> None:
        if self.failure is not None:
            raise RuntimeError("copying failed") from self.failure
        self.chunks.put(chunk)


def recreate(database: str) -> None:
    """Drop the database if it is there, and make it empty."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')


def migrate(database: str) -> str:
    """Upgrade the database to the head with the app's migrations; returns the revision."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "CLASSIFIER": ""})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return revision(database)


def revision(database: str) -> str:
    with psycopg.connect(f"{SERVER}/{database}") as connection:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else ""


def load(address: str, maker: Maker, *, quiet: bool = True) -> dict[str, int]:
    """Copy everything `maker` makes into the (migrated, empty) database at `address` and set
    each table's id sequence after the last id; returns rows per table."""
    started = time.perf_counter()
    copier = Copier(address)
    copier.start()
    for chunk in maker.chunks():
        copier.send(chunk)
        if not quiet:
            made = maker.rows.ids.get("feedback_item", 0)
            print(f"  {made:,} items made, {time.perf_counter() - started:.0f} s", flush=True)
    copier.send(None)
    copier.join()
    if copier.failure is not None:
        raise RuntimeError("copying failed") from copier.failure
    with psycopg.connect(address, autocommit=True) as connection:
        for table, last in maker.rows.ids.items():
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
    return maker.rows.counts


def seed(database: str, plan: Plan, *, quiet: bool = False) -> dict[str, int]:
    """Make `database` afresh at the head and fill it as `plan` says; returns rows per table."""
    from app.services.staff.accounts import hash_password

    started = time.perf_counter()
    recreate(database)
    migrate(database)
    address = f"{SERVER}/{database}"
    counts = load(address, Maker(plan, hash_password(BENCH_PASSWORD)), quiet=quiet)
    with psycopg.connect(address, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    if not quiet:
        print(f"seeded {database} in {time.perf_counter() - started:.1f} s")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database", required=True)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--open-stages", type=int, default=2000)
    parser.add_argument("--open-alerts", type=int, default=200)
    parser.add_argument(
        "--template",
        action="store_true",
        help="refuse connections afterwards, so it can only be copied with CREATE DATABASE",
    )
    args = parser.parse_args()
    plan = plan_to_now(args.items, args.years, args.open_stages, args.open_alerts)
    started = time.perf_counter()
    counts = seed(args.database, plan)
    elapsed = time.perf_counter() - started
    print(json.dumps(counts))
    print(
        f"{args.items:,} items in {elapsed:.1f} s; revision {revision(args.database)}; "
        f"now {plan.now.isoformat()}, today {plan.today}"
    )
    if args.template:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'ALTER DATABASE "{args.database}" WITH ALLOW_CONNECTIONS false')


if __name__ == "__main__":
    main()
