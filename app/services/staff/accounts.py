"""Staff accounts: passwords, lockout, two-factor codes and recovery codes.

A wrong email, a wrong password, a locked account and a disabled one all look the same from
outside, and cost the same hashing time, so sign-in reveals nothing about who has an account.
"""

import base64
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from zxcvbn import zxcvbn

from app.database import utcnow
from app.extensions import db
from app.models import StaffRole, StaffUser, Team
from app.services.common import Refusal
from app.services.staff import security_alerts, sessions, sign_in_throttle
from app.services.staff.audit_log import Action, record

MIN_PASSWORD_LENGTH = 12
# Argon2 accepts any length; a cap stops a megabyte "password" costing a megabyte of hashing.
MAX_PASSWORD_LENGTH = 1024
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L or 5/S: recovery codes are typed from paper. 24 of these 29 characters carry
# about 116 random bits, past the 112 a code that stands in for a factor needs.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
RECOVERY_CODE_LENGTH = 24
TOTP_ISSUER = "Heard"
# zxcvbn's scale of 0 to 4: 3 is "safely unguessable" against an offline attack on a slow hash.
MIN_PASSWORD_SCORE = 3
# Words an attacker tries first against this service (ASVS 6.1.2), with the organisation's
# name (ORGANISATION_NAME) added.
CONTEXT_WORDS = ("heard", "safeguarding", "children", "family", "court", "social", "care")

_hasher = PasswordHasher()
# Recovery codes carry 116 random bits: no dictionary to slow down, so a light Argon2 is ample
# and ten verifications at a try stay quick.
_recovery_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


class AccountError(Refusal):
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


def can_sign_in(user: StaffUser | None) -> bool:
    """An account that exists and is enabled."""
    return user is not None and user.active


def temporary_password_expired(user: StaffUser, now: datetime) -> bool:
    """A temporary password from an administrator that has been used, or is too old."""
    return user.password_expires_at is not None and user.password_expires_at <= now


def verify_password(email: str, password: str, ip_address: str | None = None) -> StaffUser | None:
    """The account if the email and password are right and it may sign in, otherwise None.

    Every path runs one Argon2 verification, so timing does not reveal whether an account
    exists. A wrong password slows the next from the same address (sign_in_throttle.py);
    while it must wait, the password is not even checked.
    """
    password = password[:MAX_PASSWORD_LENGTH]
    email = normalise_email(email)
    now = utcnow()
    # PostgreSQL cannot even compare a string holding NUL: no account has one anyway.
    user = None if "\x00" in email else _find_by_email(email[:320], lock=True)
    user_id = user.id if user is not None else None
    waiting = sign_in_throttle.password_wait(user_id, ip_address, now)
    matches = _password_matches(
        user.password_hash if user is not None and waiting is None else _unknown_account_hash(),
        password,
    )
    refusal = _refusal(user, waiting, matches, now)
    if refusal is not None:
        failure = None
        if refusal in ("unknown_account", "wrong_password"):
            failure = sign_in_throttle.password_failed(user_id, ip_address, now)
        record(Action.SIGN_IN_FAILED, user, detail={"reason": refusal}, ip_address=ip_address)
        if failure is not None and failure.alert and user is not None:
            security_alerts.tell_admins(user, "passwords", ip_address)
        return None
    assert user is not None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    sign_in_throttle.password_accepted(user.id, ip_address)
    record(Action.PASSWORD_ACCEPTED, user, ip_address=ip_address)
    return user


def _refusal(
    user: StaffUser | None, waiting: datetime | None, matches: bool, now: datetime
) -> str | None:
    """Why a sign-in is refused, in the audit log's words; None if it may go on."""
    if user is None:
        return "unknown_account"
    if waiting is not None:
        return "waiting"
    if not user.active:
        return "inactive"
    if not matches:
        return "wrong_password"
    if temporary_password_expired(user, now):
        return "temporary_password_expired"
    return None


def record_sign_in(user: StaffUser, ip_address: str | None) -> None:
    """Both factors passed: note when. A temporary password is now used up."""
    now = utcnow()
    user.last_login_at = now
    if user.must_change_password:
        user.password_expires_at = now
    record(Action.SIGN_IN, user, ip_address=ip_address)


