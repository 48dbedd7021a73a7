"""Legal holds: staff stop the retention schedule (and erasure) for one item while a claim,
an inquiry, a court order or a police request needs it as it is. Setting and clearing are
audited; the reasons stay on the hold, not in the audit log, as they may name people."""

from datetime import datetime

from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import FeedbackItem, LegalHold, StaffUser
from app.services.common import Refusal
from app.services.privacy.retention import lock_item
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

MAX_REASON_CHARS = 2000


class HoldRefused(Refusal):
    """The hold cannot be set or cleared as asked."""


def holds_for(item_id: int) -> list[LegalHold]:
    """Every hold on an item, newest first, cleared ones too."""
    query = (
        select(LegalHold)
        .where(LegalHold.feedback_item_id == item_id)
        .order_by(LegalHold.set_at.desc(), LegalHold.id.desc())
    )
    return list(db.session.execute(query).scalars())


def active_holds() -> list[LegalHold]:
    """Every hold in force, oldest first, for the retention page."""
    query = (
        select(LegalHold)
        .where(LegalHold.cleared_at.is_(None))
        .order_by(LegalHold.set_at, LegalHold.id)
    )
    return list(db.session.execute(query).scalars())


def set_hold(
    item_id: int, reason: str, by: StaffUser, ip_address: str | None, now: datetime | None = None
) -> LegalHold:
    """Put a hold on an item. Refused for an item already anonymised: nothing is left to keep."""
    reason = _reason(reason)
    item = lock_item(item_id)
    if item is None:
        db.session.rollback()
        raise HoldRefused("There is no such item.")
    if item.anonymised_at is not None:
        db.session.rollback()
        raise HoldRefused("This item was anonymised already: there is nothing left to hold.")
    hold = LegalHold(
        feedback_item_id=item.id, reason=reason, set_by_id=by.id, set_at=now or utcnow()
    )
    db.session.add(hold)
    db.session.commit()
    audit_log.record(
        Action.LEGAL_HOLD_SET,
        by,
        object_type="feedback_item",
        object_id=item.id,
        detail={"hold_id": hold.id},
        ip_address=ip_address,
    )
    return hold


def clear_hold(
    hold_id: int, reason: str, by: StaffUser, ip_address: str | None, now: datetime | None = None
) -> LegalHold:
    """Lift a hold; the schedule applies to its item again from the next daily run."""
    reason = _reason(reason)
    hold = db.session.get(LegalHold, hold_id)
    if hold is None:
        raise HoldRefused("There is no such hold.")
    lock_item(hold.feedback_item_id)
    db.session.refresh(hold)
    if hold.cleared_at is not None:
        db.session.rollback()
        raise HoldRefused("This hold was cleared already.")
    hold.cleared_at = now or utcnow()
    hold.cleared_by_id = by.id
    hold.cleared_reason = reason
    db.session.commit()
    audit_log.record(
        Action.LEGAL_HOLD_CLEARED,
        by,
        object_type="feedback_item",
        object_id=hold.feedback_item_id,
        detail={"hold_id": hold.id},
        ip_address=ip_address,
    )
    return hold


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise HoldRefused("Say why: the reason is kept with the hold.")
    if len(reason) > MAX_REASON_CHARS:
        raise HoldRefused(f"Keep the reason under {MAX_REASON_CHARS} characters.")
    return reason


def find_item(reference: str) -> FeedbackItem | None:
    """The item with this reference, as people quote it (any case, spaces around)."""
    cleaned = (reference or "").strip().upper()
    if not cleaned or len(cleaned) > 32:
        return None
    query = select(FeedbackItem).where(FeedbackItem.reference == cleaned)
    return db.session.execute(query).scalar_one_or_none()
