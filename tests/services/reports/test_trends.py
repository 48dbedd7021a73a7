"""Trends from a known fixture: every number checked by hand.

The month in focus is March 2026, so the monthly table runs April 2025 to March 2026 and the
quarters are the four of the financial year 2025/26, each beside the year before.
"""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import (
    AlertOutcome,
    Channel,
    Contact,
    ContactRole,
    FeedbackItem,
    FeedbackKind,
    Team,
)
from app.services.classification.themes import set_item_themes
from app.services.reports import trends
from app.services.reports.months import Month, Quarter
from app.services.reports.trends import ScoreGroup, TrendFilters, Window
from tests.factories import FeedbackItemFactory, SafeguardingAlertFactory

MARCH = Month(2026, 3)


def add(
    when: datetime,
    team: Team | None,
    themes: list[str],
    kind: FeedbackKind = FeedbackKind.COMPLAINT,
    role: ContactRole = ContactRole.PARENT,
    channel: Channel = Channel.SMS,
    text: str = "The social worker never rang back.",
    score: int | None = None,
    contact: Contact | None = None,
    case_reference: str | None = None,
) -> FeedbackItem:
    item = FeedbackItemFactory(
        kind=kind,
        created_at=when,
        team=team,
        submitter_role=role,
        score=score,
        contact=contact,
        case_reference=case_reference,
        received_via=channel,
        message=text,
    )
    set_item_themes(item, themes)
    return item


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def fixture(app, monkeypatch):
    """Two teams and a year and a month of feedback, alerts and audit answers."""
    monkeypatch.setattr(trends, "current_month", lambda: MARCH)
    north, south = Team(name="North"), Team(name="South")
    db.session.add_all([north, south])
    # North, communication: one a month from March 2025 to February 2026, then six in March.
    for month in trends.months_between(Month(2025, 3), Month(2026, 2)):
        add(at(month.year, month.month, 10), north, ["communication"])
    march = [
        add(at(2026, 3, day), north, ["communication"], text=f"Day {day}: nobody called back.")
        for day in range(2, 8)
    ]
    # A child's web form in January with two themes counts once under each.
    add(
        at(2026, 1, 20),
        north,
        ["communication", "delay"],
        role=ContactRole.CHILD,
        channel=Channel.WEB_CHILD,
    )
    # South, delay: comments from professionals by email, three this March, two a year before.
    for day in (3, 4, 5):
        add(
            at(2026, 3, day),
            south,
            ["delay"],
            FeedbackKind.COMMENT,
            ContactRole.PROFESSIONAL,
            Channel.EMAIL,
        )
    for day in (3, 4):
        add(
            at(2025, 3, day),
            south,
            ["delay"],
            FeedbackKind.COMMENT,
            ContactRole.PROFESSIONAL,
            Channel.EMAIL,
        )
    # 23:30 UTC on 31 March is 00:30 on 1 April in British Summer Time.
    add(at(2025, 3, 31, 23, 30), south, ["bias"])
    add(at(2026, 3, 31, 23, 30), north, ["communication"])
    # Audit answers in the window (April 2025 to March 2026) and one the year before.
    for score, role, team in [
        (5, ContactRole.CHILD, north),
        (4, ContactRole.CHILD, north),
        (4, ContactRole.YOUNG_PERSON, south),
        (3, ContactRole.CARE_LEAVER, north),
        (2, ContactRole.PARENT, north),
        (5, ContactRole.PROFESSIONAL, south),
        (1, ContactRole.OTHER, south),
    ]:
        add(at(2025, 9, 1), team, [], FeedbackKind.AUDIT, role, Channel.WEB_AUDIT, "", score)
    add(at(2025, 3, 1), north, [], FeedbackKind.AUDIT, ContactRole.CHILD, Channel.WEB_AUDIT, "", 2)
    # Alerts: three reviewed in March after 10, 30 and 60 minutes and one not yet; one in
    # February after two hours. The two newest March items carry live alerts.
    raised = at(2026, 3, 6, 10)
    SafeguardingAlertFactory(
        feedback_item=march[4], created_at=raised, acknowledged_at=raised + timedelta(minutes=10)
    )
    SafeguardingAlertFactory(
        feedback_item=march[5], created_at=raised, acknowledged_at=raised + timedelta(minutes=30)
    )
    SafeguardingAlertFactory(
        feedback_item=march[0],
        created_at=raised,
        closed_at=raised + timedelta(minutes=60),
        outcome=AlertOutcome.NOT_SAFEGUARDING,
    )
    SafeguardingAlertFactory(feedback_item=march[1], created_at=raised)
    feb = at(2026, 2, 10, 9)
    SafeguardingAlertFactory(
        feedback_item=march[2],
        created_at=feb,
        acknowledged_at=feb + timedelta(hours=3),
        closed_at=feb + timedelta(hours=2),
    )
    db.session.commit()
    return {"north": north, "south": south, "march": march}


