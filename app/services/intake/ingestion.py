"""The one write path for everything Heard receives.

Store first, then process: the message is committed before any job is enqueued, so a dead
queue or worker delays classification but never loses what someone told us.

Rows are written with SQLAlchemy Core inserts rather than through the ORM's unit of work:
every text Twilio posts passes through here, and the unit of work cost more CPU than the rest
of the request together. Callers get ids back and load the ORM objects when they want them.
"""

import logging
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs.classify import classify_message
from app.jobs.complaints import open_complaint_stage
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
    StaffUser,
    Team,
)
from app.services import locks
from app.services.intake import audit_invitations
from app.services.intake.references import new_reference
from channels.base import FeedbackDetails, InboundMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThreadRef:
    """An existing feedback item a message joins; with what the caller already read of its
    contact's language, when it read it (`language_known`), so it need not be asked again."""

    feedback_item_id: int
    reference: str
    contact_language: str | None = None
    language_known: bool = False


@dataclass(frozen=True)
class StoredMessage:
    """A message ingest() has stored and not yet committed: what a channel's reply needs."""

    message_id: int
    feedback_item_id: int
    reference: str
    new_thread: bool


@dataclass(frozen=True)
class IngestResult:
    message_id: int
    feedback_item_id: int
    created: bool

    @property
    def message(self) -> Message:
        """The stored message, loaded on first use."""
        return db.session.get_one(Message, self.message_id)

    @property
    def feedback_item(self) -> FeedbackItem:
        """The message's thread, loaded on first use."""
        return db.session.get_one(FeedbackItem, self.feedback_item_id)


class Conversation(Protocol):
    """A channel that threads by sender (SMS) takes part in storing a message.

    ingest() asks `place` for the message to store (with the details its new thread would
    have) and the open thread it joins, if any. If there is none, it locks the sender and asks
    again, so `place` must only read. It stores the message and hands it to `respond` for the
    channel's own writes, all in one transaction. A repeat delivery never reaches `respond`.
    """

    def place(self, msg: InboundMessage) -> tuple[InboundMessage, ThreadRef | None]: ...

    def respond(self, stored: StoredMessage) -> None: ...


# Attempts at storing one message: a clash on a random reference is retried with a new one.
_ATTEMPTS = 3


def ingest(msg: InboundMessage, conversation: Conversation | None = None) -> IngestResult:
    """Store an inbound message, thread it, commit, then enqueue classification.

    Idempotent on (channel, external id): a retried delivery returns the stored message. The
    unique constraint decides, so a retry costs a rolled-back insert and a new message costs
    no look-up. A channel that threads by sender passes its `Conversation`.
    """
    attempt = 1
    while True:
        try:
            stored = _store_and_commit(msg, conversation)
        except IntegrityError:
            existing = _find(msg.channel, msg.external_id)
            if existing is not None:
                return existing
            # Not a repeat of this message: the new item's random reference was taken.
            if attempt == _ATTEMPTS:
                raise
            attempt += 1
            msg = replace(msg, reference=None)
            continue
        _enqueue_classification(stored.message_id)
        if stored.new_thread and msg.details is not None and msg.details.kind == "complaint":
            # The clock starts in the write path, never when someone reads the item.
            open_complaint_stage.delay_or_log(stored.feedback_item_id, new=True)
        return IngestResult(stored.message_id, stored.feedback_item_id, created=True)


def _store_and_commit(msg: InboundMessage, conversation: Conversation | None) -> StoredMessage:
    try:
        with ExitStack() as lock:
            thread = None
            if conversation is not None:
                msg, thread = _place(msg, conversation, lock)
            stored = _store(msg, thread or _open_thread(msg))
            if conversation is not None:
                conversation.respond(stored)
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return stored


def _place(
    msg: InboundMessage, conversation: Conversation, lock: ExitStack
) -> tuple[InboundMessage, ThreadRef | None]:
    """Where the conversation puts the message. Only a message that would open a thread takes
    the sender's lock and looks again (most join an open thread, and need no lock): of two
    first messages arriving together, the second then finds the thread the first opened."""
    placed, thread = conversation.place(msg)
    if thread is not None:
        return placed, thread
    lock.enter_context(
        locks.transaction_lock(f"sender:{msg.channel}:{msg.sender or msg.external_id}")
    )
    return conversation.place(msg)


