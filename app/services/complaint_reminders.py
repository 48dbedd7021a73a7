"""Chasing complaint deadlines: a nudge to the stage's manager when it is within 5 working
days of its deadline, an overdue warning once it has passed, each repeated weekly until the
stage is answered and copied to the head of service. Sent as outbound emails."""

import logging
from datetime import date, timedelta

from flask import current_app

from app.extensions import db
from app.models import ComplaintStage, Message
from app.services import complaints, outbound
from app.services.deadlines import is_working_day

log = logging.getLogger(__name__)

NUDGE_WITHIN_WORKING_DAYS = 5
REPEAT_AFTER = timedelta(days=7)
NUDGE = "nudge"
OVERDUE = "overdue"


def reminder_kind(stage: ComplaintStage, today: date) -> str | None:
    """Which reminder an open stage calls for today, if any."""
    if not stage.is_open:
        return None
    left = complaints.days_left(stage, today)
    if left < 0:
        return OVERDUE
    return NUDGE if left <= NUDGE_WITHIN_WORKING_DAYS else None


def _already_reminded(stage: ComplaintStage, kind: str, due: date, today: date) -> bool:
    """Sent the same reminder for the same deadline less than a week ago."""
    return (
        stage.reminder_kind == kind
        and stage.reminder_due_on == due
        and stage.reminder_sent_on is not None
        and today < stage.reminder_sent_on + REPEAT_AFTER
    )


def send_reminders(today: date | None = None) -> int:
    """Store and send every reminder due today; returns how many emails were queued.

    Only on working days: a nudge on a Sunday reaches nobody who can act on it.
    """
    today = today or complaints.today()
    if not is_working_day(today, complaints.calendar()):
        return 0
    queued: list[Message] = []
    for stage in complaints.open_stages():
        kind = reminder_kind(stage, today)
        due = complaints.deadline(stage).due
        if kind is None or _already_reminded(stage, kind, due, today):
            continue
        messages = _store_reminder(stage, kind, today)
        if messages:
            stage.reminder_kind, stage.reminder_due_on, stage.reminder_sent_on = kind, due, today
            queued.extend(messages)
    # Stored and committed before any send, so a dead queue delays reminders but loses none.
    db.session.commit()
    for message in queued:
        outbound.enqueue_send(message.id)
    return len(queued)


def _store_reminder(stage: ComplaintStage, kind: str, today: date) -> list[Message]:
    """The reminder to the manager and its copy to the head of service, added to the session."""
    subject, body = _wording(stage, kind, today)
    recipients = []
    if stage.manager is not None and stage.manager.active:
        recipients.append((stage.manager.email, body))
    head_of_service = current_app.config["HEAD_OF_SERVICE_EMAIL"]
    if head_of_service:
        recipients.append((head_of_service, f"Copy for the head of service.\n\n{body}"))
    if not recipients:
        log.warning("complaint stage %s needs a %s but has nobody to send it to", stage.id, kind)
    return [
        outbound.new_outbound(
            "email",
            address,
            text,
            f"complaint_{kind}",
            context={"subject": subject, "complaint_stage_id": stage.id},
        )
        for address, text in recipients
    ]


def _wording(stage: ComplaintStage, kind: str, today: date) -> tuple[str, str]:
    """Subject and text: the reference, stage, deadline and a link, never the complaint."""
    deadline = complaints.deadline(stage)
    left = complaints.days_left(stage, today)
    reference = stage.feedback_item.reference
    due = f"{deadline.due.day} {deadline.due:%B %Y}"
    if kind == OVERDUE:
        subject = f"Overdue: complaint {reference}, Stage {stage.stage} {deadline.what}"
        state = f"was due on {due} and is {-left} working day(s) overdue"
    else:
        subject = f"Due soon: complaint {reference}, Stage {stage.stage} {deadline.what}"
        state = f"is due on {due}: {left} working day(s) left"
    owner = stage.manager.name if stage.manager else "nobody yet: please choose a manager"
    team = stage.team.name if stage.team else "no team chosen"
    body = (
        f"The Stage {stage.stage} {deadline.what} to complaint {reference} {state}.\n\n"
        f"Team: {team}\nResponding manager: {owner}\n"
        f"Received: {stage.received_on.day} {stage.received_on:%B %Y}\n\n"
        f"Open the complaint: {_item_url(stage.feedback_item_id)}\n\n"
        "You will be reminded weekly until the response is recorded."
    )
    return subject, body


def _item_url(item_id: int) -> str:
    """The staff page of an item; it carries only the id."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/items/{item_id}"
