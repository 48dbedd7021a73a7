"""Data protection: legal holds that keep an item from the retention schedule, and requests
from people to erase or correct what is held about them, with what was decided and why."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.enums import enum_column
from app.models.feedback import FeedbackItem
from app.models.staff import StaffUser


class LegalHold(Model):
    """While a hold is not cleared, nothing anonymises its item: a claim, an inquiry, a court
    order or a police request needs the record as it is. Holds are cleared, never deleted."""

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cleared_at: Mapped[datetime | None]
    cleared_reason: Mapped[str | None] = mapped_column(Text)

    feedback_item: Mapped[FeedbackItem] = relationship()
    set_by: Mapped[StaffUser | None] = relationship(foreign_keys=[set_by_id])
    cleared_by: Mapped[StaffUser | None] = relationship(foreign_keys=[cleared_by_id])

    @property
    def active(self) -> bool:
        return self.cleared_at is None


class RequestKind(StrEnum):
    ERASURE = "erasure"
    CORRECTION = "correction"


class RequestDecision(StrEnum):
    DONE = "done"
    REFUSED = "refused"


class PrivacyRequest(Model):
    """A person's request to erase or correct what is held about them in one item, and what
    was decided: done, or refused with the reason (a safeguarding or legal duty to keep it)."""

    __tablename__ = "privacy_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    decision: Mapped[RequestDecision] = mapped_column(enum_column(RequestDecision))
    # Why it was refused, or what was corrected (the fields' names, never their values).
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()
    decided_by: Mapped[StaffUser | None] = relationship()
