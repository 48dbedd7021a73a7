"""The officer's home in a real browser: the Complaints menu leads to what is due this week,
and the list fits a 360px phone without scrolling sideways."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import StaffRole
from tests.browser.staff import sign_in
from tests.factories import (
    ComplaintStageFactory,
    SafeguardingAlertFactory,
    StaffAccountFactory,
    StaffUserFactory,
    TeamFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_with_a_busy_week(live_server):
    with live_server.app.app_context():
        officer = StaffAccountFactory(
            email="officer@council.example", name="Olu Officer", role=StaffRole.COMPLAINTS_OFFICER
        )
        owner = StaffUserFactory(
            name="Bartholomew Featherstonehaugh-Montgomery", role=StaffRole.MANAGER
        )
        team = TeamFactory(name="Children in Care and Care Leavers (North and West Localities)")
        for due_on in (date(2026, 11, 19), date(2026, 11, 20), date(2026, 9, 1)):
            ComplaintStageFactory(
                received_on=date(2026, 8, 1), due_on=due_on, team=team, manager=owner
            )
        restricted = ComplaintStageFactory(received_on=date(2026, 8, 1), due_on=date(2026, 11, 2))
        SafeguardingAlertFactory(feedback_item=restricted.feedback_item)
        db.session.commit()
        return officer.totp_secret


def test_due_this_week_fits_a_360px_screen(
    live_server, new_context, officer_with_a_busy_week, check_page
):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, live_server, "officer@council.example", officer_with_a_busy_week)
    page.get_by_role("button", name="Menu").click()  # the navigation folds away on a phone
    page.get_by_role("link", name="Complaints", exact=True).click()
    expect(page.get_by_role("heading", name="Complaints due this week")).to_be_visible()
    expect(page.get_by_text("2 due by 22 November 2026.")).to_be_visible()
    expect(page.get_by_text("2 overdue.")).to_be_visible()
    expect(
        page.get_by_text("Only a safeguarding reviewer or a manager can open it.")
    ).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"the page scrolls sideways by {overflow}px at 360px"
    check_page(page, "complaints-due")

    page.get_by_label("Owner").select_option("none")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 overdue.")).to_be_visible()
