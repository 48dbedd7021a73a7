"""Storing what Heard sends, then handing it to the sending job once the row is committed.

Every outbound message is a `Message` row first; `enqueue_send` asks for it to be sent after
the caller's commit, and if the queue is down the resend sweep finds the row later.
"""

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.engine import CursorResult

from app.database import utcnow
from app.extensions import db
from app.jobs.outbound import send_message
from app.models import Channel, DeliveryStatus, Direction, FeedbackItem, Message
from channels import language


def new_outbound(
    channel: str,
    recipient: str,
    text: str,
    purpose: str,
    item: FeedbackItem | None = None,
    context: dict[str, Any] | None = None,
    status: DeliveryStatus = DeliveryStatus.PENDING,
) -> Message:
    """An outbound message row, added to the session but not committed."""
    message = Message(
        feedback_item=item, **_outbound_values(channel, recipient, text, purpose, context, status)
    )
    db.session.add(message)
    return message


def record_answered_reply(
    channel: str, recipient: str, text: str, purpose: str, feedback_item_id: int
) -> None:
    """Store a reply given in the webhook's own response (the provider sends it, no job does),
    in the caller's transaction, as one insert that needs no thread loaded."""
    values = _outbound_values(
        channel, recipient, text, purpose, None, DeliveryStatus.ANSWERED_IN_RESPONSE
    )
    db.session.execute(insert(Message.__table__), {"feedback_item_id": feedback_item_id, **values})


def sent_on_thread(feedback_item_id: int, purpose: str, since: datetime | None = None) -> bool:
    """Whether a message for this purpose was already sent (or is going) on this thread,
    since a time if given."""
    query = select(Message.id).where(
        Message.feedback_item_id == feedback_item_id, Message.purpose == purpose
    )
    if since is not None:
        query = query.where(Message.received_at >= since)
    return db.session.execute(query.limit(1)).first() is not None


def insert_pending(
    channel: str, recipient: str, text: str, purpose: str, feedback_item_id: int
) -> int:
    """Store a message to send, in the caller's transaction; the caller enqueues it after
    committing (or the resend sweep finds it)."""
    values = _outbound_values(channel, recipient, text, purpose, None, DeliveryStatus.PENDING)
    inserted = db.session.execute(
        insert(Message.__table__), {"feedback_item_id": feedback_item_id, **values}
    )
    key = cast(CursorResult[Any], inserted).inserted_primary_key
    assert key is not None
    return int(key[0])


def _outbound_values(
    channel: str,
    recipient: str,
    text: str,
    purpose: str,
    context: dict[str, Any] | None,
    status: DeliveryStatus,
) -> dict[str, Any]:
    now = utcnow()
    return {
        "channel": Channel(channel),
        "direction": Direction.OUTBOUND,
        "external_id": f"out-{uuid.uuid4()}",
        "recipient": recipient,
        "text": text,
        # What staff see beside it: Heard writes to each person in their language, and a
        # member of staff may reply in Welsh or English.
        "language": language.detect(text),
        "purpose": purpose,
        "raw_payload": context or {},
        "received_at": now,
        "delivery_status": status,
        "delivery_updated_at": now,
    }


def queue_message(
    channel: str,
    recipient: str,
    text: str,
    purpose: str,
    item: FeedbackItem | None = None,
    context: dict[str, Any] | None = None,
) -> Message:
    """Store an outbound message, commit, then enqueue its send."""
    message = new_outbound(channel, recipient, text, purpose, item, context)
    db.session.commit()
    enqueue_send(message.id)
    return message


def enqueue_send(message_id: int) -> None:
    """Enqueue the send; if the queue is down the stored message waits for the sweeper."""
    send_message.delay_or_log(message_id)
