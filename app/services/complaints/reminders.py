"""Chasing deadlines: a nudge to the owner when a complaint stage or an MP's or councillor's
enquiry is within the regime's reminder window (England: 5 working days) of its deadline, an
overdue warning once it has passed, each repeated weekly until answered and copied to the head
of service. Sent as outbound emails."""

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from flask import current_app

from app.extensions import db
from app.models import ComplaintStage, ElectedMember, MemberEnquiry, Message, StaffUser
from app.services import locks
from app.services.common import nation
from app.services.complaints import correspondence, regimes, stages
from app.services.complaints.deadlines import is_working_day
from app.services.outbound import messages as outbound_messages

log = logging.getLogger(__name__)

REPEAT_AFTER = timedelta(days=7)
NUDGE = "nudge"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Chase:
    """One open deadline to chase, whatever it belongs to."""

    row: ComplaintStage | MemberEnquiry
    due: date
    left: int  # working days; negative once overdue
    store: Callable[[str], list[Message]]  # the reminder of a kind, added to the session


def _kind_for(left: int) -> str | None:
    if left < 0:
        return OVERDUE
    return NUDGE if left <= regimes.current().reminder_within_working_days else None


def _already_reminded(
    row: ComplaintStage | MemberEnquiry, kind: str, due: date, today: date
) -> bool:
    """Sent the same reminder for the same deadline less than a week ago."""
    return (
        row.reminder_kind == kind
        and row.reminder_due_on == due
        and row.reminder_sent_on is not None
        and today < row.reminder_sent_on + REPEAT_AFTER
    )


def _chases(today: date) -> Iterator[Chase]:
    for stage in stages.open_stages():
        yield Chase(
            stage,
            stages.deadline(stage).due,
            stages.days_left(stage, today),
            partial(_store_reminder, stage, today=today),
        )
    for enquiry in correspondence.open_enquiries():
        yield Chase(
            enquiry,
            enquiry.due_on,
            correspondence.member_days_left(enquiry, today),
            partial(_store_enquiry_reminder, enquiry, today=today),
        )


def send_reminders(today: date | None = None) -> int:
    """Store and send every reminder due today; returns how many emails were queued.

    Only on working days: a nudge on a Sunday reaches nobody who can act on it. Two runs at
    once take turns: the second waits for the first to commit, then finds each reminder sent.
    """
    today = today or stages.today()
    if not is_working_day(today, nation()):
        return 0
    queued: list[Message] = []
    with locks.transaction_lock("complaint-reminders"):
        for chase in _chases(today):
            kind = _kind_for(chase.left)
            if kind is None or _already_reminded(chase.row, kind, chase.due, today):
                continue
            messages = chase.store(kind)
            if messages:
                row = chase.row
                row.reminder_kind, row.reminder_due_on = kind, chase.due
                row.reminder_sent_on = today
                queued.extend(messages)
        # Stored and committed before any send, so a dead queue delays reminders but loses none.
        db.session.commit()
    for message in queued:
        outbound_messages.enqueue_send(message.id)
    return len(queued)


def _emails(
    owner: StaffUser | None, subject: str, body: str, purpose: str, context: Mapping[str, object]
) -> list[Message]:
    """The reminder to the owner and its copy to the head of service, added to the session."""
    recipients = []
    if owner is not None and owner.active:
        recipients.append((owner.email, body))
    head_of_service = current_app.config["HEAD_OF_SERVICE_EMAIL"]
    if head_of_service:
        recipients.append((head_of_service, f"Copy for the head of service.\n\n{body}"))
    if not recipients:
        log.warning("a %s has nobody to send it to: %s", purpose, context)
    return [
        outbound_messages.new_outbound(
            "email", address, text, purpose, context={"subject": subject, **context}
        )
        for address, text in recipients
    ]


def _store_reminder(stage: ComplaintStage, kind: str, today: date) -> list[Message]:
    """A complaint stage's reminder, to its manager and the head of service."""
    subject, body = _wording(stage, kind, today)
    context = {"complaint_stage_id": stage.id}
    return _emails(stage.manager, subject, body, f"complaint_{kind}", context)


def _store_enquiry_reminder(enquiry: MemberEnquiry, kind: str, today: date) -> list[Message]:
    """An MP's or councillor's enquiry's reminder, to its owner and the head of service."""
    owner = correspondence.enquiry_owner(enquiry)
    subject, body = _enquiry_wording(enquiry, owner, kind, today)
    context = {"member_enquiry_id": enquiry.id}
    return _emails(owner, subject, body, f"enquiry_{kind}", context)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _state(kind: str, due: date, left: int) -> str:
    if kind == OVERDUE:
        return f"was due on {_day(due)} and is {-left} working day(s) overdue"
    return f"is due on {_day(due)}: {left} working day(s) left"


def _footer(item_id: int) -> str:
    return (
        f"Open the item: {_item_url(item_id)}\n\n"
        "You will be reminded weekly until the response is recorded."
    )


def _wording(stage: ComplaintStage, kind: str, today: date) -> tuple[str, str]:
    """Subject and text: the reference, stage, deadline and a link, never the complaint."""
    deadline = stages.deadline(stage)
    left = stages.days_left(stage, today)
    reference = stage.feedback_item.reference
    lead = "Overdue" if kind == OVERDUE else "Due soon"
    subject = f"{lead}: complaint {reference}, Stage {stage.stage} {deadline.what}"
    owner = stage.manager.name if stage.manager else "nobody yet: please choose a manager"
    team = stage.team.name if stage.team else "no team chosen"
    body = (
        f"The Stage {stage.stage} {deadline.what} to complaint {reference} "
        f"{_state(kind, deadline.due, left)}.\n\n"
        f"Team: {team}\nResponding manager: {owner}\n"
        f"Received: {_day(stage.received_on)}\n\n"
        f"{_footer(stage.feedback_item_id)}"
    )
    return subject, body


def _enquiry_wording(
    enquiry: MemberEnquiry, owner: StaffUser | None, kind: str, today: date
) -> tuple[str, str]:
    """Subject and text: the reference, who asked, the deadline and a link, never the enquiry."""
    left = correspondence.member_days_left(enquiry, today)
    item = enquiry.feedback_item
    member = "MP" if enquiry.member == ElectedMember.MP else "councillor"
    lead = "Overdue" if kind == OVERDUE else "Due soon"
    subject = f"{lead}: {member} enquiry {item.reference}, response"
    team = item.team.name if item.team else "no team chosen"
    manager = owner.name if owner else "nobody yet"
    body = (
        f"The response to the {member}'s enquiry {item.reference} "
        f"{_state(kind, enquiry.due_on, left)}.\n\n"
        f"Team: {team}\nResponding manager: {manager}\n"
        f"Received: {_day(enquiry.received_on)}\n\n"
        f"{_footer(item.id)}"
    )
    return subject, body


def _item_url(item_id: int) -> str:
    """The staff page of an item; it carries only the id."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/items/{item_id}"
