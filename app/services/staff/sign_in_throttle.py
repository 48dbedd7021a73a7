"""Slowing down guessing at staff sign-in without letting an outsider lock anyone out.

Passwords: wrong ones are counted per account *and address*. After a few, each next try from
that address must wait longer (1, 2, 4 ... minutes, at most an hour); the account's owner,
signing in from anywhere else, is not slowed at all. Across every address, a burst of wrong
passwords at one account alerts the administrators instead of locking it.

Second factor (authenticator codes, recovery codes, set-up codes): whoever reaches it already
has the password, so wrong codes are counted per account, and a right password never clears
the count. Three free tries, then waits doubling from a minute: at most ten guesses in the
first hour and one an hour after that. The first wait alerts the administrators, because it
means someone else probably knows the password. An administrator's "unlock" clears both.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db
from app.models import SignInThrottle, StaffUser

PASSWORD = "password"
ACCOUNT_BURST = "burst"
FREE_PASSWORD_FAILURES = 5
FREE_CODE_FAILURES = 3
LONGEST_WAIT = timedelta(hours=1)
# Wrong passwords at one account, from anywhere, within this window that alert admins.
BURST_FAILURES = 20
BURST_WINDOW = timedelta(minutes=15)
# One alert an hour per account is enough to act on, and not a flood.
ALERT_EVERY = timedelta(hours=1)


def wait_after(failures: int, free: int) -> timedelta:
    """How long the next try must wait after this many failures in a row."""
    if failures < free:
        return timedelta(0)
    return min(timedelta(minutes=2 ** (failures - free)), LONGEST_WAIT)


def _row(scope: str, key: str, user_id: int | None) -> SignInThrottle:
    """The throttle row for (scope, key), made if missing, locked for this transaction."""
    query = (
        select(SignInThrottle)
        .where(SignInThrottle.scope == scope, SignInThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = db.session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = SignInThrottle(scope=scope, key=key, staff_user_id=user_id, failures=0)
            db.session.add(row)
    except IntegrityError:
        row = db.session.execute(query).scalar_one()
    return row


def _password_key(user_id: int | None, address: str | None) -> str:
    return f"{user_id or 'unknown'}|{(address or '-')[:64]}"


def password_wait(user_id: int | None, address: str | None, now: datetime) -> datetime | None:
    """Until when wrong passwords from this address to this account must wait, if they must."""
    found = db.session.execute(
        select(SignInThrottle.wait_until).where(
            SignInThrottle.scope == PASSWORD,
            SignInThrottle.key == _password_key(user_id, address),
        )
    ).scalar_one_or_none()
    return found if found is not None and found > now else None


@dataclass(frozen=True)
class Failure:
    """What one more failure did: whether the administrators should now be told."""

    alert: bool


def password_failed(user_id: int | None, address: str | None, now: datetime) -> Failure:
    """Count a wrong password (in the caller's transaction) and say whether to alert."""
    row = _row(PASSWORD, _password_key(user_id, address), user_id)
    row.failures += 1
    row.wait_until = now + wait_after(row.failures, FREE_PASSWORD_FAILURES)
    if user_id is None:
        return Failure(alert=False)
    burst = _row(ACCOUNT_BURST, str(user_id), user_id)
    if now - burst.window_started_at > BURST_WINDOW:
        burst.window_started_at, burst.failures = now, 0
    burst.failures += 1
    return Failure(alert=burst.failures >= BURST_FAILURES and _may_alert(burst, now))


def password_accepted(user_id: int, address: str | None) -> None:
    """A right password clears that address's count at that account (not the code count)."""
    db.session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.scope == PASSWORD,
            SignInThrottle.key == _password_key(user_id, address),
        )
    )


def code_wait(user: StaffUser, now: datetime) -> datetime | None:
    """Until when the next second-factor code for this account must wait, if it must."""
    wait = user.codes_wait_until
    return wait if wait is not None and wait > now else None


def code_failed(user: StaffUser, now: datetime) -> Failure:
    """Count a wrong code on the (locked) account row; alert when it starts to wait."""
    user.failed_codes = (user.failed_codes or 0) + 1
    user.codes_wait_until = now + wait_after(user.failed_codes, FREE_CODE_FAILURES)
    if user.failed_codes < FREE_CODE_FAILURES:
        return Failure(alert=False)
    burst = _row(ACCOUNT_BURST, f"codes:{user.id}", user.id)
    return Failure(alert=_may_alert(burst, now))


def code_accepted(user: StaffUser) -> None:
    """A right code: the second-factor count starts again."""
    user.failed_codes = 0
    user.codes_wait_until = None


def _may_alert(row: SignInThrottle, now: datetime) -> bool:
    if row.alerted_at is not None and now - row.alerted_at < ALERT_EVERY:
        return False
    row.alerted_at = now
    return True


def clear(user: StaffUser) -> None:
    """An administrator's unlock: every count and wait on the account goes."""
    code_accepted(user)
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.staff_user_id == user.id))


def waiting_until(user: StaffUser, now: datetime | None = None) -> datetime | None:
    """The latest wait on the account, for the accounts page: codes, or any address."""
    now = now or utcnow()
    waits = [code_wait(user, now)]
    waits += db.session.execute(
        select(SignInThrottle.wait_until).where(
            SignInThrottle.staff_user_id == user.id,
            SignInThrottle.scope == PASSWORD,
            SignInThrottle.wait_until > now,
        )
    ).scalars()
    found = [w for w in waits if w is not None]
    return max(found) if found else None


def prune(now: datetime) -> int:
    """Delete throttles whose last window began SIGN_IN_RECORDS_DAYS ago and whose wait is
    over: each holds an address and an account. How many went."""
    cutoff = now - timedelta(days=current_app.config["SIGN_IN_RECORDS_DAYS"])
    spent = and_(
        SignInThrottle.window_started_at < cutoff,
        or_(SignInThrottle.wait_until.is_(None), SignInThrottle.wait_until < now),
        or_(SignInThrottle.alerted_at.is_(None), SignInThrottle.alerted_at < cutoff),
    )
    result = cast(CursorResult[Any], db.session.execute(delete(SignInThrottle).where(spent)))
    return int(result.rowcount or 0)
