"""People who send feedback, and the teams it is about."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import Model
from app.models.enums import ContactRole, PreferredChannel, enum_column


class Team(Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    area: Mapped[str | None] = mapped_column(String(120))
    # Who owns a new complaint about this team from the moment it is received, until someone
    # chooses otherwise: named in the acknowledgement. Set by managers. (No relationship: the
    # staff model imports this module, and the services look the owner up by id.)
    default_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", use_alter=True)
    )

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class Contact(Model):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[ContactRole] = mapped_column(enum_column(ContactRole))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_raw: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    postal_address: Mapped[str | None] = mapped_column(Text)
    preferred_channel: Mapped[PreferredChannel | None] = mapped_column(
        enum_column(PreferredChannel)
    )
    may_contact: Mapped[bool] = mapped_column(default=False)
    # "cy" or "en": the language every reply to them is in. None until they write in one
    # Heard can tell (a text of a bare score says nothing), which is read as English.
    language: Mapped[str | None] = mapped_column(String(8))
    opted_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.role}>"
