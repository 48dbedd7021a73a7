"""The append-only record of what staff did: sign-ins, sign-outs, two-factor set-up, items read.

Rows are only ever added; the model and a database trigger refuse updates and deletes.
Details hold ids and reasons, never the content of feedback or anyone's contact details.
Administrators search it and export it as CSV.
"""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuditEvent, StaffUser
from app.services.common import safe_cell, uk_midnight

SEARCH_LIMIT = 200
# An export is read by a person in a spreadsheet; more rows than this want a narrower search.
EXPORT_LIMIT = 50_000


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
    ACCOUNT_TWO_FACTOR_RESET = "account_two_factor_reset"
    ACCOUNT_UNLOCKED = "account_unlocked"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    ACCOUNT_ROLE_CHANGED = "account_role_changed"
    ACCOUNT_PHONE_CHANGED = "account_phone_changed"
    ACCOUNT_PASSWORD_RESET = "account_password_reset"
    PASSWORD_CHANGED = "password_changed"
    SESSIONS_ENDED = "sessions_ended"
    REAUTHENTICATED = "reauthenticated"
    ACCESS_REFUSED = "access_refused"
    TRENDS_VIEWED = "trends_viewed"
    ACCOUNT_CHANGE_REFUSED = "account_change_refused"
    SIGN_OUT = "sign_out"
    VIEW_ITEM = "view_feedback_item"
    STAFF_REPLY = "staff_reply"
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
    SAFEGUARDING_VIEW_SECOND_LOOK = "safeguarding_view_second_look"
    SAFEGUARDING_SECOND_LOOK_FINE = "safeguarding_second_look_fine"
    SAFEGUARDING_SECOND_LOOK_MISSED = "safeguarding_second_look_missed"
    AUDIT_LOG_VIEWED = "audit_log_viewed"
    AUDIT_LOG_EXPORTED = "audit_log_exported"
    EQUALITY_POPULATION_CHANGED = "equality_population_changed"
    THEMES_CORRECTED = "themes_corrected"
    FEEDBACK_KIND_CHANGED = "feedback_kind_changed"
    COMPLAINT_RECORDED = "complaint_recorded"
    COMPLAINT_ACKNOWLEDGED = "complaint_acknowledged"
    COMPLAINT_EXTENDED = "complaint_extended"
    COMPLAINT_OWNER_SET = "complaint_owner_set"
    TEAM_DEFAULT_OWNER_SET = "team_default_owner_set"
    AUDIT_INVITATION_ISSUED = "audit_invitation_issued"
    COMPLAINT_OUTCOME_RECORDED = "complaint_outcome_recorded"
    COMPLAINT_ESCALATED = "complaint_escalated"
    COMPLAINT_PANEL_HELD = "complaint_panel_held"
    COMPLAINT_RECOMMENDATIONS_RECEIVED = "complaint_recommendations_received"
    COMPLAINT_REMEDY_RECORDED = "complaint_remedy_recorded"
    COMPLAINT_COST_RECORDED = "complaint_cost_recorded"
    COMPLAINT_ADVOCACY_RECORDED = "complaint_advocacy_recorded"
    COMPLAINT_NEXT_STAGE_DECLINED = "complaint_next_stage_declined"
    REPORT_TEXT_SAVED = "complaints_report_text_saved"
    LEARNING_RECORDED = "complaint_learning_recorded"
    LEARNING_AMENDED = "complaint_learning_amended"
    LEARNING_DONE = "complaint_learning_done"
    MEMBER_ENQUIRY_RECORDED = "member_enquiry_recorded"
    MEMBER_ENQUIRY_RESPONDED = "member_enquiry_responded"
    OMBUDSMAN_REFERRAL_SAVED = "ombudsman_referral_saved"
    COMPLIMENT_CREDITED = "compliment_credited"
    COMPLAINTS_REPORT_VIEWED = "complaints_report_viewed"
    COMPLAINTS_REPORT_DOWNLOADED = "complaints_report_downloaded"
    RETENTION_APPLIED = "retention_applied"
    LEGAL_HOLD_SET = "legal_hold_set"
    LEGAL_HOLD_CLEARED = "legal_hold_cleared"
    SUBJECT_ACCESS_SEARCHED = "subject_access_searched"
    SUBJECT_ACCESS_EXPORTED = "subject_access_exported"
    ERASURE_DONE = "erasure_done"
    ERASURE_REFUSED = "erasure_refused"
    CORRECTION_DONE = "correction_done"
    CORRECTION_REFUSED = "correction_refused"
    JOB_RETRIED = "job_retried"


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


@dataclass(frozen=True)
class AuditSearch:
    """What to look for; days are calendar days in England, both ends included."""

    staff_user_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: date | None = None
    until: date | None = None

    def as_detail(self) -> dict[str, Any]:
        """The criteria for the audit record of a search: ids, names of actions and days."""
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


def _conditions(criteria: AuditSearch) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.staff_user_id is not None:
        conditions.append(AuditEvent.staff_user_id == criteria.staff_user_id)
    if criteria.action:
        conditions.append(AuditEvent.action == criteria.action)
    if criteria.object_type:
        conditions.append(AuditEvent.object_type == criteria.object_type)
    if criteria.object_id:
        conditions.append(AuditEvent.object_id == criteria.object_id)
    if criteria.since:
        conditions.append(AuditEvent.at >= uk_midnight(criteria.since))
    if criteria.until:
        conditions.append(AuditEvent.at < uk_midnight(criteria.until + timedelta(days=1)))
    return conditions


def search(criteria: AuditSearch, limit: int = SEARCH_LIMIT) -> list[AuditEvent]:
    """Matching events, newest first, at most `limit` of them."""
    query = (
        select(AuditEvent)
        .where(*_conditions(criteria))
        .options(joinedload(AuditEvent.staff_user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def count(criteria: AuditSearch) -> int:
    """How many events match."""
    query = select(func.count(AuditEvent.id)).where(*_conditions(criteria))
    return db.session.execute(query).scalar_one()


def actions() -> list[str]:
    """Every action recorded so far or that the code can record, for the search form."""
    recorded = db.session.execute(select(AuditEvent.action).distinct()).scalars()
    return sorted({*recorded, *(action.value for action in Action)})


def staff_users() -> list[StaffUser]:
    """Every staff account, by name, for the search form."""
    return list(db.session.execute(select(StaffUser).order_by(StaffUser.name)).scalars())


CSV_HEADER = (
    "id",
    "at_utc",
    "staff_user_id",
    "staff_name",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "detail",
)


def to_csv(events: Iterable[AuditEvent]) -> str:
    """The events as CSV, one row each, every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for event in events:
        writer.writerow(
            safe_cell(value)
            for value in (
                event.id,
                event.at.astimezone(UTC).isoformat(),
                event.staff_user_id,
                event.staff_user.name if event.staff_user else "",
                event.action,
                event.object_type,
                event.object_id,
                event.ip_address,
                json.dumps(event.detail or {}, sort_keys=True, ensure_ascii=False),
            )
        )
    return buffer.getvalue()
