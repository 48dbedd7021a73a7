"""Everything Heard sends: stored first as an outbound message, then sent by a job.

A channel plugs in by adding its sender to SENDERS. A sender takes the stored message and
returns the provider's id for it; it raises SendRefused when sending again cannot help,
RecipientOptedOut when the person has opted out, and anything else to be retried.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, exists, false, insert, select, update

from app.database import utcnow
from app.extensions import db
from app.models import Channel, Contact, Direction, FeedbackItem, Message
from app.services.email_outbound import send_stored_email
from channels import sms as sms_channel
from channels.base import ProviderNotConfigured
from channels.sms import RecipientOptedOut, SendRefused

log = logging.getLogger(__name__)

PENDING = "pending"
SENT = "sent"
OPTED_OUT = "opted_out"
REFUSED = "refused"
# Refused because the channel has no provider here; the code staff and /healthz see.
NOT_CONFIGURED = "not_configured"
# Replies given in the webhook's own response: the provider sends them, no job does.
ANSWERED_IN_RESPONSE = "answered_in_response"
FINISHED = {SENT, OPTED_OUT, REFUSED, ANSWERED_IN_RESPONSE, "delivered", "undelivered", "failed"}


def _send_sms(message: Message) -> str:
    """Send a stored SMS through Twilio."""
    config = current_app.config
    has_sender = config["TWILIO_FROM_NUMBER"] or config["TWILIO_MESSAGING_SERVICE_SID"]
    if not (config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"] and has_sender):
        raise ProviderNotConfigured("set the TWILIO_ settings to send texts")
    settings = sms_channel.TwilioSettings(
        account_sid=config["TWILIO_ACCOUNT_SID"],
        auth_token=config["TWILIO_AUTH_TOKEN"],
        from_number=config["TWILIO_FROM_NUMBER"] or None,
        messaging_service_sid=config["TWILIO_MESSAGING_SERVICE_SID"] or None,
        api_base=config["TWILIO_API_BASE"],
    )
    callback = sms_channel.public_url(config["PUBLIC_BASE_URL"], "/sms/status")
    return sms_channel.send_sms(settings, message.recipient or "", message.text, callback)


SENDERS: dict[str, Callable[[Message], str]] = {
    "sms": _send_sms,
    "email": send_stored_email,
}

# Where each channel's address lives on a contact, to find who has opted out. Table columns,
# not ORM attributes, so a query folding in the check stays a plain Core statement.
_contacts = Contact.__table__.c
_ADDRESS = {"sms": _contacts.phone, "email": _contacts.email}


def opted_out_clause(channel: str, address: str | ColumnElement[str]) -> ColumnElement[bool]:
    """A SQL condition, true when any contact with this address has opted out on this channel,
    for callers that fold the check into a query of their own (the address may be a bound
    parameter of theirs)."""
    column = _ADDRESS.get(channel)
    if column is None:
        return false()
    return exists().where(column == address, _contacts.opted_out_at.is_not(None))


def is_opted_out(channel: str, address: str) -> bool:
    """Whether any contact with this address has asked for no more messages on this channel."""
    return bool(db.session.execute(select(opted_out_clause(channel, address))).scalar())


def set_opted_out(channel: str, address: str, opted_out: bool) -> None:
    """Record an opt-out (or opt-in) on every contact with this address, in the caller's
    transaction: one person may have several threads, each with its own contact row."""
    column = _ADDRESS[channel]
    db.session.execute(
        update(Contact)
        .where(column == address)
        .values(opted_out_at=utcnow() if opted_out else None)
        .execution_options(synchronize_session=False)
    )


def new_outbound(
    channel: str,
    recipient: str,
    text: str,
    purpose: str,
    item: FeedbackItem | None = None,
    context: dict[str, Any] | None = None,
    status: str = PENDING,
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
    values = _outbound_values(channel, recipient, text, purpose, None, ANSWERED_IN_RESPONSE)
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
    values = _outbound_values(channel, recipient, text, purpose, None, PENDING)
    return db.session.execute(
        insert(Message.__table__), {"feedback_item_id": feedback_item_id, **values}
    ).inserted_primary_key[0]


def _outbound_values(
    channel: str,
    recipient: str,
    text: str,
    purpose: str,
    context: dict[str, Any] | None,
    status: str,
) -> dict[str, Any]:
    now = utcnow()
    return {
        "channel": Channel(channel),
        "direction": Direction.OUTBOUND,
        "external_id": f"out-{uuid.uuid4()}",
        "recipient": recipient,
        "text": text,
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
    from app.jobs.outbound import send_message

    try:
        send_message.delay(message_id)
    except Exception:
        log.exception("could not enqueue sending of message %s", message_id)


def send(message_id: int) -> str | None:
    """Send one stored outbound message, once. Returns its delivery status afterwards."""
    message = db.session.execute(
        select(Message)
        .where(Message.id == message_id, Message.direction == Direction.OUTBOUND)
        .with_for_update()
    ).scalar_one_or_none()
    if message is None:
        return None
    if message.delivery_status in FINISHED:
        db.session.rollback()
        return message.delivery_status
    channel = message.channel.value
    if is_opted_out(channel, message.recipient or ""):
        return _finish(message, OPTED_OUT)
    message.send_attempts += 1
    try:
        provider_id = SENDERS[channel](message)
    except RecipientOptedOut as refusal:
        set_opted_out(channel, message.recipient or "", opted_out=True)
        return _finish(message, OPTED_OUT, refusal.code)
    except SendRefused as refusal:
        return _finish(message, REFUSED, refusal.code)
    except ProviderNotConfigured:
        log.error("cannot send outbound message %s: no %s provider is set up", message.id, channel)
        return _finish(message, REFUSED, NOT_CONFIGURED)
    except Exception:
        db.session.rollback()
        _count_failed_attempt(message_id)
        raise
    message.external_id = provider_id
    return _finish(message, SENT)


def _finish(message: Message, status: str, error_code: int | str | None = None) -> str:
    message.delivery_status = status
    message.delivery_updated_at = utcnow()
    if error_code is not None:
        message.provider_error_code = str(error_code)
    db.session.commit()
    return status


def _count_failed_attempt(message_id: int) -> None:
    db.session.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(send_attempts=Message.send_attempts + 1, delivery_updated_at=utcnow())
    )
    db.session.commit()


# Provider statuses in the order they happen; a late callback never moves a message back.
_PROGRESS = ["queued", "accepted", "scheduled", "sending", SENT, "delivered"]
_FINAL_FAILURES = {"undelivered", "failed", "canceled"}


def record_delivery_status(
    channel: str, provider_id: str, status: str, error_code: str | None = None
) -> bool:
    """Record what the provider says happened to a message; False if we never sent it."""
    message = db.session.execute(
        select(Message)
        .where(
            Message.channel == channel,
            Message.external_id == provider_id,
            Message.direction == Direction.OUTBOUND,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if message is None:
        db.session.rollback()
        return False
    if _moves_forward(message.delivery_status, status):
        message.delivery_status = status
        message.delivery_updated_at = utcnow()
        if error_code:
            message.provider_error_code = error_code
    db.session.commit()
    return True


def _moves_forward(current: str | None, new: str) -> bool:
    if current in _FINAL_FAILURES or current == "delivered":
        return False
    if new in _FINAL_FAILURES:
        return True
    if new not in _PROGRESS:
        return False
    return current not in _PROGRESS or _PROGRESS.index(new) > _PROGRESS.index(current)


def messages_to_resend(older_than_seconds: int = 120, max_attempts: int = 5) -> list[int]:
    """Outbound messages still waiting to go: their job was lost, or failed in-process."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    query = (
        select(Message.id)
        .where(Message.direction == Direction.OUTBOUND)
        .where(Message.delivery_status == PENDING)
        .where(Message.delivery_updated_at < cutoff)
        .where(Message.send_attempts < max_attempts)
        .order_by(Message.id)
        .limit(1000)
    )
    return list(db.session.execute(query).scalars())