# Built once on the tables: constructing a statement costs more than running its cached
# compiled form, and table columns skip the ORM's result layer.
_messages = Message.__table__.c
_items = FeedbackItem.__table__.c
_FIND = select(_messages.id, _messages.feedback_item_id).where(
    _messages.channel == bindparam("channel"), _messages.external_id == bindparam("external_id")
)
_ITEM_BY_REFERENCE = select(_items.id).where(_items.reference == bindparam("ref"))
_TEAM_BY_NAME = select(Team.__table__.c.id).where(Team.__table__.c.name == bindparam("name"))


def _find(channel: str, external_id: str) -> IngestResult | None:
    row = db.session.execute(_FIND, {"channel": channel, "external_id": external_id}).first()
    if row is None:
        return None
    return IngestResult(row.id, row.feedback_item_id, created=False)


def _insert(table: Table, values: dict[str, Any]) -> int:
    """Insert one row in the session's transaction and return its primary key. Text longer
    than its column is cut to fit: a 400-character sender must not cost the message."""
    inserted = db.session.execute(insert(table), _fit(table, values))
    key = cast(CursorResult[Any], inserted).inserted_primary_key
    assert key is not None
    return int(key[0])


def _fit(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    fitted = dict(values)
    for name, value in values.items():
        length = getattr(table.c[name].type, "length", None)
        if isinstance(value, str) and length and len(value) > length:
            fitted[name] = value[:length]
    return fitted


def _store(msg: InboundMessage, open_thread: ThreadRef | None) -> StoredMessage:
    thread = open_thread or _new_item(msg, _named_thread(msg))
    # Inserted before the audit link is redeemed, so a repeat meets the unique constraint
    # before it can use up a link that its first delivery already redeemed.
    message_id = _insert(
        Message.__table__,
        {
            "feedback_item_id": thread.feedback_item_id,
            "channel": Channel(msg.channel),
            "direction": Direction.INBOUND,
            "external_id": msg.external_id,
            "sender": msg.sender,
            "text": msg.text,
            "language": msg.language,
            "raw_payload": msg.raw_payload,
            "received_at": msg.received_at,
        },
    )
    if open_thread is not None and msg.language and not _language_unchanged(open_thread, msg):
        _remember_language(open_thread.feedback_item_id, msg)
    if msg.attachments:
        db.session.execute(
            insert(Attachment.__table__),
            [
                _fit(
                    Attachment.__table__,
                    {
                        "message_id": message_id,
                        "filename": attachment.filename,
                        "content_type": attachment.content_type,
                        "size": attachment.size,
                        "data": attachment.data,
                        "refused": attachment.refused,
                    },
                )
                for attachment in msg.attachments
            ],
        )
    if msg.audit_token:
        item = db.session.get_one(FeedbackItem, thread.feedback_item_id)
        audit_invitations.redeem(msg.audit_token, item)
    return StoredMessage(
        message_id, thread.feedback_item_id, thread.reference, new_thread=open_thread is None
    )


def _open_thread(msg: InboundMessage) -> ThreadRef | None:
    """The existing item the message names (a reference, or a reply to one of its messages);
    None for a new item. An email joins a named case only from someone on it: see
    _may_join."""
    named = _named_thread(msg)
    if named is None or _may_join(msg, named):
        return named
    return None


def _named_thread(msg: InboundMessage) -> ThreadRef | None:
    if msg.thread_reference:
        item_id = db.session.execute(_ITEM_BY_REFERENCE, {"ref": msg.thread_reference}).scalar()
        if item_id is not None:
            return ThreadRef(item_id, msg.thread_reference)
    if not msg.replies_to:
        return None
    row = db.session.execute(
        select(_items.id, _items.reference)
        .join_from(
            FeedbackItem.__table__, Message.__table__, _messages.feedback_item_id == _items.id
        )
        .where(_messages.channel == msg.channel, _messages.external_id.in_(msg.replies_to))
        .order_by(_messages.id)
        .limit(1)
    ).first()
    return ThreadRef(row.id, row.reference) if row is not None else None


def _may_join(msg: InboundMessage, thread: ThreadRef) -> bool:
    """Anyone can put a reference in a subject or forge In-Reply-To; an email joins the case
    it names only from the case's contact, someone who has written on it before, or a member
    of staff. Otherwise it becomes an item of its own, linked to the case it named."""
    if msg.channel != Channel.EMAIL:
        return True
    sender = (msg.sender or "").strip().lower()
    if not sender:
        return False
    on_case = select(_messages.id).where(
        _messages.feedback_item_id == thread.feedback_item_id,
        func.lower(_messages.sender) == sender,
    )
    contact = (
        select(Contact.__table__.c.id)
        .join_from(
            FeedbackItem.__table__,
            Contact.__table__,
            _items.contact_id == Contact.__table__.c.id,
        )
        .where(
            _items.id == thread.feedback_item_id, func.lower(Contact.__table__.c.email) == sender
        )
    )
    staff = select(StaffUser.__table__.c.id).where(
        func.lower(StaffUser.__table__.c.email) == sender
    )
    return bool(
        db.session.execute(select(exists(on_case) | exists(contact) | exists(staff))).scalar()
    )


def _new_item(msg: InboundMessage, named: ThreadRef | None = None) -> ThreadRef:
    """A new item; one that named a case it could not join is linked to that case."""
    details = msg.details or FeedbackDetails(kind="comment", contact_role="other")
    reference = msg.reference or new_reference()
    item_id = _insert(
        FeedbackItem.__table__,
        {
            "reference": reference,
            "created_at": msg.received_at,
            "kind": FeedbackKind(details.kind),
            "team_id": _team_id(details.team),
            "contact_id": _contact_id(details, msg.language),
            "on_behalf_of_child": details.on_behalf_of_child,
            "submitter_role": ContactRole(details.contact_role),
            "child_consent": details.child_consent,
            "case_reference": details.case_reference,
            "topic": details.topic,
            "worker_or_team": details.worker_or_team,
            "score": details.score,
            "advocate_requested": details.wants_advocate,
            "themes": [],
            # The item opens with this message, so it was received by the message's channel.
            "received_via": Channel(msg.channel),
            "named_item_id": named.feedback_item_id if named is not None else None,
        },
    )
    return ThreadRef(item_id, reference)


def _team_id(name: str | None) -> int | None:
    if not name:
        return None
    return db.session.execute(_TEAM_BY_NAME, {"name": name}).scalar()


def _contact_id(details: FeedbackDetails, language: str | None) -> int:
    return _insert(
        Contact.__table__,
        {
            "role": ContactRole(details.contact_role),
            "name": details.name,
            "phone": details.phone,
            "phone_raw": details.phone_raw or details.phone,
            "email": details.email,
            "postal_address": details.postal_address,
            "preferred_channel": PreferredChannel(details.preferred_channel)
            if details.preferred_channel
            else None,
            "may_contact": details.may_contact,
            "language": language,
        },
    )


def _language_unchanged(thread: ThreadRef, msg: InboundMessage) -> bool:
    """Whether the thread's contact is known to have this language already (then
    _remember_language would change nothing, and need not ask)."""
    return thread.language_known and thread.contact_language == msg.language


def _remember_language(item_id: int, msg: InboundMessage) -> None:
    """A person who writes again in a language Heard can tell is answered in it from now on.
    Only the thread's own contact is changed: not a member of staff or someone else copied in."""
    sender = (msg.sender or "").strip().lower()
    if not sender:
        return
    db.session.execute(
        update(Contact)
        .where(
            Contact.id == select(_items.contact_id).where(_items.id == item_id).scalar_subquery()
        )
        .where(or_(Contact.phone == msg.sender, func.lower(Contact.email) == sender))
        .where(Contact.language.is_distinct_from(msg.language))
        .values(language=msg.language)
        .execution_options(synchronize_session=False)
    )


def _enqueue_classification(message_id: int) -> None:
    # Nothing can have queued this message yet (the sweeper only takes ones stored minutes
    # ago), so Redis is not asked first; a second run would leave a done message alone. If the
    # queue is down, the message is committed and the sweeper re-enqueues it when it is back.
    classify_message.delay_or_log(message_id, new=True)
