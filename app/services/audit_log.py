"""The append-only record of what staff did: sign-ins, sign-outs, two-factor set-up, items read.

Rows are only ever added; the model and a database trigger refuse updates and deletes.
Details hold ids and reasons, never the content of feedback or anyone's contact details.
"""

from enum import StrEnum
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, StaffUser


class Action(StrEnum):
    """The actions recorded, as stored in audit_event.action."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    PASSWORD_ACCEPTED = "password_accepted"
    TWO_FACTOR_FAILED = "two_factor_failed"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    RECOVERY_CODE_USED = "recovery_code_used"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_CREATED = "account_created"
    SIGN_OUT = "sign_out"
    VIEW_ITEM = "view_feedback_item"
    SAFEGUARDING_REFUSED = "safeguarding_refused"
    SAFEGUARDING_VIEW_QUEUE = "safeguarding_view_queue"
    SAFEGUARDING_VIEW_ALERT = "safeguarding_view_alert"
    SAFEGUARDING_VIEW_ITEM = "safeguarding_view_item"
    SAFEGUARDING_ACKNOWLEDGED = "safeguarding_acknowledged"
    SAFEGUARDING_CLOSED = "safeguarding_closed"
    SAFEGUARDING_REOPENED = "safeguarding_reopened"
    SAFEGUARDING_DECISION_REFUSED = "safeguarding_decision_refused"
    SAFEGUARDING_FLAGGED = "safeguarding_flagged"
    SAFEGUARDING_ROTA_CHANGED = "safeguarding_rota_changed"


def record(
    action: str,
    staff_user: StaffUser | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Add one event and commit, so the record stands whatever the request does next."""
    event = AuditEvent(
        staff_user_id=staff_user.id if staff_user else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        ip_address=ip_address[:64] if ip_address else None,
        detail=detail or {},
    )
    db.session.add(event)
    db.session.commit()
    return event


def latest(limit: int = 100) -> list[AuditEvent]:
    """The most recent events, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(db.session.execute(query).scalars())
