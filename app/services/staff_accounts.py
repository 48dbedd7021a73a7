"""Staff accounts: passwords, lockout, two-factor codes and recovery codes.

A wrong email, a wrong password, a locked account and a disabled one all look the same from
outside, and cost the same hashing time, so sign-in reveals nothing about who has an account.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db
from app.models import StaffRole, StaffUser, Team
from app.services.audit_log import Action, record

MIN_PASSWORD_LENGTH = 12
# Argon2 accepts any length; a cap stops a megabyte "password" costing a megabyte of hashing.
MAX_PASSWORD_LENGTH = 1024
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L or 5/S: recovery codes are typed from paper.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
TOTP_ISSUER = "Heard"

_hasher = PasswordHasher()


class AccountError(ValueError):
    """An account could not be created; the message says why, in words for the person."""


@dataclass(frozen=True)
class Enrolment:
    """What a person needs to add Heard to an authenticator app."""

    secret: str
    uri: str
    qr_svg: str

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, for typing by hand."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


def normalise_email(email: str) -> str:
    """Emails are matched case-insensitively, without surrounding spaces."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """An Argon2id hash of the password, with the hasher's current parameters."""
    return _hasher.hash(password)


def create_account(
    email: str,
    name: str,
    role: str,
    password: str,
    team_id: int | None = None,
    created_by: StaffUser | None = None,
) -> StaffUser:
    """Create and commit a staff account; two-factor is set up at its first sign-in."""
    email = normalise_email(email)
    name = name.strip()
    if "@" not in email or len(email) > 320:
        raise AccountError("Enter an email address, like name@example.org")
    if not name or len(name) > 200:
        raise AccountError("Enter a name of up to 200 characters")
    if role not in {r.value for r in StaffRole}:
        raise AccountError(f"Role must be one of {', '.join(r.value for r in StaffRole)}")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
    if _find_by_email(email) is not None:
        raise AccountError("There is already an account with that email address")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise AccountError("Choose a team from the list")
    user = StaffUser(
        email=email,
        name=name,
        role=StaffRole(role),
        team_id=team_id,
        password_hash=hash_password(password),
        recovery_codes=[],
    )
    try:
        # The look-up above cannot see an account another admin is adding at this instant;
        # the unique email decides, and only this insert is undone.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as clash:
        raise AccountError("There is already an account with that email address") from clash
    record(Action.ACCOUNT_CREATED, created_by, "staff_user", user.id, {"role": role})
    return user


def _find_by_email(email: str, lock: bool = False) -> StaffUser | None:
    """The account with this (normalised) email, optionally locked for update."""
    query = select(StaffUser).where(func.lower(StaffUser.email) == email)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.execute(query).scalar_one_or_none()


