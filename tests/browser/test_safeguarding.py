"""A safeguarding reviewer signs in with two-factor, reads the queue, acknowledges and closes an
alert in a real browser; the queue page passes axe."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertOutcome,
    AlertStatus,
    Channel,
    FeedbackKind,
    SafeguardingAlert,
    StaffRole,
)
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import FeedbackItemFactory, SafeguardingAlertFactory, StaffAccountFactory

pytestmark = pytest.mark.browser

EMAIL = "reviewer@council.example"


@pytest.fixture
def reviewer_and_alert(live_server):
    """A reviewer with a TOTP secret and an open alert on a text from twenty minutes ago."""
    with live_server.app.app_context():
        reviewer = StaffAccountFactory(
            email=EMAIL, name="Rhiannon Reviewer", role=StaffRole.SAFEGUARDING_REVIEWER
        )
        received = utcnow() - timedelta(minutes=20)
        item = FeedbackItemFactory(
            reference="HD-5151-TEST",
            kind=FeedbackKind.COMMENT,
            created_at=received,
            received_via=Channel.SMS,
            message="My mum's boyfriend hits me when she is at work",
        )
        alert = SafeguardingAlertFactory(
            feedback_item=item, evidence=["boyfriend hits me"], score=0.97
        )
        return reviewer.totp_secret, alert.id


def test_reviewer_signs_in_reads_the_queue_acknowledges_and_closes(
    live_server, page: Page, reviewer_and_alert
):
    secret, alert_id = reviewer_and_alert
    sign_in(page, live_server, EMAIL, secret, "/staff/safeguarding")

    expect(page.get_by_role("heading", name="Safeguarding alerts")).to_be_visible()
    expect(page.locator("mark")).to_have_text("hits me")  # the exact words, not a sentence
    expect(page.get_by_text("Due in").first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("link", name=f"Alert {alert_id}").first.click()
    page.get_by_role("button", name="Acknowledge: I am reviewing this").click()
    expect(page.get_by_text("You have acknowledged the alert")).to_be_visible()

    page.get_by_role("button", name="Close the alert").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an outcome")
    page.get_by_label("Referred to the child's social worker").check()
    page.get_by_label("Reasons for this outcome").fill("Rang the duty social worker at 10:20.")
    page.get_by_role("button", name="Close the alert").click()
    page.wait_for_url("**/staff/safeguarding")
    expect(page.get_by_text("The alert is closed.")).to_be_visible()
    expect(page.get_by_text("0 waiting for a reviewer")).to_be_visible()

    with live_server.app.app_context():
        alert = db.session.get(SafeguardingAlert, alert_id)
        assert alert.status == AlertStatus.CLOSED
        assert alert.outcome == AlertOutcome.REFERRED_TO_SOCIAL_WORKER
        db.session.remove()
