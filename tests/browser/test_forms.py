"""The public forms filled in as a person would: clicking labels, typing, picking a face."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import Direction, FeedbackItem, FeedbackKind, Message
from app.services.intake.public_feedback import stage_one_due, uk_date

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"HD-[A-Z0-9]{4}-[A-Z0-9]{4}")
CHILD_WORDS = (
    "Dw i ddim yn hapus 😢 Mae fy ngweithiwr yn hwyr bob tro, a\u2019r dŵr yn oer.\nHelp 🙏🏽"
)
ADULT_WORDS = (
    "Nobody returned my calls for three weeks 😠.\n"
    # A typographic apostrophe, as phones type it.
    "Ni chefais ateb i\u2019m llythyr, a dydy\u2019r adroddiad ddim yn gywir."
)


def _stored(live_server) -> list[tuple[Message, FeedbackItem]]:
    """Every message received, with its feedback item, read through the app's own session (a
    complaint's acknowledgement, sent back, is not one of them)."""
    with live_server.app.app_context():
        query = (
            select(Message, FeedbackItem)
            .join(Message.feedback_item)
            .where(Message.direction == Direction.INBOUND)
        )
        rows = db.session.execute(query).all()
        db.session.expunge_all()
    return [tuple(row) for row in rows]


def _choose(page: Page, label: str) -> None:
    """Click a radio's or checkbox's label, as a person tapping the words would."""
    page.locator("label", has_text=re.compile(rf"^\W*{re.escape(label)}\s*$")).click()


def _long_date(day) -> str:
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def test_child_sends_a_complaint_with_a_face(live_server, page):
    page.goto(live_server("/child"))
    _choose(page, "I want to complain")
    page.get_by_label("What happened?").click()
    page.keyboard.type(CHILD_WORDS)
    _choose(page, "Sad")
    page.get_by_label("Your name (optional)").fill("Siân")
    _choose(page, "No")
    page.get_by_role("button", name="Send").click()

    page.wait_for_url("**/child/sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Message sent")
    reference = page.locator(".heard-reference").inner_text()
    assert REFERENCE.fullmatch(reference)

    [(message, item)] = _stored(live_server)
    assert message.text == CHILD_WORDS
    assert (item.reference, item.topic, item.score) == (reference, "complain", 2)
    assert item.kind == FeedbackKind.COMPLAINT


def test_adult_sends_a_complaint_and_is_told_the_stage_1_date(live_server, page):
    page.goto(live_server("/adult"))
    _choose(page, "A complaint")
    _choose(page, "Parent")
    _choose(page, "No, it is my own")
    page.get_by_label("Your message").click()
    page.keyboard.type(ADULT_WORDS)
    page.get_by_label("Case reference (optional)").fill("FC-2026-0042")
    page.get_by_label("Your full name (optional)").fill("Rhys ap Gwilym")
    _choose(page, "Email")
    page.get_by_label("Email address").fill("rhys@example.com")
    page.get_by_role("button", name="Send").click()

    page.wait_for_url("**/adult/sent")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complaint sent")
    reference = page.locator(".heard-reference").inner_text()
    assert REFERENCE.fullmatch(reference)
    with live_server.app.app_context():  # the complaints regime is a setting of the app
        due = stage_one_due(FeedbackKind.COMPLAINT, uk_date(utcnow()))
    expect(page.locator("main")).to_contain_text(_long_date(due))

    [(message, item)] = _stored(live_server)
    assert message.text == ADULT_WORDS
    assert (item.reference, item.kind, item.case_reference) == (
        reference,
        FeedbackKind.COMPLAINT,
        "FC-2026-0042",
    )


def _tab_to(page: Page, condition: str, presses: int = 40) -> None:
    """Press Tab until the focused element meets a JavaScript condition on `el`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    pytest.fail(f"Tab never reached an element where {condition}")


def _focused(page: Page, expression: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


def test_child_form_by_keyboard_alone(live_server, page):
    page.goto(live_server("/child"))

    _tab_to(page, "el.name === 'topic'")
    page.keyboard.press("Space")
    _tab_to(page, "el.name === 'text'")
    page.keyboard.type("I like my new worker.")
    _tab_to(page, "el.name === 'score'")
    assert _focused(page, "el.value") == "1"
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert _focused(page, "el.value + (el.checked ? ' checked' : '')") == "4 checked"
    _tab_to(page, "el.type === 'submit' || el.tagName === 'BUTTON'")
    page.keyboard.press("Enter")

    page.wait_for_url("**/child/sent")
    expect(page.locator(".heard-reference")).to_have_text(REFERENCE)
    [(message, item)] = _stored(live_server)
    assert message.text == "I like my new worker."
    assert (item.topic, item.score) == ("good", 4)
