"""Safeguarding alerts: a flagged message waiting for a person to review it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db
from app.models.enums import AlertSource, AlertStatus, enum_column
from app.models.feedback import FeedbackItem, Message
from app.models.staff import StaffUser


class SafeguardingAlert(db.Model):
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

    feedback_item: Mapped[FeedbackItem] = relationship()
    message: Mapped[Message | None] = relationship()
    raised_by: Mapped[StaffUser | None] = relationship()
