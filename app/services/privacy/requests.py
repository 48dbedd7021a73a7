"""Erasure and correction on request (UK GDPR articles 16 and 17).

Erasing an item anonymises it now, as the schedule would later: texts replaced, contact details
removed, counts kept. It is refused, with the reason recorded, where a duty requires keeping the
record: a legal hold on it; a safeguarding alert on it that was not closed as "not a
safeguarding matter" (child protection records are kept 25 years); a complaint stage or MP
enquiry still open (the statutory procedure is under way). Staff may also refuse for another
legal reason, which they must write down. Correction changes the contact details held for the
item; messages stay exactly as received, as evidence of what was said.
"""

from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertOutcome,
    ComplaintStage,
    FeedbackItem,
    MemberEnquiry,
    PrivacyRequest,
    RequestDecision,
    RequestKind,
    SafeguardingAlert,
    StaffUser,
)
from app.services.common import Refusal
from app.services.privacy.retention import ERASED, anonymise_locked, is_held, lock_item
from app.services.staff import audit_log
from app.services.staff.audit_log import Action
from channels.sms import normalise_number

MAX_REASON_CHARS = 2000
# The contact details a correction may change, and the longest each may be.
CORRECTABLE = {"name": 200, "phone": 32, "email": 320, "postal_address": 2000}

HOLD_REASON = "A legal hold is on this record; it must be kept as it is until the hold is cleared."
SAFEGUARDING_REASON = (
    "This record holds a safeguarding concern. The duty to protect children requires keeping "
    "it (25 years under the retention schedule)."
)
OPEN_REASON = (
    "The complaint or enquiry is still being handled under the statutory procedure, which "
    "requires the record until it ends."
)


class RequestRefused(Refusal):
    """The request cannot be recorded as asked (not a decision to refuse it)."""


@dataclass(frozen=True)
class Outcome:
    request: PrivacyRequest

    @property
    def done(self) -> bool:
        return self.request.decision == RequestDecision.DONE


def duty_to_keep(item: FeedbackItem) -> str | None:
    """Why the record must be kept, or None if nothing requires it."""
    if is_held(item.id):
        return HOLD_REASON
    kept_alert = select(
        exists().where(
            SafeguardingAlert.feedback_item_id == item.id,
            or_(
                SafeguardingAlert.outcome.is_(None),
                SafeguardingAlert.outcome != AlertOutcome.NOT_SAFEGUARDING,
            ),
        )
    )
    if db.session.execute(kept_alert).scalar():
        return SAFEGUARDING_REASON
    open_work = select(
        exists().where(
            ComplaintStage.feedback_item_id == item.id, ComplaintStage.responded_on.is_(None)
        )
        | exists().where(
            MemberEnquiry.feedback_item_id == item.id, MemberEnquiry.responded_on.is_(None)
        )
    )
    if db.session.execute(open_work).scalar():
        return OPEN_REASON
    return None


def erase(
    item_id: int,
    by: StaffUser,
    ip_address: str | None,
    refuse_because: str = "",
) -> Outcome:
    """Erase an item's personal data, or refuse: for a duty Heard knows, or the staff
    member's own legal reason (`refuse_because`)."""
    own_reason = _reason(refuse_because, required=False)
    item = _locked(item_id)
    if item.anonymised_at is not None:
        db.session.rollback()
        raise RequestRefused("This item was anonymised already: nothing personal is left in it.")
    reason = duty_to_keep(item) or own_reason
    if reason:
        request = _decide(item, RequestKind.ERASURE, RequestDecision.REFUSED, reason, by)
        db.session.commit()
        _audit(Action.ERASURE_REFUSED, request, by, ip_address)
        return Outcome(request)
    anonymise_locked([item], utcnow(), placeholder=ERASED)
    request = _decide(item, RequestKind.ERASURE, RequestDecision.DONE, "Erased on request.", by)
    db.session.commit()
    _audit(Action.ERASURE_DONE, request, by, ip_address)
    return Outcome(request)


def correct(
    item_id: int,
    changes: dict[str, str],
    by: StaffUser,
    ip_address: str | None,
    refuse_because: str = "",
) -> Outcome:
    """Correct the contact details held for an item (blank values are left alone), or refuse
    with the staff member's reason. The request records which fields changed, not the values."""
    own_reason = _reason(refuse_because, required=False)
    item = _locked(item_id)
    if own_reason:
        request = _decide(item, RequestKind.CORRECTION, RequestDecision.REFUSED, own_reason, by)
        db.session.commit()
        _audit(Action.CORRECTION_REFUSED, request, by, ip_address)
        return Outcome(request)
    wanted = {key: value.strip() for key, value in changes.items() if key in CORRECTABLE}
    wanted = {key: value for key, value in wanted.items() if value}
    if not wanted:
        db.session.rollback()
        raise RequestRefused("Give at least one corrected detail, or a reason to refuse.")
    contact = item.contact
    if contact is None:
        db.session.rollback()
        raise RequestRefused("No contact details are held for this item.")
    for key, value in wanted.items():
        if len(value) > CORRECTABLE[key]:
            db.session.rollback()
            raise RequestRefused(
                f"Keep the {key.replace('_', ' ')} to {CORRECTABLE[key]} characters."
            )
        setattr(contact, key, value)
    if "phone" in wanted:
        contact.phone_raw = wanted["phone"]
        contact.phone = normalise_number(wanted["phone"]).e164 or wanted["phone"][:32]
    reason = "Corrected: " + ", ".join(key.replace("_", " ") for key in sorted(wanted)) + "."
    request = _decide(item, RequestKind.CORRECTION, RequestDecision.DONE, reason, by)
    db.session.commit()
    _audit(Action.CORRECTION_DONE, request, by, ip_address)
    return Outcome(request)


def requests_for(item_id: int) -> list[PrivacyRequest]:
    query = (
        select(PrivacyRequest)
        .where(PrivacyRequest.feedback_item_id == item_id)
        .order_by(PrivacyRequest.decided_at.desc(), PrivacyRequest.id.desc())
    )
    return list(db.session.execute(query).scalars())


def recent(limit: int = 50) -> list[PrivacyRequest]:
    query = (
        select(PrivacyRequest)
        .order_by(PrivacyRequest.decided_at.desc(), PrivacyRequest.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def _locked(item_id: int) -> FeedbackItem:
    item = lock_item(item_id)
    if item is None:
        db.session.rollback()
        raise RequestRefused("There is no such item.")
    return item


def _decide(
    item: FeedbackItem,
    kind: RequestKind,
    decision: RequestDecision,
    reason: str,
    by: StaffUser,
) -> PrivacyRequest:
    request = PrivacyRequest(
        feedback_item_id=item.id, kind=kind, decision=decision, reason=reason, decided_by_id=by.id
    )
    db.session.add(request)
    return request


def _audit(action: Action, request: PrivacyRequest, by: StaffUser, ip: str | None) -> None:
    audit_log.record(
        action,
        by,
        object_type="feedback_item",
        object_id=request.feedback_item_id,
        detail={"request_id": request.id},
        ip_address=ip,
    )


def _reason(reason: str, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise RequestRefused("Say why.")
    if len(reason) > MAX_REASON_CHARS:
        raise RequestRefused(f"Keep the reason under {MAX_REASON_CHARS} characters.")
    return reason
