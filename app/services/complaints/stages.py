"""The statutory complaint stages: opening Stage 1, acknowledging, extending, recording an
outcome and escalating, each checked against the working-day rules of the regime in force
(`regimes.current()`: every timescale, cap and window comes from there).

Every staff action writes an audit event, which also commits the change with it.

Each stage stores its next deadline (`ComplaintStage.next_due_on`) so that lists of what is
due are queries: whenever a session flushes a new or changed stage, `_keep_next_deadlines`
sets it from `deadline`, so opening, extending, recording a panel or its recommendations,
answering, withdrawing and escalating (and any write path added later) keep it in step. The
deadline depends on the COMPLAINTS_REGIME and NATION settings: after changing either, run
`heard complaints refresh-deadlines` (`refresh_next_deadlines`).
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, UOWTransaction

from app.database import utcnow
from app.extensions import db
from app.language import replying_in
from app.models import (
    COMPLAINTS_ROLES,
    ComplaintOutcome,
    ComplaintStage,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    StaffUser,
    Team,
)
from app.services.common import Refusal, get_by_id, nation, uk_date
from app.services.complaints import acknowledgements, receipt, regimes
from app.services.complaints import deadlines as wd
from app.services.complaints import owners as default_owners
from app.services.complaints.regimes import StageRule
from app.services.outbound import messages
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

MAX_REASON_CHARS = 2000
SMS_ACKNOWLEDGEMENT = acknowledgements.PURPOSE


class ComplaintRuleError(Refusal):
    """An action the regulations (or the stage's state) do not allow; the message says why."""


@dataclass(frozen=True)
class Responder:
    """Who will respond to a complaint, as far as is known: the names only, never contacts."""

    manager: str | None
    team: str | None


@dataclass(frozen=True)
class Deadline:
    what: str  # "response", "panel", "recommendations" or "final response"
    due: date


def today() -> date:
    """Today's date in the UK."""
    return uk_date(utcnow())


def rule_of(stage: ComplaintStage) -> StageRule:
    """The regime's rule for a stage. A stage the regime does not have (kept from before the
    setting changed) is held to the regime's last stage."""
    regime = regimes.current()
    return regime.stage(stage.stage if regime.has_stage(stage.stage) else regime.last_stage)


def stages_of(item: FeedbackItem) -> list[ComplaintStage]:
    """An item's stages, Stage 1 first."""
    query = (
        select(ComplaintStage)
        .where(ComplaintStage.feedback_item_id == item.id)
        .order_by(ComplaintStage.stage)
    )
    return list(db.session.execute(query).scalars())


def shown_status(item: FeedbackItem) -> FeedbackStatus:
    """The item's status as staff should read it: never closed while a stage is still open
    (overdue or not), whatever the stored status says."""
    if item.status == FeedbackStatus.CLOSED and any(s.is_open for s in stages_of(item)):
        return FeedbackStatus.OPEN
    return item.status


def responder(item: FeedbackItem) -> Responder:
    """Who will respond: the current stage's manager and team if chosen, else the item's team
    and its default owner (so an acknowledgement sent before Stage 1 opens names them too)."""
    stages = stages_of(item) if item.id is not None else []
    current = stages[-1] if stages else None
    manager = current.manager if current else default_owners.default_owner(item.team)
    team = (current.team if current else None) or item.team
    return Responder(manager.name if manager else None, team.name if team else None)


def responder_words(who: Responder) -> str:
    """Who will respond, as the start of a sentence for a text or an email, in the language
    of the request or of `replying_in` around the call."""
    if who.manager and who.team:
        return str(_("%(manager)s, of %(team)s,", manager=who.manager, team=who.team))
    if who.manager:
        return who.manager
    if who.team:
        return str(_("A manager in %(team)s", team=who.team))
    return str(_("A complaints manager"))


def open_stage_one(item: FeedbackItem) -> ComplaintStage | None:
    """Start a complaint's Stage 1 clock from the day its first message was received (as the
    receipt setting counts it: see `receipt`); None if not a complaint.

    Idempotent: a second call, or a race with another process, returns the existing row.
    """
    if item.kind != FeedbackKind.COMPLAINT:
        return None
    existing = _stage(item.id, 1)
    if existing is not None:
        return existing
    received = receipt.clock_starts(item.created_at)
    stage = ComplaintStage(
        feedback_item_id=item.id,
        stage=1,
        team_id=item.team_id,
        manager=default_owners.default_owner(item.team),
        received_on=received,
        due_on=wd.add_working_days(received, regimes.current().stage(1).working_days, nation()),
    )
    db.session.add(stage)
    try:
        db.session.flush()
        # Stored with the stage in one commit: only the process that opens Stage 1 sends, once.
        # In the person's language (Welsh or English), whatever the job or request is in.
        with replying_in(item.contact.language if item.contact is not None else None):
            text = acknowledgements.queue(item, responder_words(responder(item)), stage.due_on)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _stage(item.id, 1)
    if text is not None:
        messages.enqueue_send(text.id)
    return stage


def open_stage_one_of(item_id: int) -> ComplaintStage | None:
    """Open Stage 1 of the item with this id, if it is a complaint (a job's entry point)."""
    item = get_by_id(FeedbackItem, item_id)
    return open_stage_one(item) if item is not None else None


def sms_acknowledgement_text(reference: str, who: Responder, due: date) -> str:
    """The text acknowledging a complaint: reference, who will respond and by when."""
    return acknowledgements.sms_text(reference, responder_words(who), due)


def open_missing_stage_ones(limit: int = 500) -> int:
    """Open Stage 1 for complaints that have no stage yet; returns how many were opened."""
    query = (
        select(FeedbackItem)
        .outerjoin(ComplaintStage, ComplaintStage.feedback_item_id == FeedbackItem.id)
        .where(FeedbackItem.kind == FeedbackKind.COMPLAINT, ComplaintStage.id.is_(None))
        .order_by(FeedbackItem.id)
        .limit(limit)
    )
    items = list(db.session.execute(query).scalars())
    for item in items:
        open_stage_one(item)
    return len(items)


def _stage(item_id: int, number: int) -> ComplaintStage | None:
    return db.session.execute(
        select(ComplaintStage).where(
            ComplaintStage.feedback_item_id == item_id, ComplaintStage.stage == number
        )
    ).scalar_one_or_none()


def deadline(stage: ComplaintStage) -> Deadline:
    """What is due next on a stage, and when."""
    what = next_due_what(stage)
    panel = rule_of(stage).panel
    if panel is not None and stage.recommendations_on is not None:
        due = wd.add_working_days(stage.recommendations_on, panel.response_working_days, nation())
    elif panel is not None and stage.panel_held_on is not None:
        due = wd.add_working_days(stage.panel_held_on, panel.recommendations_working_days, nation())
    elif panel is not None:
        due = stage.due_on
    else:
        due = stage.extended_due_on or stage.due_on
    return Deadline(what, due)


def next_due_what(stage: ComplaintStage) -> str:
    """What the stage's next deadline is for, from its dates alone (no counting): "response",
    or for a review panel "panel", "recommendations" or "final response"."""
    if rule_of(stage).panel is None:
        return "response"
    if stage.recommendations_on is not None:
        return "final response"
    if stage.panel_held_on is not None:
        return "recommendations"
    return "panel"


def next_deadline(stage: ComplaintStage) -> date | None:
    """The date to store as the stage's next deadline: `deadline`'s, or None once answered."""
    return None if stage.responded_on is not None else deadline(stage).due


@event.listens_for(Session, "before_flush")
def _keep_next_deadlines(session: Session, _flush: UOWTransaction, _objects: object) -> None:
    """Store each new or changed stage's next deadline as it is written, whoever writes it."""
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, ComplaintStage):
            due = next_deadline(instance)
            if instance.next_due_on != due:
                instance.next_due_on = due


