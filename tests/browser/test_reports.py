"""The learning team chooses a year for the complaints report in a real browser, reads it (axe
clean), and prints it: the print has no navigation or chooser and starts sections on new
pages."""

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import (
    ComplaintOutcome,
    ComplaintStage,
    ComplimentCredit,
    Direction,
    FeedbackItem,
    FeedbackKind,
    Message,
    StaffRole,
    Team,
)
from app.models.enums import Channel
from tests.browser.staff import sign_in
from tests.factories import StaffAccountFactory

pytestmark = pytest.mark.browser

SECTIONS = 17


@pytest.fixture
def learning_lead(live_server):
    """A learning-team account with a TOTP secret, and a year of complaints and compliments."""
    with live_server.app.app_context():
        lead = StaffAccountFactory(
            email="learning@council.example", name="Lee Learning", role=StaffRole.LEARNING_TEAM
        )
        team = Team(name="Assessment")
        for n in range(12):
            day = date(2025, 4 + n % 9, 1 + n)
            at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            kind = FeedbackKind.COMPLIMENT if n % 4 == 0 else FeedbackKind.COMPLAINT
            item = FeedbackItem(
                reference=f"HD-P{n:04d}",
                kind=kind,
                created_at=at,
                team=team,
                themes=[],
                received_via=Channel.EMAIL,
            )
            db.session.add(item)
            db.session.add(
                Message(
                    feedback_item=item,
                    channel=Channel.EMAIL,
                    direction=Direction.INBOUND,
                    external_id=f"browser-report-{n}",
                    text="Thank you for listening to us and explaining every step.",
                    raw_payload={},
                    received_at=at,
                )
            )
            if kind == FeedbackKind.COMPLIMENT:
                db.session.add(ComplimentCredit(feedback_item=item, team=team))
            else:
                db.session.add(
                    ComplaintStage(
                        feedback_item=item,
                        stage=1,
                        team=team,
                        received_on=day,
                        due_on=day,
                        responded_on=day,
                        outcome=ComplaintOutcome.NOT_UPHELD,
                    )
                )
        db.session.commit()
        return lead.totp_secret


def test_learning_team_reads_and_prints_the_annual_report(
    live_server, page, learning_lead, check_page, tmp_path
):
    sign_in(page, live_server, "learning@council.example", learning_lead)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Complaints report").click()

    page.get_by_text("Or choose the dates yourself").click()
    page.get_by_role("button", name="Show the report for these dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the first day")
    check_page(page, "complaints-report-error")

    page.get_by_label("Financial year or quarter").select_option("2025-26")
    page.get_by_role("button", name="Show the report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Complaints report: 1 April 2025 to 31 March 2026"
    )
    expect(page.locator("main h2:not(.govuk-notification-banner__title)")).to_have_count(SECTIONS)
    check_page(page, "complaints-report")

    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    # Each section starts a new page; the longer ones may run over.
    assert pages >= SECTIONS
    screenshots = os.environ.get("HEARD_SCREENSHOTS")
    Path(screenshots or tmp_path, "complaints-report.pdf").write_bytes(pdf)

    page.emulate_media(media="print")
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.get_by_label("Financial year or quarter").is_visible()
    assert not page.get_by_role("link", name="Download as a spreadsheet (XLSX)").is_visible()
