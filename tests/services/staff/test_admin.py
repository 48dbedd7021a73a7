"""Administrators managing accounts: a temporary password stored only as a hash, two-factor
reset forcing re-enrolment, unlock, deactivation ending sessions, role changes, the rules that
keep an active administrator, and an audit event for each change holding ids only."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import AuditEvent, StaffRole, StaffUser
from app.services.staff import accounts, enrolment_links, sessions, sign_in_throttle
from app.services.staff import admin as staff_admin
from app.services.staff.accounts import AccountError, create_account
from app.services.staff.admin import ChangeRefused
from app.services.staff.audit_log import Action
from tests.factories import CHEAP_HASHER as CHEAP
from tests.factories import TeamFactory

_made = iter(range(1, 10_000))


def _user(role: StaffRole = StaffRole.COMPLAINTS_OFFICER, enrolled: bool = True) -> StaffUser:
    n = next(_made)
    user = create_account(
        email=f"person{n}@example.org", name=f"Person {n}", role=role.value, password="x" * 16
    )
    if enrolled:
        user.totp_secret = pyotp.random_base32()
        user.recovery_codes = ["a" * 64, "b" * 64]
        user.totp_last_timestep = 123
    db.session.commit()
    return user


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def _fresh(user_id: int) -> StaffUser:
    db.session.expire_all()
    return db.session.get(StaffUser, user_id)


def test_a_new_account_has_a_temporary_password_stored_only_as_a_hash(app):
    admin = _user(StaffRole.ADMIN)
    team = TeamFactory(name="Fostering")

    created = staff_admin.add_account(
        admin, " New.Person@Example.org ", "New Person", "manager", team.id, "10.0.0.9"
    )

    user = _fresh(created.user.id)
    assert (user.email, user.name, user.role, user.team_id) == (
        "new.person@example.org",
        "New Person",
        StaffRole.MANAGER,
        team.id,
    )
    assert user.totp_secret is None and user.active
    assert len(created.temporary_password) == 23
    assert created.temporary_password not in user.password_hash
    assert CHEAP.verify(user.password_hash, created.temporary_password)
    assert accounts.verify_password(user.email, created.temporary_password) is not None
    [event] = _events(Action.ACCOUNT_CREATED)[-1:]
    assert event.staff_user_id == admin.id and event.object_id == str(user.id)
    assert event.detail == {"role": "manager"}


def test_temporary_passwords_differ(app):
    assert len({staff_admin.temporary_password() for _ in range(50)}) == 50


def test_a_duplicate_email_or_unknown_team_is_refused(app):
    admin = _user(StaffRole.ADMIN)
    staff_admin.add_account(admin, "dup@example.org", "One", "manager", None)
    with pytest.raises(AccountError, match="already an account"):
        staff_admin.add_account(admin, "DUP@example.org", "Two", "manager", None)
    with pytest.raises(AccountError, match="team"):
        staff_admin.add_account(admin, "other@example.org", "Two", "manager", 999_999)
    with pytest.raises(AccountError, match="Role"):
        staff_admin.add_account(admin, "third@example.org", "Three", "superuser", None)


def test_resetting_two_factor_forces_enrolment_by_link_and_ends_sessions(app):
    admin = _user(StaffRole.ADMIN)
    person = _user()
    token = sessions.start(person, None, None)
    assert sessions.find(token) is not None

    link = staff_admin.reset_two_factor(admin, person.id, "10.0.0.9")

    person = _fresh(person.id)
    assert person.totp_secret is None
    assert person.recovery_codes == [] and person.totp_last_timestep is None
    assert sessions.find(token) is None
    found = enrolment_links.find(link)
    assert found is not None and found.staff_user_id == person.id
    # Without a secret, a code is never accepted: only enrolment is left.
    assert not accounts.check_totp(person, "123456")
    assert not accounts.use_recovery_code(person, "a" * 64)
    [event] = _events(Action.ACCOUNT_TWO_FACTOR_RESET)
    assert (event.staff_user_id, event.object_type, event.object_id) == (
        admin.id,
        "staff_user",
        str(person.id),
    )
    assert event.detail == {} and event.ip_address == "10.0.0.9"


def test_unlocking_clears_every_wait(app):
    admin = _user(StaffRole.ADMIN)
    person = _user()
    for _ in range(6):
        accounts.verify_password(person.email, "not the password", "203.0.113.9")
    person.failed_codes = 5
    person.codes_wait_until = utcnow() + timedelta(minutes=15)
    db.session.commit()
    assert sign_in_throttle.waiting_until(person) is not None

    staff_admin.unlock(admin, person.id)

    person = _fresh(person.id)
    assert person.failed_codes == 0 and person.codes_wait_until is None
    assert sign_in_throttle.waiting_until(person) is None
    assert len(_events(Action.ACCOUNT_UNLOCKED)) == 1


def test_deactivating_ends_sessions_and_stops_sign_in_until_reactivated(app):
    admin = _user(StaffRole.ADMIN)
    person = _user()
    token = sessions.start(person, None, None)

    staff_admin.deactivate(admin, person.id)

    person = _fresh(person.id)
    assert not person.active
    assert sessions.find(token) is None
    assert accounts.verify_password(person.email, "x" * 16) is None

    staff_admin.reactivate(admin, person.id)

    person = _fresh(person.id)
    assert person.active and person.totp_secret is not None
    assert accounts.verify_password(person.email, "x" * 16) is not None
    # The session from before deactivation stays ended.
    assert sessions.find(token) is None
    assert len(_events(Action.ACCOUNT_DEACTIVATED)) == 1
    assert len(_events(Action.ACCOUNT_REACTIVATED)) == 1


def test_an_admin_cannot_deactivate_themselves(app):
    admin = _user(StaffRole.ADMIN)
    _user(StaffRole.ADMIN)
    with pytest.raises(ChangeRefused, match="another administrator"):
        staff_admin.deactivate(admin, admin.id)
    assert _fresh(admin.id).active
    [refusal] = _events(Action.ACCOUNT_CHANGE_REFUSED)
    assert refusal.detail == {"change": "deactivate", "reason": "own_account"}
    assert _events(Action.ACCOUNT_DEACTIVATED) == []


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(app):
    first = _user(StaffRole.ADMIN)
    second = _user(StaffRole.ADMIN)
    staff_admin.change_role(first, second.id, "manager")
    # Two administrators acting at once is how this happens: `second` opened the page while
    # still an administrator and posts after losing the role.
    with pytest.raises(ChangeRefused, match="only active administrator"):
        staff_admin.change_role(second, first.id, "manager")
    with pytest.raises(ChangeRefused, match="only active administrator"):
        staff_admin.deactivate(second, first.id)
    first = _fresh(first.id)
    assert first.active and first.role == StaffRole.ADMIN
    reasons = [e.detail["reason"] for e in _events(Action.ACCOUNT_CHANGE_REFUSED)]
    assert reasons == ["last_admin", "last_admin"]


def test_an_inactive_admin_does_not_count(app):
    admin = _user(StaffRole.ADMIN)
    inactive = _user(StaffRole.ADMIN)
    inactive.active = False
    db.session.commit()
    person = _user(StaffRole.ADMIN)
    staff_admin.deactivate(admin, person.id)
    with pytest.raises(ChangeRefused):
        staff_admin.change_role(person, admin.id, "manager")


def test_changing_a_role_is_recorded_with_both_roles(app):
    admin = _user(StaffRole.ADMIN)
    person = _user(StaffRole.COMPLAINTS_OFFICER)

    staff_admin.change_role(admin, person.id, "safeguarding_reviewer", "10.0.0.9")

    assert _fresh(person.id).role == StaffRole.SAFEGUARDING_REVIEWER
    [event] = _events(Action.ACCOUNT_ROLE_CHANGED)
    assert event.detail == {"from": "complaints_officer", "to": "safeguarding_reviewer"}
    assert event.object_id == str(person.id)

    staff_admin.change_role(admin, person.id, "safeguarding_reviewer")
    assert len(_events(Action.ACCOUNT_ROLE_CHANGED)) == 1


def test_an_admin_cannot_change_their_own_role_or_set_an_unknown_one(app):
    admin = _user(StaffRole.ADMIN)
    person = _user()
    _user(StaffRole.ADMIN)
    with pytest.raises(ChangeRefused, match="another administrator"):
        staff_admin.change_role(admin, admin.id, "manager")
    with pytest.raises(ChangeRefused, match="role"):
        staff_admin.change_role(admin, person.id, "superuser")
    assert _fresh(admin.id).role == StaffRole.ADMIN
    assert _fresh(person.id).role == StaffRole.COMPLAINTS_OFFICER


def test_a_change_to_an_unknown_account_is_refused(app):
    admin = _user(StaffRole.ADMIN)
    for change in (staff_admin.unlock, staff_admin.reset_two_factor, staff_admin.reactivate):
        with pytest.raises(ChangeRefused, match="no such account"):
            change(admin, 999_999)
    assert staff_admin.account(999_999) is None
    assert staff_admin.account(2**40) is None


def test_audit_details_hold_no_personal_data(app):
    admin = _user(StaffRole.ADMIN)
    created = staff_admin.add_account(admin, "p@example.org", "Pat Person", "manager", None)
    person = created.user
    staff_admin.reset_two_factor(admin, person.id)
    staff_admin.unlock(admin, person.id)
    staff_admin.change_role(admin, person.id, "learning_team")
    staff_admin.deactivate(admin, person.id)
    staff_admin.reactivate(admin, person.id)
    details = [str(e.detail) for e in _events(Action.ACCOUNT_CREATED)]
    for action in (
        Action.ACCOUNT_TWO_FACTOR_RESET,
        Action.ACCOUNT_UNLOCKED,
        Action.ACCOUNT_ROLE_CHANGED,
        Action.ACCOUNT_DEACTIVATED,
        Action.ACCOUNT_REACTIVATED,
    ):
        details += [str(e.detail) for e in _events(action)]
    assert len(details) >= 6
    text = " ".join(details)
    assert "Pat" not in text and "p@example.org" not in text
    assert created.temporary_password not in text
