"""The retention schedule, and the daily job that anonymises what it says is due.

Heard has no "case closed" moment of its own (a complaint's stages close, alerts close, people
write again), so a record's clock starts at its last activity: the newest of the item's
creation, its messages in and out, its complaint stages' responses, its MP enquiries'
responses and its alerts' closures. While any stage, enquiry or alert is still open, nothing
is due. An item is a safeguarding record when any alert on it was not closed as "not a
safeguarding matter"; those are kept 25 years by default, which always outlasts the child's
25th birthday (Heard holds no dates of birth), so "25 years or until the child's 25th
birthday" is met either way.

Anonymising keeps every count: the item, its kind, team, themes, dates, stages, outcomes,
classifications' scores and flags, alerts' outcomes and times, and the equality answers (which
identify nobody once the contact is gone) all stay, so past reports are unchanged. What goes:
every text written by or about the person (messages, attachments, evidence, reasons), contact
details, senders and recipients, case references.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import QueryableAttribute

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertDecision,
    AlertOutcome,
    AlertStatus,
    Attachment,
    AuditEvent,
    AuditInvitation,
    Classification,
    ComplaintStage,
    Contact,
    FeedbackItem,
    FeedbackKind,
    LegalHold,
    MemberEnquiry,
    Message,
    OmbudsmanReferral,
    SafeguardingAlert,
    ThemeCorrection,
)
from app.services.common import uk_midnight
from app.services.staff import audit_log, sessions, sign_in_throttle
from app.services.staff.audit_log import Action

log = logging.getLogger(__name__)

REMOVED = "[removed under the retention schedule]"
ERASED = "[erased at the person's request]"
SAFEGUARDING = "safeguarding"
# Items looked at per round trip when working out last activity.
CHUNK = 500
# Items anonymised per transaction: few round trips each, and locks held only briefly.
BATCH = 100
# The audit record of a run names at most this many items; the counts are always complete.
LISTED_IDS = 2000


@dataclass(frozen=True)
class Rule:
    """One line of the schedule: which records, how many years after their last activity."""

    key: str
    records: str
    years: int


RECORDS = {
    FeedbackKind.COMPLAINT.value: "Complaints, with their stages, replies and outcomes",
    FeedbackKind.COMPLIMENT.value: "Compliments",
    FeedbackKind.COMMENT.value: "Comments",
    FeedbackKind.AUDIT.value: "Audit feedback scores and their survey texts",
    SAFEGUARDING: (
        "Any item with a safeguarding alert not closed as 'not a safeguarding matter' "
        "(25 years always outlasts the child's 25th birthday)"
    ),
}


def schedule() -> list[Rule]:
    """The schedule in force, as configured (RETENTION_*_YEARS)."""
    years: dict[str, int] = current_app.config["RETENTION_YEARS"]
    return [Rule(key, RECORDS[key], years[key]) for key in RECORDS]


def years_before(moment: datetime, years: int) -> datetime:
    """The same instant `years` calendar years earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass(frozen=True)
class Due:
    feedback_item_id: int
    rule: str
    last_activity: datetime


@dataclass
class _Activity:
    last: datetime
    open_work: bool = False
    safeguarding: bool = False


def due_items(now: datetime, item_ids: Iterable[int] | None = None) -> list[Due]:
    """Items not yet anonymised and not held whose retention period has run out by `now`."""
    rules = {rule.key: rule.years for rule in schedule()}
    cutoffs = {key: years_before(now, years) for key, years in rules.items()}
    latest_cutoff = max(cutoffs.values())
    query = (
        select(FeedbackItem.id, FeedbackItem.kind, FeedbackItem.created_at)
        .where(FeedbackItem.anonymised_at.is_(None), FeedbackItem.created_at < latest_cutoff)
        .where(~held_clause())
        .order_by(FeedbackItem.id)
    )
    if item_ids is not None:
        query = query.where(FeedbackItem.id.in_(list(item_ids)))
    candidates = db.session.execute(query).all()
    due: list[Due] = []
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        activity = _activity({row.id: row.created_at for row in chunk})
        for row in chunk:
            seen = activity[row.id]
            if seen.open_work:
                continue
            rule = SAFEGUARDING if seen.safeguarding else FeedbackKind(row.kind).value
            if seen.last < cutoffs[rule]:
                due.append(Due(row.id, rule, seen.last))
    return due


