"""The spike rules on constructed series: steady, a tripling from 2 and from 10, a slow
doubling over six months, a new team and a seasonal dip.

Each series is the team's count for one theme in the months before the month judged (oldest
first), then the count in the month judged.
"""

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import Team
from app.services.classification.themes import set_item_themes
from app.services.reports import trends
from app.services.reports.months import Month
from app.services.reports.trends import SpikeKind, TrendFilters, judge
from tests.factories import FeedbackItemFactory

STEADY = [4, 6, 5, 3, 7, 5, 4, 6, 5, 5, 6, 4]
# Five a month for six months, then rising month by month to ten.
SLOW_DOUBLING = [5, 5, 5, 5, 5, 5, 6, 7, 7, 8, 9, 9]
SEASONAL_DIP = [10, 11, 9, 10, 10, 4, 3, 10, 11, 9, 10, 10]
DIP_IN_THE_OLDER_HALF = [10, 9, 3, 4, 10, 11, 10, 9, 11, 10, 10, 10]


@pytest.mark.parametrize(
    ("history", "count", "expected"),
    [
        pytest.param(STEADY, 6, None, id="steady"),
        pytest.param(STEADY, 7, None, id="steady, a high month"),
        pytest.param([20] * 12, 24, None, id="steady at 20"),
        pytest.param([2] * 12, 6, SpikeKind.ONE_MONTH, id="tripling from 2"),
        pytest.param(
            [2, 1, 3, 2, 2, 2, 1, 3, 2, 2, 2, 2], 6, SpikeKind.ONE_MONTH, id="tripling from about 2"
        ),
        pytest.param([10] * 12, 30, SpikeKind.ONE_MONTH, id="tripling from 10"),
        pytest.param(
            [10, 9, 11, 10, 12, 8, 10, 10, 9, 11, 10, 10],
            30,
            SpikeKind.ONE_MONTH,
            id="tripling from about 10",
        ),
        pytest.param(SLOW_DOUBLING, 10, SpikeKind.SUSTAINED, id="slow doubling over six months"),
        pytest.param([6, 6], 6, None, id="new team steady at 6, 3rd month"),
        pytest.param([6], 6, None, id="new team steady at 6, 2nd month"),
        pytest.param([6] * 5, 12, None, id="new team, 6th month: too new even when doubled"),
        pytest.param([6] * 6, 6, None, id="team with six months, steady"),
        pytest.param(SEASONAL_DIP, 10, None, id="back to usual after a summer dip"),
        pytest.param(DIP_IN_THE_OLDER_HALF, 11, None, id="a dip in the baseline months"),
        pytest.param([10] * 12, 4, None, id="in the dip"),
    ],
)
def test_constructed_series(history, count, expected) -> None:
    assert judge(count, history) is expected


def test_the_slow_doubling_is_not_a_one_month_spike() -> None:
    """No single month of a slow doubling is far enough above the average to be flagged: only
    the rule for sustained rises sees it."""
    assert not trends.is_spike(10, SLOW_DOUBLING)
    assert trends.rise_score(10, SLOW_DOUBLING) > trends.CUSUM_LIMIT
    # A month earlier the rise was under way but not yet past the decision level.
    assert judge(9, SLOW_DOUBLING[:-1]) is None


def test_a_sustained_rise_needs_the_minimum_count() -> None:
    assert trends.rise_score(4, [1] * 6 + [2, 2, 3, 3, 4, 4]) > trends.CUSUM_LIMIT
    assert judge(4, [1] * 6 + [2, 2, 3, 3, 4, 4]) is None


def test_too_few_months_is_never_judged() -> None:
    assert judge(50, [0] * (trends.SPIKE_MIN_HISTORY - 1)) is None
    assert judge(50, [0] * trends.SPIKE_MIN_HISTORY) is SpikeKind.ONE_MONTH


MARCH = Month(2026, 3)


def _items(team: Team, month: Month, n: int, theme: str = "communication") -> None:
    for day in range(1, n + 1):
        item = FeedbackItemFactory(
            team=team, created_at=datetime(month.year, month.month, day, 12, tzinfo=UTC)
        )
        set_item_themes(item, [theme])


def test_a_new_team_steady_at_6_is_too_new_to_judge(app) -> None:
    """Months before the team existed are not zeros: a team that began in January with 6 a
    month is not spiking in February or March, and is listed as too new to judge."""
    new, old = Team(name="New"), Team(name="Old")
    db.session.add_all([new, old])
    for month in trends.months_between(Month(2026, 1), MARCH):
        _items(new, month, 6)
    for month in trends.months_between(Month(2025, 3), MARCH):
        _items(old, month, 2, "delay")
    db.session.commit()
    for month in (Month(2026, 2), MARCH):
        report = trends.spikes(TrendFilters(), month)
        assert report.spikes == ()
    assert trends.spikes(TrendFilters(), MARCH).too_new == (("New", Month(2026, 1)),)
    # Six months on, it is judged.
    assert trends.spikes(TrendFilters(), Month(2026, 7)).too_new == ()


def test_a_team_judged_only_on_the_months_it_existed(app) -> None:
    """Seven months at 2, then 6: flagged on the team's own seven months."""
    team = Team(name="Young")
    db.session.add(team)
    for month in trends.months_between(Month(2025, 8), Month(2026, 2)):
        _items(team, month, 2)
    _items(team, MARCH, 6)
    db.session.commit()
    report = trends.spikes(TrendFilters(), MARCH)
    assert [(s.team, s.count, s.usual, s.kind) for s in report.spikes] == [
        ("Young", 6, 2.0, SpikeKind.ONE_MONTH)
    ]
    assert report.too_new == ()
