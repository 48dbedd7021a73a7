"""Changing what kind of feedback an item is, when staff read it otherwise than the door it
came through did: a texted comment that is really a complaint, or a complaint the person
withdraws and that stays on record as a comment.

A comment (or compliment) made a complaint starts its Stage 1 clock from the day its first
message was received, not from the change: the job that opens Stage 1 is enqueued after the
commit. A complaint made a comment has its open stage recorded as withdrawn, with the reason.
"""

from flask_babel import gettext as _

from app.jobs.complaints import open_complaint_stage
from app.models import FeedbackItem, FeedbackKind, StaffUser
from app.services.complaints import stages
from app.services.complaints.stages import ComplaintRuleError
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

# What each kind may become from the item page; audit feedback keeps its kind (a score).
CHANGES: dict[FeedbackKind, tuple[FeedbackKind, ...]] = {
    FeedbackKind.COMMENT: (FeedbackKind.COMPLAINT,),
    FeedbackKind.COMPLIMENT: (FeedbackKind.COMPLAINT,),
    FeedbackKind.COMPLAINT: (FeedbackKind.COMMENT,),
    FeedbackKind.AUDIT: (),
}


def kinds_for(item: FeedbackItem) -> tuple[FeedbackKind, ...]:
    """The kinds staff may change this item to."""
    return CHANGES[item.kind]


def change_kind(
    item: FeedbackItem,
    staff: StaffUser,
    to: FeedbackKind,
    reason: str | None,
    ip: str | None = None,
) -> None:
    """Make an item another kind, with a reason, audited; see the module docstring."""
    if to not in kinds_for(item):
        raise ComplaintRuleError(
            _("This item cannot be changed to a %(kind)s", kind=to.value)
            if to != item.kind
            else _("This item is a %(kind)s already", kind=to.value)
        )
    text = stages.reason_text(reason, _("Say why the kind is changing"))
    was = item.kind
    item.kind = to
    if was == FeedbackKind.COMPLAINT:
        # Committed with the new kind, by the withdrawal's own audit event.
        _withdraw_open_stage(item, staff, text, ip)
    audit_log.record(
        Action.FEEDBACK_KIND_CHANGED,
        staff,
        "feedback_item",
        item.id,
        detail={"from": was.value, "to": to.value, "reason": text},
        ip_address=ip,
    )
    if to == FeedbackKind.COMPLAINT:
        open_complaint_stage.delay_or_log(item.id)


def _withdraw_open_stage(item: FeedbackItem, staff: StaffUser, reason: str, ip: str | None) -> None:
    for stage in stages.stages_of(item):
        if stage.is_open:
            stages.withdraw(stage, staff, reason, ip)
