"""Subject access: find everything Heard holds about a person, and build the export staff
review before it is released to them.

A person may have written several times, by text, email and the web forms, and each time Heard
made a contact for them; staff search by phone, email, name or reference, choose the items that
are theirs, and export those. The export is a zip of a readable HTML page and a JSON file of
the same record: their contact details, their messages and the replies, how each was
classified, the complaint stages, and the equality answers they gave. Every text passes through
the redaction rules with the person's own details spared, so other people's names, numbers,
emails and addresses are already replaced when a reviewer opens it. Safeguarding review records
are not in it: a reviewer decides about those in Heard (the serious-harm exemption may apply).
Searches and exports are audited by ids and counts; what was searched for is not recorded.
"""

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from app.database import utcnow
from app.extensions import db
from app.models import (
    Attachment,
    ComplaintStage,
    Contact,
    EqualityResponse,
    FeedbackItem,
    MemberEnquiry,
    Message,
    SafeguardingAlert,
    StaffUser,
)
from app.services.common import Refusal
from app.services.redaction import redact
from app.services.staff import audit_log
from app.services.staff.audit_log import Action
from channels.sms import normalise_number

# More than this many items is a search too broad to be one person.
MAX_FOUND = 200
MAX_EXPORT_ITEMS = 200
MAX_CRITERION_CHARS = 320
# Every answer kept on equality_response (the questions are in reports.equality_questions).
EQUALITY_FIELDS = (
    "age_band",
    "gender",
    "ethnicity",
    "religion",
    "disability",
    "disability_kind",
    "sexual_orientation",
    "language",
    "child_age_band",
    "child_gender",
)
_PROTECT_OPEN, _PROTECT_CLOSE, _PROTECT_BASE = "\ue000", "\ue001", 0xE100


class SearchRefused(Refusal):
    """The search or export cannot be done as asked."""


@dataclass(frozen=True)
class Criteria:
    phone: str = ""
    email: str = ""
    name: str = ""
    reference: str = ""

    def given(self) -> list[str]:
        """Which criteria were given, by name only: the audit log records no values."""
        return [key for key in ("phone", "email", "name", "reference") if getattr(self, key)]


@dataclass(frozen=True)
class Found:
    """An item a search found, with what staff need to judge it is the person's."""

    feedback_item_id: int
    reference: str
    kind: str
    received_on: date
    received_via: str | None
    name: str | None
    phone: str | None
    email: str | None
    anonymised: bool


def find(criteria: Criteria, by: StaffUser, ip_address: str | None) -> list[Found]:
    """Items whose contact or sender matches any criterion, newest first."""
    conditions = _conditions(criteria)
    if not conditions:
        raise SearchRefused("Give a phone number, an email address, a name or a reference.")
    query = (
        select(FeedbackItem)
        .outerjoin(Contact, Contact.id == FeedbackItem.contact_id)
        .where(or_(*conditions))
        .options(selectinload(FeedbackItem.contact))
        .order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
        .limit(MAX_FOUND + 1)
    )
    items = list(db.session.execute(query).scalars().unique())
    audit_log.record(
        Action.SUBJECT_ACCESS_SEARCHED,
        by,
        object_type="subject_access",
        detail={"criteria": criteria.given(), "found": len(items[:MAX_FOUND])},
        ip_address=ip_address,
    )
    return [_found(item) for item in items[:MAX_FOUND]]


def _conditions(criteria: Criteria) -> list[ColumnElement[bool]]:
    for value in (criteria.phone, criteria.email, criteria.name, criteria.reference):
        if len(value) > MAX_CRITERION_CHARS:
            raise SearchRefused(f"Keep each search under {MAX_CRITERION_CHARS} characters.")
    conditions: list[ColumnElement[bool]] = []
    phone = criteria.phone.strip()
    if phone:
        e164 = normalise_number(phone).e164 or phone
        senders = select(Message.feedback_item_id).where(Message.sender.in_([e164, phone]))
        conditions += [
            Contact.phone.in_([e164, phone]),
            Contact.phone_raw == phone,
            FeedbackItem.id.in_(senders),
        ]
    email = criteria.email.strip().lower()
    if email:
        senders = select(Message.feedback_item_id).where(func.lower(Message.sender) == email)
        conditions += [func.lower(Contact.email) == email, FeedbackItem.id.in_(senders)]
    name = " ".join(criteria.name.split())
    if name:
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(Contact.name.ilike(pattern, escape="\\"))
    reference = criteria.reference.strip().upper()
    if reference:
        conditions.append(FeedbackItem.reference == reference)
    return conditions


