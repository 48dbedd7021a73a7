"""The one write path for everything Heard receives.

Store first, then process: the message is committed before any job is enqueued, so a dead
queue or worker delays classification but never loses what someone told us.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Attachment,
    Channel,
    Contact,
    ContactRole,
    Direction,
    FeedbackItem,
    FeedbackKind,
    Message,
    PreferredChannel,
    Team,
)
from channels.base import FeedbackDetails, InboundMessage

from . import audit_invitations
from .references import new_reference

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    message: Message
    created: bool

    @property
    def feedback_item(self) -> FeedbackItem:
        return self.message.feedback_item


# Attempts at storing one message: a clash on a random reference is retried with a new one.
_ATTEMPTS = 3


def ingest(
    msg: InboundMessage, before_commit: Callable[[Message], None] | None = None
) -> IngestResult:
    """Store an inbound message, thread it, commit, then enqueue classification.

    Idempotent on (channel, external id): a retried delivery returns the stored message. The
    unique constraint decides, so a retry costs a rolled-back insert and a new message costs
    no look-up. `before_commit` runs in the same transaction once the message is stored (a
    channel's reply row, say), so the message and what it caused commit together.
    """
    attempt = 1
    while True:
        try:
            message, message_id = _store_and_commit(msg, before_commit)
        except IntegrityError:
            existing = _find(msg.channel, msg.external_id)
            if existing is not None:
                return IngestResult(existing, created=False)
            # Not a repeat of this message: the new item's random reference was taken.
            if attempt == _ATTEMPTS:
                raise
            attempt += 1
            continue
        _enqueue_classification(message_id)
        return IngestResult(message, created=True)


def _store_and_commit(
    msg: InboundMessage, before_commit: Callable[[Message], None] | None
) -> tuple[Message, int]:
    """The stored message and its id, read before the commit expires it."""
    try:
        message = _store(msg)
        if before_commit is not None:
            before_commit(message)
        message_id = message.id
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return message, message_id


def _find(channel: str, external_id: str) -> Message | None:
    return db.session.execute(
        select(Message).where(Message.channel == channel, Message.external_id == external_id)
    ).scalar_one_or_none()


def _store(msg: InboundMessage) -> Message:
    item = _open_thread(msg) or _new_item(msg)
    message = Message(
        feedback_item=item,
        channel=Channel(msg.channel),
        direction=Direction.INBOUND,
        external_id=msg.external_id,
        sender=msg.sender,
        text=msg.text,
        raw_payload=msg.raw_payload,
        received_at=msg.received_at,
    )
    db.session.add(message)
    for attachment in msg.attachments:
        db.session.add(
            Attachment(
                message=message,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                data=attachment.data,
                refused=attachment.refused,
            )
        )
    # Flushed before anything else, so a repeat meets the unique constraint before it can use
    # up an audit link that its first delivery already redeemed.
    db.session.flush()
    if msg.audit_token:
        audit_invitations.redeem(msg.audit_token, item)
    return message


def _open_thread(msg: InboundMessage) -> FeedbackItem | None:
    if msg.thread_reference:
        item = db.session.execute(
            select(FeedbackItem).where(FeedbackItem.reference == msg.thread_reference)
        ).scalar_one_or_none()
        if item is not None:
            return item
    if not msg.replies_to:
        return None
    return db.session.execute(
        select(FeedbackItem)
        .join(Message, Message.feedback_item_id == FeedbackItem.id)
        .where(Message.channel == msg.channel, Message.external_id.in_(msg.replies_to))
        .order_by(Message.id)
        .limit(1)
    ).scalar_one_or_none()


def _new_item(msg: InboundMessage) -> FeedbackItem:
    details = msg.details or FeedbackDetails(kind="comment", contact_role="other")
    item = FeedbackItem(
        reference=new_reference(),
        created_at=msg.received_at,
        kind=FeedbackKind(details.kind),
        team=_team(details.team),
        contact=_contact(details),
        on_behalf_of_child=details.on_behalf_of_child,
        submitter_role=ContactRole(details.contact_role),
        child_consent=details.child_consent,
        case_reference=details.case_reference,
        topic=details.topic,
        worker_or_team=details.worker_or_team,
        score=details.score,
        themes=[],
    )
    db.session.add(item)
    return item


def _team(name: str | None) -> Team | None:
    if not name:
        return None
    return db.session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()


def _contact(details: FeedbackDetails) -> Contact:
    contact = Contact(
        role=ContactRole(details.contact_role),
        name=details.name,
        phone=details.phone,
        phone_raw=details.phone,
        email=details.email,
        postal_address=details.postal_address,
        preferred_channel=PreferredChannel(details.preferred_channel)
        if details.preferred_channel
        else None,
        may_contact=details.may_contact,
    )
    db.session.add(contact)
    return contact


def _enqueue_classification(message_id: int) -> None:
    from app.jobs.classify import classify_message

    try:
        classify_message.delay(message_id)
    except Exception:
        # The message is committed; the sweeper re-enqueues it when the queue is back.
        log.exception("could not enqueue classification of message %s", message_id)
