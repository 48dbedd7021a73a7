"""In a real browser: a reviewer has a second look at the week's unflagged sample (marks one fine,
flags one as a miss) and sees the miss rate on the queue; an admin searches the audit log and
downloads it. Each page passes axe."""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.database import utcnow
from app.extensions import db
from app.models import (
    Channel,
    ClassificationState,
    FeedbackKind,
    SecondLook,
    SecondLookVerdict,
    StaffRole,
)
from app.services.safeguarding import misses
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import FeedbackItemFactory, StaffAccountFactory

pytestmark = pytest.mark.browser


def _account(email: str, role: StaffRole) -> str:
    user = StaffAccountFactory(email=email, name=f"Browser {role.value}", role=role.value)
    db.session.commit()
    return user.totp_secret


def _message(n: int, text: str) -> None:
    received = utcnow() - timedelta(days=1, minutes=n)
    FeedbackItemFactory(
        kind=FeedbackKind.COMMENT,
        created_at=received,
        received_via=Channel.SMS,
        message=text,
        message__classification_state=ClassificationState.DONE,
    )


@pytest.fixture
def accounts(live_server):
    with live_server.app.app_context():
        secrets = {
            "reviewer@council.example": _account(
                "reviewer@council.example", StaffRole.SAFEGUARDING_REVIEWER
            ),
            "admin@council.example": _account("admin@council.example", StaffRole.ADMIN),
        }
        _message(1, "The new foster home is lovely")
        _message(2, "I am scared to go home because of what he does")
        misses.draw_weekly_sample()
        db.session.remove()
    return secrets


def _no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_a_reviewer_has_a_second_look_and_an_admin_exports_the_record(
    live_server, page: Page, accounts
):
    email = "reviewer@council.example"
    sign_in(page, live_server, email, accounts[email], "/staff/safeguarding/second-look")
    expect(page.get_by_text("The new foster home is lovely")).to_be_visible()
    expect(page.get_by_text("No second looks finished yet")).to_be_visible()
    _no_violations(page)

    item = page.locator("li", has_text="The new foster home is lovely")
    item.get_by_role("button", name="Fine: not a safeguarding matter").click()
    expect(page.get_by_text("Marked as fine.")).to_be_visible()

    page.get_by_role("link", name="Flag as a safeguarding concern").click()
    page.get_by_role("button", name="Flag for safeguarding review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _no_violations(page)
    page.get_by_label("Why is this a safeguarding concern").fill("Scared to go home: disclosure")
    page.get_by_role("button", name="Flag for safeguarding review").click()
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()

    page.goto(live_server("/staff/safeguarding"))
    expect(page.get_by_text("1 of 2: 50.0%")).to_be_visible()
    expect(page.get_by_text("I am scared to go home")).to_be_visible()
    _no_violations(page)

    with live_server.app.app_context():
        verdicts = {s.verdict for s in db.session.query(SecondLook)}
        assert verdicts == {SecondLookVerdict.FINE, SecondLookVerdict.MISSED}
        db.session.remove()

    page.context.clear_cookies()
    email = "admin@council.example"
    sign_in(page, live_server, email, accounts[email], "/staff/audit-log")
    page.get_by_label("Action", exact=True).select_option("safeguarding_second_look_missed")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 matching entry.")).to_be_visible()
    _no_violations(page)
    page.get_by_label("Object ID").fill("<script>")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _no_violations(page)

    page.get_by_role("link", name="Clear search").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these entries as a CSV file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("id,at_utc,staff_user_id")
    assert "safeguarding_second_look_missed" in text