def _found(item: FeedbackItem) -> Found:
    contact = item.contact
    return Found(
        feedback_item_id=item.id,
        reference=item.reference,
        kind=item.kind.value,
        received_on=item.created_at.date(),
        received_via=item.received_via.value if item.received_via else None,
        name=contact.name if contact else None,
        phone=contact.phone if contact else None,
        email=contact.email if contact else None,
        anonymised=item.anonymised_at is not None,
    )


def record_for(item_ids: Sequence[int]) -> dict[str, Any]:
    """Everything held in these items, as one JSON-ready record, texts redacted of others."""
    if not item_ids:
        raise SearchRefused("Choose at least one item that is the person's.")
    if len(item_ids) > MAX_EXPORT_ITEMS:
        raise SearchRefused(f"Export at most {MAX_EXPORT_ITEMS} items at a time.")
    query = (
        select(FeedbackItem)
        .where(FeedbackItem.id.in_(list(item_ids)))
        .options(selectinload(FeedbackItem.contact), selectinload(FeedbackItem.team))
        .order_by(FeedbackItem.created_at, FeedbackItem.id)
    )
    items = list(db.session.execute(query).scalars())
    if len(items) != len(set(item_ids)):
        raise SearchRefused("One of the items chosen no longer exists.")
    contacts = {item.contact.id: item.contact for item in items if item.contact}
    spare = Spare(_own_values(contacts.values()))
    return {
        "organisation": current_app.config["ORGANISATION_NAME"],
        "produced_at": utcnow().isoformat(),
        "about": (
            "Everything Heard holds in the items below. Other people's names, phone numbers, "
            "emails, addresses and case numbers are replaced by [name], [phone] and so on."
        ),
        "contact_details": [_contact(contact) for contact in contacts.values()],
        "items": [_item(item, spare) for item in items],
    }


def _own_values(contacts: Iterable[Contact]) -> list[str]:
    values: list[str] = []
    for contact in contacts:
        for value in (contact.name, contact.email, contact.phone, contact.phone_raw):
            if value:
                values.append(value)
        if contact.name:
            values += [part for part in contact.name.split() if len(part) >= 2]
        if contact.postal_address:
            values.append(contact.postal_address)
    return values


class Spare:
    """Redacts a text of everyone's details but the person's own."""

    def __init__(self, own: Sequence[str]) -> None:
        patterns = [_pattern(value) for value in sorted(set(own), key=len, reverse=True)]
        self.pattern = re.compile("|".join(p for p in patterns if p), re.I) if patterns else None

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        kept: list[str] = []

        def hide(match: re.Match[str]) -> str:
            kept.append(match.group())
            return f"{_PROTECT_OPEN}{chr(_PROTECT_BASE + len(kept) - 1)}{_PROTECT_CLOSE}"

        hidden = self.pattern.sub(hide, text) if self.pattern is not None else text
        redacted = redact(hidden)
        return re.sub(
            f"{_PROTECT_OPEN}(.){_PROTECT_CLOSE}",
            lambda match: kept[ord(match.group(1)) - _PROTECT_BASE],
            redacted,
        )


def _pattern(value: str) -> str:
    """A pattern for one of the person's own details, loose about spacing in numbers."""
    value = value.strip()
    digits = re.sub(r"\D", "", value)
    if value.startswith("+") or (digits and len(digits) >= 9 and len(digits) >= len(value) - 4):
        forms = {digits}
        if digits.startswith("44"):
            forms.add("0" + digits[2:])
        alternatives = [r"[\s\-]?".join(form) for form in forms]
        return r"(?<!\d)(?:\+?" + "|".join(alternatives) + r")(?!\d)"
    if len(value) < 2:
        return ""
    return r"(?<!\w)" + re.escape(value) + r"(?!\w)"


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "role": contact.role.value,
        "name": contact.name,
        "phone": contact.phone_raw or contact.phone,
        "email": contact.email,
        "postal_address": contact.postal_address,
        "preferred_channel": contact.preferred_channel.value if contact.preferred_channel else None,
        "may_contact": contact.may_contact,
        "opted_out_at": _when(contact.opted_out_at),
        "first_recorded_at": _when(contact.created_at),
    }


