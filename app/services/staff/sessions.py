"""Staff sessions, kept on the server.

The session cookie (encrypted) carries a random token and nothing else of the session; its
SHA-256 finds the row here. A session ends when its owner signs out, signs out their other
sessions, changes their password, has their two-factor reset or their account deactivated;
after STAFF_SESSION_MINUTES without a request (PERMANENT_SESSION_LIFETIME); and
STAFF_SESSION_MAX_HOURS after sign-in, whatever the activity. An ended session's cookie,
copied to any browser, signs nobody in.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import CursorResult

from app.database import utcnow
from app.extensions import db
from app.models import StaffSession, StaffUser

# Reading a session records the time at most this often, so a page does not write each time.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: StaffUser, ip_address: str | None, user_agent: str | None) -> str:
    """A new session for a person who has just passed both factors; returns its token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        StaffSession(
            token_hash=_hash(token),
            staff_user_id=user.id,
            created_at=now,
            last_seen_at=now,
            authenticated_at=now,
            ip_address=(ip_address or "")[:64] or None,
            browser=_browser(user_agent),
        )
    )
    db.session.commit()
    return token


def _browser(user_agent: str | None) -> str | None:
    """A few words naming the browser and system, from its User-Agent, for the owner's list."""
    agent = (user_agent or "")[:400]
    names = [n for n in ("Edge", "Firefox", "Chrome", "Safari") if n in agent]
    systems = [s for s in ("Windows", "Mac OS", "iPhone", "Android", "Linux") if s in agent]
    found = " on ".join([names[0] if names else "a browser", *(systems[:1] or [])])
    return found[:120]


def _limits() -> tuple[timedelta, timedelta]:
    return (
        current_app.permanent_session_lifetime,
        timedelta(hours=current_app.config["STAFF_SESSION_MAX_HOURS"]),
    )


def find(token: str | None, now: datetime | None = None) -> StaffSession | None:
    """The live session for a token, touched as seen; None if it ended, idled out, outlived
    its maximum, or its account may no longer sign in."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    now = now or utcnow()
    found = db.session.execute(
        select(StaffSession).where(StaffSession.token_hash == _hash(token))
    ).scalar_one_or_none()
    if found is None or found.ended_at is not None:
        return None
    idle, longest = _limits()
    reason = None
    if not found.staff_user.active:
        reason = "account_inactive"
    elif now - found.last_seen_at > idle:
        reason = "idle"
    elif now - found.created_at > longest:
        reason = "too_long"
    if reason is not None:
        _end(found, reason, now)
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        found.last_seen_at = now
        db.session.commit()
    return found


def _end(found: StaffSession, reason: str, now: datetime) -> None:
    found.ended_at, found.ended_reason = now, reason
    db.session.commit()


def end(token: str | None, reason: str = "signed_out") -> None:
    """End one session (signing out)."""
    if not token:
        return
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    db.session.commit()


def end_all(user_id: int, reason: str, keep_token: str | None = None) -> int:
    """End every live session of an account, but the one kept; the caller commits. Returns
    how many were ended."""
    query = (
        update(StaffSession)
        .where(StaffSession.staff_user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    if keep_token is not None:
        query = query.where(StaffSession.token_hash != _hash(keep_token))
    return cast(CursorResult[Any], db.session.execute(query)).rowcount


def live_sessions(user_id: int, now: datetime | None = None) -> list[StaffSession]:
    """An account's sessions that have not ended or idled out, newest first."""
    now = now or utcnow()
    idle, longest = _limits()
    query = (
        select(StaffSession)
        .where(StaffSession.staff_user_id == user_id, StaffSession.ended_at.is_(None))
        .where(StaffSession.last_seen_at > now - idle, StaffSession.created_at > now - longest)
        .order_by(StaffSession.created_at.desc())
    )
    return list(db.session.execute(query).scalars())


def is_current(found: StaffSession, token: str | None) -> bool:
    return token is not None and found.token_hash == _hash(token)


def recently_authenticated(found: StaffSession, now: datetime | None = None) -> bool:
    """Whether the person proved who they are recently enough for an administrator's action
    or a password change."""
    window = timedelta(minutes=current_app.config["STAFF_REAUTH_MINUTES"])
    return (now or utcnow()) - found.authenticated_at <= window


def reauthenticated(found: StaffSession) -> str:
    """They have just proved who they are again: the session gets a new token (an old one
    someone may have copied stops working). Returns it."""
    token = secrets.token_urlsafe(32)
    found.token_hash = _hash(token)
    found.authenticated_at = utcnow()
    db.session.commit()
    return token


def prune(now: datetime) -> int:
    """Delete sessions over for SIGN_IN_RECORDS_DAYS (signed out, idled out or past their
    maximum), with the address and browser they came from; how many went. The audit log
    keeps who signed in and when."""
    keep = timedelta(days=current_app.config["SIGN_IN_RECORDS_DAYS"])
    idle, longest = _limits()
    over = or_(
        StaffSession.ended_at < now - keep,
        StaffSession.last_seen_at < now - idle - keep,
        StaffSession.created_at < now - longest - keep,
    )
    result = cast(CursorResult[Any], db.session.execute(delete(StaffSession).where(over)))
    return int(result.rowcount or 0)