def refresh_next_deadlines() -> int:
    """Work out every open stage's next deadline again, as after a change of COMPLAINTS_REGIME
    or NATION; returns how many changed. Commits."""
    changed = 0
    for stage in open_stages():
        due = deadline(stage).due
        if stage.next_due_on != due:
            stage.next_due_on = due
            changed += 1
    db.session.commit()
    return changed


def days_left(stage: ComplaintStage, on: date | None = None) -> int:
    """Working days until the stage's next deadline; negative once it has passed."""
    return wd.working_days_until(on or today(), deadline(stage).due, nation())


def escalation_closes(stage: ComplaintStage) -> date | None:
    """The last day the complainant may ask for the next stage, or None if they cannot."""
    if stage.responded_on is None or stage.stage >= regimes.current().last_stage:
        return None
    if stage.outcome == ComplaintOutcome.WITHDRAWN:
        return None
    if _stage(stage.feedback_item_id, stage.stage + 1) is not None:
        return None
    return regimes.current().escalation_window.closes(stage.responded_on, nation())


def can_extend(stage: ComplaintStage) -> bool:
    """Whether the stage may still be given more time."""
    extension = rule_of(stage).extension
    if not stage.is_open or extension is None:
        return False
    if extension.once_to_the_most:
        return stage.extended_due_on is None
    latest = _latest_due(stage)
    return latest is None or deadline(stage).due < latest


