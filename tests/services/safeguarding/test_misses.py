"""The arithmetic of measuring misses: Wilson intervals and sampling weeks."""

from datetime import UTC, date, datetime

import pytest

from app.services.safeguarding.misses import week_of, wilson


@pytest.mark.parametrize(
    ("found", "out_of", "low", "high"),
    [
        # Published Wilson 95% intervals (Newcombe 1998 and standard tables).
        (0, 20, 0.0, 0.1611),
        (2, 40, 0.0138, 0.1650),
        (20, 20, 0.8389, 1.0),
        (1, 1, 0.2065, 1.0),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_wilson_matches_published_intervals(found, out_of, low, high):
    rate = wilson(found, out_of)
    assert rate.low == pytest.approx(low, abs=1e-4)
    assert rate.high == pytest.approx(high, abs=1e-4)
    assert rate.value == found / out_of


def test_no_data_gives_no_rate():
    rate = wilson(0, 0)
    assert (rate.value, rate.low, rate.high) == (None, None, None)


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), date(2026, 2, 23)),  # Sunday night, GMT
        (datetime(2026, 5, 31, 23, 30, tzinfo=UTC), date(2026, 6, 1)),  # already Monday in BST
        (datetime(2026, 6, 3, 12, tzinfo=UTC), date(2026, 6, 1)),
    ],
)
def test_the_sampling_week_starts_on_monday_in_england(moment, monday):
    assert week_of(moment) == monday
