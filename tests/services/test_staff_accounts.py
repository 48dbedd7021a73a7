"""Staff accounts: password hashing and lockout, TOTP with replay refusal, recovery codes, audit."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, StaffRole, StaffUser
from app.services import audit_log, staff_accounts
from app.services.audit_log import Action
from app.services.staff_accounts import AccountError, create_account, verify_password

PASSWORD = "a long enough passphrase"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch):
    """Production Argon2 takes most of a second a hash on a small machine; the rules are alike."""
    monkeypatch.setattr(staff_accounts, "_hasher", CHEAP)


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
    real = staff_accounts._password_matches
    monkeypatch.setattr(
        staff_accounts, "_password_matches", lambda h, p: calls.append(h) or real(h, p)
    )
    assert verify_password("nobody@example.org", PASSWORD) is None
    assert verify_password("manager@example.org", "wrong password") is None
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


def test_failures_lock_the_account_and_the_lock_expires(make_app):
    app = make_app(STAFF_MAX_FAILED_LOGINS=3, STAFF_LOCKOUT_MINUTES=15)
    with app.app_context():
        user = _account()
        for _ in range(3):
            assert verify_password(user.email, "wrong password") is None
        assert staff_accounts.is_locked(user)
        assert user.locked_until > datetime.now(UTC) + timedelta(minutes=14)
        assert verify_password(user.email, PASSWORD) is None

        user.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
        assert verify_password(user.email, PASSWORD) == user
        assert user.failed_logins == 0
        assert _actions().count(Action.ACCOUNT_LOCKED) == 1


def test_a_disabled_account_cannot_sign_in(app):
    user = _account()
    user.active = False
    db.session.commit()
    assert verify_password(user.email, PASSWORD) is None
    assert staff_accounts.load_user(user.id) is None


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
    assert staff_accounts.check_totp(user, code)
    assert not staff_accounts.check_totp(user, code)
    assert staff_accounts.check_totp(user, _code(secret, 1))
    assert not staff_accounts.check_totp(user, _code(secret))


def test_totp_allows_one_step_of_clock_drift_and_no_more(app):
    user = _account()
    secret = _enrolled(user)
    assert staff_accounts.check_totp(user, _code(secret, -1))
    assert not staff_accounts.check_totp(user, _code(secret, 3))
    assert not staff_accounts.check_totp(user, "12 34 5")
    assert not staff_accounts.check_totp(user, "abcdef")


def test_wrong_codes_lock_the_account(make_app):
    app = make_app(STAFF_MAX_FAILED_LOGINS=2)
    with app.app_context():
        user = _account()
        secret = _enrolled(user)
        wrong = "000000" if _code(secret) != "000000" else "111111"
        staff_accounts.check_totp(user, wrong)
        staff_accounts.check_totp(user, "not a code")
        assert staff_accounts.is_locked(user)
        assert not staff_accounts.check_totp(user, _code(secret))


def test_enrolment_saves_the_secret_and_ten_hashed_recovery_codes(app):
    user = _account()
    enrolment = staff_accounts.new_enrolment(user)
    assert enrolment.uri.startswith("otpauth://totp/Heard:")
    assert f"secret={enrolment.secret}" in enrolment.uri
    assert enrolment.grouped_secret.replace(" ", "") == enrolment.secret
    assert all(len(group) == 4 for group in enrolment.grouped_secret.split())
    assert enrolment.qr_svg.startswith("<svg") and "style=" not in enrolment.qr_svg

    assert staff_accounts.complete_enrolment(user, enrolment.secret, "000000x") is None
    assert user.totp_secret is None
    codes = staff_accounts.complete_enrolment(user, enrolment.secret, _code(enrolment.secret))
    assert codes is not None and len(set(codes)) == 10
    assert user.totp_secret == enrolment.secret
    assert len(user.recovery_codes) == 10
    assert not set(codes) & set(user.recovery_codes)
    assert not staff_accounts.check_totp(user, _code(enrolment.secret)), "enrolment used the code"
    assert staff_accounts.complete_enrolment(user, "A" * 32, _code("A" * 32)) is None


def test_a_recovery_code_works_once_typed_any_way(app):
    user = _account()
    enrolment = staff_accounts.new_enrolment(user)
    codes = staff_accounts.complete_enrolment(user, enrolment.secret, _code(enrolment.secret))
    assert staff_accounts.use_recovery_code(user, " " + codes[0].lower().replace("-", " "))
    assert not staff_accounts.use_recovery_code(user, codes[0])
    assert len(user.recovery_codes) == 9
    assert staff_accounts.use_recovery_code(user, codes[9])
    assert not staff_accounts.use_recovery_code(user, "")


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
    monkeypatch.setattr(staff_accounts, "_find_by_email", lambda email, lock=False: None)
    with pytest.raises(AccountError, match="already an account"):
        _account()
    # Only the clashing insert was undone: the session goes on and the first account stands.
    assert db.session.get(StaffUser, first.id).email == "manager@example.org"
    assert _actions() == [Action.ACCOUNT_CREATED]
