"""axe-core's WCAG 2.2 AA rules, and the basics axe does not check, on every public page.

Every page is checked in the state a person sees it: forms empty and re-shown with their
errors, confirmations after a real submission; check_page looks at a phone's width and a
desktop's.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.database import utcnow
from app.extensions import db
from app.services.intake.audit_invitations import create_invitation

pytestmark = pytest.mark.browser


def test_axe_finds_violations_on_a_bad_page(page, check_page):
    """The harness itself: axe runs its rules and the check fails when they find something."""
    page.set_content(
        '<html class="govuk-template" lang="en"><head><title>Bad</title>'
        '<link rel="stylesheet" href="/heard.css"></head>'
        '<body><h1>Bad</h1><img src="x.png"><input type="text"></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        check_page(page, "bad")
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)


def _audit_link(live_server, used=False, expired=False):
    """A fresh audit invitation's link, optionally already used or past its expiry."""
    with live_server.app.app_context():
        invitation, token = create_invitation(case_reference="CASE-0001")
        if used:
            invitation.used_at = utcnow()
        if expired:
            invitation.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    return live_server(f"/how-did-we-do/{token}")


def _send_child_form(page):
    page.get_by_role("radio", name="Something good").check()
    page.get_by_label("What happened?").fill("My worker listened to me.")
    page.get_by_role("button", name="Send").click()


def _send_adult_form(page):
    page.get_by_role("radio", name="A complaint").check()
    page.get_by_role("radio", name="Parent", exact=True).check()
    page.get_by_role("radio", name="No, it is my own").check()
    page.get_by_label("Your message").fill("Nobody returned my calls for three weeks.")
    page.get_by_role("radio", name="Do not contact me").check()
    page.get_by_role("button", name="Send").click()


def _expect_errors(page):
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))


def _expect_exit_this_page(page):
    expect(page.get_by_role("button", name="Exit this page")).to_be_visible()


def test_start_page(live_server, page, check_page):
    response = page.goto(live_server("/"))
    assert response.status == 200
    _expect_exit_this_page(page)
    check_page(page, "start")


def test_child_form(live_server, page, check_page):
    response = page.goto(live_server("/child"))
    assert response.status == 200
    _expect_exit_this_page(page)
    check_page(page, "child-form")


def test_child_form_with_errors(live_server, page, check_page):
    page.goto(live_server("/child"))
    page.get_by_role("button", name="Send").click()
    _expect_errors(page)
    _expect_exit_this_page(page)
    check_page(page, "child-form-errors")


def test_child_confirmation(live_server, page, check_page):
    page.goto(live_server("/child"))
    _send_child_form(page)
    page.wait_for_url("**/child/sent")
    _expect_exit_this_page(page)
    check_page(page, "child-sent")


def test_adult_form(live_server, page, check_page):
    response = page.goto(live_server("/adult"))
    assert response.status == 200
    check_page(page, "adult-form")


def test_adult_form_with_errors(live_server, page, check_page):
    page.goto(live_server("/adult"))
    page.get_by_role("button", name="Send").click()
    _expect_errors(page)
    check_page(page, "adult-form-errors")


def test_adult_confirmation(live_server, page, check_page):
    page.goto(live_server("/adult"))
    _send_adult_form(page)
    page.wait_for_url("**/adult/sent")
    check_page(page, "adult-sent")


def test_audit_form(live_server, page, check_page):
    response = page.goto(_audit_link(live_server))
    assert response.status == 200
    check_page(page, "audit-form")


def test_audit_form_with_errors(live_server, page, check_page):
    page.goto(_audit_link(live_server))
    page.get_by_role("button", name="Send").click()
    _expect_errors(page)
    check_page(page, "audit-form-errors")


def test_audit_confirmation(live_server, page, check_page):
    page.goto(_audit_link(live_server))
    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("radio", name="A parent").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/how-did-we-do/thank-you")
    check_page(page, "audit-sent")


@pytest.mark.parametrize(("problem", "status"), [("used", 410), ("expired", 410), ("unknown", 404)])
def test_audit_link_problems(live_server, page, check_page, problem, status):
    if problem == "unknown":
        link = live_server("/how-did-we-do/not-a-real-token")
    else:
        link = _audit_link(live_server, **{problem: True})
    response = page.goto(link)
    assert response.status == status
    check_page(page, f"audit-{problem}")


def test_not_found_page(live_server, page, check_page):
    response = page.goto(live_server("/no-such-page"))
    assert response.status == 404
    check_page(page, "not-found")


def test_child_form_works_without_javascript(live_server, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server("/child"))
    assert page.locator("body.js-enabled").count() == 0
    _expect_exit_this_page(page)
    _send_child_form(page)
    page.wait_for_url("**/child/sent")
    expect(page.locator(".heard-reference")).to_have_text(re.compile(r"^HD-"))


@pytest.mark.parametrize("how", ["button", "shift key"])
def test_exit_this_page_leaves_the_site(live_server, page, how):
    page.goto(live_server("/child"))
    page.get_by_label("What happened?").fill("Something private")
    if how == "button":
        page.get_by_role("button", name="Exit this page").click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(lambda url: not url.startswith(live_server.url))
