"""Safeguarding alerts: a flagged message waiting for a person to review it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.enums import AlertSource, AlertStatus, enum_column
from app.models.feedback import FeedbackItem, Message
from app.models.staff import StaffUser


class AlertOutcome(StrEnum):
    REFERRED_TO_SOCIAL_WORKER = "referred_to_social_worker"
    REFERRED_TO_POLICE_OR_LADO = "referred_to_police_or_lado"
    ALREADY_KNOWN = "already_known"
    NOT_SAFEGUARDING = "not_safeguarding"


class SecondLookVerdict(StrEnum):
    FINE = "fine"
    MISSED = "missed"


class RotaKind(StrEnum):
    DAY = "day"
    OUT_OF_HOURS = "out_of_hours"


class SafeguardingAlert(Model):
    """One alert per flagged message and source, so a re-run classification raises no second."""

    __tablename__ = "safeguarding_alert"
    __table_args__ = (UniqueConstraint("message_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    source: Mapped[AlertSource] = mapped_column(enum_column(AlertSource))
    status: Mapped[AlertStatus] = mapped_column(
        enum_column(AlertStatus), default=AlertStatus.OPEN, index=True
    )
    subtypes: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    score: Mapped[float | None]
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    model_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    acknowledged_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    closed_at: Mapped[datetime | None]
    outcome: Mapped[AlertOutcome | None] = mapped_column(enum_column(AlertOutcome))
    rationale: Mapped[str | None] = mapped_column(Text)
    # Who has been told: None until the on-duty reviewer is notified, then one more per escalation.
    notified_level: Mapped[int | None]
    next_escalation_at: Mapped[datetime | None] = mapped_column(index=True)
    # When the fallback chain was told because no notification reached anyone.
    fallback_notified_at: Mapped[datetime | None]

    feedback_item: Mapped[FeedbackItem] = relationship()
    message: Mapped[Message | None] = relationship()
    raised_by: Mapped[StaffUser | None] = relationship(foreign_keys=[raised_by_id])
    acknowledged_by: Mapped[StaffUser | None] = relationship(foreign_keys=[acknowledged_by_id])
    closed_by: Mapped[StaffUser | None] = relationship(foreign_keys=[closed_by_id])
    decisions: Mapped[list["AlertDecision"]] = relationship(
        back_populates="alert", order_by="AlertDecision.at, AlertDecision.id"
    )


class AlertDecision(Model):
    """Each acknowledgement, closure and reopening of an alert, kept as it was made."""

    __tablename__ = "safeguarding_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_alert.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    action: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[AlertOutcome | None] = mapped_column(enum_column(AlertOutcome))
    rationale: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    alert: Mapped[SafeguardingAlert] = relationship(back_populates="decisions")
    staff_user: Mapped[StaffUser] = relationship()


class SafeguardingCorrection(Model):
    """A reviewer's word that a flagged message was not a safeguarding matter: training data."""

    __tablename__ = "safeguarding_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_alert.id"))
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    label: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RotaShift(Model):
    """A reviewer on duty for a span of time; within a span, lower order is told first."""

    __tablename__ = "safeguarding_rota_shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[RotaKind] = mapped_column(enum_column(RotaKind))
    order: Mapped[int] = mapped_column(default=0)
    # The duty phone for this shift, which may not be the reviewer's own.
    phone: Mapped[str | None] = mapped_column(String(32))

    staff_user: Mapped[StaffUser] = relationship()


class SecondLook(Model):
    """An unflagged message drawn in a week's sample for a reviewer to read again: how the
    classifier's misses are counted. A message is drawn at most once."""

    __tablename__ = "safeguarding_second_look"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    # The Monday, in England, of the week the sample was drawn.
    week_of: Mapped[date] = mapped_column(index=True)
    sampled_at: Mapped[datetime] = mapped_column(default=utcnow)
    verdict: Mapped[SecondLookVerdict | None] = mapped_column(enum_column(SecondLookVerdict))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reviewed_at: Mapped[datetime | None]
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("safeguarding_alert.id"))

    message: Mapped[Message] = relationship()
    feedback_item: Mapped[FeedbackItem] = relationship()
    reviewed_by: Mapped[StaffUser | None] = relationship()
    alert: Mapped[SafeguardingAlert | None] = relationship()
