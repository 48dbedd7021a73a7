"""The trends page: who may see it, what it shows, and hostile query strings."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.jobs.periodic import PERIODIC
from app.jobs.trends import warm_trends
from app.models import FeedbackItem, StaffRole
from app.services.classification.themes import set_item_themes
from app.services.reports import trends
from app.services.reports.months import Month
from app.web import trend_charts
from tests.factories import ContactFactory, SafeguardingAlertFactory, TeamFactory
from tests.web.conftest import _add_item, _sign_in

MARCH = Month(2026, 3)


@pytest.fixture
def learning(client, make_staff, sign_in):
    """The learning team signed in on `client`."""
    login = make_staff(StaffRole.LEARNING_TEAM)
    assert sign_in(client, login).status_code == 302
    return login


@pytest.fixture
def feedback(app, add_item, monkeypatch):
    """North's communication spike in March 2026, a quote with a name, and a restricted one."""
    monkeypatch.setattr(trends, "current_month", lambda: MARCH)
    north = TeamFactory(name="North")
    # A year of one a month, so North is old enough to judge.
    for month in trends.months_between(Month(2025, 3), Month(2026, 2)):
        item = add_item(
            "Still waiting for a call",
            created_at=datetime(month.year, month.month, 15, 10, tzinfo=UTC),
            team_id=north.id,
        )
        set_item_themes(item, ["communication"])
    for day in range(1, 7):
        item = add_item(
            f"Day {day}: nobody called back",
            created_at=datetime(2026, 3, day, 10, tzinfo=UTC),
            team_id=north.id,
        )
        set_item_themes(item, ["communication"])
    named = add_item(
        "Mrs Okonkwo never rang me back, call 07700 900123",
        created_at=datetime(2026, 3, 9, 10, tzinfo=UTC),
        team_id=north.id,
        contact=ContactFactory(name="Ada Okonkwo"),
    )
    set_item_themes(named, ["communication"])
    restricted = add_item(
        "RESTRICTED disclosure text",
        created_at=datetime(2026, 3, 10, 10, tzinfo=UTC),
        team_id=north.id,
    )
    set_item_themes(restricted, ["communication"])
    raised = datetime(2026, 3, 10, 10, tzinfo=UTC)
    SafeguardingAlertFactory(
        feedback_item=restricted, created_at=raised, acknowledged_at=raised + timedelta(minutes=25)
    )
    # A team whose first feedback came this month is too new to judge.
    east = TeamFactory(name="East")
    for day in range(1, 9):
        item = add_item(
            f"East {day}", created_at=datetime(2026, 3, day, 9, tzinfo=UTC), team_id=east.id
        )
        set_item_themes(item, ["delay"])
    db.session.commit()
    return north


@pytest.mark.parametrize("role", [StaffRole.COMPLAINTS_OFFICER, StaffRole.SAFEGUARDING_REVIEWER])
def test_other_roles_are_refused(client, make_staff, sign_in, role):
    assert sign_in(client, make_staff(role)).status_code == 302
    assert client.get("/staff/trends/").status_code == 403
    assert "/staff/trends/" not in client.get("/staff/").text


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/staff/trends/")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


@pytest.mark.parametrize("role", [StaffRole.LEARNING_TEAM, StaffRole.MANAGER, StaffRole.ADMIN])
def test_allowed_roles_see_it_in_the_navigation(client, make_staff, sign_in, role):
    assert sign_in(client, make_staff(role)).status_code == 302
    assert 'href="/staff/trends/"' in client.get("/staff/").text
    assert client.get("/staff/trends/").status_code == 200


