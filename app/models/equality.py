"""Equality monitoring: what a person chose to tell us about themselves after sending feedback,
and the make-up of the population the service works with, to set the answers beside.

Kept apart from the feedback: nothing here is shown on an item or to case staff. The answers
are linked to their item by id only, so complainants can be counted in reports.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import Model


class EqualityResponse(Model):
    """One person's answers for one submission. NULL is a skipped question; the codes, and
    "prefer_not_to_say", are in app/services/equality_questions.py."""

    __tablename__ = "equality_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_item.id", ondelete="CASCADE"), unique=True
    )
    age_band: Mapped[str | None] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(32))
    religion: Mapped[str | None] = mapped_column(String(32))
    disability: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(32))
    disability_kind: Mapped[str | None] = mapped_column(String(32))
    sexual_orientation: Mapped[str | None] = mapped_column(String(32))
    # About the child or young person the message is about, answered by an adult.
    child_age_band: Mapped[str | None] = mapped_column(String(32))
    child_gender: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServicePopulation(Model):
    """The share of the service's population giving one answer to one question, for example
    from the local authority's census profile; set by admins and the learning team."""

    __tablename__ = "service_population"
    __table_args__ = (UniqueConstraint("question", "option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(32))
    option: Mapped[str] = mapped_column(String(32))
    percent: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