def _latest_due(stage: ComplaintStage) -> date | None:
    """The latest the stage may be extended to; None where the rules set no ceiling."""
    extension = rule_of(stage).extension
    if extension is None or extension.most_working_days is None:
        return None
    return wd.add_working_days(stage.received_on, extension.most_working_days, nation())


def extension_choice(stage: ComplaintStage) -> tuple[int, int | None] | None:
    """The working days staff may choose between when extending (fewest, most; most None when
    the rules set no ceiling), or None when the extension is a fixed one."""
    rule = rule_of(stage)
    if rule.extension is None or rule.extension.once_to_the_most:
        return None
    return rule.working_days + 1, rule.extension.most_working_days


def reason_text(reason: str | None, required: str) -> str:
    """A reason staff gave, trimmed; refused if empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise ComplaintRuleError(required)
    if len(text) > MAX_REASON_CHARS:
        raise ComplaintRuleError(f"Keep the reason to {MAX_REASON_CHARS} characters or fewer")
    return text


def _must_be_open(stage: ComplaintStage) -> None:
    if not stage.is_open:
        raise ComplaintRuleError("This stage has had its response already")


def _audit(
    action: Action, stage: ComplaintStage, staff: StaffUser, ip: str | None, **detail: object
) -> None:
    audit_log.record(
        action,
        staff,
        "complaint_stage",
        stage.id,
        detail={"feedback_item_id": stage.feedback_item_id, "stage": stage.stage, **detail},
        ip_address=ip,
    )


def acknowledge(
    stage: ComplaintStage, staff: StaffUser, now: datetime | None = None, ip: str | None = None
) -> None:
    """Record that the complainant has been told who will respond and by when."""
    if stage.acknowledged_at is not None:
        raise ComplaintRuleError("This stage has been acknowledged already")
    stage.acknowledged_at = now or utcnow()
    _audit(Action.COMPLAINT_ACKNOWLEDGED, stage, staff, ip)


def extend(
    stage: ComplaintStage,
    staff: StaffUser,
    reason: str | None,
    working_days: int | None = None,
    ip: str | None = None,
) -> date:
    """Give a stage more time, with a recorded reason, as far as the regime allows: a fixed
    extension once (England's Stage 1: to 20 working days), or a chosen number of working days
    in all, up to the ceiling if there is one. Returns the new due date, never a past one."""
    _must_be_open(stage)
    rule = rule_of(stage)
    if rule.extension is None:
        raise ComplaintRuleError(f"The timescales of Stage {stage.stage} cannot be extended")
    if not can_extend(stage):
        raise ComplaintRuleError("This stage has had all the extension the regulations allow")
    text = reason_text(reason, "Say why the stage needs more time")
    days = _extension_days(rule, working_days)
    new_due = wd.add_working_days(stage.received_on, days, nation())
    if new_due < today():
        raise ComplaintRuleError(
            f"{days} working days from receipt ended on {new_due.day} {new_due:%B %Y}, "
            "which has passed: the new date must be today or later"
        )
    if new_due <= deadline(stage).due:
        raise ComplaintRuleError("An extension must give a later date than the current one")
    stage.extended_due_on = new_due
    stage.extension_reason = text
    _audit(
        Action.COMPLAINT_EXTENDED,
        stage,
        staff,
        ip,
        working_days=days,
        due=new_due.isoformat(),
        reason=text,
    )
    return new_due


def _extension_days(rule: StageRule, working_days: int | None) -> int:
    """The stage's working days in all after the extension, checked against the regime."""
    assert rule.extension is not None
    most = rule.extension.most_working_days
    if (rule.extension.once_to_the_most or working_days is None) and most is not None:
        return most
    if working_days is None:
        raise ComplaintRuleError("Enter the working days the stage may take in all")
    if most is not None and not rule.working_days < working_days <= most:
        raise ComplaintRuleError(
            f"Enter a number of working days from {rule.working_days + 1} to {most}"
        )
    if working_days <= rule.working_days:
        raise ComplaintRuleError(
            f"Enter a number of working days of {rule.working_days + 1} or more"
        )
    return working_days


def set_owner(
    stage: ComplaintStage,
    staff: StaffUser,
    team: Team | None,
    manager: StaffUser | None,
    ip: str | None = None,
) -> None:
    """Say which team and manager must respond to this stage."""
    if manager is not None and (manager.role not in COMPLAINTS_ROLES or not manager.active):
        raise ComplaintRuleError("Choose an active manager or complaints officer")
    stage.team_id = team.id if team else None
    stage.manager_id = manager.id if manager else None
    _audit(
        Action.COMPLAINT_OWNER_SET,
        stage,
        staff,
        ip,
        team_id=stage.team_id,
        manager_id=stage.manager_id,
    )


def record_outcome(
    stage: ComplaintStage,
    staff: StaffUser,
    outcome: ComplaintOutcome,
    reason: str | None,
    responded_on: date | None = None,
    ip: str | None = None,
) -> None:
    """Record the stage's response and its outcome; a withdrawal needs a reason."""
    _must_be_open(stage)
    responded = responded_on or today()
    if responded < stage.received_on:
        raise ComplaintRuleError("The response cannot be dated before the stage was received")
    if responded > today():
        raise ComplaintRuleError("The response date cannot be in the future")
    if outcome == ComplaintOutcome.WITHDRAWN or (reason or "").strip():
        text: str | None = reason_text(reason, "Say why the complaint was withdrawn")
    else:
        text = None
    stage.responded_on = responded
    stage.outcome = outcome
    stage.outcome_reason = text
    _audit(
        Action.COMPLAINT_OUTCOME_RECORDED,
        stage,
        staff,
        ip,
        outcome=outcome.value,
        responded_on=responded.isoformat(),
        on_time=responded <= deadline(stage).due,
    )


def withdraw(
    stage: ComplaintStage, staff: StaffUser, reason: str | None, ip: str | None = None
) -> None:
    """Record an open stage as withdrawn today, or on the day its clock starts if a complaint
    received out of hours is withdrawn before then."""
    _must_be_open(stage)
    text = reason_text(reason, "Say why the complaint was withdrawn")
    stage.responded_on = max(today(), stage.received_on)
    stage.outcome = ComplaintOutcome.WITHDRAWN
    stage.outcome_reason = text
    _audit(
        Action.COMPLAINT_OUTCOME_RECORDED,
        stage,
        staff,
        ip,
        outcome=ComplaintOutcome.WITHDRAWN.value,
        responded_on=stage.responded_on.isoformat(),
        on_time=True,
    )


def escalate(
    stage: ComplaintStage, staff: StaffUser, requested_on: date, ip: str | None = None
) -> ComplaintStage:
    """Open the next stage at the complainant's request, made within the regime's window after
    the response. The next stage keeps the team; its manager is chosen afterwards."""
    regime = regimes.current()
    if stage.stage >= regime.last_stage:
        raise ComplaintRuleError(
            f"Stage {stage.stage} is the last stage: the next step is {regime.after_last_stage}"
        )
    if stage.responded_on is None:
        raise ComplaintRuleError("Record this stage's response before escalating it")
    closes = escalation_closes(stage)
    if closes is None:
        raise ComplaintRuleError("This complaint cannot be escalated from this stage")
    if requested_on > today():
        raise ComplaintRuleError("The request date cannot be in the future")
    if not stage.responded_on <= requested_on <= closes:
        raise ComplaintRuleError(
            "A request to escalate must come within "
            f"{regime.escalation_window.words()} of the response (by {closes:%d %B %Y})"
        )
    number = stage.stage + 1
    following = ComplaintStage(
        feedback_item_id=stage.feedback_item_id,
        stage=number,
        team_id=stage.team_id,
        received_on=requested_on,
        due_on=wd.add_working_days(requested_on, regime.stage(number).working_days, nation()),
    )
    db.session.add(following)
    db.session.flush()
    _audit(
        Action.COMPLAINT_ESCALATED,
        stage,
        staff,
        ip,
        to_stage=number,
        requested_on=requested_on.isoformat(),
    )
    return following


def record_panel(
    stage: ComplaintStage, staff: StaffUser, held_on: date, ip: str | None = None
) -> None:
    """A review panel stage: the panel met, which starts the days for its recommendations."""
    if rule_of(stage).panel is None:
        raise ComplaintRuleError("Only a review panel stage has a panel")
    _must_be_open(stage)
    if not stage.received_on <= held_on <= today():
        raise ComplaintRuleError("The panel date must be between the request and today")
    stage.panel_held_on = held_on
    _audit(Action.COMPLAINT_PANEL_HELD, stage, staff, ip, held_on=held_on.isoformat())


def record_recommendations(
    stage: ComplaintStage, staff: StaffUser, received_on: date, ip: str | None = None
) -> None:
    """A review panel stage: the recommendations arrived, which starts the days for the final
    response."""
    if rule_of(stage).panel is None or stage.panel_held_on is None:
        raise ComplaintRuleError("Record the panel's date first")
    _must_be_open(stage)
    if not stage.panel_held_on <= received_on <= today():
        raise ComplaintRuleError("The date must be between the panel and today")
    stage.recommendations_on = received_on
    _audit(Action.COMPLAINT_RECOMMENDATIONS_RECEIVED, stage, staff, ip, on=received_on.isoformat())


def load_stage(stage_id: int) -> ComplaintStage | None:
    """One stage by id; None for no such stage, including ids no row could have."""
    return get_by_id(ComplaintStage, stage_id)


def owners() -> list[StaffUser]:
    """Active staff who may own a stage, by name."""
    query = (
        select(StaffUser)
        .where(StaffUser.role.in_(COMPLAINTS_ROLES), StaffUser.active.is_(True))
        .order_by(StaffUser.name)
    )
    return list(db.session.execute(query).scalars())


def open_stages() -> list[ComplaintStage]:
    """Every stage still waiting for its response."""
    query = select(ComplaintStage).where(ComplaintStage.responded_on.is_(None))
    return list(db.session.execute(query.order_by(ComplaintStage.id)).scalars())
