"""The statutory stages of a complaint: one row per stage, each with its own clock."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.contacts import Team
from app.models.enums import enum_column
from app.models.feedback import FeedbackItem
from app.models.staff import StaffUser


class ComplaintOutcome(StrEnum):
    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"


class NotProgressedReason(StrEnum):
    """Why a complainant's request for Stage 2 did not go ahead, as the annual reports list."""

    RESOLVED_AT_STAGE_1 = "resolved_at_stage_1"
    OUT_OF_TIME = "out_of_time"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    OUTSIDE_PROCEDURE = "outside_procedure"
    WITHDRAWN = "withdrawn"
    OTHER = "other"


class ComplaintStage(Model):
    """Stage 1 local resolution, 2 investigation or 3 review panel of one complaint.

    Dates are UK dates, because the regulations count whole working days in the UK.
    """

    __tablename__ = "complaint_stage"
    __table_args__ = (
        UniqueConstraint("feedback_item_id", "stage"),
        CheckConstraint("stage BETWEEN 1 AND 3", name="stage_number"),
        # An open stage always has its next deadline stored; an answered one has none.
        CheckConstraint(
            "(responded_on IS NULL) = (next_due_on IS NOT NULL)", name="next_due_while_open"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    stage: Mapped[int]
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    received_on: Mapped[date] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    due_on: Mapped[date]
    extended_due_on: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    # Stage 3 only: the panel's date and when its recommendations came, which start new clocks.
    panel_held_on: Mapped[date | None]
    recommendations_on: Mapped[date | None]
    responded_on: Mapped[date | None] = mapped_column(index=True)
    # What `stages.deadline` says is due next on an open stage (its response, or a review
    # panel's meeting, recommendations or final response), stored so that "due" is a query;
    # None once answered. The complaints service keeps it whenever a stage is written.
    next_due_on: Mapped[date | None] = mapped_column(index=True)
    outcome: Mapped[ComplaintOutcome | None] = mapped_column(enum_column(ComplaintOutcome))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    # A request for the next stage that did not go ahead: when it was asked for, and why not.
    next_stage_requested_on: Mapped[date | None]
    next_stage_declined: Mapped[NotProgressedReason | None] = mapped_column(
        enum_column(NotProgressedReason)
    )
    # The last reminder sent, so a nudge repeats weekly and not every time the job runs.
    reminder_kind: Mapped[str | None] = mapped_column(String(16))
    reminder_sent_on: Mapped[date | None]
    reminder_due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()
    team: Mapped[Team | None] = relationship()
    manager: Mapped[StaffUser | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.responded_on is None

    def __repr__(self) -> str:
        return f"<ComplaintStage {self.feedback_item_id} stage {self.stage}>"


class LearningPoint(Model):
    """What a closed stage taught, and the action that follows: the response feedback log."""

    __tablename__ = "learning_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("complaint_stage.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    lesson: Mapped[str] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The action plan's columns: what the action should achieve, and the latest update on it.
    intended_outcome: Mapped[str | None] = mapped_column(Text)
    progress_update: Mapped[str | None] = mapped_column(Text)
    progress_updated_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()
    stage: Mapped[ComplaintStage] = relationship()
    team: Mapped[Team | None] = relationship()
    owner: Mapped[StaffUser | None] = relationship(foreign_keys=[owner_id])

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def __repr__(self) -> str:
        return f"<LearningPoint {self.id} item {self.feedback_item_id}>"
