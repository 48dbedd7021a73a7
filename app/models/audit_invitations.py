"""Single-use invitations to give audit feedback after a case ends."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.contacts import Contact, Team
from app.models.feedback import FeedbackItem


class AuditInvitation(Model):
    """Only a hash of the token is stored, so a database leak does not leak working links."""

    __tablename__ = "audit_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_reference: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    feedback_item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"))
    # The closed case the invitation asks about: one invitation per case, which the unique
    # constraint keeps however many runs issue them at once. Empty for links made by hand.
    case_item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), unique=True)
    channel: Mapped[str | None] = mapped_column(String(16))

    team: Mapped[Team | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    feedback_item: Mapped[FeedbackItem | None] = relationship(foreign_keys=[feedback_item_id])
    case_item: Mapped[FeedbackItem | None] = relationship(foreign_keys=[case_item_id])