def test_the_page_shows_spikes_charts_tables_and_redacted_quotes(client, learning, feedback):
    page = client.get("/staff/trends/?month=2026-03")
    assert page.status_code == 200
    text = page.text
    assert "Spikes in March 2026" in text
    assert "than we would expect from this team" in text
    assert "How this is worked out" in text and "CUSUM" in text
    spike_row = re.search(r"<td class=\"govuk-table__cell\">North</td>.*?</tr>", text, re.S)
    assert spike_row and "Communication" in spike_row.group() and ">8<" in spike_row.group()
    assert "This month alone" in spike_row.group()
    assert "Too new to judge: East (feedback since Mar 2026)." in text
    assert not re.search(r"<td class=\"govuk-table__cell\">East</td>", text)
    # Five charts, each an image with a title, a description and no inline CSS.
    charts = re.findall(r"<svg role=\"img\" aria-labelledby=\"([\w-]+)-title \1-desc\"", text)
    assert charts == [
        "chart-monthly",
        "chart-quarterly",
        "chart-scores",
        "chart-alerts",
        "chart-review-times",
    ]
    assert 'style="' not in "".join(re.findall(r"<svg.*?</svg>", text, re.S))
    assert "1 safeguarding alert was raised in the 12 months to March 2026." in text
    assert (
        "In the 12 months to March 2026, 1 alert was raised: 1 reviewed, 0 not yet reviewed. "
        "Of all 1, half were reviewed within 25 minutes and 9 in 10 within 25 minutes."
    ) in text
    # Quarters carry their years; a year before Heard had data is "no data", not 0.
    assert "Q4 2025/26 (Jan to Mar)" in text and "Q1 2025/26 (Apr to Jun)" in text
    assert "no data" in text
    # Quotes: redacted, and nothing from the item with a live alert.
    assert "Mrs [name] never rang me back, call [phone]" in text
    assert "Okonkwo" not in text and "07700" not in text
    assert "RESTRICTED" not in text


def test_a_manager_may_read_quotes_from_safeguarding_items(client, make_staff, sign_in, feedback):
    assert sign_in(client, make_staff(StaffRole.MANAGER)).status_code == 302
    assert "RESTRICTED disclosure text" in client.get("/staff/trends/?month=2026-03").text


def test_filters_change_the_numbers(client, learning, feedback):
    other = client.get(f"/staff/trends/?month=2026-03&team={feedback.id}&kind=compliment")
    assert other.status_code == 200
    assert "No theme is beyond its usual range" in other.text
    assert "Nothing to quote for these filters." in other.text


@pytest.mark.parametrize(
    "query",
    [
        "month=2026-13",
        "month=1999-01",
        "month=%00",
        "month=2026-03%27%20OR%201=1",
        "team=999999999999999999999999",
        "team=-1",
        "team=abc",
        "channel=fax",
        "kind=%3Cscript%3Ealert(1)%3C/script%3E",
        "role=judge",
        "role=" + "x" * 5000,
        "month=%EF%BF%BD",
    ],
)
def test_hostile_query_strings_get_the_error_summary(client, learning, feedback, query):
    response = client.get(f"/staff/trends/?{query}")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "<script>alert(1)" not in response.text
    assert "<svg" not in response.text


def test_repeated_and_unknown_parameters_are_harmless(client, learning, feedback):
    response = client.get("/staff/trends/?month=2026-03&month=nonsense&page=7&x=%FF")
    assert response.status_code == 200


def test_an_empty_service_still_has_a_page(client, learning):
    """No feedback, teams or alerts yet: every chart and table says so instead of failing."""
    page = client.get("/staff/trends/")
    assert page.status_code == 200
    assert "No feedback with themes in the 12 months to" in page.text
    assert "No audit scores in the 12 months to" in page.text
    assert "No safeguarding alert was raised in" in page.text
    assert page.text.count('<svg role="img"') == 5


def _count_draws(monkeypatch) -> list[str]:
    """The id of each chart matplotlib draws, as it draws it."""
    drawn: list[str] = []
    draw = trend_charts._svg

    def counting(figure, chart_id, *rest):
        drawn.append(chart_id)
        return draw(figure, chart_id, *rest)

    monkeypatch.setattr(trend_charts, "_svg", counting)
    return drawn


def _count_reads(monkeypatch) -> list[str]:
    """Each time build() asks the database for the theme counts."""
    reads: list[str] = []
    read = trends.theme_tables

    def counting(*args):
        reads.append("themes")
        return read(*args)

    monkeypatch.setattr(trends, "theme_tables", counting)
    return reads


def _chart(page: str, chart_id: str) -> str:
    found = re.search(rf'<svg role="img" aria-labelledby="{chart_id}-title.*?</svg>', page, re.S)
    assert found, chart_id
    return found.group()


