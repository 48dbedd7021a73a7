"""The one write path for everything Heard receives.

Store first, then process: the message is committed before any job is enqueued, so a dead
queue or worker delays classification but never loses what someone told us.
"""

import logging
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


def ingest(msg: InboundMessage) -> IngestResult:
    """Store an inbound message, thread it, commit, then enqueue classification.

    Idempotent on (channel, external id): a retried delivery returns the stored message.
    """
    existing = _find(msg.channel, msg.external_id)
    if existing is not None:
        return IngestResult(existing, created=False)
    try:
        message = _store(msg)
        db.session.commit()
    except IntegrityError:
        # A concurrent delivery of the same message won the race to the unique constraint.
        db.session.rollback()
        existing = _find(msg.channel, msg.external_id)
        if existing is None:
            raise
        return IngestResult(existing, created=False)
    except Exception:
        db.session.rollback()
        raise
    _enqueue_classification(message.id)
    return IngestResult(message, created=True)


def _find(channel: str, external_id: str) -> Message | None:
    return db.session.execute(
        select(Message).where(Message.channel == channel, Message.external_id == external_id)
    ).scalar_one_or_none()


def _store(msg: InboundMessage) -> Message:
    item = _open_thread(msg) or _new_item(msg)
    if msg.audit_token:
        audit_invitations.redeem(msg.audit_token, item)
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
    db.session.flush()
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
        reference=_unused_reference(),
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


def _unused_reference() -> str:
    while True:
        reference = new_reference()
        taken = db.session.execute(
            select(FeedbackItem.id).where(FeedbackItem.reference == reference)
        ).first()
        if taken is None:
            return reference


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
