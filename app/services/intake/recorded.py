"""Complaints that came by phone, letter, in person or through an advocate, written down by
staff and stored through the same `ingest()` as everything else: they get a reference, a
Stage 1 clock from the day received, themes and the safeguarding check, and count under "how
received" in the report.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from app.models import Channel, ContactRole, StaffUser
from app.services.common import UK_TIME, Refusal, uk_today
from app.services.intake.ingestion import IngestResult, ingest
from app.services.staff import audit_log
from app.services.staff.audit_log import Action
from channels.base import FeedbackDetails, InboundMessage, clean_text
from channels.sms import normalise_number

RECORDED_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.IN_PERSON, Channel.ADVOCATE)
MAX_TEXT_CHARS = 20_000
# A day given without a time counts as received at midday: inside office hours, so a working
# day starts the clock that day and a weekend or bank holiday the next working day.
RECEIVED_AT = time(12)


class RecordingRefused(Refusal):
    """What staff entered cannot be stored as it is; the message says why and `field` which
    answer it is about."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RecordedComplaint:
    how: Channel
    received_on: date
    contact_role: ContactRole
    text: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    postal_address: str | None = None
    team: str | None = None


def record(complaint: RecordedComplaint, staff: StaffUser, ip: str | None = None) -> IngestResult:
    """Store a complaint staff took down, audited; returns what ingest() stored."""
    if complaint.how not in RECORDED_CHANNELS:
        raise RecordingRefused("Choose how the complaint was received", "how")
    if complaint.received_on > uk_today():
        raise RecordingRefused("The date received must be today or in the past", "received_on")
    text = clean_text(complaint.text).strip()
    if not text:
        raise RecordingRefused("Enter what the complaint is about", "text")
    if len(text) > MAX_TEXT_CHARS:
        raise RecordingRefused(
            f"Keep the complaint to {MAX_TEXT_CHARS} characters or fewer", "text"
        )
    phone = normalise_number(complaint.phone).e164 if complaint.phone else None
    received_at = datetime.combine(complaint.received_on, RECEIVED_AT, tzinfo=UK_TIME)
    message = InboundMessage(
        channel=complaint.how.value,
        # Each recording is a new message: nothing outside Heard gives it an id.
        external_id=f"recorded-{uuid.uuid4()}",
        text=text,
        received_at=received_at,
        raw_payload={"recorded_by": staff.id, "how": complaint.how.value},
        details=FeedbackDetails(
            kind="complaint",
            contact_role=complaint.contact_role.value,
            name=complaint.name or None,
            phone=phone,
            phone_raw=complaint.phone or None,
            email=complaint.email or None,
            postal_address=complaint.postal_address or None,
            may_contact=bool(complaint.phone or complaint.email or complaint.postal_address),
            team=complaint.team or None,
        ),
    )
    result = ingest(message)
    audit_log.record(
        Action.COMPLAINT_RECORDED,
        staff,
        "feedback_item",
        result.feedback_item_id,
        detail={"how": complaint.how.value, "received_on": complaint.received_on.isoformat()},
        ip_address=ip,
    )
    return result
