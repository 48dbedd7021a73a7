"""In a real browser: an administrator meets the error summary adding an account, adds it and
sees its temporary password once, then resets a colleague's two-factor sign-in. Each page
passes axe."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import StaffUser
from tests.browser.conftest import DESKTOP, axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import StaffAccountFactory

pytestmark = pytest.mark.browser

EMAIL = "admin@council.example"


@pytest.fixture
def setup(live_server) -> tuple[str, int]:
    with live_server.app.app_context():
        admin = StaffAccountFactory(email=EMAIL, name="Ada Admin", role="admin")
        colleague = StaffAccountFactory(
            email="colleague@council.example", name="Cal Colleague", role="manager"
        )
        db.session.commit()
        found = (admin.totp_secret, colleague.id)
        db.session.remove()
    return found


def _no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_an_admin_adds_an_account_and_resets_two_factor(live_server, new_context, setup):
    secret, colleague_id = setup
    # Desktop width, where the navigation shows without opening the menu: staff use computers.
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, live_server, EMAIL, secret)

    page.get_by_role("link", name="Staff accounts").click()
    expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    _no_violations(page)

    page.get_by_role("button", name="Add a staff account").click()
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Add account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("Choose a role").first).to_be_visible()
    _no_violations(page)

    page.get_by_label("Email address").fill("nia@council.example")
    page.get_by_label("Complaints officer").check()
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_role("heading", name="Account added for Nia Newcomer")).to_be_visible()
    temporary = page.locator(".heard-temporary-password").first.inner_text()
    assert len(temporary) == 23
    expect(page.locator(".heard-temporary-password").nth(1)).to_contain_text("/staff/enrol/")
    _no_violations(page)
    with live_server.app.app_context():
        user = db.session.execute(
            select(StaffUser).where(StaffUser.email == "nia@council.example")
        ).scalar_one()
        assert temporary not in user.password_hash
        db.session.remove()

    page.get_by_role("button", name="Back to staff accounts").click()
    page.get_by_role("link", name="Cal Colleague").click()
    expect(page.get_by_role("heading", name="Cal Colleague")).to_be_visible()
    _no_violations(page)
    page.get_by_role("button", name="Reset two-factor").click()
    expect(page.get_by_role("heading", name="Reset two-factor sign-in")).to_be_visible()
    _no_violations(page)
    page.get_by_role("button", name="Reset two-factor").click()
    expect(page.get_by_role("heading", name="Give them this now")).to_be_visible()
    expect(page.locator(".heard-temporary-password")).to_contain_text("/staff/enrol/")
    _no_violations(page)
    page.get_by_role("button", name="Back to the account").click()
    expect(page.get_by_text("Not set up: they set it up at their next sign-in")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.get(StaffUser, colleague_id).totp_secret is None
        db.session.remove()
