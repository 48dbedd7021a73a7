# ruff: noqa: RUF001 -- Welsh is written with curly apostrophes.
"""The public pages in Welsh, in a real browser: chosen with the language link, kept from page
to page, checked with axe like the English ones, and the children's form sent in Welsh to a
Welsh confirmation that gives Childline's number."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Message
from tests.browser.test_accessibility import _audit_link

pytestmark = pytest.mark.browser


def _welsh(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "cy"


def test_a_child_sends_the_form_in_welsh_and_is_told_in_welsh_where_to_get_help(
    live_server, page, check_page
):
    page.goto(live_server("/"))
    page.get_by_role("link", name="Cymraeg").click()
    _welsh(page)
    check_page(page, "cy-start")

    page.get_by_role("button", name="Plentyn neu berson ifanc ydw i").click()
    page.wait_for_url("**/child")
    _welsh(page)
    expect(page.get_by_role("button", name="Gadael y dudalen hon")).to_be_visible()
    check_page(page, "cy-child-form")

    page.get_by_role("button", name="Anfon").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Mae problem")
    expect(page).to_have_title(re.compile(r"^Gwall: "))
    check_page(page, "cy-child-form-errors")

    page.get_by_role("radio", name="Rhywbeth sy’n fy mhoeni").check()
    page.get_by_label("Beth ddigwyddodd?").fill("Mae dad yn fy nharo i pan mae o’n flin.")
    page.get_by_role("radio", name="Trist iawn").check()
    page.get_by_role("button", name="Anfon").click()
    page.wait_for_url("**/child/sent")

    _welsh(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gwnest ti’r peth iawn yn dweud wrthon ni"
    )
    expect(page.get_by_role("link", name="Ffonio 0800 1111")).to_have_attribute(
        "href", "tel:08001111"
    )
    check_page(page, "cy-child-sent")

    with live_server.app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.language == "cy"
        assert message.feedback_item.contact.language == "cy"


def test_a_childs_ordinary_message_in_welsh_is_confirmed_with_childline(
    live_server, page, check_page
):
    page.goto(live_server("/child?lang=cy"))
    page.get_by_role("radio", name="Rhywbeth da").check()
    page.get_by_label("Beth ddigwyddodd?").fill("Mae fy ngweithiwr yn gwrando arna i.")
    page.get_by_role("button", name="Anfon").click()
    page.wait_for_url("**/child/sent")
    _welsh(page)
    expect(page.locator(".govuk-panel__title")).to_have_text("Neges wedi’i hanfon")
    help_line = page.get_by_text("Gallet ti ffonio Childline ar 0800 1111 am unrhyw beth.")
    expect(help_line).to_be_visible()
    check_page(page, "cy-child-sent-ordinary")


@pytest.mark.parametrize("path", ["/adult", "/hide-your-visit"])
def test_other_public_pages_in_welsh(live_server, page, check_page, path):
    page.goto(live_server(f"{path}?lang=cy"))
    _welsh(page)
    check_page(page, f"cy{path.replace('/', '-')}")


def test_the_adult_form_errors_in_welsh(live_server, page, check_page):
    page.goto(live_server("/adult?lang=cy"))
    page.get_by_role("button", name="Anfon").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Dewiswch a ydych chi")
    check_page(page, "cy-adult-form-errors")


def test_english_comes_back_with_the_english_link(live_server, page):
    page.goto(live_server("/child?lang=cy"))
    page.get_by_role("link", name="English").click()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(live_server("/"))
    assert page.evaluate("document.documentElement.lang") == "en"


def test_the_equality_questions_in_welsh(live_server, page, check_page):
    page.goto(live_server("/child?lang=cy"))
    page.get_by_role("radio", name="Rhywbeth da").check()
    page.get_by_label("Beth ddigwyddodd?").fill("Diolch am wrando arna i.")
    page.get_by_role("button", name="Anfon").click()
    page.wait_for_url("**/child/sent")
    page.get_by_role("link", name="Ateb rhai cwestiynau amdanat ti").click()
    _welsh(page)
    expect(page.get_by_text("Faint yw dy oed di?")).to_be_visible()
    check_page(page, "cy-about-you")
    page.get_by_role("button", name="Anfon fy atebion").click()
    _welsh(page)
    check_page(page, "cy-about-you-thanks")


def test_the_audit_form_in_welsh(live_server, page, check_page):
    page.goto(_audit_link(live_server) + "?lang=cy")
    _welsh(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dywedwch wrthon ni sut wnaethon ni")
    check_page(page, "cy-audit-form")
    page.get_by_role("radio", name="Da", exact=True).check()
    page.get_by_role("radio", name="Rhiant").check()
    page.get_by_role("button", name="Anfon").click()
    page.wait_for_url("**/how-did-we-do/thank-you")
    _welsh(page)
    check_page(page, "cy-audit-sent")