def series(table: trends.ThemeTable, theme: str) -> trends.ThemeSeries:
    return next(s for s in table.series if s.theme == theme)


def test_window_months_and_quarters() -> None:
    window = Window(MARCH)
    assert window.months[0] == Month(2025, 4) and window.months[-1] == MARCH
    assert len(window.months) == 12
    assert window.quarters == [
        Quarter(2025, 1),
        Quarter(2025, 2),
        Quarter(2025, 3),
        Quarter(2025, 4),
    ]


def test_themes_by_month_beside_the_year_before(fixture) -> None:
    monthly, _ = trends.theme_tables(TrendFilters(), Window(MARCH))
    assert monthly.periods == tuple(Window(MARCH).months)
    communication = series(monthly, "communication")
    # April 2025 ... March 2026; January has the child's item too; the April 2026 item is out.
    assert communication.counts == (1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 6)
    # Heard's data start in March 2025: before it a year-before count is "no data", not 0.
    assert communication.previous == (None,) * 11 + (1,)
    assert communication.previous_total is None
    delay = series(monthly, "delay")
    assert delay.counts == (0,) * 9 + (1, 0, 3)
    assert delay.previous == (None,) * 11 + (2,)
    # Sent at 23:30 UTC on 31 March 2025, received in April in England.
    assert series(monthly, "bias").counts == (1,) + (0,) * 11
    assert monthly.partial == (False,) * 11 + (True,)


def test_themes_by_quarter_beside_the_year_before(fixture) -> None:
    _, quarterly = trends.theme_tables(TrendFilters(), Window(MARCH))
    assert series(quarterly, "communication").counts == (3, 3, 3, 9)
    # January to March 2025 is only partly covered by Heard's data (from March 2025).
    assert series(quarterly, "communication").previous == (None, None, None, None)
    assert series(quarterly, "delay").counts == (0, 0, 0, 4)
    assert quarterly.partial == (False, False, False, True)


@pytest.mark.parametrize(
    ("filters", "communication", "delay"),
    [
        (TrendFilters(kind=FeedbackKind.COMMENT), 0, 3),
        (TrendFilters(role=ContactRole.CHILD), 0, 0),
        (TrendFilters(channel=Channel.SMS), 6, 0),
        (TrendFilters(channel=Channel.EMAIL), 0, 3),
        (TrendFilters(role=ContactRole.PROFESSIONAL, channel=Channel.SMS), 0, 0),
    ],
)
def test_filters_narrow_the_counts(fixture, filters, communication, delay) -> None:
    monthly, _ = trends.theme_tables(filters, Window(MARCH))
    assert series(monthly, "communication").counts[-1] == communication
    assert series(monthly, "delay").counts[-1] == delay


