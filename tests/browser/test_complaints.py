"""A complaints officer moves a complaint through Stage 1 and into Stage 2 in a real browser."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import (
    Channel,
    ComplaintOutcome,
    ComplaintStage,
    StaffRole,
)
from app.services.common import uk_date
from app.services.complaints import stages as complaint_stages
from tests.browser.staff import sign_in
from tests.factories import FeedbackItemFactory, StaffAccountFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_and_complaint(live_server):
    """A signed-up complaints officer (with a TOTP secret) and a complaint from two days ago."""
    with live_server.app.app_context():
        officer = StaffAccountFactory(
            email="officer@council.example", name="Olu Officer", role=StaffRole.COMPLAINTS_OFFICER
        )
        item = FeedbackItemFactory(
            reference="HD-4242-TEST",
            created_at=utcnow() - timedelta(days=2),
            received_via=Channel.EMAIL,
            message="The report was late and nobody told me why.",
        )
        # What ingest()'s job does after storing a complaint.
        complaint_stages.open_stage_one(item)
        return officer.totp_secret, item.id


def _fill_date(page: Page, day) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_officer_acknowledges_extends_records_outcome_and_escalates(
    live_server, page, officer_and_complaint
):
    secret, item_id = officer_and_complaint
    today = uk_date(utcnow())
    sign_in(page, live_server, "officer@council.example", secret)
    page.goto(live_server(f"/staff/items/{item_id}"))
    expect(page.get_by_role("heading", name="Complaint: Stage 1")).to_be_visible()
    expect(page.get_by_text(re.compile(r"working days? left|Due today"))).to_be_visible()

    page.get_by_role("button", name="Mark as acknowledged").click()
    expect(page.get_by_text("Stage 1 is acknowledged.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as acknowledged")).to_have_count(0)

    page.get_by_role("link", name="Extend Stage 1").click()
    page.get_by_role("button", name="Extend").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why the stage needs more time"
    )
    page.get_by_label("Why does this stage need more time?").fill(
        "The allocated social worker is on leave until next week"
    )
    page.get_by_role("button", name="Extend").click()
    expect(page.get_by_text("Stage 1 is now due on")).to_be_visible()
    expect(page.get_by_text("The allocated social worker is on leave")).to_be_visible()

    page.get_by_role("link", name="Record the outcome of Stage 1").click()
    page.get_by_label("Partially upheld").check()
    _fill_date(page, today)
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("The outcome of Stage 1 is recorded.")).to_be_visible()

    page.get_by_role("link", name="Escalate to Stage 2").click()
    _fill_date(page, today)
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_role("heading", name="Complaint: Stage 2")).to_be_visible()
    expect(page.get_by_text("Partially upheld")).to_be_visible()

    with live_server.app.app_context():
        stages = db.session.execute(
            select(ComplaintStage).where(ComplaintStage.feedback_item_id == item_id)
        ).scalars()
        by_number = {s.stage: s for s in stages}
        assert by_number[1].acknowledged_at is not None
        assert by_number[1].extended_due_on is not None
        assert by_number[1].outcome == ComplaintOutcome.PARTIALLY_UPHELD
        assert by_number[2].received_on == today
