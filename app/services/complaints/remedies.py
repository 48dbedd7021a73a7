"""What a complaint's response put right (apology, explanation, action, payment, a change to
the service), what its independent investigator and independent person cost at Stages 2 and
3, whether a child was offered an advocate and took one up, and a request for Stage 2 that did
not go ahead. Each is audited; the annual report counts them.

Money is whole pence: forms turn pounds into pence with `pence()`.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.extensions import db
from app.models import (
    ComplaintCost,
    ComplaintRemedy,
    ComplaintStage,
    CostKind,
    FeedbackItem,
    NotProgressedReason,
    RemedyKind,
    StaffUser,
)
from app.services.complaints import stages
from app.services.complaints.stages import ComplaintRuleError
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

# A payment or a fee above this is a typing slip, not a remedy: £1,000,000.
MOST_PENCE = 100_000_000
MAX_NOTE_CHARS = 2000
# Only the stages with independent people have their costs.
COSTED_STAGES = (2, 3)


def pence(pounds: str | None) -> int | None:
    """'£1,250.50' or '1250.5' as 125050 pence; None for an empty answer; ComplaintRuleError
    for anything that is not an amount of money."""
    text = (pounds or "").strip().replace(",", "").removeprefix("£").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ComplaintRuleError("Enter an amount in pounds, like 250 or 250.50") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ComplaintRuleError("Enter an amount in pounds, like 250 or 250.50")
    result = int(amount * 100)
    if result > MOST_PENCE:
        raise ComplaintRuleError("Enter an amount of £1,000,000 or less")
    return result


def _note(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    if len(cleaned) > MAX_NOTE_CHARS:
        raise ComplaintRuleError(f"Keep the note to {MAX_NOTE_CHARS} characters or fewer")
    return cleaned or None


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


def record_remedy(
    stage: ComplaintStage,
    staff: StaffUser,
    kind: RemedyKind,
    amount_pence: int | None,
    note: str | None,
    ip: str | None = None,
) -> ComplaintRemedy:
    """A remedy of a stage's response; a financial payment needs its amount, and only it has
    one."""
    if kind == RemedyKind.FINANCIAL_PAYMENT and not amount_pence:
        raise ComplaintRuleError("Enter the amount paid")
    if kind != RemedyKind.FINANCIAL_PAYMENT and amount_pence is not None:
        raise ComplaintRuleError("Only a financial payment has an amount")
    remedy = ComplaintRemedy(
        stage=stage,
        kind=kind,
        amount_pence=amount_pence,
        note=_note(note),
        recorded_on=stages.today(),
        created_by_id=staff.id,
    )
    db.session.add(remedy)
    db.session.flush()
    _audit(Action.COMPLAINT_REMEDY_RECORDED, stage, staff, ip, kind=kind.value, amount=amount_pence)
    return remedy


def record_cost(
    stage: ComplaintStage,
    staff: StaffUser,
    kind: CostKind,
    amount_pence: int | None,
    incurred_on: date,
    note: str | None,
    ip: str | None = None,
) -> ComplaintCost:
    """What an independent investigator or independent person cost for a Stage 2 or 3."""
    if stage.stage not in COSTED_STAGES:
        raise ComplaintRuleError("Costs are recorded for Stage 2 and Stage 3 only")
    if not amount_pence:
        raise ComplaintRuleError("Enter the amount")
    if incurred_on > stages.today():
        raise ComplaintRuleError("The date cannot be in the future")
    if incurred_on < stage.received_on:
        raise ComplaintRuleError("The date cannot be before the stage was received")
    cost = ComplaintCost(
        stage=stage,
        kind=kind,
        amount_pence=amount_pence,
        incurred_on=incurred_on,
        note=_note(note),
        created_by_id=staff.id,
    )
    db.session.add(cost)
    db.session.flush()
    _audit(
        Action.COMPLAINT_COST_RECORDED,
        stage,
        staff,
        ip,
        kind=kind.value,
        amount=amount_pence,
        incurred_on=incurred_on.isoformat(),
    )
    return cost


def record_advocacy(
    stage: ComplaintStage,
    staff: StaffUser,
    offered: bool,
    taken_up: bool | None,
    ip: str | None = None,
) -> None:
    """Whether the complainant was offered an advocate and whether they took one up (None:
    not known yet)."""
    item = db.session.get(FeedbackItem, stage.feedback_item_id)
    assert item is not None
    item.advocacy_offered = offered
    item.advocacy_taken_up = taken_up
    _audit(Action.COMPLAINT_ADVOCACY_RECORDED, stage, staff, ip, offered=offered, taken_up=taken_up)


def record_not_progressed(
    stage: ComplaintStage,
    staff: StaffUser,
    requested_on: date,
    reason: NotProgressedReason,
    ip: str | None = None,
) -> None:
    """The complainant asked for the next stage after this one, and it did not go ahead."""
    if stage.stage >= 3:
        raise ComplaintRuleError("Stage 3 is the last stage")
    if stage.responded_on is None:
        raise ComplaintRuleError("Record this stage's response first")
    if any(s.stage > stage.stage for s in stages.stages_of(stage.feedback_item)):
        raise ComplaintRuleError("The next stage is already open")
    if requested_on > stages.today():
        raise ComplaintRuleError("The date cannot be in the future")
    if requested_on < stage.responded_on:
        raise ComplaintRuleError("The request cannot be dated before this stage's response")
    stage.next_stage_requested_on = requested_on
    stage.next_stage_declined = reason
    _audit(
        Action.COMPLAINT_NEXT_STAGE_DECLINED,
        stage,
        staff,
        ip,
        reason=reason.value,
        requested_on=requested_on.isoformat(),
    )


def remedies_of(item: FeedbackItem) -> list[ComplaintRemedy]:
    """The remedies recorded on a complaint, oldest first."""
    query = (
        select(ComplaintRemedy)
        .join(ComplaintStage, ComplaintStage.id == ComplaintRemedy.stage_id)
        .where(ComplaintStage.feedback_item_id == item.id)
        .order_by(ComplaintRemedy.id)
    )
    return list(db.session.scalars(query))


def costs_of(item: FeedbackItem) -> list[ComplaintCost]:
    """The costs recorded on a complaint, oldest first."""
    query = (
        select(ComplaintCost)
        .join(ComplaintStage, ComplaintStage.id == ComplaintCost.stage_id)
        .where(ComplaintStage.feedback_item_id == item.id)
        .order_by(ComplaintCost.id)
    )
    return list(db.session.scalars(query))
