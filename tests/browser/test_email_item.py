"""A staff member reads an email on its item page in a real browser: attachments, notes and the
full original behind a details component, then replies by email; the page passes axe."""

from email.message import EmailMessage

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Message, StaffRole
from app.services.intake.email_conversations import receive_email
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import StaffAccountFactory

pytestmark = pytest.mark.browser

EMAIL = "officer@council.example"


@pytest.fixture
def officer_and_email(live_server):
    """A complaints officer with a TOTP secret, and an email with attachments from someone
    who also gave a phone number."""
    with live_server.app.app_context():
        officer = StaffAccountFactory(
            email=EMAIL, name="Olu Officer", role=StaffRole.COMPLAINTS_OFFICER
        )
        mail = EmailMessage()
        mail["From"] = "Parent <parent@example.org>"
        mail["Subject"] = "Complaint about the assessment"
        mail["Message-ID"] = "<browser-1@example.org>"
        mail.set_content(
            "The assessment is wrong about our house.\n\nOn Monday Heard wrote:\n> Thank you"
        )
        mail.add_attachment(b"%PDF-1.4 " + b"x" * 5000, "application", "pdf", filename="letter.pdf")
        mail.add_attachment(b"MZ" + b"\0" * 64, "application", "octet-stream", filename="setup.exe")
        item = receive_email(bytes(mail)).feedback_item
        item.contact.phone = "+447700900123"
        db.session.commit()
        return officer.totp_secret, item.id


def test_officer_reads_an_email_with_attachments_and_replies_by_email(
    live_server, page: Page, officer_and_email
):
    secret, item_id = officer_and_email
    sign_in(page, live_server, EMAIL, secret, f"/staff/items/{item_id}")

    expect(page.get_by_text("letter.pdf · application/pdf")).to_be_visible()
    expect(page.get_by_text("setup.exe · application/octet-stream")).to_contain_text("not kept")
    expect(page.get_by_text("Notes on this email")).to_be_visible()
    full_text = page.locator("details", has_text="Show the full original email, with quoted")
    quoted = full_text.get_by_text("> Thank you")
    expect(quoted).to_be_hidden()
    page.get_by_text("Show the full original email, with quoted replies").click()
    expect(quoted).to_be_visible()
    original = page.locator("details", has_text="Show the original email: every header")
    header = original.get_by_text("<browser-1@example.org>")
    expect(header).to_be_hidden()
    page.get_by_text("Show the original email: every header and every part, as sent").click()
    expect(header).to_be_visible()
    expect(original.get_by_text("Part 1.2 · application/pdf · letter.pdf")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    expect(page.get_by_label("Email", exact=True)).to_be_checked()
    page.get_by_label("Reply").fill("We will look at the assessment again.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your email is being sent.")).to_be_visible()
    expect(page.get_by_text("We will look at the assessment again.")).to_be_visible()
    with live_server.app.app_context():
        reply = db.session.scalars(select(Message).where(Message.purpose == "staff_reply")).one()
        assert reply.channel.value == "email" and reply.recipient == "parent@example.org"
        assert reply.raw_payload["in_reply_to"] == "browser-1@example.org"
