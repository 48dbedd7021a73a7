"""Administrators managing staff accounts: add one, reset two-factor, unlock, deactivate,
reactivate and change role.

Every change is recorded in the audit log with ids and roles only. Resetting two-factor or the
password, and deactivating, end the account's sessions. A new account, a reset password and a
reset two-factor each come with what the person needs, shown once to the administrator: a
temporary password that works once within 72 hours, and a one-time link to set up two-factor.
There is always at least one active administrator, and nobody can deactivate themselves or
change their own role, so an administrator cannot lock the service out of its own settings.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.database import utcnow
from app.extensions import db
from app.models import StaffRole, StaffUser, Team
from app.services.common import Refusal, get_by_id
from app.services.staff import enrolment_links, sessions, sign_in_throttle
from app.services.staff.accounts import RECOVERY_ALPHABET, create_account, hash_password
from app.services.staff.audit_log import Action, record
from channels.sms import normalise_number

OBJECT_TYPE = "staff_user"
# 20 characters from a 29-letter alphabet: about 97 random bits, in groups read over the phone.
TEMPORARY_PASSWORD_GROUPS = 4
TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=72)


class ChangeRefused(Refusal):
    """A change an administrator may not make; the message says why, for the person."""


@dataclass(frozen=True)
class NewAccount:
    """A created account, its temporary password and its two-factor set-up link, each shown
    once and never stored."""

    user: StaffUser
    temporary_password: str
    enrolment_token: str | None = None


def accounts() -> list[StaffUser]:
    """Every staff account with its team, by name."""
    query = select(StaffUser).options(joinedload(StaffUser.team)).order_by(StaffUser.name)
    return list(db.session.execute(query).scalars())


def teams() -> list[Team]:
    """The teams an account can belong to, by name."""
    return list(db.session.execute(select(Team).order_by(Team.name)).scalars())


def account(user_id: int) -> StaffUser | None:
    """One account by id, or None."""
    return get_by_id(StaffUser, user_id)


def temporary_password() -> str:
    """A random password like ABCDE-FGHJK-MNPQR-TUVWX, easy to read out and type."""
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5))
        for _ in range(TEMPORARY_PASSWORD_GROUPS)
    )
    return "-".join(groups)


def add_account(
    admin: StaffUser,
    email: str,
    name: str,
    role: str,
    team_id: int | None,
    ip_address: str | None = None,
) -> NewAccount:
    """Create an account with a temporary password; it sets up two-factor at first sign-in.

    Raises staff_accounts.AccountError when the details are not acceptable.
    """
    password = temporary_password()
    user = create_account(
        email=email, name=name, role=role, password=password, team_id=team_id, created_by=admin
    )
    _make_temporary(user)
    token = enrolment_links.create(user, admin)
    db.session.commit()
    return NewAccount(user=user, temporary_password=password, enrolment_token=token)


def _make_temporary(user: StaffUser) -> None:
    """The account's password works once, within TEMPORARY_PASSWORD_LIFETIME, and must then
    be changed."""
    user.password_expires_at = utcnow() + TEMPORARY_PASSWORD_LIFETIME
    user.must_change_password = True


def _locked_account(user_id: int) -> StaffUser:
    """The account under a row lock, so two administrators' changes do not interleave."""
    query = (
        select(StaffUser)
        .where(StaffUser.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    user = db.session.execute(query).scalar_one_or_none()
    if user is None:
        raise ChangeRefused("There is no such account")
    return user


def _lock_active_admins() -> list[int]:
    """The ids of active administrators, locked so two cannot remove each other at once."""
    query = (
        select(StaffUser.id)
        .where(StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True))
        .order_by(StaffUser.id)
        .with_for_update()
    )
    return list(db.session.execute(query).scalars())


def _refuse(
    admin: StaffUser, user_id: int, change: str, reason: str, message: str, ip: str | None
) -> None:
    """Record the refusal and raise it; the open transaction and its row locks are let go."""
    db.session.rollback()
    detail = {"change": change, "reason": reason}
    record(Action.ACCOUNT_CHANGE_REFUSED, admin, OBJECT_TYPE, user_id, detail, ip)
    raise ChangeRefused(message)


def _keep_an_admin(
    admin: StaffUser, user: StaffUser, admins: list[int], change: str, ip: str | None
) -> None:
    """Refuse a change to one's own account, or one that would leave no active administrator."""
    if user.id == admin.id:
        _refuse(admin, user.id, change, "own_account", "Ask another administrator to do this", ip)
    if user.id in admins and len(admins) <= 1:
        message = "This is the only active administrator. Make someone else an administrator first"
        _refuse(admin, user.id, change, "last_admin", message, ip)


def reset_two_factor(admin: StaffUser, user_id: int, ip_address: str | None = None) -> str:
    """Forget the authenticator and recovery codes and end every session the account has.
    Returns the token of a one-time set-up link for the administrator to give the person:
    the password alone cannot enrol a new authenticator."""
    user = _locked_account(user_id)
    user.totp_secret = None
    user.totp_last_timestep = None
    user.recovery_codes = []
    sessions.end_all(user.id, "two_factor_reset")
    token = enrolment_links.create(user, admin)
    record(Action.ACCOUNT_TWO_FACTOR_RESET, admin, OBJECT_TYPE, user.id, ip_address=ip_address)
    return token


def reset_password(admin: StaffUser, user_id: int, ip_address: str | None = None) -> str:
    """A new temporary password for someone who forgot theirs (it works once, within 72
    hours, and must then be changed); every session they have ends. Returns it, to be shown
    once."""
    user = _locked_account(user_id)
    if user.id == admin.id:
        _refuse(
            admin,
            user.id,
            "reset_password",
            "own_account",
            "Change your own password on your account page",
            ip_address,
        )
    password = temporary_password()
    user.password_hash = hash_password(password)
    _make_temporary(user)
    sessions.end_all(user.id, "password_reset")
    record(Action.ACCOUNT_PASSWORD_RESET, admin, OBJECT_TYPE, user.id, ip_address=ip_address)
    return password


def unlock(admin: StaffUser, user_id: int, ip_address: str | None = None) -> StaffUser:
    """Clear every count of wrong tries and every wait, so the person can try again now."""
    user = _locked_account(user_id)
    sign_in_throttle.clear(user)
    record(Action.ACCOUNT_UNLOCKED, admin, OBJECT_TYPE, user.id, ip_address=ip_address)
    return user


def deactivate(admin: StaffUser, user_id: int, ip_address: str | None = None) -> StaffUser:
    """Stop the account signing in and end its sessions; the account and its history stay."""
    # Administrators first, then the account, in the same order everywhere: no deadlocks.
    admins = _lock_active_admins()
    user = _locked_account(user_id)
    _keep_an_admin(admin, user, admins, "deactivate", ip_address)
    user.active = False
    sessions.end_all(user.id, "account_deactivated")
    record(Action.ACCOUNT_DEACTIVATED, admin, OBJECT_TYPE, user.id, ip_address=ip_address)
    return user


def reactivate(admin: StaffUser, user_id: int, ip_address: str | None = None) -> StaffUser:
    """Let a deactivated account sign in again, with the two-factor it had."""
    user = _locked_account(user_id)
    user.active = True
    record(Action.ACCOUNT_REACTIVATED, admin, OBJECT_TYPE, user.id, ip_address=ip_address)
    return user


def change_phone(
    admin: StaffUser, user_id: int, phone: str | None, ip_address: str | None = None
) -> StaffUser:
    """Set (or clear) the mobile number urgent safeguarding alerts are texted to; the audit
    log records that it changed, never the number."""
    number = None
    if phone and phone.strip():
        number = normalise_number(phone).e164
        if number is None:
            raise ChangeRefused("Enter a mobile number, like 07700 900123")
    user = _locked_account(user_id)
    if user.phone == number:
        db.session.rollback()
        return user
    user.phone = number
    record(
        Action.ACCOUNT_PHONE_CHANGED, admin, OBJECT_TYPE, user.id, {"set": bool(number)}, ip_address
    )
    return user


def change_role(
    admin: StaffUser, user_id: int, role: str, ip_address: str | None = None
) -> StaffUser:
    """Give the account another role; it applies from the person's next page."""
    if role not in {r.value for r in StaffRole}:
        raise ChangeRefused("Choose a role from the list")
    admins = _lock_active_admins()
    user = _locked_account(user_id)
    if user.role == role:
        db.session.rollback()
        return user
    _keep_an_admin(admin, user, admins, "change_role", ip_address)
    detail = {"from": user.role.value, "to": role}
    user.role = StaffRole(role)
    record(Action.ACCOUNT_ROLE_CHANGED, admin, OBJECT_TYPE, user.id, detail, ip_address)
    return user
