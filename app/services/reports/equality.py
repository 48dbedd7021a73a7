"""Equality monitoring: storing what a person chose to tell us after a submission, the
service-user population set beside it, and the profile of complainants for a report.

The answers are kept in their own table and reach staff only as counts in the profile.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, and_, delete, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import EqualityResponse, FeedbackItem, FeedbackKind, ServicePopulation, StaffUser
from app.services.common import Refusal, uk_midnight
from app.services.reports.equality_questions import (
    BY_COLUMN,
    PREFER_NOT_TO_SAY,
    QUESTIONS,
    Question,
)
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

# Published census profiles round each share, so their percentages rarely total exactly 100.
PERCENT_TOLERANCE = Decimal("1")
_PLACES = Decimal("0.001")


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
    `end` (both included, days in England), one table per question in the order asked."""
    received = and_(
        FeedbackItem.kind == FeedbackKind.COMPLAINT,
        FeedbackItem.created_at >= uk_midnight(start),
        FeedbackItem.created_at < uk_midnight(end + timedelta(days=1)),
    )
    complainants = db.session.execute(
        select(func.count()).select_from(FeedbackItem).where(received)
    ).scalar_one()
    counts = _answer_counts(received)
    shares = _population_shares()
    return [
        _table(question, complainants, counts.get(question.column, {}), shares)
        for question in QUESTIONS
    ]


def _answer_counts(received: ColumnElement[bool]) -> dict[str, dict[str | None, int]]:
    """Per question, how many responses gave each answer (None: skipped), in one query."""
    per_question = [
        select(
            literal(question.column, String).label("question"),
            getattr(EqualityResponse, question.column).label("answer"),
            func.count().label("n"),
        )
        .join(FeedbackItem, FeedbackItem.id == EqualityResponse.feedback_item_id)
        .where(received)
        .group_by(getattr(EqualityResponse, question.column))
        for question in QUESTIONS
    ]
    counts: dict[str, dict[str | None, int]] = {}
    for column, answer, n in db.session.execute(union_all(*per_question)):
        counts.setdefault(column, {})[answer] = n
    return counts


def _population_shares() -> dict[tuple[str, str], float]:
    query = select(ServicePopulation.question, ServicePopulation.option, ServicePopulation.percent)
    return {(q, option): float(percent) for q, option, percent in db.session.execute(query)}


def _table(
    question: Question,
    complainants: int,
    counts: Mapping[str | None, int],
    shares: Mapping[tuple[str, str], float],
) -> EqualityTable:
    answered = sum(counts.get(option.code, 0) for option in question.options)
    prefer_not = counts.get(PREFER_NOT_TO_SAY, 0)
    responses = sum(counts.values())
    rows = [
        EqualityRow(
            option=option.code,
            label=str(option.label),
            group=str(option.group) if option.group else None,
            count=counts.get(option.code, 0),
            percent=100 * counts.get(option.code, 0) / answered if answered else None,
            population_percent=shares.get((question.column, option.code)),
        )
        for option in question.options
    ]
    return EqualityTable(
        question=question.column,
        title=str(question.title),
        rows=rows,
        complainants=complainants,
        answered=answered,
        prefer_not_to_say=prefer_not,
        skipped=counts.get(None, 0),
        no_response=complainants - responses,
        response_rate=100 * (answered + prefer_not) / complainants if complainants else None,
    )
