"""Learning points: what a closed complaint stage taught, the action that follows, who owns it
and when it is due — the "response feedback log" the learning team reports from.

Every staff action writes an audit event, which also commits the change with it. Audit details
hold ids and dates, never the words of a lesson, which may quote the complaint.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import ComplaintStage, FeedbackItem, LearningPoint, StaffUser, Team
from app.services.classification.themes import taxonomy_themes
from app.services.complaints import stages
from app.services.complaints.stages import MAX_REASON_CHARS, ComplaintRuleError
from app.services.staff import audit_log
from app.services.staff.audit_log import Action


def default_themes(item: FeedbackItem) -> list[str]:
    """The item's own themes that the taxonomy knows, as a starting point for a lesson."""
    return [theme for theme in taxonomy_themes() if theme in (item.themes or [])]


def _text(value: str | None, required: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ComplaintRuleError(required)
        return None
    if len(text) > MAX_REASON_CHARS:
        raise ComplaintRuleError(f"Keep it to {MAX_REASON_CHARS} characters or fewer")
    return text


def _checked_themes(chosen: list[str]) -> list[str]:
    unknown = set(chosen) - set(taxonomy_themes())
    if unknown:
        raise ComplaintRuleError("Choose themes from the list")
    return [theme for theme in taxonomy_themes() if theme in chosen]


@dataclass(frozen=True)
class PointDetails:
    """What a member of staff says of a learning point, before `_checked` trims and checks it."""

    lesson: str | None
    action: str | None = None
    owner: StaffUser | None = None
    due_on: date | None = None
    themes: list[str] = field(default_factory=list)
    team: Team | None = None
    # The action plan's columns: what the action should achieve, and its latest update.
    intended_outcome: str | None = None
    progress_update: str | None = None


def _checked(stage: ComplaintStage, details: PointDetails) -> PointDetails:
    """The details with their text trimmed, or the rule they break. An owner or due date needs
    an action for them to be about."""
    text = _text(details.lesson, "Say what was learned")
    action_text = _text(details.action, None)
    if action_text is None and (details.owner is not None or details.due_on is not None):
        raise ComplaintRuleError("Say what the action is, or leave out its owner and due date")
    if details.owner is not None and not details.owner.active:
        raise ComplaintRuleError("Choose an active member of staff to own the action")
    due_on = details.due_on
    if due_on is not None and stage.responded_on is not None and due_on < stage.responded_on:
        raise ComplaintRuleError("The action cannot be due before the stage's response")
    outcome = _text(details.intended_outcome, None)
    update = _text(details.progress_update, None)
    if action_text is None and (outcome or update):
        raise ComplaintRuleError("Say what the action is before its outcome or an update")
    return replace(
        details,
        lesson=text,
        action=action_text,
        themes=_checked_themes(details.themes),
        intended_outcome=outcome,
        progress_update=update,
    )


def _apply(point: LearningPoint, details: PointDetails) -> None:
    point.lesson = details.lesson or ""
    point.action = details.action
    point.owner_id = details.owner.id if details.owner else None
    point.due_on = details.due_on
    point.themes = details.themes
    point.team_id = details.team.id if details.team else None
    point.intended_outcome = details.intended_outcome
    if details.progress_update != point.progress_update:
        point.progress_update = details.progress_update
        point.progress_updated_on = stages.today() if details.progress_update else None


def record(
    stage: ComplaintStage,
    staff: StaffUser,
    lesson: str | None,
    action: str | None = None,
    owner: StaffUser | None = None,
    due_on: date | None = None,
    chosen_themes: list[str] | None = None,
    team: Team | None = None,
    ip: str | None = None,
    intended_outcome: str | None = None,
    progress_update: str | None = None,
) -> LearningPoint:
    """Add a learning point to a stage that has its outcome."""
    if stage.outcome is None:
        raise ComplaintRuleError("Record the stage's outcome before its learning points")
    details = PointDetails(
        lesson, action, owner, due_on, chosen_themes or [], team, intended_outcome, progress_update
    )
    checked = _checked(stage, details)
    point = LearningPoint(
        feedback_item_id=stage.feedback_item_id, stage_id=stage.id, created_by_id=staff.id
    )
    _apply(point, checked)
    db.session.add(point)
    db.session.flush()
    _audit(
        Action.LEARNING_RECORDED,
        point,
        staff,
        ip,
        themes=point.themes,
        team_id=point.team_id,
        owner_id=point.owner_id,
        due_on=point.due_on.isoformat() if point.due_on else None,
    )
    return point


def amend(
    point: LearningPoint,
    staff: StaffUser,
    lesson: str | None,
    action: str | None = None,
    owner: StaffUser | None = None,
    due_on: date | None = None,
    chosen_themes: list[str] | None = None,
    team: Team | None = None,
    ip: str | None = None,
    intended_outcome: str | None = None,
    progress_update: str | None = None,
) -> None:
    """Change a learning point under the rules it was recorded by. An action already done
    stays: the log would otherwise show a completion of nothing."""
    stage = db.session.get_one(ComplaintStage, point.stage_id)
    details = PointDetails(
        lesson, action, owner, due_on, chosen_themes or [], team, intended_outcome, progress_update
    )
    checked = _checked(stage, details)
    if point.done_on is not None and checked.action is None:
        raise ComplaintRuleError("This action is done, so it cannot be taken away")
    before = _fields(point)
    _apply(point, checked)
    changed = sorted(name for name, value in _fields(point).items() if before[name] != value)
    if changed:
        _audit(Action.LEARNING_AMENDED, point, staff, ip, changed=changed)


def _fields(point: LearningPoint) -> dict[str, object]:
    return {
        "lesson": point.lesson,
        "action": point.action,
        "owner_id": point.owner_id,
        "due_on": point.due_on,
        "themes": list(point.themes or []),
        "team_id": point.team_id,
        "intended_outcome": point.intended_outcome,
        "progress_update": point.progress_update,
    }


def mark_done(
    point: LearningPoint, staff: StaffUser, done_on: date | None = None, ip: str | None = None
) -> None:
    """Record that a learning point's action is done."""
    if point.action is None:
        raise ComplaintRuleError("This learning point has no action to complete")
    if point.done_on is not None:
        raise ComplaintRuleError("This action is done already")
    done = done_on or stages.today()
    if done > stages.today():
        raise ComplaintRuleError("The date it was done cannot be in the future")
    point.done_on = done
    _audit(Action.LEARNING_DONE, point, staff, ip, done_on=done.isoformat())


def _audit(
    action: Action, point: LearningPoint, staff: StaffUser, ip: str | None, **detail: object
) -> None:
    audit_log.record(
        action,
        staff,
        "learning_point",
        point.id,
        detail={"feedback_item_id": point.feedback_item_id, "stage_id": point.stage_id, **detail},
        ip_address=ip,
    )


def load(point_id: int) -> LearningPoint | None:
    """One learning point by id."""
    return db.session.get(LearningPoint, point_id)


def points_of(item: FeedbackItem) -> list[LearningPoint]:
    """An item's learning points, oldest first."""
    query = (
        select(LearningPoint)
        .where(LearningPoint.feedback_item_id == item.id)
        .order_by(LearningPoint.id)
    )
    return list(db.session.execute(query).scalars())


# Learning points on one page of the log.
PER_PAGE = 50


@dataclass(frozen=True)
class LogPage:
    """One page of the log, whether another follows, and how many actions are open in all."""

    points: list[LearningPoint]
    page: int
    has_next: bool
    open_actions: int


def _open_action() -> ColumnElement[bool]:
    return and_(LearningPoint.action.is_not(None), LearningPoint.done_on.is_(None))


def log(
    team_id: int | None = None,
    open_actions_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[LearningPoint]:
    """The response feedback log: learning points of one team or all, open actions first by
    due date (undated last), then the rest newest first. Ordered in SQL, so a page of it
    reads only that page; each point's item, stage, team and owner come with it."""
    waiting = _open_action()
    query = select(LearningPoint).options(
        selectinload(LearningPoint.feedback_item),
        selectinload(LearningPoint.stage),
        selectinload(LearningPoint.team),
        selectinload(LearningPoint.owner),
    )
    if team_id is not None:
        query = query.where(LearningPoint.team_id == team_id)
    if open_actions_only:
        query = query.where(waiting)
    query = query.order_by(
        case((waiting, 0), else_=1),
        case((waiting, LearningPoint.due_on)).asc().nulls_last(),
        case((waiting, LearningPoint.id), else_=-LearningPoint.id),
    )
    query = query.offset(offset).limit(limit)
    return list(db.session.execute(query).scalars())


def log_page(team_id: int | None = None, open_actions_only: bool = False, page: int = 1) -> LogPage:
    """One page of the log, PER_PAGE points; a page past the end is empty."""
    page = max(1, page)
    found = log(team_id, open_actions_only, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    count = select(func.count(LearningPoint.id)).where(_open_action())
    if team_id is not None:
        count = count.where(LearningPoint.team_id == team_id)
    return LogPage(
        points=found[:PER_PAGE],
        page=page,
        has_next=len(found) > PER_PAGE,
        open_actions=db.session.execute(count).scalar_one(),
    )


def action_owners() -> list[StaffUser]:
    """Active staff who may own an action, by name."""
    query = select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.name)
    return list(db.session.execute(query).scalars())
