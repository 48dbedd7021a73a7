# ruff: noqa: RUF001 -- Welsh is written with curly apostrophes.
"""axe-core's WCAG 2.2 AA rules on the public notices (privacy, the children's privacy notice,
accessibility, cookies), each reached from the footer link every public page carries."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTICES = [
    ("Privacy", "Privacy notice"),
    ("Privacy for children and young people", "What we do with what you tell us"),
    ("Accessibility statement", "Accessibility statement for Heard"),
    ("Cookies", "Cookies"),
]


@pytest.mark.parametrize(("link", "heading"), NOTICES)
def test_each_notice_from_the_footer(live_server, page, check_page, link, heading):
    assert page.goto(live_server("/child")).status == 200
    page.locator(".govuk-footer").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button", name="Exit this page")).to_be_visible()
    check_page(page, f"notice-{link.lower().replace(' ', '-')}")


def test_the_footer_names_the_organisation_and_how_to_reach_it(live_server, page):
    page.goto(live_server("/"))
    footer = page.locator(".govuk-footer")
    expect(footer).to_contain_text("Run by Heard.")
    expect(footer.get_by_role("link", name="feedback@example.org")).to_have_attribute(
        "href", "mailto:feedback@example.org"
    )


WELSH_NOTICES = [
    ("Preifatrwydd", "Hysbysiad preifatrwydd"),
    (
        "Preifatrwydd i blant a phobl ifanc",
        "Beth rydyn ni’n ei wneud gyda’r hyn rwyt ti’n ei ddweud wrthon ni",
    ),
    ("Datganiad hygyrchedd", "Datganiad hygyrchedd ar gyfer Heard"),
    ("Cwcis", "Cwcis"),
]


@pytest.mark.parametrize(("link", "heading"), WELSH_NOTICES)
def test_each_notice_in_welsh_from_the_footer(live_server, page, check_page, link, heading):
    """The same checks in Welsh, whose longer words are the ones that spill off a phone."""
    assert page.goto(live_server("/child?lang=cy")).status == 200
    page.locator(".govuk-footer").get_by_role("link", name=link, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button", name="Gadael y dudalen hon")).to_be_visible()
    check_page(page, f"notice-cy-{link.lower().replace(' ', '-')}")
