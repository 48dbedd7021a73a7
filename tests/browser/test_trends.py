"""In a real browser: the learning team opens the trends page, reads a spike and a redacted
quote, changes a filter, meets the error summary for a tampered address, and every state
passes axe (WCAG 2.2 AA) at phone and desktop widths."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Channel,
    ClassificationState,
    Contact,
    ContactRole,
    FeedbackItem,
    FeedbackKind,
    StaffRole,
    Team,
)
from app.services.classification.themes import set_item_themes, taxonomy_themes
from app.services.demo import load_demo
from app.services.reports import trends
from app.services.reports.months import Month
from tests.browser.staff import sign_in
from tests.factories import FeedbackItemFactory, SafeguardingAlertFactory, StaffAccountFactory

pytestmark = pytest.mark.browser

EMAIL = "learning@council.example"


def _item(n: int, team: Team, when: datetime, themes: list[str], text: str, **fields) -> None:
    item = FeedbackItemFactory(
        created_at=when,
        team=team,
        received_via=Channel.SMS,
        message=text,
        message__classification_state=ClassificationState.DONE,
        **fields,
    )
    set_item_themes(item, themes)
    if n == 1:
        SafeguardingAlertFactory(
            feedback_item=item, created_at=when, acknowledged_at=when + timedelta(minutes=40)
        )


@pytest.fixture
def learning_team(live_server, monkeypatch):
    """A learning team account, and a March 2026 with a spike for North."""
    monkeypatch.setattr(trends, "current_month", lambda: Month(2026, 3))
    with live_server.app.app_context():
        user = StaffAccountFactory(email=EMAIL, name="Lee Learning", role=StaffRole.LEARNING_TEAM)
        north, south = Team(name="North"), Team(name="South")
        db.session.add_all([north, south])
        # A year of one a month before March, so North is not too new to judge.
        for month in trends.months_between(Month(2025, 3), Month(2026, 2)):
            _item(
                0,
                north,
                datetime(month.year, month.month, 20, 11, tzinfo=UTC),
                ["communication"],
                "Waiting again.",
            )
        for n in range(1, 8):
            when = datetime(2026, 3, n, 11, tzinfo=UTC)
            _item(
                n,
                north,
                when,
                ["communication", "delay"],
                f"Call {n} was never returned.",
                kind=FeedbackKind.COMPLAINT,
                submitter_role=ContactRole.PARENT,
            )
        _item(
            20,
            south,
            datetime(2026, 2, 14, 9, tzinfo=UTC),
            ["staff_conduct"],
            "Thank you Mrs Pritchard, you listened to my son Tyler.",
            kind=FeedbackKind.COMPLIMENT,
            submitter_role=ContactRole.PARENT,
            contact=Contact(role=ContactRole.PARENT, name="Dee Example"),
        )
        for n, (score, role) in enumerate(
            [(5, ContactRole.CHILD), (4, ContactRole.CHILD), (3, ContactRole.PARENT)], start=30
        ):
            _item(
                n,
                south,
                datetime(2025, 11, 3, tzinfo=UTC),
                [],
                "",
                kind=FeedbackKind.AUDIT,
                submitter_role=role,
                score=score,
            )
        db.session.commit()
        secret = user.totp_secret
        db.session.remove()
    return secret


def test_the_learning_team_reads_trends_and_filters_them(
    live_server, page: Page, learning_team, check_page
):
    # Five charts are drawn per view; on a loaded test machine that outlasts the 5 s default.
    page.set_default_timeout(30_000)
    sign_in(page, live_server, EMAIL, learning_team, "/staff/trends/")

    expect(page.get_by_role("heading", name="Spikes in March 2026")).to_be_visible()
    spikes = page.locator("table", has_text="This month")
    expect(spikes).to_contain_text("North")
    expect(page.get_by_role("img", name="Themes by month")).to_be_visible()
    expect(page.get_by_text("Thank you Mrs [name], you listened to my son [name].")).to_be_visible()
    expect(page.get_by_text("Call 1 was never returned.")).to_have_count(0)
    check_page(page, "trends")

    page.get_by_label("Team", exact=True).select_option(label="South")
    page.get_by_label("Kind", exact=True).select_option(label="Compliment")
    page.get_by_role("button", name="Show trends").click()
    page.wait_for_url("**team=*")
    expect(page.get_by_text("No theme is beyond its usual range")).to_be_visible()
    assert page.locator("#team option:checked").inner_text() == "South"
    assert page.get_by_label("Kind", exact=True).input_value() == "compliment"
    check_page(page, "trends-filtered")

    page.goto(live_server("/staff/trends/?month=2026-13&team=%3Cscript%3E"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a month from the list")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a team from the list")
    check_page(page, "trends-error")


@pytest.fixture
def a_year_of_demo_data(live_server):
    """The demo's year of feedback, with safeguarding alerts: most reviewed, some not."""
    with live_server.app.app_context():
        user = StaffAccountFactory(email=EMAIL, name="Lee Learning", role=StaffRole.LEARNING_TEAM)
        load_demo(items=240, seed=19)
        items = db.session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()
        # The classifier runs in the worker, which these tests do not start: themes are given
        # here instead, a fixed one per item.
        themes = list(taxonomy_themes())
        for item in items:
            set_item_themes(item, [themes[item.id % len(themes)]])
        for n, item in enumerate(items[::12]):
            raised = item.created_at
            reviewed = raised + timedelta(minutes=15 + 10 * n) if n % 4 else None
            SafeguardingAlertFactory(
                feedback_item=item, created_at=raised, acknowledged_at=reviewed
            )
        db.session.commit()
        secret = user.totp_secret
        db.session.remove()
    return secret


