"""The safeguarding queue and the decisions on an alert: who may see it, acknowledge, close, reopen.

An alert is closed only with an outcome and a rationale, never by someone the feedback names,
and every decision is kept in safeguarding_decision as well as on the alert itself.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.database import utcnow
from app.extensions import db
from app.models import (
    SAFEGUARDING_ROLES,
    AlertDecision,
    AlertOutcome,
    AlertSource,
    AlertStatus,
    Direction,
    FeedbackItem,
    Message,
    SafeguardingAlert,
    SafeguardingCorrection,
    StaffUser,
)
from app.services.common import Refusal, can_exist, get_by_id
from app.services.feedback_list import UNCHECKED_STATES, has_live_alert
from app.services.safeguarding import rota
from app.templating import neutralise_bidi

MAX_RATIONALE_CHARS = 5000


class DecisionRefused(Refusal):
    """A decision that cannot be made; the message says why, in words for the reviewer."""


def may_review(user: StaffUser) -> bool:
    """Whether this account may open safeguarding alerts and items."""
    return user.role in SAFEGUARDING_ROLES


def restricted_for(user: StaffUser, item_ids: Iterable[int]) -> set[int]:
    """Which of these items the user may not open: safeguarding items, unless they review them."""
    ids = set(item_ids)
    if may_review(user) or not ids:
        return set()
    query = select(FeedbackItem.id).where(FeedbackItem.id.in_(ids), has_live_alert())
    return set(db.session.execute(query).scalars())


def reviewers_of(item_ids: Iterable[int]) -> dict[int, str]:
    """The reviewer who took each item's live alert on (acknowledged it), by item id, in one
    query: the person to ask about an item others may not open."""
    ids = set(item_ids)
    if not ids:
        return {}
    query = (
        select(SafeguardingAlert.feedback_item_id, StaffUser.name)
        .join(StaffUser, StaffUser.id == SafeguardingAlert.acknowledged_by_id)
        .where(
            SafeguardingAlert.feedback_item_id.in_(ids),
            SafeguardingAlert.status != AlertStatus.CLOSED,
        )
        .order_by(SafeguardingAlert.acknowledged_at)
    )
    return {item_id: name for item_id, name in db.session.execute(query).all()}


def is_safeguarding_item(item_id: int) -> bool:
    """Whether an item has an alert that has not been closed as not a safeguarding matter."""
    if not can_exist(item_id):
        return False
    query = select(FeedbackItem.id).where(FeedbackItem.id == item_id, has_live_alert())
    return db.session.execute(query).first() is not None


@dataclass(frozen=True)
class QueueEntry:
    alert: SafeguardingAlert
    received_at: datetime
    target_at: datetime


def open_alerts() -> list[QueueEntry]:
    """Alerts nobody has acknowledged yet, oldest first."""
    query = (
        select(SafeguardingAlert)
        .where(SafeguardingAlert.status == AlertStatus.OPEN)
        .order_by(SafeguardingAlert.created_at, SafeguardingAlert.id)
        .limit(500)
    )
    entries = [_entry(alert) for alert in db.session.execute(query).scalars()]
    return sorted(entries, key=lambda entry: (entry.received_at, entry.alert.id))


def acknowledged_alerts() -> list[QueueEntry]:
    """Alerts someone is working on but has not closed, oldest first."""
    query = (
        select(SafeguardingAlert)
        .where(SafeguardingAlert.status == AlertStatus.ACKNOWLEDGED)
        .order_by(SafeguardingAlert.created_at, SafeguardingAlert.id)
        .limit(500)
    )
    return [_entry(alert) for alert in db.session.execute(query).scalars()]


def _entry(alert: SafeguardingAlert) -> QueueEntry:
    received = rota.received_at(alert)
    return QueueEntry(alert, received, rota.review_target(received))


def unchecked_messages() -> list[Message]:
    """Inbound messages the classifier has not read, oldest first: a person must read them.
    Each comes with its item (the queue names it), in one more query however many there are."""
    query = (
        select(Message)
        .options(selectinload(Message.feedback_item))
        .where(Message.direction == Direction.INBOUND)
        .where(Message.classification_state.in_(UNCHECKED_STATES))
        .order_by(Message.received_at, Message.id)
        .limit(500)
    )
    return list(db.session.execute(query).scalars())


def load_alert(alert_id: int) -> SafeguardingAlert | None:
    """An alert by id; None for no such alert, including ids no row could have."""
    return get_by_id(SafeguardingAlert, alert_id)


def load_item(item_id: int) -> FeedbackItem | None:
    """An item by id; None for no such item, including ids no row could have."""
    return get_by_id(FeedbackItem, item_id)


def alerts_for_item(item_id: int) -> list[SafeguardingAlert]:
    """Every alert on an item, newest first."""
    query = (
        select(SafeguardingAlert)
        .where(SafeguardingAlert.feedback_item_id == item_id)
        .order_by(SafeguardingAlert.created_at.desc())
    )
    return list(db.session.execute(query).scalars())


def highlight(text: str, spans: list[str]) -> Markup:
    """The text, escaped, with every occurrence of each evidence span wrapped in <mark>, and
    direction-changing characters made visible."""
    text = neutralise_bidi(text)
    ranges = sorted(
        (match.start(), match.end())
        for span in spans
        if span and span.strip()
        for match in re.finditer(re.escape(span.strip()), text, re.IGNORECASE)
    )
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    parts: list[str] = []
    position = 0
    for start, end in merged:
        parts.append(escape(text[position:start]))
        parts.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def names_reviewer(item: FeedbackItem, reviewer: StaffUser) -> bool:
    """Whether the feedback names this reviewer: their full name, or their surname, in any
    inbound message or in the worker or team it is about."""
    texts = [m.text for m in item.messages if m.direction == Direction.INBOUND]
    texts.append(item.worker_or_team or "")
    patterns = [reviewer.name.strip()]
    surname = reviewer.name.split()[-1] if reviewer.name.split() else ""
    if len(surname) >= 3 and surname.isalpha():
        patterns.append(surname)
    for pattern in filter(None, patterns):
        regex = re.compile(rf"(?<!\w){re.escape(pattern)}(?!\w)", re.IGNORECASE)
        if any(regex.search(text) for text in texts):
            return True
    return False


def _decide(
    alert: SafeguardingAlert,
    reviewer: StaffUser,
    action: str,
    outcome: AlertOutcome | None = None,
    rationale: str | None = None,
) -> None:
    db.session.add(
        AlertDecision(
            alert=alert,
            staff_user_id=reviewer.id,
            action=action,
            outcome=outcome,
            rationale=rationale,
        )
    )


def acknowledge(alert: SafeguardingAlert, reviewer: StaffUser) -> None:
    """Take an open alert: it leaves the waiting queue and stops escalating."""
    if alert.status != AlertStatus.OPEN:
        raise DecisionRefused("This alert has already been acknowledged")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by_id = reviewer.id
    alert.acknowledged_at = utcnow()
    alert.next_escalation_at = None
    _decide(alert, reviewer, "acknowledged")
    db.session.commit()


def close(
    alert: SafeguardingAlert, reviewer: StaffUser, outcome: AlertOutcome | None, rationale: str
) -> None:
    """Close an acknowledged alert with an outcome and the reasons for it."""
    rationale = (rationale or "").strip()
    if alert.status == AlertStatus.OPEN:
        raise DecisionRefused("Acknowledge the alert before closing it")
    if alert.status == AlertStatus.CLOSED:
        raise DecisionRefused("This alert is already closed")
    if outcome is None:
        raise DecisionRefused("Choose an outcome")
    if not rationale:
        raise DecisionRefused("Give the reasons for this outcome")
    if len(rationale) > MAX_RATIONALE_CHARS:
        raise DecisionRefused(f"The reasons must be {MAX_RATIONALE_CHARS} characters or fewer")
    if names_reviewer(alert.feedback_item, reviewer):
        raise DecisionRefused("This feedback names you, so another reviewer must close it")
    alert.status = AlertStatus.CLOSED
    alert.closed_by_id = reviewer.id
    alert.closed_at = utcnow()
    alert.outcome = outcome
    alert.rationale = rationale
    _decide(alert, reviewer, "closed", outcome, rationale)
    if outcome == AlertOutcome.NOT_SAFEGUARDING:
        correct_flag(alert, reviewer, label=False)
    elif alert.source == AlertSource.MANUAL:
        # A person's flag on a message the classifier let through, now confirmed.
        correct_flag(alert, reviewer, label=True)
    db.session.commit()


def correct_flag(alert: SafeguardingAlert, reviewer: StaffUser, label: bool) -> None:
    """Keep a reviewer's word on whether the alert's message is a safeguarding matter, as
    training data for the classifier (the caller commits). Only reviewers, managers and admins
    correct the flag; anyone may still raise one. Nothing is added when the message has no
    text of its own or its latest correction already says the same."""
    if alert.message_id is None or not may_review(reviewer):
        return
    latest = db.session.execute(
        select(SafeguardingCorrection.label)
        .where(SafeguardingCorrection.message_id == alert.message_id)
        .order_by(SafeguardingCorrection.at.desc(), SafeguardingCorrection.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is label:
        return
    db.session.add(
        SafeguardingCorrection(
            message_id=alert.message_id,
            alert_id=alert.id,
            staff_user_id=reviewer.id,
            label=label,
        )
    )


def reopen(alert: SafeguardingAlert, reviewer: StaffUser, rationale: str) -> None:
    """Put a closed alert back in the queue, with the reasons; the earlier decisions stay."""
    rationale = (rationale or "").strip()
    if alert.status != AlertStatus.CLOSED:
        raise DecisionRefused("Only a closed alert can be reopened")
    if not rationale or len(rationale) > MAX_RATIONALE_CHARS:
        raise DecisionRefused("Give the reasons for reopening, in 5000 characters or fewer")
    alert.status = AlertStatus.OPEN
    alert.outcome = None
    alert.rationale = None
    alert.closed_by_id = None
    alert.closed_at = None
    alert.acknowledged_by_id = None
    alert.acknowledged_at = None
    alert.next_escalation_at = utcnow()
    _decide(alert, reviewer, "reopened", rationale=rationale)
    db.session.commit()


def flag_manually(item: FeedbackItem, staff_user: StaffUser, reason: str) -> SafeguardingAlert:
    """Any member of staff raises an alert on an item, with their reason. A second flag on the
    same message while the first is open raises no second alert; once closed, a new flag
    raises anew. A reviewer's flag is also their correction: it should have been flagged."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_RATIONALE_CHARS:
        raise DecisionRefused("Say why this is a safeguarding concern, in 5000 characters or fewer")
    inbound = [m for m in item.messages if m.direction == Direction.INBOUND]
    message = inbound[-1] if inbound else None
    existing = db.session.execute(
        select(SafeguardingAlert).where(
            SafeguardingAlert.feedback_item_id == item.id,
            SafeguardingAlert.source == AlertSource.MANUAL,
            SafeguardingAlert.message_id == (message.id if message else None),
        )
    ).scalar_one_or_none()
    if existing is not None and existing.status != AlertStatus.CLOSED:
        correct_flag(existing, staff_user, label=True)
        db.session.commit()
        return existing
    if existing is not None:
        correct_flag(existing, staff_user, label=True)
        reopen(existing, staff_user, f"Flagged again: {reason}")
        return existing
    alert = SafeguardingAlert(
        feedback_item=item,
        message=message,
        source=AlertSource.MANUAL,
        raised_by_id=staff_user.id,
        reason=reason,
        subtypes=[],
        evidence=[],
    )
    db.session.add(alert)
    db.session.flush()
    correct_flag(alert, staff_user, label=True)
    db.session.commit()
    return alert
