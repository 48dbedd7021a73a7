"""In a real browser: an officer changes an item's themes from the item page, meets the error
summary on a reason that is too long, saves, and sees who corrected them. Each page passes axe."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.database import utcnow
from app.extensions import db
from app.models import ClassificationState, Direction, FeedbackItem, FeedbackKind, Message
from app.services.classification.themes import set_item_themes
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import StaffAccountFactory

pytestmark = pytest.mark.browser

EMAIL = "officer@council.example"


@pytest.fixture
def setup(live_server) -> tuple[str, int]:
    with live_server.app.app_context():
        user = StaffAccountFactory(email=EMAIL, name="Olu Officer", role="complaints_officer")
        received = utcnow() - timedelta(hours=2)
        item = FeedbackItem(
            reference="HD-8801-TEST",
            kind=FeedbackKind.COMPLAINT,
            created_at=received,
            themes=[],
            received_via="sms",
        )
        db.session.add(item)
        db.session.add(
            Message(
                feedback_item=item,
                channel="sms",
                direction=Direction.INBOUND,
                external_id="browser-themes-1",
                sender="+447700900123",
                text="Six weeks and nobody has rung me back about the report",
                raw_payload={},
                received_at=received,
                classification_state=ClassificationState.DONE,
            )
        )
        set_item_themes(item, ["bias", "delay"])
        db.session.commit()
        found = (user.totp_secret, item.id)
        db.session.remove()
    return found


def _no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_an_officer_corrects_the_themes_of_an_item(live_server, page: Page, setup):
    secret, item_id = setup
    item_path = f"/staff/items/{item_id}"
    sign_in(page, live_server, EMAIL, secret, item_path)

    page.get_by_role("link", name="Change themes").click()
    expect(page.get_by_role("heading", name="Change themes")).to_be_visible()
    expect(page.get_by_label("Bias or unfair treatment")).to_be_checked()
    _no_violations(page)

    page.get_by_label("Bias or unfair treatment").uncheck()
    page.get_by_label("Communication").check()
    page.get_by_label("Why are you changing them? (optional)").fill("x" * 2001)
    page.get_by_role("button", name="Save themes").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("The reason must be 2000 characters or fewer").first).to_be_visible()
    _no_violations(page)

    page.get_by_label("Why are you changing them? (optional)").fill("About delay and calls")
    page.get_by_role("button", name="Save themes").click()
    page.wait_for_url(f"**{item_path}")
    expect(page.get_by_text("The themes are saved.")).to_be_visible()
    expect(page.get_by_text("Corrected by Olu Officer on")).to_be_visible()
    _no_violations(page)

    page.get_by_role("link", name="Change themes").click()
    expect(page.get_by_text("About delay and calls")).to_be_visible()
    _no_violations(page)
