"""One-time links an administrator gives a person to set up two-factor sign-in: for a new
account, and after a reset. Knowing the password is not enough to enrol an authenticator."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.database import utcnow
from app.extensions import db
from app.models import EnrolmentLink, StaffUser

LIFETIME = timedelta(hours=72)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(user: StaffUser, admin: StaffUser | None) -> str:
    """A new link for this account (the caller commits); any older unused one stops working.
    Returns the token, shown once to the administrator and never stored."""
    now = utcnow()
    db.session.execute(
        update(EnrolmentLink)
        .where(EnrolmentLink.staff_user_id == user.id, EnrolmentLink.used_at.is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(24)
    db.session.add(
        EnrolmentLink(
            token_hash=_hash(token),
            staff_user_id=user.id,
            created_by_id=admin.id if admin else None,
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    return token


def find(token: str | None, now: datetime | None = None) -> EnrolmentLink | None:
    """The link for a token if it is unused and in date."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    found = db.session.execute(
        select(EnrolmentLink).where(EnrolmentLink.token_hash == _hash(token))
    ).scalar_one_or_none()
    if found is None or found.used_at is not None or found.expires_at <= (now or utcnow()):
        return None
    return found


def use(token: str) -> None:
    """The link has done its work (the caller commits)."""
    db.session.execute(
        update(EnrolmentLink)
        .where(EnrolmentLink.token_hash == _hash(token))
        .values(used_at=utcnow())
    )
