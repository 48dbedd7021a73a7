"""Feedback items, the messages in their threads, and what the classifier said of each."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.contacts import Contact, Team
from app.models.enums import (
    Channel,
    ClassificationState,
    ContactRole,
    Direction,
    FeedbackKind,
    FeedbackStatus,
    enum_column,
)


class FeedbackItem(Model):
    """One piece of feedback — a complaint, compliment, comment or audit score — and its thread."""

    __tablename__ = "feedback_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[FeedbackKind] = mapped_column(enum_column(FeedbackKind), index=True)
    status: Mapped[FeedbackStatus] = mapped_column(
        enum_column(FeedbackStatus), default=FeedbackStatus.NEW, index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    # Who the feedback speaks for: set when an adult writes on a child's behalf.
    on_behalf_of_child: Mapped[bool] = mapped_column(default=False)
    submitter_role: Mapped[ContactRole | None] = mapped_column(enum_column(ContactRole))
    child_consent: Mapped[bool | None]
    case_reference: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(32))
    worker_or_team: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[int | None]
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The channel of the first inbound message: set by ingest() when it creates the item and
    # never changed, so "how received" is a column rather than a look-up into the thread.
    received_via: Mapped[Channel | None] = mapped_column(enum_column(Channel), index=True)
    # A case this item named (a reference in an email's subject, a reply) but was not let
    # join, because it came from someone not on that case: staff see both, linked.
    named_item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"))
    # A child complaining is told of their right to an advocate and may ask for one on the
    # form; staff record whether one was offered and whether the child took it up.
    advocate_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    advocacy_offered: Mapped[bool | None]
    advocacy_taken_up: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the retention schedule (or an erasure request) replaced its texts and removed its
    # contact details; its counts (kind, team, themes, dates, stages, outcomes) stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(index=True)

    team: Mapped[Team | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    messages: Mapped[list["Message"]] = relationship(
        back_populates="feedback_item", order_by="Message.received_at"
    )
    theme_rows: Mapped[list["FeedbackTheme"]] = relationship(
        back_populates="feedback_item", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<FeedbackItem {self.reference} {self.kind}>"


class FeedbackTheme(Model):
    """One theme on one item, kept beside `FeedbackItem.themes` so reports count themes in SQL
    with an index instead of unpacking JSON lists row by row."""

    __tablename__ = "feedback_theme"

    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_item.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    feedback_item: Mapped[FeedbackItem] = relationship(back_populates="theme_rows")


class Message(Model):
    """One message in or out, exactly as received; (channel, external_id) is unique."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        # Every staff page asks for each channel's latest safeguarding notification.
        Index(
            "ix_message_safeguarding_notifications",
            "channel",
            "id",
            postgresql_where=sql_text("purpose = 'safeguarding_alert'"),
            sqlite_where=sql_text("purpose = 'safeguarding_alert'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty only for an outbound message sent outside any thread, such as an audit survey.
    feedback_item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction))
    external_id: Mapped[str] = mapped_column(String(255))
    sender: Mapped[str | None] = mapped_column(String(320), index=True)
    text: Mapped[str] = mapped_column(Text)
    # "cy" or "en" where known: the page's language for a web form, what the words are for a
    # text or an email, and for an outbound message the language it was written in.
    language: Mapped[str | None] = mapped_column(String(8))
    raw_payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    classification_state: Mapped[ClassificationState] = mapped_column(
        enum_column(ClassificationState), default=ClassificationState.PENDING, index=True
    )
    classify_attempts: Mapped[int] = mapped_column(default=0)
    classified_at: Mapped[datetime | None]
    # Outbound only: who it goes to, why, and what the provider said of it.
    recipient: Mapped[str | None] = mapped_column(String(320), index=True)
    purpose: Mapped[str | None] = mapped_column(String(32))
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    delivery_updated_at: Mapped[datetime | None]
    send_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    provider_error_code: Mapped[str | None] = mapped_column(String(16))
    # A notification about a safeguarding alert names it, so whether anyone was reached is one
    # indexed query. No foreign key: the alert already points at its flagged message.
    alert_id: Mapped[int | None] = mapped_column(index=True)

    feedback_item: Mapped[FeedbackItem | None] = relationship(back_populates="messages")
    classifications: Mapped[list["Classification"]] = relationship(
        back_populates="message", order_by="Classification.created_at"
    )

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.channel} {self.direction}>"


class Classification(Model):
    """The classifier's reading of a message: every label score and the evidence behind it."""

    __tablename__ = "classification"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    themes: Mapped[list[str]] = mapped_column(JSON)
    safeguarding: Mapped[bool]
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship(back_populates="classifications")
