"""Equality monitoring: answers stored apart from the feedback, the service-user population,
and the complainant profile the annual report shows, checked against a known fixture."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, EqualityResponse, FeedbackKind, ServicePopulation
from app.services.reports import equality
from app.services.reports.equality import AlreadyAnswered, PopulationError, Unit
from app.services.reports.equality_questions import (
    BY_COLUMN,
    ETHNICITY,
    PREFER_NOT_TO_SAY,
    QUESTIONS,
    RELIGION,
)
from tests.factories import FeedbackItemFactory, StaffUserFactory

IN_YEAR = datetime(2025, 10, 1, 12, tzinfo=UTC)


def answer(kind: FeedbackKind = FeedbackKind.COMPLAINT, at: datetime = IN_YEAR, **answers):
    item = FeedbackItemFactory(kind=kind, created_at=at)
    if answers:
        assert equality.record_answers(item.id, answers)
    return item


@pytest.fixture
def year(app) -> None:
    """Five complainants in the year from 1 April 2025, three of whom answered, and
    submissions that must not count."""
    # 23:30 UTC on 31 March 2025 is 00:30 on 1 April in London (BST): inside the year.
    answer(
        at=datetime(2025, 3, 31, 23, 30, tzinfo=UTC),
        age_band="18_24",
        gender="female",
        ethnicity="white_british",
        religion="none",
        disability="no",
        language="english",
    )
    answer(
        age_band="25_34",
        gender="female",
        ethnicity="asian_indian",
        religion=PREFER_NOT_TO_SAY,
        disability="yes",
    )
    answer(ethnicity="white_british")
    answer()
    answer()
    # Not complainants in the year: a compliment, and a complaint on 1 April 2026 in London.
    answer(kind=FeedbackKind.COMPLIMENT, ethnicity="white_irish", religion="muslim")
    answer(at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC), ethnicity="black_african")
    equality.set_population(
        ETHNICITY,
        {"white_british": Decimal(3), "asian_indian": Decimal(1)},
        Unit.COUNT,
        StaffUserFactory(),
        None,
    )


def profile() -> dict[str, equality.EqualityTable]:
    tables = equality.complainant_profile(date(2025, 4, 1), date(2026, 3, 31))
    assert [table.question for table in tables] == [q.column for q in QUESTIONS]
    return {table.question: table for table in tables}


def rows(table: equality.EqualityTable) -> dict[str, equality.EqualityRow]:
    return {row.option: row for row in table.rows}


def test_ethnicity_beside_the_population(year):
    table = profile()["ethnicity"]
    assert table.title == "Ethnic group"
    assert (table.complainants, table.answered, table.prefer_not_to_say) == (5, 3, 0)
    assert (table.skipped, table.no_response, table.response_rate) == (0, 2, 60.0)
    by_option = rows(table)
    assert [row.option for row in table.rows] == [option.code for option in ETHNICITY.options]
    white = by_option["white_british"]
    assert (white.count, white.population_percent) == (2, 75.0)
    assert white.percent == pytest.approx(200 / 3)
    assert white.label == "English, Welsh, Scottish, Northern Irish or British"
    assert white.group == "White"
    indian = by_option["asian_indian"]
    assert (indian.count, indian.population_percent) == (1, 25.0)
    assert indian.percent == pytest.approx(100 / 3)
    assert by_option["black_african"].count == 0
    assert by_option["black_african"].percent == 0
    assert by_option["white_irish"].population_percent is None
    assert sum(row.count for row in table.rows) == 3


def test_prefer_not_to_say_and_skipped_are_counted_apart(year):
    religion = profile()["religion"]
    assert (religion.answered, religion.prefer_not_to_say) == (1, 1)
    assert (religion.skipped, religion.no_response) == (1, 2)
    assert religion.response_rate == 40.0
    assert rows(religion)["none"].percent == 100.0
    assert rows(religion)["muslim"].count == 0
    assert PREFER_NOT_TO_SAY not in rows(religion)


@pytest.mark.parametrize(
    ("question", "counts", "answered", "skipped", "rate"),
    [
        ("age_band", {"18_24": 1, "25_34": 1}, 2, 1, 40.0),
        ("gender", {"female": 2}, 2, 1, 40.0),
        ("disability", {"yes": 1, "no": 1}, 2, 1, 40.0),
        ("language", {"english": 1}, 1, 2, 20.0),
    ],
)
def test_every_other_question(year, question, counts, answered, skipped, rate):
    table = profile()[question]
    assert {row.option: row.count for row in table.rows if row.count} == counts
    assert (table.answered, table.skipped, table.no_response) == (answered, skipped, 2)
    assert table.response_rate == rate
    assert all(row.population_percent is None for row in table.rows)


def test_a_period_with_no_complainants(app):
    answer(kind=FeedbackKind.COMMENT, gender="male")
    for table in profile().values():
        assert (table.complainants, table.answered, table.response_rate) == (0, 0, None)
        assert all(row.count == 0 and row.percent is None for row in table.rows)


def test_answers_are_stored_once_and_only_from_the_vocabulary(app):
    item = FeedbackItemFactory()
    assert equality.record_answers(item.id, {"gender": "", "age_band": None}) is False
    assert not equality.has_answers(item.id)
    with pytest.raises(ValueError, match="ethnicity"):
        equality.record_answers(item.id, {"ethnicity": "martian"})
    with pytest.raises(ValueError, match="not equality questions"):
        equality.record_answers(item.id, {"gender": "male", "name": "Sam"})
    assert equality.record_answers(item.id, {"gender": "male", "language": PREFER_NOT_TO_SAY})
    with pytest.raises(AlreadyAnswered):
        equality.record_answers(item.id, {"gender": "female"})
    stored = db.session.execute(select(EqualityResponse)).scalar_one()
    assert (stored.gender, stored.language, stored.ethnicity) == ("male", PREFER_NOT_TO_SAY, None)
    assert equality.has_answers(item.id)


def test_every_question_has_distinct_codes_that_fit_the_column():
    for question in QUESTIONS:
        codes = [option.code for option in question.options]
        assert len(codes) == len(set(codes)) and PREFER_NOT_TO_SAY not in codes
        assert all(len(code) <= 32 for code in question.codes)
        assert BY_COLUMN[question.column] is question
        assert hasattr(EqualityResponse, question.column)


def population_rows() -> dict[str, Decimal]:
    return equality.population(RELIGION)


def test_population_as_percentages_replaces_the_last_and_is_audited(app):
    staff = StaffUserFactory()
    equality.set_population(
        RELIGION,
        {"christian": Decimal(50), "none": Decimal(50)},
        Unit.PERCENT,
        staff,
        "203.0.113.9",
    )
    # Rounded census shares that total 99.6% are accepted as they are.
    equality.set_population(
        RELIGION,
        {
            "christian": Decimal("43.2"),
            "none": Decimal("31.1"),
            "muslim": Decimal("25.3"),
            "sikh": None,
        },
        Unit.PERCENT,
        staff,
        None,
    )
    assert population_rows() == {
        "christian": Decimal("43.2"),
        "none": Decimal("31.1"),
        "muslim": Decimal("25.3"),
    }
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [e.action for e in events] == ["equality_population_changed"] * 2
    assert events[0].detail == {"question": "religion", "unit": "percent", "answers_set": 2}
    assert events[0].ip_address == "203.0.113.9"


def test_population_from_counts_of_people(app):
    equality.set_population(
        RELIGION,
        {"christian": Decimal(2), "none": Decimal(1)},
        Unit.COUNT,
        StaffUserFactory(),
        None,
    )
    assert population_rows() == {"christian": Decimal("66.667"), "none": Decimal("33.333")}


def test_population_cleared_when_nothing_is_given(app):
    staff = StaffUserFactory()
    equality.set_population(RELIGION, {"none": Decimal(100)}, Unit.PERCENT, staff, None)
    equality.set_population(RELIGION, {"none": None}, Unit.PERCENT, staff, None)
    assert population_rows() == {}


@pytest.mark.parametrize(
    ("figures", "unit", "message"),
    [
        ({"christian": Decimal(60), "none": Decimal("38.9")}, Unit.PERCENT, "add up to 98.9%"),
        ({"christian": Decimal(60), "none": Decimal("41.5")}, Unit.PERCENT, "add up to 101.5%"),
        ({"christian": Decimal(101), "none": Decimal(-1)}, Unit.PERCENT, "less than 0"),
        ({PREFER_NOT_TO_SAY: Decimal(100)}, Unit.PERCENT, "not in this question"),
        ({"white_british": Decimal(100)}, Unit.PERCENT, "not in this question"),
        ({"christian": Decimal("2.5")}, Unit.COUNT, "whole numbers"),
        ({"christian": Decimal(0)}, Unit.COUNT, "greater than 0"),
    ],
)
def test_population_figures_that_cannot_be_right(app, figures, unit, message):
    with pytest.raises(PopulationError, match=message):
        equality.set_population(RELIGION, figures, unit, StaffUserFactory(), None)
    assert db.session.execute(select(func.count()).select_from(ServicePopulation)).scalar() == 0
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar() == 0