def test_a_year_of_demo_data_reads_with_years_and_counted_alerts(
    live_server, page: Page, a_year_of_demo_data, check_page
):
    """Quarter labels carry their years; the review-time sentence says how many alerts the
    figures rest on and how many are not yet reviewed."""
    page.set_default_timeout(30_000)
    sign_in(page, live_server, EMAIL, a_year_of_demo_data, "/staff/trends/")
    expect(page.get_by_role("heading", name=re.compile(r"^Spikes in "))).to_be_visible()

    quarter_heads = page.locator("#table-quarterly-caption").locator("xpath=..").locator("thead th")
    labels = quarter_heads.all_inner_texts()[1:-1]
    assert len(labels) == 4
    for label in labels:
        assert re.match(r"Q[1-4] 20\d\d/\d\d \(\w{3} to \w{3}\)", label), label
    # The chart's axis carries the years too: its SVG text, not only the table.
    axis = page.locator('svg[aria-labelledby^="chart-quarterly-title"]').inner_html()
    assert re.search(r"Q[1-4] 20\d\d/\d\d", axis) and not re.search(r">Q[1-4]<", axis)

    sentence = page.locator("p", has_text="alerts were raised:").first
    expect(sentence).to_be_visible()
    text = sentence.inner_text()
    found = re.search(r"(\d+) alerts were raised: (\d+) reviewed, (\d+) not yet reviewed", text)
    assert found, text
    raised, reviewed, waiting = (int(n) for n in found.groups())
    assert raised == reviewed + waiting and waiting > 0
    assert "The longest waiting has been open for" in text
    alerts_table = page.locator("#table-alerts-caption").locator("xpath=..")
    expect(alerts_table).to_contain_text("Not yet reviewed")
    expect(alerts_table).to_contain_text("(open up to")
    # Years before Heard held data are "no data", not 0.
    expect(page.locator("#table-monthly-caption").locator("xpath=..")).to_contain_text("no data")
    # The median's dot is drawn above the 90th percentile's hollow mark, never hidden by it.
    chart = page.locator('svg[aria-labelledby^="chart-review-times-title"]').inner_html()
    assert 'fill="none"' in chart
    check_page(page, "trends-demo-year")
