"""Correspondence the annual reports count beside complaints: MP and councillor enquiries with
their response target, Ombudsman referrals and findings, and compliments credited to a team."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.contacts import Team
from app.models.enums import enum_column
from app.models.feedback import FeedbackItem


class ElectedMember(StrEnum):
    MP = "mp"
    COUNCILLOR = "councillor"


class OmbudsmanFinding(StrEnum):
    """The categories the Ombudsmen publish decisions in (the last two kept for referrals
    recorded before those were offered). Stored as strings: new values need no migration."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    PREMATURE = "premature"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_after_initial_enquiries"
    SETTLED_LOCALLY = "settled_locally"
    WITHDRAWN = "withdrawn"
    MALADMINISTRATION = "maladministration"
    DISCONTINUED = "discontinued"


class MemberEnquiry(Model):
    """An item that came from, or through, an MP or a councillor: answered within 10 working
    days, counted apart from complaints' own stages."""

    __tablename__ = "member_enquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), unique=True)
    member: Mapped[ElectedMember] = mapped_column(enum_column(ElectedMember))
    received_on: Mapped[date]
    due_on: Mapped[date]
    responded_on: Mapped[date | None]
    # The last reminder sent, so a nudge repeats weekly and not every time the job runs.
    reminder_kind: Mapped[str | None] = mapped_column(String(16))
    reminder_sent_on: Mapped[date | None]
    reminder_due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()

    @property
    def is_open(self) -> bool:
        return self.responded_on is None


class OmbudsmanReferral(Model):
    """A complaint taken to the Ombudsman, and what the Ombudsman found."""

    __tablename__ = "ombudsman_referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), unique=True)
    referred_on: Mapped[date]
    ombudsman_reference: Mapped[str | None] = mapped_column(String(64))
    finding: Mapped[OmbudsmanFinding | None] = mapped_column(enum_column(OmbudsmanFinding))
    finding_on: Mapped[date | None]
    remedy: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()


class ComplimentCredit(Model):
    """Who a compliment is credited to: a team, and a worker by name if the compliment says."""

    __tablename__ = "compliment_credit"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    worker_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()
    team: Mapped[Team] = relationship()
