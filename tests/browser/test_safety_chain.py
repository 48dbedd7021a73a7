"""The safety chain in a real browser: a child's disclosure is answered with help on the first
screen of a small phone, leaving leaves nothing behind, and a reviewer finds the newest
disclosure at once in a long queue."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertSource,
    Direction,
    FeedbackItem,
    FeedbackKind,
    Message,
    SafeguardingAlert,
    StaffRole,
)
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import StaffAccountFactory

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
DISCLOSURE = "my mums boyfriend hits me when she is at work"


def _on_first_screen(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SMALL_PHONE["height"]


def test_a_childs_disclosure_under_i_want_to_complain_gets_help_on_the_first_screen(
    live_server, new_context, check_page
):
    page = new_context(viewport=SMALL_PHONE).new_page()
    page.goto(live_server("/child"))
    page.get_by_label("I want to complain").check()
    page.get_by_label("What happened?").fill(DISCLOSURE)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/child/sent")

    expect(page.get_by_role("heading", level=1)).to_have_text("You did the right thing telling us")
    assert page.evaluate("window.scrollY") == 0
    assert _on_first_screen(page, 'a[href="tel:08001111"]'), "Childline is below the fold"
    assert _on_first_screen(page, 'a[href="tel:999"]'), "999 is below the fold"
    expect(page.get_by_text("Answer some questions about you")).to_have_count(0)
    check_page(page, "child-disclosure-confirmation")


def test_after_exit_the_back_button_shows_an_empty_form(live_server, page: Page):
    page.goto(live_server("/child"))
    page.get_by_label("Something worrying").check()
    page.get_by_label("What happened?").fill(DISCLOSURE)
    page.get_by_label("Your name (optional)").fill("Jay")
    page.get_by_role("button", name="Exit this page").first.click()
    page.wait_for_url(lambda url: not url.startswith(live_server.url))
    expect(page.get_by_role("heading", name="Elsewhere")).to_be_visible()

    page.go_back()
    page.wait_for_url("**/child")
    expect(page.get_by_label("What happened?")).to_have_value("")
    expect(page.get_by_label("Your name (optional)")).to_have_value("")
    assert DISCLOSURE not in page.content()


def test_after_sending_and_exiting_back_shows_neither_the_message_nor_the_confirmation(
    live_server, page: Page
):
    page.goto(live_server("/child"))
    page.get_by_label("Something worrying").check()
    page.get_by_label("What happened?").fill(DISCLOSURE)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/child/sent")
    page.get_by_role("button", name="Exit this page").first.click()
    page.wait_for_url(lambda url: not url.startswith(live_server.url))
    page.go_back()
    # The confirmation is shown once: back brings an empty form, not the reference.
    page.wait_for_url("**/child")
    expect(page.get_by_label("What happened?")).to_have_value("")
    assert "Your reference number" not in page.content()


@pytest.fixture
def queue_of_a_hundred(live_server):
    """A reviewer, and 100 open alerts: 99 old and overdue, and one disclosure just in."""
    with live_server.app.app_context():
        reviewer = StaffAccountFactory(
            email="duty@council.example", name="Duty Reviewer", role=StaffRole.SAFEGUARDING_REVIEWER
        )
        now = utcnow()
        newest = None
        for n in range(100):
            received = now - (timedelta(minutes=3) if n == 99 else timedelta(days=100 - n))
            item = FeedbackItem(
                reference=f"HD-{n:04d}-QUEU",
                kind=FeedbackKind.COMMENT,
                created_at=received,
                themes=[],
                received_via="sms",
            )
            message = Message(
                feedback_item=item,
                channel="sms",
                direction=Direction.INBOUND,
                external_id=f"queue-{n}",
                sender="+447700900123",
                text=f"Message {n}: he hits me and I am scared to go home " + "more words " * 30,
                raw_payload={},
                received_at=received,
            )
            alert = SafeguardingAlert(
                feedback_item=item,
                message=message,
                source=AlertSource.CLASSIFIER,
                subtypes=["physical_abuse"],
                evidence=["hits me"],
                score=0.9,
                created_at=received,
            )
            db.session.add_all([item, message, alert])
            db.session.flush()
            newest = alert.id
        db.session.commit()
        return reviewer.totp_secret, newest


@pytest.mark.parametrize("viewport", [SMALL_PHONE, {"width": 1280, "height": 900}])
def test_a_reviewer_finds_the_newest_disclosure_on_the_first_screen_of_a_long_queue(
    live_server, new_context, queue_of_a_hundred, viewport
):
    secret, newest = queue_of_a_hundred
    page = new_context(viewport=viewport).new_page()
    sign_in(page, live_server, "duty@council.example", secret, "/staff/safeguarding")
    link = page.get_by_role("link", name=f"Alert {newest} · HD-0099-QUEU").first
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= viewport["height"], box
    expect(page.get_by_text("100 waiting for a reviewer")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
