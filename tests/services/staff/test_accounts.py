"""Staff accounts: password hashing and lockout, TOTP with replay refusal, recovery codes, audit."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import AuditEvent, Message, StaffRole, StaffUser
from app.services.staff import accounts, audit_log, enrolment_links, sessions, sign_in_throttle
from app.services.staff.accounts import AccountError, create_account, verify_password
from app.services.staff.audit_log import Action
from tests.factories import CHEAP_HASHER as CHEAP

PASSWORD = "a long enough passphrase"


def _account(role: str = "manager", email: str = "Manager@Example.org") -> StaffUser:
    return create_account(email=email, name="A Manager", role=role, password=PASSWORD)


def _enrolled(user: StaffUser) -> str:
    secret = pyotp.random_base32()
    user.totp_secret = secret
    db.session.commit()
    return secret


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps))


def _actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_an_account_is_created_with_an_argon2_hash_and_a_normalised_email(app):
    user = _account()
    assert user.email == "manager@example.org"
    assert user.role == StaffRole.MANAGER
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.totp_secret is None
    assert _actions() == [Action.ACCOUNT_CREATED]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "email address"),
        ({"name": "  "}, "name"),
        ({"role": "superuser"}, "Role must be one of"),
        ({"password": "short"}, "at least 12"),
    ],
)
def test_bad_account_details_are_refused_with_a_reason(app, fields, message):
    details = {"email": "x@example.org", "name": "X", "role": "admin", "password": PASSWORD}
    with pytest.raises(AccountError, match=message):
        create_account(**{**details, **fields})


def test_one_account_per_email(app):
    _account()
    with pytest.raises(AccountError, match="already an account"):
        _account(email="  MANAGER@example.org ")


def test_the_right_password_is_accepted_whatever_the_email_case(app):
    user = _account()
    assert verify_password("MANAGER@example.ORG ", PASSWORD) == user
    assert verify_password("manager@example.org", PASSWORD + "x") is None


def test_an_unknown_email_costs_a_hash_like_a_known_one(app, monkeypatch):
    _account()
    calls = []
    real = accounts._password_matches
    monkeypatch.setattr(accounts, "_password_matches", lambda h, p: calls.append(h) or real(h, p))
    assert verify_password("nobody@example.org", PASSWORD) is None
    assert verify_password("manager@example.org", "wrong password") is None
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


def test_wrong_passwords_slow_one_address_and_a_burst_alerts_the_admins(app, clock):
    user = _account()
    admin = _account("admin", "admin@example.org")
    for _ in range(5):
        assert verify_password(user.email, "wrong password", "203.0.113.9") is None
    waiting = sign_in_throttle.password_wait(user.id, "203.0.113.9", utcnow())
    assert waiting is not None and waiting > utcnow()
    assert verify_password(user.email, PASSWORD, "203.0.113.9") is None
    assert verify_password(user.email, PASSWORD, "198.51.100.4") == user
    # Waits double, up to an hour.
    assert [sign_in_throttle.wait_after(n, 5).total_seconds() / 60 for n in (5, 6, 7, 12)] == [
        1,
        2,
        4,
        60,
    ]
    # Twenty wrong passwords at one account in a quarter of an hour, from anywhere: alert.
    for n in range(20):
        verify_password(user.email, "wrong password", f"192.0.2.{n}")
    alerts = _alerts()
    assert [a.recipient for a in alerts] == [admin.email]
    assert "Many wrong passwords" in alerts[0].text and "from 192.0.2." in alerts[0].text


def _alerts() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.purpose == "security_alert")))


def test_a_temporary_password_works_once_and_expires(app, clock):
    user = _account()
    user.password_expires_at = utcnow() + timedelta(hours=72)
    user.must_change_password = True
    db.session.commit()
    assert verify_password(user.email, PASSWORD) == user
    accounts.record_sign_in(user, None)
    assert verify_password(user.email, PASSWORD) is None, "used once already"
    user.password_expires_at = utcnow() + timedelta(hours=72)
    db.session.commit()
    clock.shift(timedelta(hours=73))
    assert verify_password(user.email, PASSWORD) is None, "too old"
    reasons = [e.detail.get("reason") for e in _events(Action.SIGN_IN_FAILED)]
    assert reasons == ["temporary_password_expired", "temporary_password_expired"]


def _events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def test_a_weak_or_personal_password_is_refused_and_a_strong_one_accepted(app):
    user = _account()
    for weak in ("Password1234", "a" * 12, "heardheard12", "manager@example", "short"):
        assert accounts.password_problem(weak, user) is not None, weak
    assert accounts.password_problem("plum lantern brisk otter", user) is None


def test_changing_a_password_needs_the_current_one_and_ends_other_sessions(app):
    user = _account()
    mine = sessions.start(user, None, None)
    other = sessions.start(user, None, None)
    with pytest.raises(AccountError, match="current password is wrong"):
        accounts.change_password(user, "not it", "plum lantern brisk otter", mine, None)
    with pytest.raises(AccountError, match="harder to guess"):
        accounts.change_password(user, PASSWORD, "Password1234", mine, None)
    accounts.change_password(user, PASSWORD, "plum lantern brisk otter", mine, None)
    assert verify_password(user.email, "plum lantern brisk otter") == user
    assert sessions.find(mine) is not None
    assert sessions.find(other) is None


def test_a_disabled_account_cannot_sign_in(app):
    user = _account()
    user.active = False
    db.session.commit()
    assert verify_password(user.email, PASSWORD) is None
    assert accounts.load_user(user.id) is None


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(app):
    user = _account()
    older = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    user.password_hash = older.hash(PASSWORD)
    db.session.commit()
    assert verify_password(user.email, PASSWORD) == user
    assert not CHEAP.check_needs_rehash(user.password_hash)
    assert CHEAP.verify(user.password_hash, PASSWORD)


def test_hostile_sign_in_input_is_just_wrong(app):
    _account()
    for email in ["nul\x00@example.org", "a" * 100_000, "' OR 1=1 --", "é@x"]:
        assert verify_password(email, PASSWORD) is None
    assert verify_password("manager@example.org", PASSWORD + "x" * 100_000) is None


def test_a_totp_code_works_once(app):
    user = _account()
    secret = _enrolled(user)
    code = _code(secret)
    assert accounts.check_totp(user, code)
    assert not accounts.check_totp(user, code)
    assert accounts.check_totp(user, _code(secret, 1))
    assert not accounts.check_totp(user, _code(secret))


def test_totp_allows_one_step_of_clock_drift_and_no_more(app):
    user = _account()
    secret = _enrolled(user)
    assert accounts.check_totp(user, _code(secret, -1))
    assert not accounts.check_totp(user, _code(secret, 3))
    assert not accounts.check_totp(user, "12 34 5")
    assert not accounts.check_totp(user, "abcdef")


def test_wrong_codes_make_the_next_wait_and_a_right_password_does_not_forgive_them(app, clock):
    user = _account()
    secret = _enrolled(user)
    wrong = "000000" if _code(secret) != "000000" else "111111"
    for _ in range(3):
        assert not accounts.check_totp(user, wrong)
    assert accounts.code_wait(user) is not None
    assert verify_password(user.email, PASSWORD) == user
    assert accounts.code_wait(user) is not None, "a right password forgives nothing"
    assert not accounts.check_totp(user, _code(secret)), "not even checked while waiting"
    clock.shift(timedelta(minutes=1, seconds=1))
    assert accounts.check_totp(user, _code(secret, 1))
    assert user.failed_codes == 0


def test_enrolment_saves_the_secret_and_ten_hashed_recovery_codes(app):
    user = _account()
    enrolment = accounts.new_enrolment(user)
    assert enrolment.uri.startswith("otpauth://totp/Heard:")
    assert f"secret={enrolment.secret}" in enrolment.uri
    assert enrolment.grouped_secret.replace(" ", "") == enrolment.secret
    assert all(len(group) == 4 for group in enrolment.grouped_secret.split())
    assert enrolment.qr_svg.startswith("<svg") and "style=" not in enrolment.qr_svg

    assert accounts.complete_enrolment(user, enrolment.secret, "000000x") is None
    assert user.totp_secret is None
    codes = accounts.complete_enrolment(user, enrolment.secret, _code(enrolment.secret))
    assert codes is not None and len(set(codes)) == 10
    assert all(len(code.replace("-", "")) == 24 for code in codes), "about 116 bits each"
    assert user.totp_secret == enrolment.secret
    assert len(user.recovery_codes) == 10
    assert all(h.startswith("$argon2id$") for h in user.recovery_codes)
    assert not set(codes) & set(user.recovery_codes)
    assert not accounts.check_totp(user, _code(enrolment.secret)), "enrolment used the code"
    assert accounts.complete_enrolment(user, "A" * 32, _code("A" * 32)) is None


def test_a_recovery_code_works_once_typed_any_way(app):
    user = _account()
    enrolment = accounts.new_enrolment(user)
    codes = accounts.complete_enrolment(user, enrolment.secret, _code(enrolment.secret))
    assert accounts.use_recovery_code(user, " " + codes[0].lower().replace("-", " "))
    assert not accounts.use_recovery_code(user, codes[0])
    assert len(user.recovery_codes) == 9
    assert accounts.use_recovery_code(user, codes[9])
    assert not accounts.use_recovery_code(user, "")


def test_the_audit_log_records_without_personal_data_and_refuses_changes(app):
    user = _account()
    verify_password("nobody@example.org", "a guess")
    verify_password(user.email, "another guess")
    events = list(db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())
    assert [e.action for e in events] == [
        Action.ACCOUNT_CREATED,
        Action.SIGN_IN_FAILED,
        Action.SIGN_IN_FAILED,
    ]
    assert events[1].detail == {"reason": "unknown_account"}
    assert events[2].staff_user_id == user.id
    assert "example.org" not in repr([(e.detail, e.object_id) for e in events])

    events[2].action = "nothing happened"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert audit_log.latest(1)[0].action == Action.SIGN_IN_FAILED


def test_the_create_staff_command_explains_a_refusal(app):
    runner = app.test_cli_runner()
    args = ["create-staff", "--email", "cli@example.org", "--name", "Cli", "--role", "admin"]
    created = runner.invoke(args=[*args, "--password", PASSWORD])
    assert created.exit_code == 0, created.output
    assert "Created admin account cli@example.org" in created.output
    again = runner.invoke(args=[*args, "--password", PASSWORD])
    assert again.exit_code == 1
    assert "already an account" in again.output
    assert "Traceback" not in again.output


def test_an_account_added_by_someone_else_at_the_same_instant_is_refused(app, monkeypatch):
    first = _account()
    # The second admin's look-up ran before the first account was committed.
    monkeypatch.setattr(accounts, "_find_by_email", lambda email, lock=False: None)
    with pytest.raises(AccountError, match="already an account"):
        _account()
    # Only the clashing insert was undone: the session goes on and the first account stands.
    assert db.session.get(StaffUser, first.id).email == "manager@example.org"
    assert _actions() == [Action.ACCOUNT_CREATED]


def test_the_create_staff_command_gives_a_set_up_link_and_refuses_a_weak_password(app):
    runner = app.test_cli_runner()
    args = ["create-staff", "--email", "first@example.org", "--name", "First", "--role", "admin"]
    weak = runner.invoke(args=[*args, "--password", "password1234"])
    assert weak.exit_code == 1 and "Traceback" not in weak.output
    assert (
        db.session.scalar(select(StaffUser).where(StaffUser.email == "first@example.org")) is None
    )
    created = runner.invoke(args=[*args, "--password", PASSWORD])
    assert created.exit_code == 0, created.output
    token = created.output.split("/staff/enrol/")[1].split()[0]
    link = enrolment_links.find(token)
    assert link is not None
    assert db.session.get(StaffUser, link.staff_user_id).email == "first@example.org"


def test_the_organisations_own_name_makes_a_password_guessable(make_app):
    app = make_app(ORGANISATION_NAME="Wrexham Borough Council")
    with app.app_context():
        for password in ("Wrexham2026council", "wrexhamboroughcouncil"):
            assert "organisation" in (accounts.password_problem(password, None) or "")
        assert accounts.password_problem("plum lantern brisk otter", None) is None


def test_guessing_the_current_password_at_a_password_change_is_slowed(app, clock):
    user = _account()
    for _ in range(sign_in_throttle.FREE_PASSWORD_FAILURES):
        refusal = accounts.password_change_refusal(user, "not it", "x", "192.0.2.1")
        assert refusal is not None
    # Now even the right password is not checked from that address...
    assert (
        accounts.password_change_refusal(user, PASSWORD, "plum lantern brisk otter", "192.0.2.1")
        is not None
    )
    # ...until the wait is over.
    clock.shift(timedelta(minutes=2))
    assert (
        accounts.password_change_refusal(user, PASSWORD, "plum lantern brisk otter", "192.0.2.1")
        is None
    )