def _item(item: FeedbackItem, spare: Spare) -> dict[str, Any]:
    messages = list(
        db.session.execute(
            select(Message)
            .where(Message.feedback_item_id == item.id)
            .options(selectinload(Message.classifications))
            .order_by(Message.received_at, Message.id)
        ).scalars()
    )
    attachments = _attachments([m.id for m in messages])
    return {
        "reference": item.reference,
        "kind": item.kind.value,
        "received_at": _when(item.created_at),
        "received_via": item.received_via.value if item.received_via else None,
        "team": item.team.name if item.team else None,
        "about_a_worker_or_team": spare(item.worker_or_team),
        "case_reference": spare(item.case_reference),
        "topic": item.topic,
        "score": item.score,
        "on_behalf_of_a_child": item.on_behalf_of_child,
        "themes": list(item.themes),
        "anonymised_at": _when(item.anonymised_at),
        "messages": [
            {
                "direction": message.direction.value,
                "channel": message.channel.value,
                "at": _when(message.received_at),
                "text": spare(message.text),
                "attachments": attachments.get(message.id, []),
            }
            for message in messages
        ],
        "classifications": [
            {
                "message_at": _when(message.received_at),
                "at": _when(classification.created_at),
                "model_version": classification.model_version,
                "themes": list(classification.themes),
                "safeguarding_flag": classification.safeguarding,
            }
            for message in messages
            for classification in message.classifications
        ],
        "complaint_stages": _stages(item.id, spare),
        "mp_or_councillor_enquiry": _enquiry(item.id),
        "equality_answers": _equality(item.id),
        "safeguarding_alerts_for_review": _alert_count(item.id),
    }


def _attachments(message_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    query = select(Attachment).where(Attachment.message_id.in_(message_ids))
    for attachment in db.session.execute(query).scalars():
        found.setdefault(attachment.message_id, []).append(
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "kept": attachment.refused is None,
            }
        )
    return found


def _stages(item_id: int, spare: Spare) -> list[dict[str, Any]]:
    query = (
        select(ComplaintStage)
        .where(ComplaintStage.feedback_item_id == item_id)
        .order_by(ComplaintStage.stage)
    )
    return [
        {
            "stage": stage.stage,
            "received_on": _day(stage.received_on),
            "due_on": _day(stage.extended_due_on or stage.due_on),
            "extension_reason": spare(stage.extension_reason),
            "responded_on": _day(stage.responded_on),
            "outcome": stage.outcome.value if stage.outcome else None,
            "outcome_reason": spare(stage.outcome_reason),
        }
        for stage in db.session.execute(query).scalars()
    ]


def _enquiry(item_id: int) -> dict[str, Any] | None:
    query = select(MemberEnquiry).where(MemberEnquiry.feedback_item_id == item_id)
    enquiry = db.session.execute(query).scalar_one_or_none()
    if enquiry is None:
        return None
    return {
        "from": enquiry.member.value,
        "received_on": _day(enquiry.received_on),
        "responded_on": _day(enquiry.responded_on),
    }


def _equality(item_id: int) -> dict[str, str | None] | None:
    query = select(EqualityResponse).where(EqualityResponse.feedback_item_id == item_id)
    answers = db.session.execute(query).scalar_one_or_none()
    if answers is None:
        return None
    return {field: getattr(answers, field) for field in EQUALITY_FIELDS}


def _alert_count(item_id: int) -> int:
    query = select(func.count(SafeguardingAlert.id)).where(
        SafeguardingAlert.feedback_item_id == item_id
    )
    return int(db.session.execute(query).scalar_one())


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


README = """Subject access export from {organisation}, produced {produced_at}.

subject-access.html  the record, to read (open it in any web browser)
subject-access.json  the same record, machine-readable

Before release, a reviewer must read all of it. Other people's names, phone numbers, emails,
addresses and case numbers have been replaced by rules ([name], [phone], ...); rules miss some
and take a few words that are not names. Safeguarding review records are not included: decide
about them in Heard. Equality answers are stored as codes.
"""


def export_zip(
    item_ids: Sequence[int],
    render_html: Callable[[dict[str, Any]], str],
    by: StaffUser,
    ip_address: str | None,
) -> bytes:
    """The zip for release review, and an audit record of which items went into it."""
    record = record_for(item_ids)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(**record))
        archive.writestr("subject-access.html", render_html(record))
        archive.writestr(
            "subject-access.json", json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True)
        )
    audit_log.record(
        Action.SUBJECT_ACCESS_EXPORTED,
        by,
        object_type="subject_access",
        detail={"items": sorted(set(item_ids))},
        ip_address=ip_address,
    )
    return buffer.getvalue()