def _code_refused(user: StaffUser, reason: str, ip_address: str | None) -> None:
    """Count a wrong second-factor code, record it, and alert admins when it starts to wait."""
    failure = sign_in_throttle.code_failed(user, utcnow())
    record(Action.SIGN_IN_FAILED, user, detail={"reason": reason}, ip_address=ip_address)
    if failure.alert:
        security_alerts.tell_admins(user, "codes", ip_address)


def code_wait(user: StaffUser) -> datetime | None:
    """Until when this account's next second-factor code must wait, if it must."""
    return sign_in_throttle.code_wait(user, utcnow())


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
    """Whether the code is right and unused; a wrong one counts, and one sent while the
    account must wait is not even checked."""
    locked_user = _lock_row(user.id)
    if locked_user is None or not can_sign_in(locked_user) or not locked_user.totp_secret:
        db.session.rollback()
        return False
    now = utcnow()
    if sign_in_throttle.code_wait(locked_user, now) is not None:
        record(
            Action.SIGN_IN_FAILED, locked_user, detail={"reason": "waiting"}, ip_address=ip_address
        )
        return False
    code = _normalise_code(code)
    step = _matching_timestep(locked_user.totp_secret, code, now) if code.isdigit() else None
    last = locked_user.totp_last_timestep
    if step is None or (last is not None and step <= last):
        _code_refused(locked_user, "wrong_code" if step is None else "reused_code", ip_address)
        return False
    locked_user.totp_last_timestep = step
    sign_in_throttle.code_accepted(locked_user)
    db.session.commit()
    return True


def _normalised_recovery_code(code: str) -> str:
    return _normalise_code(code)[: RECOVERY_CODE_LENGTH * 2]


def _new_recovery_code() -> str:
    """A random recovery code of 24 characters (about 116 bits), in groups of four."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(chars[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """Fresh recovery codes to show once, and their Argon2 hashes to keep."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    return codes, [_recovery_hasher.hash(_normalise_code(c)) for c in codes]


def _recovery_code_index(hashes: list[str], code: str) -> int | None:
    """Which stored hash a typed recovery code matches, if any."""
    typed = _normalised_recovery_code(code)
    for index, stored in enumerate(hashes):
        try:
            if _recovery_hasher.verify(stored, typed):
                return index
        except (VerificationError, InvalidHashError):
            continue
    return None


