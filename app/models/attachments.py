"""Files that came with a message, kept as received (never opened), or listed as refused."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.feedback import Message


class Attachment(Model):
    """One attached file; `data` is empty when it was refused, and `refused` says why."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    # Deferred: listing a thread's attachments must not read every file into memory.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    refused: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship()

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.content_type}>"
