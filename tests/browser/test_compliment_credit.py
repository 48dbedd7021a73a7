"""At triage, a complaints officer credits a compliment to the team it came in for, in one
click, in a real browser; the page passes axe before and after."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Channel, ComplimentCredit, FeedbackKind, StaffRole
from tests.browser.staff import sign_in
from tests.factories import FeedbackItemFactory, StaffAccountFactory, TeamFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_and_compliment(live_server):
    with live_server.app.app_context():
        officer = StaffAccountFactory(
            email="officer@council.example", name="Olu Officer", role=StaffRole.COMPLAINTS_OFFICER
        )
        team = TeamFactory(name="Leeds private law")
        item = FeedbackItemFactory(
            kind=FeedbackKind.COMPLIMENT,
            team=team,
            received_via=Channel.WEB_ADULT,
            message="Thank you to everyone who helped us this year.",
        )
        db.session.commit()
        return officer.totp_secret, item.id


def test_a_compliment_is_credited_to_its_team_in_one_click(
    live_server, page: Page, officer_and_compliment, check_page
):
    secret, item_id = officer_and_compliment
    sign_in(page, live_server, "officer@council.example", secret, f"/staff/items/{item_id}")
    expect(page.get_by_text("Suggested from the item's team: Leeds private law.")).to_be_visible()
    check_page(page, "compliment-suggested")

    page.get_by_role("button", name="Credit to Leeds private law").click()
    expect(page.get_by_text("The compliment is credited to Leeds private law.")).to_be_visible()
    expect(page.get_by_role("heading", name="Compliment credited to")).to_be_visible()
    expect(page.get_by_role("button", name="Credit to Leeds private law")).to_have_count(0)
    check_page(page, "compliment-credited")

    with live_server.app.app_context():
        credit = db.session.execute(select(ComplimentCredit)).scalar_one()
        assert credit.feedback_item_id == item_id
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "compliment_credited")
        ).scalar_one()
        assert event.detail["confirmed_suggestion"] is True
        db.session.remove()
