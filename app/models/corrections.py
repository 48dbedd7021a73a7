"""Staff corrections of an item's themes: what the classifier (or an earlier correction) gave,
what staff chose instead, who and when. Rows are only ever added, like the audit log."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.feedback import FeedbackItem
from app.models.staff import StaffUser


class ThemeCorrection(Model):
    """One change of an item's themes by a member of staff; the newest is the item's word.

    Kept at item level because that is what staff see and correct: an item's themes are the
    union of what its inbound messages were found to be about.
    """

    __tablename__ = "theme_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    themes_before: Mapped[list[str]] = mapped_column(JSON)
    themes_after: Mapped[list[str]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    feedback_item: Mapped[FeedbackItem] = relationship()
    staff_user: Mapped[StaffUser] = relationship()

    @property
    def changed(self) -> bool:
        """Whether staff changed the themes, rather than confirming them."""
        return set(self.themes_before) != set(self.themes_after)


@event.listens_for(ThemeCorrection, "before_update")
@event.listens_for(ThemeCorrection, "before_delete")
def _refuse_correction_change(mapper: object, connection: object, target: ThemeCorrection) -> None:
    raise PermissionError("theme corrections are append-only")
