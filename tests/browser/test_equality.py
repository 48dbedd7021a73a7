"""The equality questions in a real browser: reached from a confirmation, answered by keyboard
alone, and every page state checked with axe at a phone's width and a desktop's."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import EqualityResponse, FeedbackItem, ServicePopulation, StaffRole
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.staff import sign_in
from tests.browser.test_accessibility import _send_adult_form, _send_child_form
from tests.browser.test_safeguarding_second_look import _account

pytestmark = pytest.mark.browser


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, name: document.activeElement.name || '',"
        " value: document.activeElement.value || '', text: document.activeElement.innerText || ''})"
    )


def _tab_until(page: Page, wanted, limit: int = 80) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached by Tab; last focus {focused}")


def _stored(live_server) -> list[tuple]:
    with live_server.app.app_context():
        rows = db.session.execute(
            select(EqualityResponse, FeedbackItem.kind).join(
                FeedbackItem, FeedbackItem.id == EqualityResponse.feedback_item_id
            )
        ).all()
        return [
            (
                r.age_band,
                r.gender,
                r.ethnicity,
                r.religion,
                r.disability,
                r.language,
                kind.value,
            )
            for r, kind in rows
        ]


def test_a_child_answers_two_questions_by_keyboard_and_skips_the_rest(
    live_server, page, check_page
):
    page.goto(live_server("/child"))
    _send_child_form(page)
    page.wait_for_url("**/child/sent")
    check_page(page, "child-sent-with-invitation")
    _tab_until(page, lambda f: f["text"] == "Answer some questions about you")
    page.keyboard.press("Enter")
    page.wait_for_url("**/about-you")
    expect(page.get_by_text("You can skip any question.")).to_be_visible()
    check_page(page, "about-you-child")

    # Into the first question, then the arrow keys choose within it.
    _tab_until(page, lambda f: f["name"] == "age_band")
    page.keyboard.press("ArrowDown")
    assert _focused(page)["value"] == "12_15"
    _tab_until(page, lambda f: f["name"] == "gender")
    page.keyboard.press("Space")
    _tab_until(page, lambda f: f["tag"] == "BUTTON" and "Send my answers" in f["text"])
    page.keyboard.press("Enter")

    page.wait_for_url("**/about-you/thank-you")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    check_page(page, "about-you-thanks")
    assert _stored(live_server) == [("12_15", "female", None, None, None, None, "comment")]


def test_an_adults_questions_with_an_error_and_a_skip(live_server, page, check_page):
    page.goto(live_server("/adult"))
    _send_adult_form(page)
    page.wait_for_url("**/adult/sent")
    check_page(page, "adult-sent-with-invitation")
    page.get_by_role("link", name="Answer the equality monitoring questions").click()
    page.wait_for_url("**/about-you")
    check_page(page, "about-you-adult")

    # A group heading is read with each answer in it.
    indian = page.get_by_role("group", name="Asian or Asian British").get_by_label("Indian")
    expect(indian).to_have_count(1)
    # Only a tampered request can give an answer not offered; its error must still be clear.
    page.locator("input[name=religion][value=christian]").evaluate("el => el.value = 'tampered'")
    page.locator("input[name=religion][value=tampered]").check()
    page.get_by_role("button", name="Send answers").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select one of the answers, or leave this question out"
    )
    check_page(page, "about-you-adult-errors")

    page.get_by_role("link", name="Skip these questions").click()
    page.wait_for_url(live_server("/"))
    assert _stored(live_server) == []


def test_the_page_without_a_submission(live_server, page, check_page):
    response = page.goto(live_server("/about-you"))
    assert response.status == 200
    check_page(page, "about-you-nothing")


def test_the_learning_team_sets_a_population(live_server, page):
    email = "learning@council.example"
    with live_server.app.app_context():
        secret = _account(email, StaffRole.LEARNING_TEAM)
        db.session.remove()
    sign_in(page, live_server, email, secret, "/staff/equality/population")
    page.get_by_role("link", name="Main language").click()
    _no_violations(page)

    page.get_by_role("radio", name="Percentages").check()
    page.get_by_label("English").fill("81.5")
    page.get_by_label("Welsh").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("add up to 91.5%")
    _no_violations(page)

    page.get_by_label("Another language").fill("8.5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The population for Main language is saved.")).to_be_visible()
    _no_violations(page)
    with live_server.app.app_context():
        stored = db.session.execute(select(ServicePopulation.option)).scalars().all()
        assert sorted(stored) == ["english", "other", "welsh"]
        db.session.remove()


def _no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
