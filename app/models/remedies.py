"""What a complaint put right and what its independent people cost, and the words a report's
writer keeps with a report period."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.complaints import ComplaintStage
from app.models.enums import enum_column
from app.models.staff import StaffUser


class RemedyKind(StrEnum):
    APOLOGY = "apology"
    EXPLANATION = "explanation"
    ACTION_TAKEN = "action_taken"
    FINANCIAL_PAYMENT = "financial_payment"
    SERVICE_CHANGE = "service_change"


class CostKind(StrEnum):
    """Who was paid: the Stage 2 investigator and independent person, the Stage 3 panel."""

    INVESTIGATOR = "independent_investigator"
    INDEPENDENT_PERSON = "independent_person"


class ComplaintRemedy(Model):
    """One thing a stage's response did to put matters right; a payment carries its amount."""

    __tablename__ = "complaint_remedy"
    __table_args__ = (
        CheckConstraint("amount_pence IS NULL OR amount_pence >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("complaint_stage.id"), index=True)
    kind: Mapped[RemedyKind] = mapped_column(enum_column(RemedyKind))
    # Money in whole pence, so sums are exact.
    amount_pence: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_on: Mapped[date] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage: Mapped[ComplaintStage] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()


class ComplaintCost(Model):
    """What an independent investigator or independent person cost for a Stage 2 or 3."""

    __tablename__ = "complaint_cost"
    __table_args__ = (CheckConstraint("amount_pence >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("complaint_stage.id"), index=True)
    kind: Mapped[CostKind] = mapped_column(enum_column(CostKind))
    amount_pence: Mapped[int]
    incurred_on: Mapped[date] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage: Mapped[ComplaintStage] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()


class ReportNarrative(Model):
    """The executive summary, introduction and conclusion written for one report period.

    Placeholders such as {complaints} stay in the text and are filled with the report's figures
    each time it is shown, so the words survive new data."""

    __tablename__ = "report_narrative"
    __table_args__ = (UniqueConstraint("period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    executive_summary: Mapped[str | None] = mapped_column(Text)
    introduction: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
