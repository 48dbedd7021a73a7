"""A complaints officer, in a real browser, under each nation's complaint rules: makes a texted
comment a complaint and sees Stage 1 due on the right day, records a phone complaint, and
extends it; in the week the texted complaint falls due finds it (and not the extended one) on
"Due this week", records its outcome and a remedy, and sends its audit feedback link by email
through a real SMTP server on loopback; in the extended stage's week finds that on the list on
its new date. Every date is checked against the `holidays` package's calendar for the nation."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Channel, ComplaintStage, FeedbackItem, FeedbackKind, StaffRole
from app.services.complaints.regimes import REGIMES
from tests.browser.staff import sign_in
from tests.factories import (
    ContactFactory,
    FeedbackItemFactory,
    StaffAccountFactory,
    TeamFactory,
)
from tests.services.complaints.test_regimes import NATION_OF, next_working_day, plus_working_days

pytestmark = pytest.mark.browser

# A text on Friday 13 November 2026 at 18:00: after hours, so received Monday 16 November.
TEXTED = datetime(2026, 11, 13, 18, tzinfo=UTC)
# The tests' frozen today (tests/conftest.py FIXED_NOW): Wednesday 18 November 2026.
TODAY = date(2026, 11, 18)


TEXTER_EMAIL = "sam.parent@example.org"


def uk_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_row(page: Page, reference: str):
    """The row of "Due this week" (or of its overdue table) for one item."""
    return page.locator("table.heard-due tbody tr").filter(has_text=reference)


def audit_mail(captured, timeout: float = 10.0):
    """The audit feedback email the SMTP server was given (it is sent after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in captured.messages if m["Subject"] == "How did we do?"]
        if found:
            return found
        time.sleep(0.1)
    subjects = [m["Subject"] for m in captured.messages]
    raise AssertionError(f"no audit feedback email reached the SMTP server; it had {subjects}")


@pytest.fixture(params=sorted(REGIMES))
def regime_server(request, live_server, smtp_server):
    key = request.param
    captured, smtp = smtp_server
    live_server.app.config.update(
        COMPLAINTS_REGIME=key, NATION=NATION_OF[key], PUBLIC_BASE_URL=live_server.url, **smtp
    )
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
            # She texted, and gave an email address when she rang to ask for a complaint.
            team=TeamFactory(name="Family Time Team"),
            contact=ContactFactory(
                phone="+447700900123", email=TEXTER_EMAIL, may_contact=True, name="Sam Parent"
            ),
        )
        db.session.commit()
        return live_server, REGIMES[key], NATION_OF[key], officer.totp_secret, item.id, captured


def test_officer_runs_a_complaint_under_each_regime(
    regime_server, page: Page, new_context, check_page, clock
):
    live_server, regime, nation, secret, item_id, captured = regime_server
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

        texted = db.session.get(FeedbackItem, item_id)
        assert texted is not None
        texted_reference = texted.reference
        phone_reference = phone.reference
    assert extended > phone_due

    # The week the texted complaint falls due: it is on "Due this week" on its date. The phone
    # complaint's first due date falls in the same week, but it was extended, so it is not.
    monday = monday_of(due)
    assert monday_of(phone_due) == monday, "the flow relies on both falling due in one week"
    clock.move_to(datetime(monday.year, monday.month, monday.day, 10, tzinfo=UTC))
    # Another day, another sign-in: yesterday's session has ended.
    sign_in(page, live_server, "officer@council.example", secret, "/staff/complaints/due")
    expect(page.get_by_text(f"due by {uk_day(monday + timedelta(days=6))}.")).to_be_visible()
    row = due_row(page, texted_reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Stage 1: response")
    expect(row).to_contain_text(uk_day(due))
    expect(row).to_contain_text("Family Time Team")
    expect(due_row(page, phone_reference)).to_have_count(0)
    expect(page.get_by_text("0 overdue.")).to_be_visible()
    check_page(page, f"due-week-one-{regime.key}")

    # Its outcome, then what the response did to put things right.
    row.get_by_role("link", name=texted_reference).click()
    page.get_by_role("link", name="Record the outcome of Stage 1").click()
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("Day").fill(str(monday.day))
    page.get_by_label("Month").fill(str(monday.month))
    page.get_by_label("Year").fill(str(monday.year))
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("The outcome of Stage 1 is recorded.")).to_be_visible()
    page.get_by_role("link", name="Record a remedy at Stage 1").click()
    page.get_by_role("radio", name="Financial payment").check()
    page.get_by_label("Amount paid, in pounds (for a financial payment only)").fill("150")
    check_page(page, f"remedy-{regime.key}")
    page.get_by_role("button", name="Record remedy").click()
    expect(page.get_by_text("The remedy is recorded.")).to_be_visible()
    rows = page.locator(".govuk-summary-list__row")
    expect(rows.filter(has_text="Responded")).to_contain_text(uk_day(monday))
    expect(rows.filter(has_text="Outcome")).to_contain_text("Upheld")
    expect(rows.filter(has_text="Remedy")).to_contain_text("Financial payment £150.00")

    # The case is closed: its one audit feedback link goes by email, through real SMTP.
    expect(page.get_by_text(f"This case closed on {uk_day(monday)}.")).to_be_visible()
    audit = page.locator(".heard-audit-invitation")
    # Its radios' ids are its own (the reply form's `channel` radios are on this page too), so
    # the label checks the audit form's radio, not the reply form's.
    assert page.locator("#audit-channel-2").count() == 1
    audit.get_by_label("Email", exact=True).check()
    expect(audit.get_by_label("Email", exact=True)).to_be_checked()
    page.get_by_role("button", name="Send the audit feedback link").click()
    expect(page.get_by_text("The audit feedback link is on its way.")).to_be_visible()
    expect(page.get_by_text("Its audit feedback link has been sent by email.")).to_be_visible()
    (mail,) = audit_mail(captured)
    assert mail["To"] == TEXTER_EMAIL
    body = mail.get_body(("plain",)).get_content()
    assert "Family Time Team" in body and texted_reference not in body
    link = next(word for word in body.split() if word.startswith(live_server("/how-did-we-do/")))
    form = new_context().new_page()  # the parent's own browser, not signed in
    form.goto(link)
    expect(form.get_by_text("This is about Family Time Team.")).to_be_visible()

    # Answered, it leaves the list.
    page.goto(live_server("/staff/complaints/due"))
    expect(due_row(page, texted_reference)).to_have_count(0)
    expect(page.get_by_text("Nothing else is due this week.")).to_be_visible()

    # The extended stage's week: it is on the list on its new date.
    week = monday_of(extended)
    clock.move_to(datetime(week.year, week.month, week.day, 10, tzinfo=UTC))
    sign_in(page, live_server, "officer@council.example", secret, "/staff/complaints/due")
    row = due_row(page, phone_reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Stage 1: response")
    expect(row).to_contain_text(uk_day(extended))
    expect(page.get_by_text("1 due by")).to_be_visible()
    expect(page.get_by_text("0 overdue.")).to_be_visible()
