"""In a real browser: a manager finds the data protection pages, puts an item on legal hold,
searches for a person and downloads their subject access export, and records an erasure that
is refused. Each page passes axe."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Channel, ContactRole
from tests.browser.conftest import DESKTOP, axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.factories import (
    ComplaintStageFactory,
    ContactFactory,
    FeedbackItemFactory,
    MessageFactory,
    StaffAccountFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def setup(live_server) -> tuple[str, str, str]:
    with live_server.app.app_context():
        manager = StaffAccountFactory(email="m@council.example", name="Mo Manager", role="manager")
        contact = ContactFactory(role=ContactRole.PARENT, name="Jo Bloggs", phone="+447700900123")
        item = FeedbackItemFactory(contact=contact, received_via=Channel.SMS)
        MessageFactory(feedback_item=item, text="BROWSER-TEXT nobody rang back")
        open_complaint = ComplaintStageFactory().feedback_item
        db.session.commit()
        found = (manager.totp_secret, item.reference, open_complaint.reference)
        db.session.remove()
    return found


def _no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_a_manager_holds_exports_and_records_a_refusal(live_server, new_context, setup):
    secret, reference, open_reference = setup
    page = new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    sign_in(page, live_server, "m@council.example", secret)

    page.get_by_role("link", name="Data protection").click()
    expect(page.get_by_role("heading", name="Retention and legal holds")).to_be_visible()
    _no_violations(page)
    page.get_by_label("Reference of the item to hold").fill(reference)
    page.get_by_role("textbox", name="Why it must be kept").fill("Claim in the county court")
    page.get_by_role("button", name="Put a legal hold on it").click()
    expect(page.get_by_role("cell", name="Claim in the county court")).to_be_visible()
    _no_violations(page)

    page.get_by_role("link", name="Subject access").click()
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_role("button", name="Find what we hold").click()
    assert "07700" not in page.url and "/subject-access" in page.url
    page.get_by_role("checkbox", name=reference).check()
    _no_violations(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the chosen items for review").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        record = json.loads(archive.read("subject-access.json"))
    assert record["items"][0]["messages"][0]["text"].startswith("BROWSER-TEXT")

    page.get_by_role("link", name="Erasure and correction").click()
    page.get_by_label("Reference of the item to erase").fill(open_reference)
    page.get_by_label("Erase it (unless a duty to keep it applies)").check()
    page.locator("#erasure-submit").click()
    expect(page.get_by_text("Erasure of " + open_reference + " refused")).to_be_visible()
    _no_violations(page)
