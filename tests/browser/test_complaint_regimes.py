"""A complaints officer, in a real browser, under each nation's complaint rules: makes a texted
comment a complaint and sees Stage 1 due on the right day, records a phone complaint, and
extends it. Every date is checked against the `holidays` package's calendar for the nation."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Channel, ComplaintStage, FeedbackItem, FeedbackKind, StaffRole
from app.services.complaints.regimes import REGIMES
from tests.browser.staff import sign_in
from tests.factories import FeedbackItemFactory, StaffAccountFactory
from tests.services.complaints.test_regimes import NATION_OF, next_working_day, plus_working_days

pytestmark = pytest.mark.browser

# A text on Friday 13 November 2026 at 18:00: after hours, so received Monday 16 November.
TEXTED = datetime(2026, 11, 13, 18, tzinfo=UTC)
# The tests' frozen today (tests/conftest.py FIXED_NOW): Wednesday 18 November 2026.
TODAY = date(2026, 11, 18)


def uk_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture(params=sorted(REGIMES))
def regime_server(request, live_server):
    key = request.param
    live_server.app.config.update(COMPLAINTS_REGIME=key, NATION=NATION_OF[key])
    with live_server.app.app_context():
        officer = StaffAccountFactory(
            email="officer@council.example", name="Olu Officer", role=StaffRole.COMPLAINTS_OFFICER
        )
        item = FeedbackItemFactory(
            kind=FeedbackKind.COMMENT,
            created_at=TEXTED,
            received_via=Channel.SMS,
            message="Six weeks and nobody has rung me back about my son's contact.",
            message__sender="+447700900123",
        )
        db.session.commit()
        return live_server, REGIMES[key], NATION_OF[key], officer.totp_secret, item.id


def test_officer_runs_a_complaint_under_each_regime(regime_server, page: Page, check_page):
    live_server, regime, nation, secret, item_id = regime_server
    first = regime.stage(1)
    sign_in(page, live_server, "officer@council.example", secret)

    # A texted comment becomes a complaint, its clock from the text, not from today.
    page.goto(live_server(f"/staff/items/{item_id}"))
    page.get_by_role("link", name="Change what kind of feedback this is").click()
    check_page(page, f"change-kind-{regime.key}")
    page.get_by_label("Complaint").check()
    page.get_by_label("Why are you changing it?").fill("She rang: she wants it treated as one")
    page.get_by_role("button", name="Change").click()
    received = next_working_day(date(2026, 11, 13), nation)
    due = plus_working_days(received, first.working_days, nation)
    expect(page.get_by_role("heading", name="Complaint: Stage 1")).to_be_visible()
    expect(page.get_by_text(f"The response is due on {uk_day(due)}")).to_be_visible()
    expect(page.get_by_text(first.name)).to_be_visible()
    check_page(page, f"item-complaint-{regime.key}")

    # A phone call, recorded.
    page.goto(live_server("/staff/complaints/due"))
    page.get_by_role("link", name="Record a complaint received by phone").click()
    page.get_by_role("button", name="Record complaint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how the complaint")
    check_page(page, f"record-errors-{regime.key}")
    page.get_by_label("Phone call").check()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Who is complaining?").select_option("grandparent")
    page.get_by_label("Their name (optional)").fill("Pat Example")
    page.get_by_label("Phone number (optional)").fill("07700 900456")
    page.get_by_label("What is the complaint?").fill("Nobody told us the hearing had moved.")
    page.get_by_role("button", name="Record complaint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Date received must be a real date"
    )
    page.get_by_label("Day").fill(str(TODAY.day))
    page.get_by_label("Month").fill(str(TODAY.month))
    page.get_by_label("Year").fill(str(TODAY.year))
    page.get_by_role("button", name="Record complaint").click()
    expect(page.get_by_text("The complaint is recorded as")).to_be_visible()
    expect(page.get_by_text("Phone call", exact=True)).to_be_visible()
    phone_due = plus_working_days(TODAY, first.working_days, nation)
    expect(page.get_by_text(f"The response is due on {uk_day(phone_due)}")).to_be_visible()

    # Extended, as far as the regime allows.
    page.get_by_role("link", name="Extend Stage 1").click()
    page.get_by_label("Why does this stage need more time?").fill("The social worker is on leave")
    days = first.extension.most_working_days if first.extension else None
    field = page.get_by_label("Working days in all, from the day it was received")
    if field.count():
        days = first.working_days + 5
        field.fill(str(days))
    check_page(page, f"extend-{regime.key}")
    page.get_by_role("button", name="Extend").click()
    assert days is not None
    extended = plus_working_days(TODAY, days, nation)
    expect(page.get_by_text(f"Stage 1 is now due on {uk_day(extended)}")).to_be_visible()

    with live_server.app.app_context():
        phone = db.session.scalars(
            select(FeedbackItem).where(FeedbackItem.received_via == Channel.PHONE)
        ).one()
        stage = db.session.scalars(
            select(ComplaintStage).where(ComplaintStage.feedback_item_id == phone.id)
        ).one()
        assert stage.extended_due_on == extended
