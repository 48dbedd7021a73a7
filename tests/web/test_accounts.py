"""The staff accounts pages: admins only, validation with an error summary, hostile input,
CSRF, and sessions that end when an account is reset or deactivated."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, StaffRole, StaffUser
from app.services.staff.audit_log import Action


@pytest.fixture
def admin(client, make_staff, sign_in):
    login = make_staff(StaffRole.ADMIN)
    assert sign_in(client, login).status_code == 302
    return login


@pytest.fixture
def elsewhere(make_app):
    """A client on an app of its own: a second browser, with its own `g` and cookies."""
    return make_app().test_client()


def _accounts() -> int:
    return db.session.execute(select(func.count(StaffUser.id))).scalar_one()


def _actions(action: str) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    return db.session.execute(query).scalar_one()


def _new(**fields) -> dict[str, str]:
    return {"name": "Sam Smith", "email": "sam@example.org", "role": "manager", **fields}


@pytest.mark.parametrize(
    "role",
    [
        StaffRole.COMPLAINTS_OFFICER,
        StaffRole.MANAGER,
        StaffRole.SAFEGUARDING_REVIEWER,
        StaffRole.LEARNING_TEAM,
    ],
)
def test_only_admins_may_open_the_pages(client, make_staff, sign_in, role):
    login = make_staff(role)
    other = make_staff()
    sign_in(client, login)
    assert "Staff accounts" not in client.get("/staff/").text
    for path in (
        "/staff/accounts/",
        "/staff/accounts/new",
        f"/staff/accounts/{other.user_id}",
        f"/staff/accounts/{other.user_id}/role",
        f"/staff/accounts/{other.user_id}/deactivate",
    ):
        assert client.get(path).status_code == 403, path
    before = _accounts()
    assert client.post("/staff/accounts/new", data=_new()).status_code == 403
    assert client.post(f"/staff/accounts/{other.user_id}/deactivate").status_code == 403
    assert (
        client.post(f"/staff/accounts/{other.user_id}/role", data={"role": "admin"}).status_code
        == 403
    )
    assert _accounts() == before
    db.session.expire_all()
    assert other.user.active and other.user.role == StaffRole.COMPLAINTS_OFFICER


def test_signed_out_people_are_sent_to_sign_in(client, make_staff):
    other = make_staff()
    response = client.post(f"/staff/accounts/{other.user_id}/deactivate")
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    db.session.expire_all()
    assert other.user.active


def test_the_list_shows_each_account(client, admin, make_staff):
    make_staff(StaffRole.MANAGER, enrolled=False)
    page = client.get("/staff/accounts/")
    assert page.status_code == 200
    assert 'href="/staff/accounts/"' in client.get("/staff/").text
    table = page.text[page.text.index("<table") :]
    assert admin.email in table and "Manager" in table and "Administrator" in table
    assert "Not set up" in table and "Set up" in table and "Never" in table


def test_an_admin_adds_an_account_and_sees_the_password_once(client, admin, elsewhere):
    response = client.post("/staff/accounts/new", data=_new(email="Sam@Example.org"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'heard-temporary-password">([A-Z0-9-]+)<', response.text).group(1)
    user = db.session.execute(
        select(StaffUser).where(StaffUser.email == "sam@example.org")
    ).scalar_one()
    assert user.role == StaffRole.MANAGER and password not in user.password_hash
    assert password not in client.get(f"/staff/accounts/{user.id}").text
    assert password not in client.get("/staff/accounts/").text

    first = elsewhere.post(
        "/staff/sign-in", data={"email": "sam@example.org", "password": password}
    )
    assert first.status_code == 302 and first.location.endswith("/staff/two-factor/setup")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": ""}, "Enter their full name"),
        ({"name": "   "}, "Enter their full name"),
        ({"name": "x" * 10_000}, "Full name must be 200 characters or fewer"),
        ({"name": "Sam\x00Smith"}, "Use only letters, numbers, spaces and punctuation"),
        ({"email": ""}, "Enter their email address"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
        ({"email": "a@b.org\x00"}, "Use only letters, numbers, spaces and punctuation"),
        ({"email": "x" * 10_000 + "@example.org"}, "320 characters or fewer"),
        ({"role": ""}, "Choose a role"),
        ({"role": "superuser"}, "Choose a role from the list"),
        ({"role": "<script>alert(1)</script>"}, "Choose a role from the list"),
        ({"team": "999999"}, "Choose a team from the list"),
        ({"team": "<script>alert(1)</script>"}, "Choose a team from the list"),
    ],
)
def test_bad_input_gets_an_error_summary_and_adds_nothing(client, admin, fields, error):
    before = _accounts()
    response = client.post("/staff/accounts/new", data=_new(**fields))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text and error in response.text
    assert "<title>Error:" in response.text
    assert "<script>alert(1)" not in response.text
    assert _accounts() == before


def test_a_script_in_a_name_is_shown_as_text(client, admin):
    response = client.post("/staff/accounts/new", data=_new(name="<script>alert(1)</script>"))
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in client.get("/staff/accounts/").text


def test_a_duplicate_email_is_refused(client, admin):
    response = client.post("/staff/accounts/new", data=_new(email=admin.email.upper()))
    assert response.status_code == 200
    assert "There is already an account with that email address" in response.text
    assert "govuk-error-summary" in response.text


def test_reset_two_factor_ends_the_sessions_and_forces_enrolment(
    client, admin, make_staff, sign_in, enter_password, elsewhere
):
    person = make_staff()
    theirs = elsewhere
    sign_in(theirs, person)
    assert theirs.get("/staff/").status_code == 200

    confirm = client.get(f"/staff/accounts/{person.user_id}/reset-two-factor")
    assert confirm.status_code == 200 and "Reset two-factor" in confirm.text
    response = client.post(f"/staff/accounts/{person.user_id}/reset-two-factor")
    assert response.status_code == 200 and "Two-factor sign-in is reset" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    link = re.search(r"https?://[^<\s]+/staff/enrol/[\w-]+", response.text).group(0)

    refused = theirs.get("/staff/")
    assert refused.status_code == 302 and "/staff/sign-in" in refused.location
    # The password alone cannot set up a new authenticator: it needs the link.
    again = enter_password(theirs, person)
    assert again.location.endswith("/staff/two-factor/setup")
    assert "Ask for a set-up link" in theirs.get("/staff/two-factor/setup").text
    theirs.get(link.split("heard.example.org")[-1].replace("http://localhost:5000", ""))
    enter_password(theirs, person)
    assert "Set up two-factor sign-in" in theirs.get("/staff/two-factor/setup").text
    assert _actions(Action.ACCOUNT_TWO_FACTOR_RESET) == 1


def test_a_deactivated_account_is_signed_out_on_its_next_request(
    client, admin, make_staff, sign_in, elsewhere
):
    person = make_staff()
    theirs = elsewhere
    sign_in(theirs, person)
    assert theirs.get("/staff/").status_code == 200

    assert client.post(f"/staff/accounts/{person.user_id}/deactivate").status_code == 302

    refused = theirs.get("/staff/")
    assert refused.status_code == 302 and "/staff/sign-in" in refused.location
    db.session.expire_all()
    assert not person.user.active

    assert client.post(f"/staff/accounts/{person.user_id}/reactivate").status_code == 302
    db.session.expire_all()
    assert person.user.active


def test_unlock_and_change_role(client, admin, make_staff):
    person = make_staff()
    user = person.user
    user.failed_codes = 4
    db.session.commit()
    page = client.get(f"/staff/accounts/{person.user_id}")
    assert "Unlock" in page.text
    assert client.post(f"/staff/accounts/{person.user_id}/unlock").status_code == 302
    db.session.expire_all()
    assert person.user.failed_codes == 0

    assert client.get(f"/staff/accounts/{person.user_id}/role").status_code == 200
    changed = client.post(f"/staff/accounts/{person.user_id}/role", data={"role": "manager"})
    assert changed.status_code == 302
    db.session.expire_all()
    assert person.user.role == StaffRole.MANAGER

    bad = client.post(f"/staff/accounts/{person.user_id}/role", data={"role": "superuser"})
    assert bad.status_code == 200 and "Choose a role from the list" in bad.text
    db.session.expire_all()
    assert person.user.role == StaffRole.MANAGER


def test_an_admin_cannot_deactivate_or_demote_themselves(client, admin):
    own = client.get(f"/staff/accounts/{admin.user_id}")
    assert "This is your own account" in own.text and "Deactivate" not in own.text
    refused = client.post(f"/staff/accounts/{admin.user_id}/deactivate")
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.text and "Ask another administrator" in refused.text
    assert "<title>Error:" in refused.text
    demoted = client.post(f"/staff/accounts/{admin.user_id}/role", data={"role": "manager"})
    assert "Ask another administrator" in demoted.text
    db.session.expire_all()
    assert admin.user.active and admin.user.role == StaffRole.ADMIN
    assert client.get("/staff/accounts/").status_code == 200


def test_unknown_accounts_and_changes_are_404(client, admin):
    assert client.get("/staff/accounts/999999").status_code == 404
    assert client.post("/staff/accounts/999999/deactivate").status_code == 404
    assert client.get(f"/staff/accounts/{2**40}").status_code == 404
    assert client.get(f"/staff/accounts/{admin.user_id}/delete").status_code == 404
    assert client.post(f"/staff/accounts/{admin.user_id}/delete").status_code == 404


def test_a_post_without_the_form_token_is_refused(app, make_app, make_staff, csrf_token):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    login = make_staff(StaffRole.ADMIN)
    person = make_staff()
    page = client.get("/staff/sign-in")
    credentials = {"email": login.email, "password": login.password}
    client.post("/staff/sign-in", data={**credentials, "csrf_token": csrf_token(page)})
    page = client.get("/staff/two-factor")
    client.post("/staff/two-factor", data={"code": login.code(), "csrf_token": csrf_token(page)})
    page = client.get(f"/staff/accounts/{person.user_id}/deactivate")
    assert page.status_code == 200

    refused = client.post(f"/staff/accounts/{person.user_id}/deactivate")
    assert refused.status_code == 400
    before = _accounts()
    assert client.post("/staff/accounts/new", data=_new()).status_code == 400
    assert _accounts() == before
    db.session.expire_all()
    assert person.user.active

    accepted = client.post(
        f"/staff/accounts/{person.user_id}/deactivate", data={"csrf_token": csrf_token(page)}
    )
    assert accepted.status_code == 302
    db.session.expire_all()
    assert not person.user.active