def _lock_row(user_id: int) -> StaffUser | None:
    """Reload a user under a row lock, so two concurrent attempts cannot both count as one."""
    query = (
        select(StaffUser)
        .where(StaffUser.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(query).scalar_one_or_none()


@cache
def _unknown_account_hash() -> str:
    """A hash to verify against when there is no account, so that costs the same time."""
    return _hasher.hash(secrets.token_hex(16))


def _password_matches(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash; a malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def is_locked(user: StaffUser, now: datetime | None = None) -> bool:
    """Whether too many wrong attempts have locked the account for now."""
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def can_sign_in(user: StaffUser | None) -> bool:
    """An account that exists, is enabled and is not locked."""
    return user is not None and user.active and not is_locked(user)


def verify_password(email: str, password: str, ip_address: str | None = None) -> StaffUser | None:
    """The account if the email and password are right and it may sign in, otherwise None.

    Every path runs one Argon2 verification, so timing does not reveal whether an account
    exists. Wrong passwords count towards a lockout.
    """
    password = password[:MAX_PASSWORD_LENGTH]
    email = normalise_email(email)
    # PostgreSQL cannot even compare a string holding NUL: no account has one anyway.
    user = None if "\x00" in email else _find_by_email(email[:320], lock=True)
    if user is None:
        _password_matches(_unknown_account_hash(), password)
        db.session.rollback()
        record(
            Action.SIGN_IN_FAILED, None, detail={"reason": "unknown_account"}, ip_address=ip_address
        )
        return None
    matches = _password_matches(user.password_hash, password)
    if not user.active or is_locked(user):
        reason = "inactive" if not user.active else "locked"
        record(Action.SIGN_IN_FAILED, user, detail={"reason": reason}, ip_address=ip_address)
        return None
    if not matches:
        register_failure(user, "wrong_password", ip_address)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    record(Action.PASSWORD_ACCEPTED, user, ip_address=ip_address)
    return user


def register_failure(user: StaffUser, reason: str, ip_address: str | None) -> None:
    """Count a wrong password or code; enough of them in a row lock the account for a while."""
    config = current_app.config
    user.failed_logins = (user.failed_logins or 0) + 1
    record(Action.SIGN_IN_FAILED, user, detail={"reason": reason}, ip_address=ip_address)
    if user.failed_logins >= config["STAFF_MAX_FAILED_LOGINS"]:
        user.locked_until = utcnow() + timedelta(minutes=config["STAFF_LOCKOUT_MINUTES"])
        user.failed_logins = 0
        record(
            Action.ACCOUNT_LOCKED,
            user,
            detail={"minutes": config["STAFF_LOCKOUT_MINUTES"]},
            ip_address=ip_address,
        )


def record_sign_in(user: StaffUser, ip_address: str | None) -> None:
    """Both factors passed: note when, and clear the failure count."""
    user.last_login_at = utcnow()
    user.failed_logins = 0
    record(Action.SIGN_IN, user, ip_address=ip_address)


def new_enrolment(user: StaffUser, secret: str | None = None) -> Enrolment:
    """A fresh TOTP secret (or the one being set up) with its otpauth URI and QR code."""
    secret = secret or pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(
        scale=4, border=4, light="#ffffff", title="QR code for your authenticator app"
    )
    return Enrolment(secret=secret, uri=uri, qr_svg=svg)


def _normalise_code(code: str) -> str:
    """A code as typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code if ch.isalnum()).upper()


def _matching_timestep(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, allowing one step either side (valid_window=1)
    for a phone clock a little out."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(user: StaffUser, code: str, ip_address: str | None = None) -> bool:
    """Whether the code is right and has not been used before; a wrong one counts as a failure."""
    locked_user = _lock_row(user.id)
    if locked_user is None or not can_sign_in(locked_user) or not locked_user.totp_secret:
        db.session.rollback()
        return False
    code = _normalise_code(code)
    step = _matching_timestep(locked_user.totp_secret, code, utcnow()) if code.isdigit() else None
    last = locked_user.totp_last_timestep
    if step is None or (last is not None and step <= last):
        reason = "wrong_code" if step is None else "reused_code"
        register_failure(locked_user, reason, ip_address)
        return False
    locked_user.totp_last_timestep = step
    db.session.commit()
    return True


def _hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code."""
    # Recovery codes carry about 48 random bits, so a fast hash cannot be brute-forced.
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    """A random recovery code like AB3CD-EF4GH."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def complete_enrolment(
    user: StaffUser, secret: str, code: str, ip_address: str | None = None
) -> list[str] | None:
    """Save the secret once the person proves their app has it; returns the recovery codes,
    shown this once, or None if the code is wrong."""
    locked_user = _lock_row(user.id)
    if locked_user is None or not can_sign_in(locked_user) or locked_user.totp_secret:
        db.session.rollback()
        return None
    code = _normalise_code(code)
    step = _matching_timestep(secret, code, utcnow()) if code.isdigit() else None
    if step is None:
        register_failure(locked_user, "wrong_enrolment_code", ip_address)
        return None
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    locked_user.totp_secret = secret
    locked_user.totp_last_timestep = step
    locked_user.recovery_codes = [_hash_recovery_code(c) for c in codes]
    record(Action.TWO_FACTOR_ENROLLED, locked_user, ip_address=ip_address)
    return codes


def use_recovery_code(user: StaffUser, code: str, ip_address: str | None = None) -> bool:
    """Accept a recovery code in place of a TOTP code, once: it is crossed off as it is used."""
    locked_user = _lock_row(user.id)
    if locked_user is None or not can_sign_in(locked_user) or not locked_user.totp_secret:
        db.session.rollback()
        return False
    hashed = _hash_recovery_code(code)
    remaining = [h for h in locked_user.recovery_codes or [] if not hmac.compare_digest(h, hashed)]
    if len(remaining) == len(locked_user.recovery_codes or []):
        register_failure(locked_user, "wrong_recovery_code", ip_address)
        return False
    locked_user.recovery_codes = remaining
    record(
        Action.RECOVERY_CODE_USED,
        locked_user,
        detail={"remaining": len(remaining)},
        ip_address=ip_address,
    )
    return True


def load_user(user_id: int) -> StaffUser | None:
    """An enabled account by id, for the session; a disabled one is signed out at once."""
    user = db.session.get(StaffUser, user_id)
    return user if user is not None and user.active else None