def held_clause() -> ColumnElement[bool]:
    """Whether an item has a legal hold that has not been cleared."""
    return exists().where(
        LegalHold.feedback_item_id == FeedbackItem.id, LegalHold.cleared_at.is_(None)
    )


def _activity(created: dict[int, datetime]) -> dict[int, _Activity]:
    """Each item's last activity, and whether anything on it is still open or safeguarding."""
    ids = list(created)
    found = {item_id: _Activity(last=moment) for item_id, moment in created.items()}

    def later(item_id: int, moment: datetime | None) -> None:
        if moment is not None and moment > found[item_id].last:
            found[item_id].last = moment

    messages = select(Message.feedback_item_id, func.max(Message.received_at)).where(
        Message.feedback_item_id.in_(ids)
    )
    for item_id, moment in db.session.execute(messages.group_by(Message.feedback_item_id)):
        if item_id is not None:
            later(item_id, moment)
    for model in (ComplaintStage, MemberEnquiry):
        answered = select(
            model.feedback_item_id,
            func.max(model.responded_on),
            func.sum(case((model.responded_on.is_(None), 1), else_=0)),
        ).where(model.feedback_item_id.in_(ids))
        for item_id, day, still_open in db.session.execute(
            answered.group_by(model.feedback_item_id)
        ):
            later(item_id, uk_midnight(day + timedelta(days=1)) if day else None)
            found[item_id].open_work |= bool(still_open)
    not_dismissed = or_(
        SafeguardingAlert.outcome.is_(None),
        SafeguardingAlert.outcome != AlertOutcome.NOT_SAFEGUARDING,
    )
    alerts = select(
        SafeguardingAlert.feedback_item_id,
        func.max(SafeguardingAlert.closed_at),
        func.sum(case((SafeguardingAlert.status != AlertStatus.CLOSED, 1), else_=0)),
        func.sum(case((not_dismissed, 1), else_=0)),
    ).where(SafeguardingAlert.feedback_item_id.in_(ids))
    for item_id, closed, still_open, kept in db.session.execute(
        alerts.group_by(SafeguardingAlert.feedback_item_id)
    ):
        later(item_id, closed)
        found[item_id].open_work |= bool(still_open)
        found[item_id].safeguarding |= bool(kept)
    return found


