"""Receiving through every door while the database may be down: store, or keep on disk.

The web forms, the JSON API and the Twilio and email webhooks call these instead of storing
directly. When the database answers, they store through the usual services; when it cannot be
reached, the message goes to the local spool (`spool.py`), the person is answered as usual,
and `replay_spool()` stores it through the same services once the database is back.
"""

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.extensions import db
from app.services.intake import sms_conversations, spool
from app.services.intake.email_conversations import receive_email
from app.services.intake.ingestion import IngestResult, ingest
from app.services.intake.references import new_reference
from channels.base import InboundMessage, message_from_dict, message_to_dict

log = logging.getLogger(__name__)

T = TypeVar("T")

MESSAGE_DOOR = "message"
SMS_DOOR = "sms"
EMAIL_DOOR = "email"


def database_unreachable(error: BaseException) -> bool:
    """Whether an error means the database could not be reached (so waiting will help)."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _forget_failed_transaction() -> None:
    try:
        db.session.rollback()
    except Exception:
        db.session().invalidate()


@dataclass(frozen=True)
class Receipt:
    """What the door tells the person: the reference, and whether it is stored yet."""

    reference: str | None
    stored: bool
    created: bool = True
    feedback_item_id: int | None = None
    message_id: int | None = None


def _store_or_spool(store: Callable[[], T], door: str, payload: dict[str, Any]) -> T | None:
    """What `store` returns; or, if the database cannot be reached, None once the payload is
    safe in the spool. Any other error is raised as it was."""
    try:
        return store()
    except Exception as error:
        if not database_unreachable(error):
            raise
        _forget_failed_transaction()
        spool.write(door, payload)
        return None


def _stored(result: IngestResult) -> Receipt:
    return Receipt(
        reference=result.feedback_item.reference,
        stored=True,
        created=result.created,
        feedback_item_id=result.feedback_item_id,
        message_id=result.message_id,
    )


def receive_message(msg: InboundMessage) -> Receipt:
    """Store a message from a web form or the API, or spool it; idempotent on its external id.

    A new item's reference is chosen first, so a person whose message had to wait on disk is
    still told the reference it will have.
    """
    msg = msg if msg.reference else replace(msg, reference=new_reference())
    receipt = _store_or_spool(lambda: _stored(ingest(msg)), MESSAGE_DOOR, message_to_dict(msg))
    return receipt or Receipt(reference=msg.reference, stored=False)


def receive_text(msg: InboundMessage) -> sms_conversations.SmsReceipt | None:
    """Store an inbound text through the SMS conversation, or spool it (then None)."""
    return _store_or_spool(lambda: sms_conversations.receive(msg), SMS_DOOR, message_to_dict(msg))


def receive_raw_email(raw: bytes) -> Receipt:
    """Store a raw email, or spool it (then the reference is not known yet)."""
    payload = {"raw": base64.b64encode(raw).decode()}
    receipt = _store_or_spool(lambda: _stored(receive_email(raw)), EMAIL_DOOR, payload)
    return receipt or Receipt(reference=None, stored=False)


def _raw_email(payload: dict[str, Any]) -> bytes:
    return base64.b64decode(payload["raw"], validate=True)


REPLAY = {
    MESSAGE_DOOR: spool.Door(read=message_from_dict, store=ingest),
    SMS_DOOR: spool.Door(
        read=message_from_dict,
        store=lambda msg: sms_conversations.receive(msg, replied_in_response=False),
    ),
    EMAIL_DOOR: spool.Door(read=_raw_email, store=receive_email),
}


def replay_spool() -> spool.ReplaySummary:
    """Store everything the spool kept, if the database is back; safe to run at any time."""
    if not spool.waiting():
        return spool.ReplaySummary()
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception as error:
        if not database_unreachable(error):
            raise
        _forget_failed_transaction()
        return spool.ReplaySummary(waiting=len(spool.waiting()))
    return spool.replay(REPLAY)