def test_two_identical_views_read_and_draw_once(client, learning, feedback, monkeypatch):
    drawn, reads = _count_draws(monkeypatch), _count_reads(monkeypatch)
    first = client.get("/staff/trends/?month=2026-03").text
    assert sorted(drawn) == sorted(
        ["chart-monthly", "chart-quarterly", "chart-scores", "chart-alerts", "chart-review-times"]
    )
    assert reads == ["themes"]
    second = client.get("/staff/trends/?month=2026-03").text
    assert len(drawn) == 5 and reads == ["themes"]
    assert _chart(second, "chart-monthly") == _chart(first, "chart-monthly")
    # Other filters are other numbers: read and drawn for themselves.
    client.get(f"/staff/trends/?month=2026-03&team={feedback.id}")
    assert len(reads) == 2


def test_new_feedback_is_read_and_drawn_at_the_next_view(
    client, learning, feedback, add_item, monkeypatch
):
    drawn, reads = _count_draws(monkeypatch), _count_reads(monkeypatch)
    before = client.get("/staff/trends/?month=2026-03").text
    item = add_item(
        "Nobody called", created_at=datetime(2026, 3, 20, 10, tzinfo=UTC), team_id=feedback.id
    )
    set_item_themes(item, ["delay"])
    db.session.commit()
    after = client.get("/staff/trends/?month=2026-03").text
    assert reads == ["themes", "themes"]
    assert _chart(after, "chart-monthly") != _chart(before, "chart-monthly")
    # The charts whose numbers did not change (scores, alerts) are not drawn again.
    assert drawn.count("chart-monthly") == 2 and drawn.count("chart-scores") == 1


def test_a_theme_correction_is_read_at_the_next_view(client, learning, feedback, monkeypatch):
    reads = _count_reads(monkeypatch)
    client.get("/staff/trends/?month=2026-03")
    item = (
        db.session.execute(db.select(FeedbackItem).where(FeedbackItem.team_id == feedback.id))
        .scalars()
        .first()
    )
    set_item_themes(item, ["delay"])
    db.session.commit()
    client.get("/staff/trends/?month=2026-03")
    assert reads == ["themes", "themes"]
    # Reading (and recording who read) moves nothing on.
    client.get("/staff/trends/?month=2026-03")
    assert reads == ["themes", "themes"]


def test_web_processes_share_the_cache_in_redis(
    make_app, make_staff, redis, redis_url, monkeypatch
):
    """Two apps (as two web processes) on one Redis: what one read and drew the other uses,
    and a commit in either is seen by both."""
    monkeypatch.setattr(trends, "current_month", lambda: MARCH)
    drawn, reads = _count_draws(monkeypatch), _count_reads(monkeypatch)
    login = make_staff(StaffRole.LEARNING_TEAM)
    first, second = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    clients = []
    for step, app in enumerate((first, second)):
        with app.app_context():
            client = app.test_client()
            assert _sign_in(client, login, steps_ahead=step).status_code == 302
            clients.append(client)
    for client in clients:
        assert client.get("/staff/trends/?month=2026-03").status_code == 200
    assert len(drawn) == 5 and reads == ["themes"]
    with second.app_context():
        item = _add_item("A new one", created_at=datetime(2026, 3, 3, 9, tzinfo=UTC))
        set_item_themes(item, ["delay"])
        db.session.commit()
    assert clients[0].get("/staff/trends/?month=2026-03").status_code == 200
    assert reads == ["themes", "themes"]
    assert drawn.count("chart-monthly") == 2


def test_a_job_reads_the_default_view_ahead_and_again_only_after_a_change(
    client, learning, feedback, add_item, monkeypatch
):
    reads = _count_reads(monkeypatch)
    assert warm_trends() == 2  # with and without restricted quotes
    assert warm_trends() == 0 and len(reads) == 2
    # The learning team's first view after the job reads nothing.
    assert client.get("/staff/trends/").status_code == 200
    assert len(reads) == 2
    item = add_item("Nobody called", created_at=datetime(2026, 3, 20, 10, tzinfo=UTC))
    set_item_themes(item, ["delay"])
    db.session.commit()
    assert warm_trends() == 2
    page = client.get("/staff/trends/").text
    assert len(reads) == 4
    assert "Themes by month" in page


def test_the_read_ahead_runs_every_minute() -> None:
    assert any(p.job is warm_trends and p.every_seconds == 60 for p in PERIODIC)
