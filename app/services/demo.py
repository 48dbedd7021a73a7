"""A living demo: teams, and a year of feedback across every kind and channel.

The texts come from the labelled corpus in classifiers/data (training files only), so what a
newcomer reads is the kind of thing Heard really receives. Everything goes through ingest().
"""

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackItem, FeedbackKind, FeedbackStatus, Team
from app.services.complaints.correspondence import confirm_suggested_credit
from app.services.intake.ingestion import ingest
from channels.base import FeedbackDetails, InboundMessage

CORPUS = Path(__file__).resolve().parents[2] / "classifiers" / "data"

TEAMS = [
    ("Leeds private law", "Yorkshire and the Humber"),
    ("Manchester public law", "North West"),
    ("Newcastle family court advice", "North East"),
    ("Birmingham private law", "West Midlands"),
    ("Norwich children's services", "East of England"),
    ("Croydon family court advice", "London"),
    ("Brighton public law", "South East"),
    ("Plymouth children's services", "South West"),
]

ROLES_BY_CHANNEL = {
    "web_child": ["child", "child", "young_person", "care_leaver"],
    "web_adult": ["parent", "carer", "grandparent", "relative", "advocate", "professional"],
    "sms": ["parent", "parent", "carer", "young_person"],
    "email": ["parent", "professional", "professional", "mp", "advocate", "grandparent"],
}

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dylan",
    "Ewa",
    "Femi",
    "Grace",
    "Harri",
    "Imran",
    "Jade",
    "Kyle",
    "Leah",
    "Mo",
    "Nia",
    "Owen",
    "Priya",
    "Rhys",
    "Sian",
    "Tom",
]
SURNAMES = [
    "Ahmed",
    "Brown",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
]


def _corpus() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(CORPUS.glob("train_*.jsonl")):
        rows.extend(json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return rows


def _teams() -> list[str]:
    for name, area in TEAMS:
        if db.session.execute(select(Team).where(Team.name == name)).scalar_one_or_none() is None:
            db.session.add(Team(name=name, area=area))
    db.session.commit()
    return [name for name, _ in TEAMS]


def _details(row: dict[str, Any], rng: random.Random, team: str) -> FeedbackDetails:
    role = rng.choice(ROLES_BY_CHANNEL[row["channel"]])
    named = rng.random() < (0.4 if row["channel"] == "web_child" else 0.85)
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" if named else None
    on_behalf = role in {"parent", "carer", "advocate"} and rng.random() < 0.3
    score = None
    if row["kind"] == "audit" or row["channel"] == "web_child":
        score = rng.choices([1, 2, 3, 4, 5], weights=[4, 6, 12, 30, 48])[0]
    return FeedbackDetails(
        kind=row["kind"],
        contact_role=role,
        name=name,
        email=f"{name.split()[0].lower()}@example.org"
        if name and row["channel"] != "sms"
        else None,
        phone=f"+4477009{rng.randrange(10**5):05d}" if row["channel"] == "sms" else None,
        preferred_channel="sms" if row["channel"] == "sms" else "email" if name else None,
        may_contact=bool(name),
        team=team,
        on_behalf_of_child=on_behalf,
        child_consent=True if on_behalf else None,
        case_reference=f"FC{rng.randrange(10**6):06d}" if rng.random() < 0.5 else None,
        score=score,
    )


def _email(name: str) -> str:
    return f"{name.split()[0].lower()}@example.org"


def load_demo(items: int = 300, seed: int = 2026) -> list[str]:
    """Load `items` feedback items received over the last twelve months; returns a summary."""
    rng = random.Random(seed)
    corpus = _corpus()
    if not corpus:
        raise RuntimeError(f"no corpus files in {CORPUS}")
    teams = _teams()
    now = datetime.now(UTC)
    created = 0
    for n, row in enumerate(rng.sample(corpus, k=min(items, len(corpus)))):
        received = now - timedelta(days=rng.uniform(0, 365), minutes=rng.uniform(0, 600))
        message = InboundMessage(
            channel=row["channel"],
            external_id=f"demo-{seed}-{n}",
            text=row["text"],
            received_at=received,
            raw_payload={"demo": True, "corpus_id": row["id"]},
            details=_details(row, rng, rng.choice(teams)),
        )
        result = ingest(message)
        created += result.created
        item = result.feedback_item
        if result.created and received < now - timedelta(days=60) and rng.random() < 0.7:
            item.status = FeedbackStatus.CLOSED
        elif result.created and rng.random() < 0.5:
            item.status = FeedbackStatus.OPEN
        # Most compliments are credited at triage, as a triager confirming the suggested team.
        if result.created and item.kind == FeedbackKind.COMPLIMENT and rng.random() < 0.85:
            confirm_suggested_credit(item, None)
    db.session.commit()
    total = db.session.query(FeedbackItem).count()
    return [f"Loaded {created} new feedback items ({total} in all) across {len(teams)} teams."]