def test_team_and_role_filters(fixture) -> None:
    south, _ = trends.theme_tables(TrendFilters(team_id=fixture["south"].id), Window(MARCH))
    assert series(south, "communication").total == 0
    assert series(south, "delay").counts[-1] == 3 and series(south, "bias").total == 1
    child, _ = trends.theme_tables(TrendFilters(role=ContactRole.CHILD), Window(MARCH))
    assert series(child, "communication").counts[9] == 1 and series(child, "delay").total == 1


@pytest.mark.parametrize(
    ("history", "usual", "limit"),
    [
        ([2] * 12, 2.0, 5),  # P(X <= 4) = 0.947, P(X <= 5) = 0.983 for a mean of 2
        ([1] * 12, 1.0, 3),  # P(X <= 2) = 0.920, P(X <= 3) = 0.981
        ([0] * 12, 0.0, 0),
        ([0] * 9 + [1, 1, 1], 0.25, 2),  # P(X <= 1) = 0.974, P(X <= 2) = 0.998
    ],
)
def test_spike_limit_is_reached_less_than_once_in_50_months(history, usual, limit) -> None:
    assert trends.spike_limit(history) == (pytest.approx(usual), limit)


def test_spike_rule_with_known_numbers() -> None:
    # A tripling from 2 a month to 6 is flagged (it was not, when the limit was 6).
    assert trends.is_spike(6, [2] * 12)
    assert not trends.is_spike(5, [2] * 12)
    # A quiet theme going from 1 to 3 is above its limit but below the minimum count.
    assert not trends.is_spike(3, [0] * 9 + [1, 1, 1])
    assert trends.is_spike(5, [0] * 12)
    assert not trends.is_spike(4, [0] * 12)


def test_spikes_this_month(fixture) -> None:
    report = trends.spikes(TrendFilters(), MARCH)
    # North's history for communication: 13 over 12 months, so a limit of 4; March has 6.
    assert [(s.team, s.theme, s.count, s.limit, s.kind) for s in report.spikes] == [
        ("North", "communication", 6, 4, trends.SpikeKind.ONE_MONTH)
    ]
    assert report.spikes[0].usual == pytest.approx(13 / 12)
    # South's first feedback came in March 2025: twelve months of history, not too new.
    assert report.too_new == ()
    # South's three delays are new but fewer than the minimum; filtered to South, none.
    assert trends.spikes(TrendFilters(team_id=fixture["south"].id), MARCH).spikes == ()
    assert trends.spikes(TrendFilters(kind=FeedbackKind.COMMENT), MARCH).spikes == ()


def test_audit_scores_for_children_and_adults(fixture) -> None:
    scores = {s.group: s for s in trends.audit_scores(TrendFilters(), Window(MARCH))}
    children = scores[ScoreGroup.CHILDREN]
    assert children.distribution == (0, 0, 1, 2, 1)
    assert children.average == pytest.approx(4.0)
    assert children.previous_distribution == (0, 1, 0, 0, 0)
    assert children.previous_average == pytest.approx(2.0)
    adults = scores[ScoreGroup.ADULTS]
    assert adults.distribution == (0, 1, 0, 0, 1) and adults.average == pytest.approx(3.5)
    assert adults.previous_count == 0 and adults.previous_average is None
    assert scores[ScoreGroup.NOT_SAID].distribution == (1, 0, 0, 0, 0)
    south = trends.audit_scores(TrendFilters(team_id=fixture["south"].id), Window(MARCH))
    assert [s.count for s in south] == [1, 1, 1]


def test_audit_scores_per_team(fixture) -> None:
    teams = {t.team: t.groups for t in trends.team_audit_scores(TrendFilters(), Window(MARCH))}
    assert teams["North"][ScoreGroup.CHILDREN] == (3, pytest.approx(4.0))
    assert teams["North"][ScoreGroup.ADULTS] == (1, pytest.approx(2.0))
    assert ScoreGroup.NOT_SAID not in teams["North"]
    assert teams["South"][ScoreGroup.CHILDREN] == (1, pytest.approx(4.0))
    assert teams["South"][ScoreGroup.NOT_SAID] == (1, pytest.approx(1.0))


