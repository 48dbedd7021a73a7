"""In a real browser: a manager sets a team's default owner, an officer prints an
acknowledgement letter, and sends audit feedback links from a closed case's page and for a
period; each page passes axe at a phone's width and a desktop's."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditInvitation, Channel, ContactRole, FeedbackItem, StaffRole
from app.services.complaints import stages
from tests.browser.staff import sign_in
from tests.factories import (
    ComplaintStageFactory,
    ContactFactory,
    FeedbackItemFactory,
    StaffAccountFactory,
    TeamFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def manager_and_cases(live_server):
    with live_server.app.app_context():
        manager = StaffAccountFactory(
            email="manager@council.example", name="Mo Manager", role=StaffRole.MANAGER
        )
        team = TeamFactory(name="North")
        posted = FeedbackItemFactory(
            team=team,
            received_via=Channel.WEB_ADULT,
            contact=ContactFactory(
                role=ContactRole.PARENT,
                name="Pat Parent",
                postal_address="1 High Street\nLeeds LS1 1AA",
                may_contact=True,
            ),
        )
        closed = []
        for n in range(2):
            item = FeedbackItemFactory(
                team=team,
                received_via=Channel.WEB_ADULT,
                contact=ContactFactory(
                    role=ContactRole.PARENT, email=f"p{n}@example.org", may_contact=True
                ),
            )
            ComplaintStageFactory(
                feedback_item=item,
                received_on=date(2026, 10, 20),
                due_on=date(2026, 11, 3),
                responded_on=date(2026, 11, 10),
            )
            closed.append(item.id)
        db.session.commit()
        return manager.totp_secret, posted.id, closed


def _invitations(live_server) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditInvitation))


def test_owner_letter_and_audit_links(live_server, new_context, manager_and_cases, check_page):
    secret, posted_id, closed = manager_and_cases
    page = new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, live_server, "manager@council.example", secret)

    page.goto(live_server("/staff/complaints/owners"))
    check_page(page, "default-owners")
    page.get_by_role("link", name="Change the default owner for North").click()
    page.get_by_label("Who owns new complaints about this team?").select_option(label="Mo Manager")
    check_page(page, "default-owner-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The default owner for North is saved.")).to_be_visible()

    with live_server.app.app_context():  # Stage 1 opens from the job after ingest, not a page
        stages.open_stage_one(db.session.get(FeedbackItem, posted_id))
    page.goto(live_server(f"/staff/items/{posted_id}"))
    check_page(page, "complaint-to-acknowledge-by-post")
    page.get_by_role("link", name="Print the acknowledgement letter").click()
    expect(
        page.get_by_text("Mo Manager, of North, will respond to your complaint by")
    ).to_be_visible()
    check_page(page, "acknowledgement-letter")

    page.goto(live_server(f"/staff/items/{closed[0]}"))
    expect(page.get_by_role("heading", name="Audit feedback")).to_be_visible()
    check_page(page, "closed-case")
    page.get_by_role("button", name="Send the audit feedback link").click()
    expect(page.get_by_text("The audit feedback link is on its way.")).to_be_visible()
    assert _invitations(live_server) == 1

    page.goto(live_server("/staff/audit-invitations/"))
    page.get_by_label("Day").first.fill("1")
    page.get_by_label("Month").first.fill("11")
    page.get_by_label("Year").first.fill("2026")
    page.get_by_role("button", name="Show cases").click()
    expect(page.get_by_text("Not sent: will go by email")).to_have_count(1)
    check_page(page, "audit-links")
    page.get_by_role("button", name="Send the links").click()
    expect(page.get_by_text("Links sent: 1. Cases that had one already: 1.")).to_be_visible()
    assert _invitations(live_server) == 2