def lock_item(item_id: int) -> FeedbackItem | None:
    """The item, its row locked until this transaction ends: anonymising it, setting a hold on
    it and erasing it all take this lock first, so none can slip between another's check and
    its write."""
    query = (
        select(FeedbackItem)
        .where(FeedbackItem.id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(query).scalar_one_or_none()


def is_held(item_id: int) -> bool:
    query = select(
        exists().where(LegalHold.feedback_item_id == item_id, LegalHold.cleared_at.is_(None))
    )
    return bool(db.session.execute(query).scalar())


def anonymise_locked(
    items: Sequence[FeedbackItem], now: datetime, placeholder: str = REMOVED
) -> None:
    """Replace the texts and remove the contact details of items locked by `lock_item` or
    `_lock_batch`, keeping everything the reports count. The caller commits."""
    ids = [item.id for item in items]
    if not ids:
        return
    in_thread = select(Message.id).where(Message.feedback_item_id.in_(ids))
    db.session.execute(
        update(Message)
        .where(Message.feedback_item_id.in_(ids))
        .values(
            text=placeholder,
            raw_payload={},
            sender=None,
            recipient=None,
            external_id=literal("anonymised-") + cast(Message.id, String),
        )
    )
    db.session.execute(
        update(Attachment)
        .where(Attachment.message_id.in_(in_thread))
        .values(data=None, filename="[removed]", refused=placeholder[:200])
    )
    db.session.execute(
        update(Classification).where(Classification.message_id.in_(in_thread)).values(evidence=[])
    )
    db.session.execute(
        update(SafeguardingAlert)
        .where(SafeguardingAlert.feedback_item_id.in_(ids))
        .values(
            evidence=[],
            reason=_replaced(SafeguardingAlert.reason, placeholder),
            rationale=_replaced(SafeguardingAlert.rationale, placeholder),
        )
    )
    alerts = select(SafeguardingAlert.id).where(SafeguardingAlert.feedback_item_id.in_(ids))
    db.session.execute(
        update(AlertDecision)
        .where(AlertDecision.alert_id.in_(alerts))
        .values(rationale=_replaced(AlertDecision.rationale, placeholder))
    )
    db.session.execute(
        update(ThemeCorrection)
        .where(ThemeCorrection.feedback_item_id.in_(ids))
        .values(reason=_replaced(ThemeCorrection.reason, placeholder))
    )
    db.session.execute(
        update(ComplaintStage)
        .where(ComplaintStage.feedback_item_id.in_(ids))
        .values(
            extension_reason=_replaced(ComplaintStage.extension_reason, placeholder),
            outcome_reason=_replaced(ComplaintStage.outcome_reason, placeholder),
        )
    )
    db.session.execute(
        update(OmbudsmanReferral)
        .where(OmbudsmanReferral.feedback_item_id.in_(ids))
        .values(remedy=_replaced(OmbudsmanReferral.remedy, placeholder))
    )
    db.session.execute(
        update(AuditInvitation)
        .where(AuditInvitation.feedback_item_id.in_(ids))
        .values(case_reference=None, contact_id=None)
    )
    contact_ids = {item.contact_id for item in items if item.contact_id is not None}
    roles = {
        row.id: row.role
        for row in db.session.execute(
            select(Contact.id, Contact.role).where(Contact.id.in_(contact_ids))
        )
    }
    for item in items:
        # Who complained is counted from the contact's role when the item has none of its own.
        if item.submitter_role is None and item.contact_id in roles:
            item.submitter_role = roles[item.contact_id]
        item.contact_id = None
        item.case_reference = None
        item.worker_or_team = None
        item.anonymised_at = now
    db.session.flush()
    _remove_contacts_if_unused(contact_ids)


def _replaced(column: QueryableAttribute[str | None], placeholder: str) -> ColumnElement[str]:
    return case((column.is_(None), None), else_=placeholder)


def _remove_contacts_if_unused(contact_ids: set[int]) -> None:
    """A person may have written more than once: their details go with their last item."""
    if not contact_ids:
        return
    still_used = select(FeedbackItem.contact_id).where(FeedbackItem.contact_id.in_(contact_ids))
    unused = contact_ids - set(db.session.execute(still_used).scalars())
    if not unused:
        return
    db.session.execute(
        update(AuditInvitation)
        .where(AuditInvitation.contact_id.in_(unused))
        .values(contact_id=None, case_reference=None)
    )
    db.session.execute(delete(Contact).where(Contact.id.in_(unused)))


@dataclass
class RunSummary:
    """What one run did, in numbers and ids: nothing here is anyone's personal data."""

    anonymised: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    item_ids: list[int] = field(default_factory=list)
    skipped: int = 0
    held: int = 0
    loose_messages: int = 0
    loose_contacts: int = 0
    sign_in_records: int = 0

    def as_detail(self) -> dict[str, object]:
        return {
            "anonymised": dict(self.anonymised),
            "items": self.item_ids[:LISTED_IDS],
            "skipped": self.skipped,
            "held": self.held,
            "loose_messages": self.loose_messages,
            "loose_contacts": self.loose_contacts,
            "sign_in_records": self.sign_in_records,
        }


def apply_retention(now: datetime | None = None) -> RunSummary:
    """Anonymise everything the schedule says is due, one item per transaction.

    Safe when two runs overlap: each batch is locked (skipping rows another run has locked)
    and re-checked under the lock, so one run does an item and the other skips it. A legal
    hold set meanwhile wins.
    """
    now = now or utcnow()
    summary = RunSummary()
    due = due_items(now)
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        done = _anonymise_batch_if_still_due(batch, now)
        for item_id, rule in done.items():
            summary.anonymised[rule] += 1
            summary.item_ids.append(item_id)
        summary.skipped += len(batch) - len(done)
    summary.loose_messages = _anonymise_loose_messages(now)
    summary.loose_contacts = _remove_loose_contacts(now)
    summary.sign_in_records = sessions.prune(now) + sign_in_throttle.prune(now)
    db.session.commit()
    summary.held = db.session.execute(
        select(func.count(FeedbackItem.id)).where(
            FeedbackItem.anonymised_at.is_(None), held_clause()
        )
    ).scalar_one()
    audit_log.record(Action.RETENTION_APPLIED, object_type="retention", detail=summary.as_detail())
    log.info(
        "retention: anonymised %s, skipped %d, %d items on legal hold, %d loose messages, "
        "%d loose contacts, %d old sign-in records",
        dict(summary.anonymised),
        summary.skipped,
        summary.held,
        summary.loose_messages,
        summary.loose_contacts,
        summary.sign_in_records,
    )
    return summary


def _anonymise_batch_if_still_due(batch: Sequence[Due], now: datetime) -> dict[int, str]:
    """Lock a batch of due items, skipping any another run (or a member of staff) holds,
    check each is still due, anonymise those, commit. Returns the ids done, with their rule."""
    query = (
        select(FeedbackItem)
        .where(
            FeedbackItem.id.in_([due.feedback_item_id for due in batch]),
            FeedbackItem.anonymised_at.is_(None),
        )
        .order_by(FeedbackItem.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    locked = list(db.session.execute(query).scalars())
    # Someone may have written again, a stage opened or a hold been set since the list was
    # made: due_items leaves out held items, so a hold set before this lock always wins.
    still = {due.feedback_item_id: due.rule for due in due_items(now, [i.id for i in locked])}
    chosen = [item for item in locked if item.id in still]
    anonymise_locked(chosen, now)
    db.session.commit()
    return {item.id: still[item.id] for item in chosen}


def _audit_cutoff(now: datetime) -> datetime:
    return years_before(now, current_app.config["RETENTION_YEARS"][FeedbackKind.AUDIT.value])


def _anonymise_loose_messages(now: datetime) -> int:
    """Messages sent outside any thread (audit survey invitations) follow the audit rule."""
    result = db.session.execute(
        update(Message)
        .where(
            Message.feedback_item_id.is_(None),
            Message.received_at < _audit_cutoff(now),
            or_(Message.recipient.is_not(None), Message.sender.is_not(None)),
        )
        .values(text=REMOVED, raw_payload={}, sender=None, recipient=None)
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _remove_loose_contacts(now: datetime) -> int:
    """Contacts no item names any more, kept only for an old survey invitation, go too."""
    cutoff = _audit_cutoff(now)
    db.session.execute(
        update(AuditInvitation)
        .where(AuditInvitation.created_at < cutoff, AuditInvitation.contact_id.is_not(None))
        .values(contact_id=None, case_reference=None)
    )
    unused = and_(
        Contact.created_at < cutoff,
        ~exists().where(FeedbackItem.contact_id == Contact.id),
        ~exists().where(AuditInvitation.contact_id == Contact.id),
    )
    result = db.session.execute(delete(Contact).where(unused))
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def anonymised_ids(item_ids: Sequence[int]) -> set[int]:
    """Which of these items have been anonymised."""
    query = select(FeedbackItem.id).where(
        FeedbackItem.id.in_(list(item_ids)), FeedbackItem.anonymised_at.is_not(None)
    )
    return set(db.session.execute(query).scalars())


@dataclass(frozen=True)
class LastRun:
    at: datetime
    anonymised: dict[str, int]
    held: int


def last_run() -> LastRun | None:
    """What the newest run did, from its audit record, for the retention page."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.action == Action.RETENTION_APPLIED.value)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    event = db.session.execute(query).scalar_one_or_none()
    if event is None:
        return None
    detail = event.detail or {}
    return LastRun(
        at=event.at,
        anonymised={str(k): int(v) for k, v in (detail.get("anonymised") or {}).items()},
        held=int(detail.get("held") or 0),
    )
