"""Equality monitoring: storing what a person chose to tell us after a submission, the
service-user population set beside it, and the profile of complainants for a report.

The answers are kept in their own table and reach staff only as counts in the profile.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import EqualityResponse, FeedbackItem, FeedbackKind, ServicePopulation, StaffUser
from app.services.common import Refusal
from app.services.reports.equality_questions import (
    BY_COLUMN,
    COMPLAINANT,
    PREFER_NOT_TO_SAY,
    QUESTIONS,
    Question,
)
from app.services.reports.periods import Period
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

# Published census profiles round each share, so their percentages rarely total exactly 100.
PERCENT_TOLERANCE = Decimal("1")
_PLACES = Decimal("0.001")
# Monitoring counts below this are published as "fewer than 5", so no one is recognised.
FEWEST_SHOWN = 5
CURRENT, PREVIOUS, EARLIER = "current", "previous", "earlier"


@dataclass(frozen=True)
class EqualityRow:
    """One answer in a table: how many complainants gave it, as a share of those who answered
    (None when nobody did), and the share of the service-user population (None if not set)."""

    option: str
    label: str
    group: str | None
    count: int
    percent: float | None
    population_percent: float | None
    # The same answer's count the year before, and two years before.
    previous: int = 0
    earlier: int = 0


@dataclass(frozen=True)
class EqualityTable:
    """One question's answers from the complainants of a period.

    `answered` gave one of the rows; `prefer_not_to_say` chose that answer; `skipped` answered
    other questions but not this one; `no_response` answered none (or were never asked, as
    by text or email). `response_rate` is the percentage of complainants who answered this
    question, prefer-not-to-say included; None when there were no complainants.
    """

    question: str
    title: str
    rows: list[EqualityRow]
    complainants: int
    answered: int
    prefer_not_to_say: int
    skipped: int
    no_response: int
    response_rate: float | None
    # Whom it is about: the complainants, or the children their complaints are about.
    about: str = COMPLAINANT
    # (prefer not to say, did not answer) the year before and two years before.
    previous: tuple[int, int] = (0, 0)
    earlier: tuple[int, int] = (0, 0)


class AlreadyAnswered(Refusal):
    """Answers for this item are already stored; the first answers stand."""


class PopulationError(Refusal):
    """Figures for the service-user population that cannot be right, in words for the form."""


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"


def record_answers(feedback_item_id: int, answers: Mapping[str, str | None]) -> bool:
    """Store one person's answers for their submission; False if every question was skipped,
    when nothing is stored. Raises AlreadyAnswered if the item has answers already, and
    ValueError for a question or answer not in the vocabulary."""
    values = {column: answers.get(column) or None for column in BY_COLUMN}
    unknown = set(answers) - set(BY_COLUMN)
    if unknown:
        raise ValueError(f"not equality questions: {sorted(unknown)}")
    for column, value in values.items():
        if value is not None and value not in BY_COLUMN[column].codes:
            raise ValueError(f"not an answer to {column}")
    if all(value is None for value in values.values()):
        return False
    db.session.add(EqualityResponse(feedback_item_id=feedback_item_id, **values))
    try:
        db.session.commit()
    except IntegrityError as clash:
        db.session.rollback()
        if has_answers(feedback_item_id):
            raise AlreadyAnswered from clash
        raise
    return True


def has_answers(feedback_item_id: int) -> bool:
    """Whether answers are stored for this item."""
    query = select(EqualityResponse.id).where(EqualityResponse.feedback_item_id == feedback_item_id)
    return db.session.execute(query).first() is not None


def population(question: Question) -> dict[str, Decimal]:
    """The population's share per answer to one question, as set; answers not set are absent."""
    query = select(ServicePopulation.option, ServicePopulation.percent).where(
        ServicePopulation.question == question.column
    )
    return {option: percent for option, percent in db.session.execute(query)}


def populated_questions() -> set[str]:
    """The questions that have a population set."""
    query = select(ServicePopulation.question).distinct()
    return set(db.session.execute(query).scalars())


def set_population(
    question: Question,
    figures: Mapping[str, Decimal | None],
    unit: Unit,
    staff: StaffUser,
    ip_address: str | None,
) -> None:
    """Replace one question's population with these figures (None: not known), given as
    percentages or as counts of people; all None clears it. Audited."""
    given = {option: value for option, value in figures.items() if value is not None}
    shares = _as_percentages(question, given, unit)
    db.session.execute(
        delete(ServicePopulation).where(ServicePopulation.question == question.column)
    )
    for option, percent in shares.items():
        db.session.add(
            ServicePopulation(
                question=question.column, option=option, percent=percent, updated_by_id=staff.id
            )
        )
    db.session.commit()
    audit_log.record(
        Action.EQUALITY_POPULATION_CHANGED,
        staff,
        "service_population",
        question.column,
        detail={"question": question.column, "unit": unit.value, "answers_set": len(shares)},
        ip_address=ip_address,
    )


