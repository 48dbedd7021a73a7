"""The urgent queue as reviewers triage it: unacknowledged first, the most overdue at the top,
the newest disclosures in a strip above everything, filters with counts, and a short excerpt
around the words that raised each alert (the whole message only on the alert's own page).

Alerts are few (hundreds at most open), so they are loaded with their message, item and
acknowledging reviewer in four queries however many there are, and sorted and counted here, by
the same review-target rule the rota uses.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AlertStatus, Channel, SafeguardingAlert
from app.services.safeguarding import rota
from classifiers import rules

# How many of the newest disclosures stand above the queue.
NEWEST = 5
# How much of a message the queue shows around its first trigger.
EXCERPT_CHARS = 160
LIMIT = 500


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer narrowed the queue to; None is everything."""

    status: str = "waiting"  # waiting (unacknowledged), acknowledged, or all
    channel: Channel | None = None
    children_only: bool = False
    subtype: str | None = None


@dataclass(frozen=True)
class QueueEntry:
    alert: SafeguardingAlert
    received_at: datetime
    target_at: datetime
    excerpt: str
    triggers: tuple[str, ...]

    def overdue_by(self, now: datetime) -> float:
        """Seconds past the review target (negative while still in time)."""
        return (now - self.target_at).total_seconds()


@dataclass
class QueueView:
    entries: list[QueueEntry]
    newest: list[QueueEntry]
    waiting: int
    overdue: int
    acknowledged: int
    channel_counts: Counter[str] = field(default_factory=Counter)
    subtype_counts: Counter[str] = field(default_factory=Counter)
    children: int = 0


def triggers(text: str, evidence: list[str] | None) -> tuple[str, ...]:
    """The exact words that raised the concern: the rules' matches where they found any,
    else the model's evidence."""
    found = _rule_evidence(text or "")
    return found or tuple(span for span in evidence or [] if span and span.strip())


@lru_cache(maxsize=2 * LIMIT)
def _rule_evidence(text: str) -> tuple[str, ...]:
    """The rules' matches in a text. Running every rule costs about 2 ms a message and the
    queue shows hundreds, every minute, to every reviewer: each text is checked once per
    process while it stays in the queue (a message's text changes only when anonymised, and
    then it is another text)."""
    return tuple(rules.check(text).evidence)


def excerpt(text: str, spans: tuple[str, ...], size: int = EXCERPT_CHARS) -> str:
    """A short piece of the message around its first trigger, marked as cut where it is."""
    text = " ".join((text or "").split())
    if len(text) <= size:
        return text
    lowered = text.lower()
    positions = [lowered.find(span.lower()) for span in spans]
    first = min((p for p in positions if p >= 0), default=0)
    start = max(0, min(first - size // 3, len(text) - size))
    piece = text[start : start + size].strip()
    return ("…" if start > 0 else "") + piece + ("…" if start + size < len(text) else "")


def _entry(alert: SafeguardingAlert) -> QueueEntry:
    received = rota.received_at(alert)
    text = alert.message.text if alert.message else ""
    spans = triggers(text, alert.evidence)
    return QueueEntry(
        alert=alert,
        received_at=received,
        target_at=rota.review_target(received),
        excerpt=excerpt(text, spans),
        triggers=spans,
    )


def _from_a_child(alert: SafeguardingAlert) -> bool:
    channel = alert.message.channel if alert.message else None
    return channel == Channel.WEB_CHILD or (
        alert.feedback_item.submitter_role is not None
        and alert.feedback_item.submitter_role.value in ("child", "young_person")
    )


def _matches(entry: QueueEntry, filters: QueueFilters) -> bool:
    alert = entry.alert
    if filters.channel is not None and (
        alert.message is None or alert.message.channel != filters.channel
    ):
        return False
    if filters.children_only and not _from_a_child(alert):
        return False
    return filters.subtype is None or filters.subtype in (alert.subtypes or [])


def build(filters: QueueFilters, now: datetime) -> QueueView:
    """The queue for these filters at this moment."""
    statuses = {
        "waiting": [AlertStatus.OPEN],
        "acknowledged": [AlertStatus.ACKNOWLEDGED],
        "all": [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
    }[filters.status if filters.status in ("acknowledged", "all") else "waiting"]
    query = (
        select(SafeguardingAlert)
        .where(SafeguardingAlert.status.in_([AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]))
        .options(
            selectinload(SafeguardingAlert.message),
            selectinload(SafeguardingAlert.feedback_item),
            selectinload(SafeguardingAlert.acknowledged_by),
        )
        .order_by(SafeguardingAlert.created_at.desc())
        .limit(LIMIT)
    )
    live = [_entry(alert) for alert in db.session.execute(query).scalars()]
    waiting = [e for e in live if e.alert.status == AlertStatus.OPEN]
    in_view = [e for e in live if e.alert.status in statuses]
    # Unacknowledged first; then the longest past its target; then the newest.
    in_view.sort(
        key=lambda e: (
            e.alert.status != AlertStatus.OPEN,
            -e.overdue_by(now),
            -e.received_at.timestamp(),
        )
    )
    view = QueueView(
        entries=[e for e in in_view if _matches(e, filters)],
        newest=sorted(waiting, key=lambda e: e.received_at, reverse=True)[:NEWEST],
        waiting=len(waiting),
        overdue=sum(1 for e in waiting if e.overdue_by(now) > 0),
        acknowledged=len(live) - len(waiting),
    )
    for entry in in_view:
        if entry.alert.message is not None:
            view.channel_counts[entry.alert.message.channel.value] += 1
        view.subtype_counts.update(entry.alert.subtypes or [])
        view.children += _from_a_child(entry.alert)
    return view
