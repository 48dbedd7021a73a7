"""What a complaints officer must answer this week: open stages and MP and councillor
enquiries across every team, in one list by date, with the overdue ones counted apart.

"Due" is worked out in SQL: Stages 1 and 2 and a Stage 3 awaiting its panel carry their due
date; a Stage 3 after its panel is due a number of working days after a recorded date, so the
query compares that date with the latest one whose deadline still falls in the week (working
days only grow with the start date). The rows, their items, teams and owners come in a fixed
number of queries however long the list is.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ComplaintStage, FeedbackItem, MemberEnquiry, StaffUser, Team
from app.services.common import nation
from app.services.complaints import deadlines as wd
from app.services.complaints import regimes
from app.services.complaints import stages as complaint_stages

# The week ends on its Sunday (Monday is weekday 0).
LAST_WEEKDAY = 6


class OwnerFilter(StrEnum):
    """The owner filter's words, beside a staff id: everyone's items, or those nobody owns."""

    ANYONE = ""
    NOBODY = "none"


@dataclass(frozen=True)
class DueFilters:
    team_id: int | None = None
    owner_id: int | None = None
    unowned: bool = False


@dataclass(frozen=True)
class DueRow:
    """One thing that must be answered: a stage's next deadline, or an enquiry's reply."""

    item: FeedbackItem
    stage: int | None  # None for an MP or councillor enquiry
    what: str  # "response", "panel", "recommendations", "final response" or "reply"
    due: date
    days_left: int
    team: Team | None
    owner: StaffUser | None
    member: str | None = None  # "mp" or "councillor" for an enquiry


@dataclass(frozen=True)
class DueWeek:
    today: date
    week_ends: date
    due: list[DueRow]  # from today to the week's end, soonest first
    overdue: list[DueRow]  # before today, oldest first


def week_ends(today: date) -> date:
    """The last day of the week `today` is in."""
    return today + timedelta(days=LAST_WEEKDAY - today.weekday())


def latest_start(last_day: date, days: int, calendar: str) -> date:
    """The latest date from which `days` working days still end on or before `last_day`."""
    start = last_day - timedelta(days=days)
    while wd.add_working_days(start, days, calendar) > last_day:
        start -= timedelta(days=1)
    return start


def _stage_due_by(last_day: date, calendar: str) -> ColumnElement[bool]:
    """True for a stage whose next deadline (as `stages.deadline` reckons it) is by `last_day`.
    A review panel's stage (in a regime that has one) is due from its panel's dates."""
    s = ComplaintStage
    by_due_date = func.coalesce(s.extended_due_on, s.due_on) <= last_day
    rule = next((r for r in regimes.current().stages if r.panel is not None), None)
    if rule is None or rule.panel is None:
        return by_due_date
    recommendations_by = latest_start(last_day, rule.panel.response_working_days, calendar)
    panel_by = latest_start(last_day, rule.panel.recommendations_working_days, calendar)
    awaiting_response = and_(s.stage == rule.number, s.recommendations_on.is_not(None))
    awaiting_recommendations = and_(
        s.stage == rule.number, s.recommendations_on.is_(None), s.panel_held_on.is_not(None)
    )
    return or_(
        and_(awaiting_response, s.recommendations_on <= recommendations_by),
        and_(awaiting_recommendations, s.panel_held_on <= panel_by),
        and_(~awaiting_response, ~awaiting_recommendations, by_due_date),
    )


def _stages(last_day: date, filters: DueFilters, calendar: str) -> list[ComplaintStage]:
    query = (
        select(ComplaintStage)
        .options(
            joinedload(ComplaintStage.feedback_item),
            joinedload(ComplaintStage.team),
            joinedload(ComplaintStage.manager),
        )
        .where(ComplaintStage.responded_on.is_(None), _stage_due_by(last_day, calendar))
    )
    if filters.team_id is not None:
        query = query.where(ComplaintStage.team_id == filters.team_id)
    if filters.owner_id is not None:
        query = query.where(ComplaintStage.manager_id == filters.owner_id)
    if filters.unowned:
        query = query.where(ComplaintStage.manager_id.is_(None))
    return list(db.session.execute(query).scalars())


def _latest_stage_owner() -> ColumnElement[int | None]:
    """The manager of the item's latest stage, as a correlated subquery: an enquiry's owner."""
    return (
        select(ComplaintStage.manager_id)
        .where(ComplaintStage.feedback_item_id == FeedbackItem.id)
        .order_by(ComplaintStage.stage.desc())
        .limit(1)
        .correlate(FeedbackItem)
        .scalar_subquery()
    )


def _enquiries(last_day: date, filters: DueFilters) -> list[tuple[MemberEnquiry, StaffUser | None]]:
    owner_id = _latest_stage_owner().label("owner_id")
    query = (
        select(MemberEnquiry, owner_id)
        .join(FeedbackItem, FeedbackItem.id == MemberEnquiry.feedback_item_id)
        .options(joinedload(MemberEnquiry.feedback_item).joinedload(FeedbackItem.team))
        .where(MemberEnquiry.responded_on.is_(None), MemberEnquiry.due_on <= last_day)
    )
    if filters.team_id is not None:
        query = query.where(FeedbackItem.team_id == filters.team_id)
    if filters.owner_id is not None:
        query = query.where(owner_id == filters.owner_id)
    if filters.unowned:
        query = query.where(owner_id.is_(None))
    found = list(db.session.execute(query).all())
    owner_ids = {o for _e, o in found if o is not None}
    owners = (
        {
            u.id: u
            for u in db.session.execute(
                select(StaffUser).where(StaffUser.id.in_(owner_ids))
            ).scalars()
        }
        if owner_ids
        else {}
    )
    return [(e, owners.get(o) if o is not None else None) for e, o in found]


def due_this_week(today: date, filters: DueFilters = DueFilters()) -> DueWeek:
    """Everything due by the end of `today`'s week, and everything overdue, across teams."""
    calendar = nation()
    last_day = week_ends(today)
    rows = [_stage_row(s, today, calendar) for s in _stages(last_day, filters, calendar)]
    rows += [_enquiry_row(e, owner, today, calendar) for e, owner in _enquiries(last_day, filters)]
    rows.sort(key=lambda r: (r.due, r.item.reference))
    return DueWeek(
        today=today,
        week_ends=last_day,
        due=[r for r in rows if r.due >= today],
        overdue=[r for r in rows if r.due < today],
    )


def _stage_row(stage: ComplaintStage, today: date, calendar: str) -> DueRow:
    deadline = complaint_stages.deadline(stage)
    return DueRow(
        item=stage.feedback_item,
        stage=stage.stage,
        what=deadline.what,
        due=deadline.due,
        days_left=wd.working_days_until(today, deadline.due, calendar),
        team=stage.team,
        owner=stage.manager,
    )


def _enquiry_row(
    enquiry: MemberEnquiry, owner: StaffUser | None, today: date, calendar: str
) -> DueRow:
    return DueRow(
        item=enquiry.feedback_item,
        stage=None,
        what="reply",
        due=enquiry.due_on,
        days_left=wd.working_days_until(today, enquiry.due_on, calendar),
        team=enquiry.feedback_item.team,
        owner=owner,
        member=enquiry.member.value,
    )