def _as_percentages(
    question: Question, given: Mapping[str, Decimal], unit: Unit
) -> dict[str, Decimal]:
    """Check the figures and turn them into percentages."""
    allowed = {option.code for option in question.options}
    if set(given) - allowed:
        raise PopulationError(_("Those answers are not in this question"))
    if any(value < 0 for value in given.values()):
        raise PopulationError(_("Figures cannot be less than 0"))
    if not given:
        return {}
    total = sum(given.values(), Decimal(0))
    if unit == Unit.COUNT:
        if any(value != value.to_integral_value() for value in given.values()):
            raise PopulationError(_("Numbers of people must be whole numbers"))
        if total == 0:
            raise PopulationError(_("Enter at least one number of people greater than 0"))
        return {option: (value * 100 / total).quantize(_PLACES) for option, value in given.items()}
    if abs(total - 100) > PERCENT_TOLERANCE:
        raise PopulationError(
            _(
                "The percentages add up to %(total)s%%; they should add up to 100%%",
                total=f"{total.normalize():f}",
            )
        )
    return {option: value.quantize(_PLACES) for option, value in given.items()}


def complainant_profile(start: date, end: date) -> list[EqualityTable]:
    """Equality monitoring of the complainants whose complaints were received from `start` to
    `end` (both included, days in England), and of the children they are about, one table per
    question in the order asked, each with the same dates one and two years before."""
    current = Period(start, end)
    previous = current.year_before()
    periods = {CURRENT: current, PREVIOUS: previous, EARLIER: previous.year_before()}
    complainants = _complaints_received(periods)
    counts = _answer_counts(periods)
    shares = _population_shares()
    return [
        _table(question, complainants, counts.get(question.column, {}), shares)
        for question in QUESTIONS
    ]


def _which(periods: Mapping[str, Period]) -> tuple[ColumnElement[str], ColumnElement[bool]]:
    """Which period a complaint was received in (by its UK day), and whether in any."""
    inside = []
    for period in periods.values():
        first, after = period.bounds()
        inside.append(and_(FeedbackItem.created_at >= first, FeedbackItem.created_at < after))
    which = case(*zip(inside, periods, strict=True), else_=None)
    return which, and_(FeedbackItem.kind == FeedbackKind.COMPLAINT, or_(*inside))


def _complaints_received(periods: Mapping[str, Period]) -> dict[str, int]:
    which, received = _which(periods)
    query = select(which, func.count()).where(received).group_by(which)
    return {w: n for w, n in db.session.execute(query)}


def _answer_counts(periods: Mapping[str, Period]) -> dict[str, dict[str | None, dict[str, int]]]:
    """Per question, per answer (None: skipped), how many responses gave it in each period:
    one pass over the answers, grouped once per question (GROUPING SETS)."""
    which, received = _which(periods)
    columns = [getattr(EqualityResponse, question.column) for question in QUESTIONS]
    query = (
        select(
            which,
            *columns,
            *(func.grouping(column) for column in columns),
            func.count(),
        )
        .join(FeedbackItem, FeedbackItem.id == EqualityResponse.feedback_item_id)
        .where(received)
        .group_by(func.grouping_sets(*(tuple_(which, column) for column in columns)))
    )
    width = len(QUESTIONS)
    counts: dict[str, dict[str | None, dict[str, int]]] = {}
    for w, *rest in db.session.execute(query):
        answers, grouped, n = rest[:width], rest[width:-1], rest[-1]
        # GROUPING() is 0 for the one question this row is grouped by.
        index = grouped.index(0)
        slot = counts.setdefault(QUESTIONS[index].column, {}).setdefault(answers[index], {})
        slot[w] = slot.get(w, 0) + n
    return counts


def _population_shares() -> dict[tuple[str, str], float]:
    query = select(ServicePopulation.question, ServicePopulation.option, ServicePopulation.percent)
    return {(q, option): float(percent) for q, option, percent in db.session.execute(query)}


def _table(
    question: Question,
    complainants: Mapping[str, int],
    counts: Mapping[str | None, Mapping[str, int]],
    shares: Mapping[tuple[str, str], float],
) -> EqualityTable:
    def given(code: str | None, which: str = CURRENT) -> int:
        return counts.get(code, {}).get(which, 0)

    answered = sum(given(option.code) for option in question.options)
    prefer_not = given(PREFER_NOT_TO_SAY)
    responses = sum(n.get(CURRENT, 0) for n in counts.values())
    rows = [
        EqualityRow(
            option=option.code,
            label=str(option.label),
            group=str(option.group) if option.group else None,
            count=given(option.code),
            percent=100 * given(option.code) / answered if answered else None,
            population_percent=shares.get((question.column, option.code)),
            previous=given(option.code, PREVIOUS),
            earlier=given(option.code, EARLIER),
        )
        for option in question.options
    ]
    here = complainants.get(CURRENT, 0)

    def others(which: str) -> tuple[int, int]:
        """Those who chose not to say, and those who did not answer, in another period."""
        replied = sum(n.get(which, 0) for n in counts.values())
        return given(PREFER_NOT_TO_SAY, which), complainants.get(which, 0) - replied + given(
            None, which
        )

    return EqualityTable(
        question=question.column,
        title=str(question.title),
        rows=rows,
        complainants=here,
        answered=answered,
        prefer_not_to_say=prefer_not,
        skipped=given(None),
        no_response=here - responses,
        response_rate=100 * (answered + prefer_not) / here if here else None,
        about=question.about,
        previous=others(PREVIOUS),
        earlier=others(EARLIER),
    )