def test_alert_volume_and_time_to_review_counting_the_unreviewed(fixture) -> None:
    months, year = trends.alert_review_times(TrendFilters(), Window(MARCH))
    by_month = {a.month: a.times for a in months}
    march = by_month[MARCH]
    assert (march.raised, march.reviewed, march.unreviewed) == (4, 3, 1)
    # Of all four (10, 30 and 60 minutes and one never reviewed), the 2nd is the median; the
    # 4th would be the 90th percentile, and it has not been reviewed.
    assert march.median_minutes == pytest.approx(30)
    assert march.p90_minutes is None
    # Raised on 6 March 2026 10:00 and open since; the tests run on 18 November 2026.
    assert march.oldest_open_days == 257
    # Closed after two hours, acknowledged after three: reviewed when first acted on.
    assert by_month[Month(2026, 2)].median_minutes == pytest.approx(120)
    assert by_month[Month(2026, 2)].oldest_open_days is None
    january = by_month[Month(2026, 1)]
    assert january.raised == 0 and january.median_minutes is None
    assert (year.raised, year.reviewed) == (5, 4)
    assert year.median_minutes == pytest.approx(60) and year.p90_minutes is None
    south, _ = trends.alert_review_times(TrendFilters(team_id=fixture["south"].id), Window(MARCH))
    assert sum(a.times.raised for a in south) == 0


def test_one_reviewed_alert_of_95_has_no_median() -> None:
    """The board was told "half within 5 minutes" from 1 reviewed alert of 95."""
    times = trends.review_times(95, [5.0], [])
    assert (times.raised, times.reviewed, times.unreviewed) == (95, 1, 94)
    assert times.median_minutes is None and times.p90_minutes is None


@pytest.mark.parametrize(
    ("reviewed", "raised", "median", "p90"),
    [
        ([5.0], 1, 5.0, 5.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 10, 5.0, 9.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], 10, 5.0, 9.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], 10, 5.0, None),
        ([1.0, 2.0, 3.0, 4.0], 10, None, None),
    ],
)
def test_review_times_by_nearest_rank(reviewed, raised, median, p90) -> None:
    assert trends.within(0.5, reviewed, raised) == median
    assert trends.within(0.9, reviewed, raised) == p90


def test_quotes_newest_first_redacted_and_never_restricted(fixture) -> None:
    quotes = trends.theme_quotes(TrendFilters(), Window(MARCH), may_see_safeguarding=False)
    # The items of 3, 4, 6 and 7 March have live alerts; the alert on 2 March's was closed as
    # not a safeguarding matter.
    assert [q.text for q in quotes["communication"]] == [
        "Day 5: nobody called back.",
        "Day 2: nobody called back.",
        "The social worker never rang back.",
    ]
    # Each quote carries its theme and month, never its day or reference.
    assert {(q.theme, q.month) for q in quotes["communication"][:2]} == {("Communication", MARCH)}
    reviewer = trends.theme_quotes(TrendFilters(), Window(MARCH), may_see_safeguarding=True)
    assert [q.text[:5] for q in reviewer["communication"]] == ["Day 7", "Day 6", "Day 5"]
    assert len(quotes["delay"]) == 3 and len(quotes["bias"]) == 1
    assert "staff_conduct" not in quotes


def test_quotes_lose_the_contacts_details(app, monkeypatch) -> None:
    monkeypatch.setattr(trends, "current_month", lambda: MARCH)
    contact = Contact(role=ContactRole.PARENT, name="Zed Quuxley", phone="+447700900123")
    add(
        at(2026, 3, 9),
        None,
        ["delay"],
        contact=contact,
        case_reference="FC123456",
        text="quuxley here. ring 07700 900123 about FC123456, i am still waiting",
    )
    db.session.commit()
    (quote,) = trends.theme_quotes(TrendFilters(), Window(MARCH), False)["delay"]
    assert quote.text == "[name] here. ring [phone] about [case number], i am still waiting"
