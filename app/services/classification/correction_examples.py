"""Staff corrections as labelled examples for `heard train --include-corrections`.

The unit is the feedback item, because that is what staff correct: one example per item that
has a theme correction or a safeguarding correction on any of its messages.

- Text: the item's inbound messages in the order received, joined by a blank line. Most items
  have one, so this is exactly the message the classifier read. For a longer thread the
  item's themes are the union over its messages, and only the whole text carries every one of
  them: labelling a single message with the thread's themes would teach themes it lacks.
- Themes: what staff chose in the item's latest theme correction, plus themes later messages
  brought that were new to the thread (the classifier never restores a theme staff took
  off). An item corrected only for its flag keeps the themes it has, which staff left
  standing.
- Safeguarding: true when a reviewer's latest word on any of its messages is that it should
  have been flagged, or an alert on it was closed as a safeguarding matter; false when every
  alert was closed as "not a safeguarding matter", or it never had one. An item with an alert
  still waiting for a reviewer is left out until it is decided.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AlertOutcome,
    AlertStatus,
    Direction,
    FeedbackItem,
    Message,
    SafeguardingAlert,
    SafeguardingCorrection,
    ThemeCorrection,
)
from app.services.classification.themes import taxonomy_themes
from classifiers.corpus import Example
from classifiers.train import same_text

ID_PREFIX = "correction-item-"


@dataclass(frozen=True)
class CorrectionExamples:
    """The examples, and how many corrected items were left out because an alert on them is
    still waiting for a reviewer."""

    examples: list[Example]
    awaiting_review: int


def _latest_theme_corrections() -> dict[int, ThemeCorrection]:
    query = select(ThemeCorrection).order_by(ThemeCorrection.at, ThemeCorrection.id)
    return {c.feedback_item_id: c for c in db.session.execute(query).scalars()}


def _latest_flag_words() -> dict[int, list[bool]]:
    """Per item, each corrected message's latest label."""
    query = (
        select(
            Message.feedback_item_id,
            SafeguardingCorrection.message_id,
            SafeguardingCorrection.label,
        )
        .join(Message, Message.id == SafeguardingCorrection.message_id)
        .order_by(SafeguardingCorrection.at, SafeguardingCorrection.id)
    )
    per_message: dict[int, tuple[int | None, bool]] = {}
    for item_id, message_id, label in db.session.execute(query):
        per_message[message_id] = (item_id, label)
    per_item: dict[int, list[bool]] = defaultdict(list)
    for item_id, label in per_message.values():
        if item_id is not None:
            per_item[item_id].append(label)
    return per_item


def _alerts(item_ids: set[int]) -> dict[int, list[tuple[AlertStatus, AlertOutcome | None]]]:
    query = select(
        SafeguardingAlert.feedback_item_id, SafeguardingAlert.status, SafeguardingAlert.outcome
    ).where(SafeguardingAlert.feedback_item_id.in_(item_ids))
    found: dict[int, list[tuple[AlertStatus, AlertOutcome | None]]] = defaultdict(list)
    for item_id, status, outcome in db.session.execute(query):
        found[item_id].append((status, outcome))
    return found


def _inbound(item_ids: set[int]) -> dict[int, list[Message]]:
    query = (
        select(Message)
        .where(Message.feedback_item_id.in_(item_ids), Message.direction == Direction.INBOUND)
        .order_by(Message.received_at, Message.id)
    )
    found: dict[int, list[Message]] = defaultdict(list)
    for message in db.session.execute(query).scalars():
        if message.feedback_item_id is not None:
            found[message.feedback_item_id].append(message)
    return found


def safeguarding_label(
    flag_words: list[bool], alerts: list[tuple[AlertStatus, AlertOutcome | None]]
) -> bool | None:
    """An item's flag as staff last judged it; None while an alert awaits a reviewer."""
    if any(flag_words):
        return True
    if any(status != AlertStatus.CLOSED for status, _ in alerts):
        return None
    return any(outcome != AlertOutcome.NOT_SAFEGUARDING for _, outcome in alerts)


def theme_label(item: FeedbackItem, correction: ThemeCorrection | None) -> tuple[str, ...]:
    """The item's themes as staff last left them, in taxonomy order."""
    current = set(item.themes or [])
    if correction is None:
        chosen = current
    else:
        chosen = set(correction.themes_after) | (current - set(correction.themes_before))
    return tuple(theme for theme in taxonomy_themes() if theme in chosen)


def training_examples() -> CorrectionExamples:
    """One example per corrected item, as the module docstring explains."""
    theme_corrections = _latest_theme_corrections()
    flag_words = _latest_flag_words()
    item_ids = set(theme_corrections) | set(flag_words)
    if not item_ids:
        return CorrectionExamples([], 0)
    alerts = _alerts(item_ids)
    inbound = _inbound(item_ids)
    items = db.session.execute(
        select(FeedbackItem).where(FeedbackItem.id.in_(item_ids)).order_by(FeedbackItem.id)
    ).scalars()
    examples: list[Example] = []
    awaiting = 0
    for item in items:
        messages = inbound.get(item.id, [])
        text = "\n\n".join(m.text.strip() for m in messages if m.text.strip())
        if not text:
            continue
        flagged = safeguarding_label(flag_words.get(item.id, []), alerts.get(item.id, []))
        if flagged is None:
            awaiting += 1
            continue
        examples.append(
            Example(
                id=f"{ID_PREFIX}{item.id}",
                channel=messages[0].channel.value,
                kind=item.kind.value,
                text=text,
                themes=theme_label(item, theme_corrections.get(item.id)),
                safeguarding=flagged,
                safeguarding_types=(),
            )
        )
    return CorrectionExamples(examples, awaiting)


def outside(examples: list[Example], held_out: list[Example]) -> list[Example]:
    """The examples whose text is not among the held-out examples (the test split and the
    calibration set), so they stay unseen."""
    texts = {same_text(e.text) for e in held_out}
    return [e for e in examples if same_text(e.text) not in texts]
