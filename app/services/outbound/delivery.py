"""Sending what is stored: the senders for each channel, the provider's delivery callbacks, and
the sweep that finds messages whose send was lost.

A channel plugs in by adding its sender to SENDERS. A sender takes the stored message and
returns the provider's id for it; it raises SendRefused when sending again cannot help,
RecipientOptedOut when the person has opted out, and anything else to be retried.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.database import utcnow
from app.extensions import db
from app.models import DeliveryStatus, Direction, Message
from app.services.outbound.email_sender import send_stored_email
from app.services.outbound.opt_outs import is_opted_out, set_opted_out
from channels import sms as sms_channel
from channels.base import ProviderNotConfigured
from channels.sms import RecipientOptedOut, SendRefused

log = logging.getLogger(__name__)

# Refused because the channel has no provider here; the code staff and /healthz see.
NOT_CONFIGURED = "not_configured"
FINISHED = {
    DeliveryStatus.SENT,
    DeliveryStatus.OPTED_OUT,
    DeliveryStatus.REFUSED,
    DeliveryStatus.ANSWERED_IN_RESPONSE,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.UNDELIVERED,
    DeliveryStatus.FAILED,
}


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
        return _finish(message, DeliveryStatus.OPTED_OUT)
    message.send_attempts += 1
    try:
        provider_id = SENDERS[channel](message)
    except RecipientOptedOut as refusal:
        set_opted_out(channel, message.recipient or "", opted_out=True)
        return _finish(message, DeliveryStatus.OPTED_OUT, refusal.code)
    except SendRefused as refusal:
        return _finish(message, DeliveryStatus.REFUSED, refusal.code)
    except ProviderNotConfigured:
        log.error("cannot send outbound message %s: no %s provider is set up", message.id, channel)
        return _finish(message, DeliveryStatus.REFUSED, NOT_CONFIGURED)
    except Exception:
        db.session.rollback()
        _count_failed_attempt(message_id)
        raise
    message.external_id = provider_id
    return _finish(message, DeliveryStatus.SENT)


def _finish(message: Message, status: DeliveryStatus, error_code: int | str | None = None) -> str:
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
_PROGRESS = [
    DeliveryStatus.QUEUED,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.SCHEDULED,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
]
_FINAL_FAILURES = {DeliveryStatus.UNDELIVERED, DeliveryStatus.FAILED, DeliveryStatus.CANCELED}


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
    if current in _FINAL_FAILURES or current == DeliveryStatus.DELIVERED:
        return False
    if new in _FINAL_FAILURES:
        return True
    if new not in _PROGRESS:
        return False
    return current not in _PROGRESS or _PROGRESS.index(DeliveryStatus(new)) > _PROGRESS.index(
        DeliveryStatus(current)
    )


def messages_to_resend(older_than_seconds: int = 120, max_attempts: int = 5) -> list[int]:
    """Outbound messages still waiting to go: their job was lost, or failed in-process."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    query = (
        select(Message.id)
        .where(Message.direction == Direction.OUTBOUND)
        .where(Message.delivery_status == DeliveryStatus.PENDING)
        .where(Message.delivery_updated_at < cutoff)
        .where(Message.send_attempts < max_attempts)
        .order_by(Message.id)
        .limit(1000)
    )
    return list(db.session.execute(query).scalars())