def enrolment_secret(link_token: str) -> str:
    """The authenticator secret offered with an enrolment link: derived from the link and the
    app's key, so showing the QR code stores nothing, and only the link's holder sees it."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"totp-enrolment:{link_token}".encode(), "sha256").digest()
    return base64.b32encode(digest[:20]).decode()


def complete_enrolment(
    user: StaffUser, secret: str, code: str, ip_address: str | None = None
) -> list[str] | None:
    """Save the secret once the person proves their app has it; returns the recovery codes,
    shown this once, or None if the code is wrong (it counts as a wrong code)."""
    locked_user = _lock_row(user.id)
    if locked_user is None or not can_sign_in(locked_user) or locked_user.totp_secret:
        db.session.rollback()
        return None
    now = utcnow()
    if sign_in_throttle.code_wait(locked_user, now) is not None:
        db.session.rollback()
        return None
    code = _normalise_code(code)
    step = _matching_timestep(secret, code, now) if code.isdigit() else None
    if step is None:
        _code_refused(locked_user, "wrong_enrolment_code", ip_address)
        return None
    codes, hashes = new_recovery_codes()
    locked_user.totp_secret = secret
    locked_user.totp_last_timestep = step
    locked_user.recovery_codes = hashes
    sign_in_throttle.code_accepted(locked_user)
    record(Action.TWO_FACTOR_ENROLLED, locked_user, ip_address=ip_address)
    return codes


def use_recovery_code(user: StaffUser, code: str, ip_address: str | None = None) -> bool:
    """Accept a recovery code in place of a TOTP code, once: it is crossed off as it is used.
    Wrong ones count with wrong authenticator codes."""
    locked_user = _lock_row(user.id)
    if locked_user is None or not can_sign_in(locked_user) or not locked_user.totp_secret:
        db.session.rollback()
        return False
    if sign_in_throttle.code_wait(locked_user, utcnow()) is not None:
        record(
            Action.SIGN_IN_FAILED, locked_user, detail={"reason": "waiting"}, ip_address=ip_address
        )
        return False
    stored = list(locked_user.recovery_codes or [])
    index = _recovery_code_index(stored, code)
    if index is None:
        _code_refused(locked_user, "wrong_recovery_code", ip_address)
        return False
    del stored[index]
    locked_user.recovery_codes = stored
    sign_in_throttle.code_accepted(locked_user)
    record(
        Action.RECOVERY_CODE_USED,
        locked_user,
        detail={"remaining": len(stored)},
        ip_address=ip_address,
    )
    return True


def password_problem(password: str, user: StaffUser | None, *context: str) -> str | None:
    """Why a new password will not do, in words for the person; None if it will. `context`
    is more of the person's own details (their email and name, for an account not made yet).

    zxcvbn (offline: it carries its own word lists) estimates how guessable it is, knowing the
    person's name and email, and the service's own words, which attackers try first.
    """
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters"
    lowered = password.lower()
    organisation = re.split(r"\W+", current_app.config["ORGANISATION_NAME"])
    # zxcvbn scores "Wrexham2026council" as strong even when told the words, so the name of the
    # organisation, like the person's own, may not be in the password at all.
    if any(len(word) >= 4 and word.lower() in lowered for word in organisation):
        return "Do not use the name of your organisation in your password"
    inputs = [*CONTEXT_WORDS, *organisation, *context]
    if user is not None:
        context = (*context, user.email, user.name)
    personal = [part for value in context for part in re.split(r"[@._+\s-]", value or "")]
    if personal:
        if any(len(word) >= 4 and word.lower() in lowered for word in personal):
            return "Do not use your name or email address in your password"
        inputs += personal
    result = zxcvbn(password[:100], user_inputs=[i for i in inputs if i])
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = result["feedback"].get("warning") or "It would be easy to guess"
        return f"Choose a password that is harder to guess. {warning.rstrip('.')}."
    return None


def password_change_refusal(
    user: StaffUser, current: str, new: str, ip_address: str | None = None
) -> AccountError | None:
    """Why this password change cannot be made (the current password wrong, the new one
    weak or unchanged), checked before the second factor is asked for; None if it can.
    Wrong current passwords are slowed like wrong passwords at sign-in."""
    now = utcnow()
    if sign_in_throttle.password_wait(user.id, ip_address, now) is not None:
        return AccountError("Your current password is wrong, or you must wait a while to try again")
    if not _password_matches(user.password_hash, current[:MAX_PASSWORD_LENGTH]):
        sign_in_throttle.password_failed(user.id, ip_address, now)
        record(
            Action.SIGN_IN_FAILED,
            user,
            detail={"reason": "wrong_current_password"},
            ip_address=ip_address,
        )
        return AccountError("Your current password is wrong")
    problem = password_problem(new, user)
    if problem is None and _password_matches(user.password_hash, new):
        problem = "Choose a password you have not used here before"
    return AccountError(problem) if problem else None


def change_password(
    user: StaffUser, current: str, new: str, keep_session: str | None, ip_address: str | None
) -> None:
    """Change a person's own password; every other session of theirs ends. Raises
    AccountError with the reason when the current password is wrong or the new one weak."""
    locked_user = _lock_row(user.id)
    assert locked_user is not None
    refusal = password_change_refusal(locked_user, current, new, ip_address)
    if refusal is not None:
        db.session.rollback()
        raise refusal
    locked_user.password_hash = hash_password(new)
    locked_user.password_expires_at = None
    locked_user.must_change_password = False
    ended = sessions.end_all(locked_user.id, "password_changed", keep_token=keep_session)
    record(
        Action.PASSWORD_CHANGED,
        locked_user,
        detail={"other_sessions_ended": ended},
        ip_address=ip_address,
    )


def load_user(user_id: int) -> StaffUser | None:
    """An enabled account by id, for the session; a disabled one is signed out at once."""
    user = db.session.get(StaffUser, user_id)
    return user if user is not None and user.active else None
