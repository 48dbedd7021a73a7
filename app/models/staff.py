"""Staff accounts and the append-only log of what staff did."""

from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import Model
from app.models.contacts import Team
from app.models.enums import StaffRole, enum_column


class StaffUser(UserMixin, Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    # A mobile number for urgent safeguarding alerts (managers and admins are texted too).
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted, so a code seen over someone's shoulder cannot be reused.
    totp_last_timestep: Mapped[int | None]
    # Argon2 hashes of the unused recovery codes.
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # Wrong second-factor codes in a row, and until when the next one must wait. A right
    # password never resets these: only a right code does.
    failed_codes: Mapped[int] = mapped_column(default=0)
    codes_wait_until: Mapped[datetime | None]
    # A temporary password from an administrator works once, and for a few days.
    password_expires_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship(foreign_keys="StaffUser.team_id")

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class StaffSession(Model):
    """A signed-in session, kept here so that signing out, a reset or a deactivation ends it
    for good: the cookie holds only a random token, whose hash finds this row."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the person last proved who they are (sign-in, or again before an admin action).
    authenticated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    # Which browser, in a few words, so a person can tell their sessions apart.
    browser: Mapped[str | None] = mapped_column(String(120))

    staff_user: Mapped[StaffUser] = relationship()


class SignInThrottle(Model):
    """Wrong passwords from one address at one account, and until when the next must wait:
    an attacker elsewhere slows only themselves, never the account's own owner."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    wait_until: Mapped[datetime | None]
    alerted_at: Mapped[datetime | None]


class EnrolmentLink(Model):
    """A one-time link from an administrator that lets a person set up two-factor sign-in:
    after a reset, knowing the password alone is not enough to enrol a new authenticator."""

    __tablename__ = "enrolment_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuditEvent(Model):
    """What a member of staff did, to what, when and from where. Rows are never changed."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    staff_user: Mapped[StaffUser | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(mapper: object, connection: object, target: AuditEvent) -> None:
    raise PermissionError("the audit log is append-only")
