"""Each nation's complaint rules through a complaint's whole life: received after hours before
Christmas, Stage 1, an extension, the response, escalation inside the window, the last stage
and what comes after it. Every date is checked against the `holidays` package's calendar for
that nation, counted here independently of `deadlines`."""

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from app.extensions import db
from app.models import ComplaintOutcome
from app.services.complaints import regimes, reminders, stages
from app.services.complaints.regimes import REGIMES, Regime
from app.services.complaints.stages import ComplaintRuleError
from app.services.reports.annual import band_names
from tests.factories import FeedbackItemFactory, StaffUserFactory

# Friday 18 December 2026 at 17:30 in London: after hours, so received on the next working day.
ARRIVED = datetime(2026, 12, 18, 17, 30, tzinfo=UTC)
NATION_OF = {"england-children": "ENG", "wales-children": "WLS", "scotland": "SCT"}


def working(day: date, nation: str) -> bool:
    calendar = holidays.country_holidays("GB", subdiv=nation, years=[day.year])
    return day.weekday() < 5 and day not in calendar


def plus_working_days(start: date, days: int, nation: str) -> date:
    day = start
    while days:
        day += timedelta(days=1)
        days -= working(day, nation)
    return day


def next_working_day(day: date, nation: str) -> date:
    day += timedelta(days=1)
    while not working(day, nation):
        day += timedelta(days=1)
    return day


@pytest.fixture(params=sorted(REGIMES))
def ruled(request, make_app, monkeypatch):
    key = request.param
    app = make_app(COMPLAINTS_REGIME=key, NATION=NATION_OF[key])
    with app.app_context():
        yield REGIMES[key], NATION_OF[key], monkeypatch


def test_a_complaint_lives_its_whole_life_under_each_regime(ruled):
    regime, nation, monkeypatch = ruled
    officer = StaffUserFactory()
    item = FeedbackItemFactory(created_at=ARRIVED)
    db.session.commit()
    one = stages.open_stage_one(item)
    received = next_working_day(date(2026, 12, 18), nation)
    assert received == date(2026, 12, 21)
    assert one.received_on == received
    first = regime.stage(1)
    assert one.due_on == plus_working_days(received, first.working_days, nation)

    # Reminders start inside the regime's window, not before.
    window = regime.reminder_within_working_days
    assert reminders._kind_for(window + 1) is None and reminders._kind_for(window) == "nudge"

    monkeypatch.setattr(stages, "today", lambda: received)
    assert first.extension is not None and stages.can_extend(one)
    choice = stages.extension_choice(one)
    days = first.extension.most_working_days if choice is None else choice[0]
    assert days is not None
    if choice is not None and choice[1] is not None:
        with pytest.raises(ComplaintRuleError, match=f"from {choice[0]} to {choice[1]}"):
            stages.extend(one, officer, "More time", working_days=choice[1] + 1)
    due = stages.extend(one, officer, "The social worker is away", working_days=days)
    assert due == plus_working_days(received, days, nation)

    responded = plus_working_days(received, 3, nation)
    monkeypatch.setattr(stages, "today", lambda: responded + timedelta(days=90))
    stages.record_outcome(one, officer, ComplaintOutcome.NOT_UPHELD, None, responded)
    closes = stages.escalation_closes(one)
    window_rule = regime.escalation_window
    if window_rule.working_days is not None:
        assert closes == plus_working_days(responded, window_rule.working_days, nation)
    else:
        assert closes is not None and (closes - responded).days in range(58, 63)
    assert closes is not None
    with pytest.raises(ComplaintRuleError, match=window_rule.words()):
        stages.escalate(one, officer, closes + timedelta(days=1))

    current = one
    for rule in regime.stages[1:]:
        requested = responded + timedelta(days=1)
        following = stages.escalate(current, officer, requested)
        assert following.stage == rule.number
        assert following.due_on == plus_working_days(requested, rule.working_days, nation)
        if rule.panel is not None:
            held = following.due_on
            stages.record_panel(following, officer, held)
            recommended = plus_working_days(held, rule.panel.recommendations_working_days, nation)
            assert stages.deadline(following).due == recommended
            stages.record_recommendations(following, officer, held)
            final = plus_working_days(held, rule.panel.response_working_days, nation)
            assert stages.deadline(following).due == final
            responded = held
        else:
            responded = following.due_on
        stages.record_outcome(following, officer, ComplaintOutcome.UPHELD, None, responded)
        current = following
    assert current.stage == regime.last_stage
    assert stages.escalation_closes(current) is None
    with pytest.raises(ComplaintRuleError, match=regime.after_last_stage):
        stages.escalate(current, officer, responded)


def test_the_regimes_say_what_each_nation_s_rules_say():
    england, wales, scotland = (
        REGIMES[k] for k in ("england-children", "wales-children", "scotland")
    )
    assert [s.working_days for s in england.stages] == [10, 25, 30]
    assert england.stage(3).panel is not None and england.escalation_window.working_days == 20
    assert [s.working_days for s in wales.stages] == [10, 25]
    assert all(s.panel is None for s in wales.stages)
    assert "Ombudsman for Wales" in wales.after_last_stage
    assert [s.working_days for s in scotland.stages] == [5, 20]
    assert "Scottish Public Services Ombudsman" in scotland.after_last_stage


def test_a_regime_is_frozen_and_an_unknown_one_is_refused():
    with pytest.raises(FrozenInstanceError):
        REGIMES["scotland"].reminder_within_working_days = 9  # type: ignore[misc]
    with pytest.raises(ValueError, match="england-children"):
        regimes.regime("northern-ireland")


@pytest.mark.parametrize("regime", REGIMES.values(), ids=lambda r: r.key)
def test_the_report_bands_come_from_the_regime(regime: Regime):
    names = band_names(regime.response_bands)
    assert len(names) == len(regime.response_bands) + 1
    assert f"Within {regime.response_bands[0]} working days" in names.values()
    assert f"Over {regime.response_bands[-1]} working days" in names.values()


def test_two_months_after_the_31st_is_the_end_of_a_shorter_month():
    window = REGIMES["scotland"].escalation_window
    assert window.closes(date(2026, 12, 31), "SCT") == date(2027, 2, 28)
