"""What a complaints officer must answer this week: open stages and MP and councillor
enquiries across every team, in one list by date, with the overdue ones counted apart.

"Due" is a query on each stage's stored next deadline (`ComplaintStage.next_due_on`, which the
stages service keeps as `stages.deadline` reckons it) and on each enquiry's due date, both in
one UNION, filtered and ordered in SQL. What cannot fit on a page is summarised: the totals,
what falls due on each day of the week and what each owner has, from one grouped query; the
rows themselves come a page at a time (due and overdue each have their own pages), with their
items, teams and owners, in a fixed number of queries however many stages are open.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ComplaintStage, FeedbackItem, MemberEnquiry, StaffUser, Team
from app.services.common import nation
from app.services.complaints import deadlines as wd
from app.services.complaints import stages as complaint_stages

# The week ends on its Sunday (Monday is weekday 0).
LAST_WEEKDAY = 6
# Rows a page of the due list, and of the overdue list, shows.
PER_PAGE = 50


# A query for rows of the union: kind, id, due, reference, owner id.
_Rows = Select[*tuple[Any, ...]]


class _Kind(IntEnum):
    """What a row of the union is; a stage sorts before an enquiry due the same day."""

    STAGE = 0
    ENQUIRY = 1


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
class OwnerCount:
    """What one owner (or nobody) has: due this week, and overdue."""

    owner: StaffUser | None
    due: int
    overdue: int


@dataclass(frozen=True)
class DueWeek:
    today: date
    week_ends: date
    due: list[DueRow]  # one page of what is due from today to the week's end, soonest first
    overdue: list[DueRow]  # one page of what is overdue, oldest first
    due_total: int = 0
    overdue_total: int = 0
    due_page: int = 1
    overdue_page: int = 1
    per_page: int = PER_PAGE
    # How many fall due on each day from today to the week's end, days with none left out.
    by_day: list[tuple[date, int]] = field(default_factory=list)
    # Each owner's share, the most overdue first; nobody's last.
    by_owner: list[OwnerCount] = field(default_factory=list)

    @property
    def due_pages(self) -> int:
        return _pages(self.due_total, self.per_page)

    @property
    def overdue_pages(self) -> int:
        return _pages(self.overdue_total, self.per_page)


def _pages(total: int, per_page: int) -> int:
    """How many pages a list has; at least one, so an empty list still has a page 1."""
    return max(1, -(-total // per_page))


def week_ends(today: date) -> date:
    """The last day of the week `today` is in."""
    return today + timedelta(days=LAST_WEEKDAY - today.weekday())


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


def _stages(last_day: date, filters: DueFilters) -> _Rows:
    """Open stages whose next deadline is by `last_day`, as rows of the union."""
    stage = ComplaintStage
    query: _Rows = (
        select(
            literal(int(_Kind.STAGE)).label("kind"),
            stage.id.label("id"),
            stage.next_due_on.label("due"),
            FeedbackItem.reference.label("reference"),
            stage.manager_id.label("owner_id"),
        )
        .join(FeedbackItem, FeedbackItem.id == stage.feedback_item_id)
        # Only an open stage has a next deadline (a check in the database holds it to that).
        .where(stage.next_due_on <= last_day)
    )
    if filters.team_id is not None:
        query = query.where(stage.team_id == filters.team_id)
    if filters.owner_id is not None:
        query = query.where(stage.manager_id == filters.owner_id)
    if filters.unowned:
        query = query.where(stage.manager_id.is_(None))
    return query


def _enquiries(last_day: date, filters: DueFilters) -> _Rows:
    """Unanswered MP and councillor enquiries due by `last_day`, as rows of the union."""
    owner_id = _latest_stage_owner()
    query: _Rows = (
        select(
            literal(int(_Kind.ENQUIRY)).label("kind"),
            MemberEnquiry.id.label("id"),
            MemberEnquiry.due_on.label("due"),
            FeedbackItem.reference.label("reference"),
            owner_id.label("owner_id"),
        )
        .join(FeedbackItem, FeedbackItem.id == MemberEnquiry.feedback_item_id)
        .where(MemberEnquiry.responded_on.is_(None), MemberEnquiry.due_on <= last_day)
    )
    if filters.team_id is not None:
        query = query.where(FeedbackItem.team_id == filters.team_id)
    if filters.owner_id is not None:
        query = query.where(owner_id == filters.owner_id)
    if filters.unowned:
        query = query.where(owner_id.is_(None))
    return query


def due_this_week(
    today: date,
    filters: DueFilters = DueFilters(),
    page: int = 1,
    overdue_page: int = 1,
    per_page: int | None = None,
) -> DueWeek:
    """Everything due by the end of `today`'s week and everything overdue, across teams: the
    totals and summaries, and the asked-for page of each list (a page past the end gives the
    last one)."""
    per_page = per_page or PER_PAGE
    last_day = week_ends(today)
    rows = union_all(_stages(last_day, filters), _enquiries(last_day, filters)).subquery("due")
    day = case((rows.c.due < today, None), else_=rows.c.due)
    counted = list(
        db.session.execute(
            select(rows.c.owner_id, day, func.count()).group_by(rows.c.owner_id, day)
        ).all()
    )
    due_total = sum(n for _owner, on, n in counted if on is not None)
    overdue_total = sum(n for _owner, on, n in counted if on is None)
    page = min(max(1, page), _pages(due_total, per_page))
    overdue_page = min(max(1, overdue_page), _pages(overdue_total, per_page))

    def one_page(condition: ColumnElement[bool], number: int) -> list[Any]:
        query = (
            select(rows.c.kind, rows.c.id, rows.c.owner_id)
            .where(condition)
            .order_by(rows.c.due, rows.c.reference, rows.c.kind, rows.c.id)
            .limit(per_page)
            .offset((number - 1) * per_page)
        )
        return list(db.session.execute(query).all())

    due_keys = one_page(rows.c.due >= today, page)
    overdue_keys = one_page(rows.c.due < today, overdue_page)
    owners = _staff({owner for owner, _on, _n in counted if owner is not None})
    found = _load(due_keys + overdue_keys)
    calendar = nation()

    def to_rows(keys: list[Any]) -> list[DueRow]:
        return [
            _row(found[(kind, row_id)], owners.get(owner_id), today, calendar)
            for kind, row_id, owner_id in keys
        ]

    return DueWeek(
        today=today,
        week_ends=last_day,
        due=to_rows(due_keys),
        overdue=to_rows(overdue_keys),
        due_total=due_total,
        overdue_total=overdue_total,
        due_page=page,
        overdue_page=overdue_page,
        per_page=per_page,
        by_day=sorted(_by_day(counted).items()),
        by_owner=_by_owner(counted, owners),
    )


def _by_day(counted: list[Any]) -> Counter[date]:
    days: Counter[date] = Counter()
    for _owner, on, n in counted:
        if on is not None:
            days[on] += n
    return days


def _by_owner(counted: list[Any], owners: dict[int, StaffUser]) -> list[OwnerCount]:
    due: Counter[int | None] = Counter()
    overdue: Counter[int | None] = Counter()
    for owner, on, n in counted:
        (due if on is not None else overdue)[owner] += n
    shares = [
        OwnerCount(owners.get(owner) if owner is not None else None, due[owner], overdue[owner])
        for owner in set(due) | set(overdue)
    ]
    return sorted(
        shares,
        key=lambda s: (s.owner is None, -s.overdue, -s.due, s.owner.name if s.owner else ""),
    )


def _staff(ids: set[int]) -> dict[int, StaffUser]:
    if not ids:
        return {}
    query = select(StaffUser).where(StaffUser.id.in_(ids))
    return {user.id: user for user in db.session.execute(query).scalars()}


def _load(keys: list[Any]) -> dict[tuple[int, int], ComplaintStage | MemberEnquiry]:
    """The stages (with item, team and manager) and enquiries (with item and its team) these
    rows name, in a query each."""
    found: dict[tuple[int, int], ComplaintStage | MemberEnquiry] = {}
    stage_ids = [row_id for kind, row_id, _owner in keys if kind == _Kind.STAGE]
    enquiry_ids = [row_id for kind, row_id, _owner in keys if kind == _Kind.ENQUIRY]
    if stage_ids:
        stage_query = (
            select(ComplaintStage)
            .options(
                joinedload(ComplaintStage.feedback_item),
                joinedload(ComplaintStage.team),
                joinedload(ComplaintStage.manager),
            )
            .where(ComplaintStage.id.in_(stage_ids))
        )
        for stage in db.session.execute(stage_query).scalars():
            found[(_Kind.STAGE, stage.id)] = stage
    if enquiry_ids:
        query = (
            select(MemberEnquiry)
            .options(joinedload(MemberEnquiry.feedback_item).joinedload(FeedbackItem.team))
            .where(MemberEnquiry.id.in_(enquiry_ids))
        )
        for enquiry in db.session.execute(query).scalars():
            found[(_Kind.ENQUIRY, enquiry.id)] = enquiry
    return found


def _row(
    found: ComplaintStage | MemberEnquiry, owner: StaffUser | None, today: date, calendar: str
) -> DueRow:
    if isinstance(found, ComplaintStage):
        due = found.next_due_on
        assert due is not None  # the query found it by this date
        return DueRow(
            item=found.feedback_item,
            stage=found.stage,
            what=complaint_stages.next_due_what(found),
            due=due,
            days_left=wd.working_days_until(today, due, calendar),
            team=found.team,
            owner=found.manager,
        )
    return DueRow(
        item=found.feedback_item,
        stage=None,
        what="reply",
        due=found.due_on,
        days_left=wd.working_days_until(today, found.due_on, calendar),
        team=found.feedback_item.team,
        owner=owner,
        member=found.member.value,
    )
