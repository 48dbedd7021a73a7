"""The web forms' adapter: validated answers from the children's, adults' and audit forms
become InboundMessages. Plain functions of plain dicts: no database, no Flask.

Each form page carries a submission id (a UUID4 made when the page is rendered) that becomes
the message's external id, so a double click or a browser resubmit stores one message.
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channels.base import FeedbackDetails, InboundMessage, clean_text

CHILD_CHANNEL = "web_child"
ADULT_CHANNEL = "web_adult"
AUDIT_CHANNEL = "web_audit"

# A child picks what their message is about; staff work with the kind it amounts to.
CHILD_TOPIC_KINDS = {
    "good": "comment",
    "worrying": "comment",
    "complain": "complaint",
    "thanks": "compliment",
}
ADULT_KINDS = ("complaint", "compliment", "comment")
# Who an adult is; only a parent, carer or advocate sends feedback for a child.
ADULT_ROLES = (
    "parent",
    "carer",
    "grandparent",
    "relative",
    "advocate",
    "care_leaver",
    "professional",
    "other",
)
ON_BEHALF_ROLES = ("parent", "carer", "advocate")
AUDIT_ROLES = ("child", "parent", "carer", "professional", "other")
SCORES = ("1", "2", "3", "4", "5")
# Each way of contacting someone, and the answer that says where to reach them.
CONTACT_FIELDS = {"email": "email", "sms": "phone", "phone": "phone", "post": "address"}
NO_CONTACT = "none"

_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_UK_NATIONAL = re.compile(r"0[0-9]{9,10}")
_INTERNATIONAL = re.compile(r"\+[1-9][0-9]{6,14}")


@dataclass(frozen=True)
class _ContactAnswer:
    preferred_channel: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_raw: str | None = None
    postal_address: str | None = None

    @property
    def may_contact(self) -> bool:
        """They agreed to be contacted."""
        return self.preferred_channel is not None

    @property
    def sender(self) -> str | None:
        """The address the message counts as coming from, if they gave one."""
        return self.email or self.phone


def new_submission_id() -> str:
    """A fresh submission id for a form page being rendered."""
    return str(uuid.uuid4())


def parse_submission_id(value: object) -> str | None:
    """The canonical text of a UUID4 submission id, or None if `value` is not one."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return str(parsed) if parsed.version == 4 else None


def normalise_phone(raw: str) -> str | None:
    """A UK or international phone number as +digits, or None if it does not look like one.

    Loose on purpose: spaces, dashes, dots, brackets and a "(0)" after +44 are all fine.
    """
    compact = _PHONE_PUNCTUATION.sub("", raw.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _UK_NATIONAL.fullmatch(compact):
        compact = "+44" + compact[1:]
    return compact if _INTERNATIONAL.fullmatch(compact) else None


def child_message(
    answers: Mapping[str, Any], received_at: datetime, language: str | None = None
) -> InboundMessage:
    """The children's form: a topic, their words, an optional face score and contact details."""
    topic = answers["topic"]
    if topic not in CHILD_TOPIC_KINDS:
        raise ValueError(f"unknown child topic {topic!r}")
    contact = _contact(answers)
    details = FeedbackDetails(
        kind=CHILD_TOPIC_KINDS[topic],
        contact_role="child",
        name=_line(answers.get("name")),
        email=contact.email,
        phone=contact.phone,
        phone_raw=contact.phone_raw,
        preferred_channel=contact.preferred_channel,
        may_contact=contact.may_contact,
        topic=topic,
        worker_or_team=_line(answers.get("worker_or_team")),
        score=_score(answers.get("score")),
        wants_advocate=answers.get("advocate") == "yes",
    )
    return _message(
        CHILD_CHANNEL, answers, answers["text"], details, contact, received_at, language=language
    )


def adult_message(
    answers: Mapping[str, Any], received_at: datetime, language: str | None = None
) -> InboundMessage:
    """The adults' form: a complaint, compliment or comment, their own or sent for a child."""
    kind = answers["kind"]
    if kind not in ADULT_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    on_behalf = answers["for_whom"] == "child"
    role = answers["role"]
    if role not in (ON_BEHALF_ROLES if on_behalf else ADULT_ROLES):
        raise ValueError(f"role {role!r} does not fit for_whom {answers['for_whom']!r}")
    if on_behalf and answers.get("child_consent") is not True:
        raise ValueError("feedback for a child needs the child's consent")
    contact = _contact(answers)
    details = FeedbackDetails(
        kind=kind,
        contact_role=role,
        name=_line(answers.get("name")),
        email=contact.email,
        phone=contact.phone,
        phone_raw=contact.phone_raw,
        postal_address=contact.postal_address,
        preferred_channel=contact.preferred_channel,
        may_contact=contact.may_contact,
        team=_line(answers.get("team")),
        on_behalf_of_child=on_behalf,
        child_consent=True if on_behalf else None,
        case_reference=_line(answers.get("case_reference")),
    )
    return _message(
        ADULT_CHANNEL, answers, answers["text"], details, contact, received_at, language=language
    )


def audit_message(
    answers: Mapping[str, Any], token: str, received_at: datetime, language: str | None = None
) -> InboundMessage:
    """The audit form after a case ends: a score, an optional comment, and the link's token.

    The token goes to ingest() to be redeemed and is never put in the stored payload.
    """
    role = answers["respondent"]
    if role not in AUDIT_ROLES:
        raise ValueError(f"unknown respondent {role!r}")
    score = _score(answers["score"])
    if score is None:
        raise ValueError("an audit answer needs a score")
    details = FeedbackDetails(kind="audit", contact_role=role, score=score)
    text = answers.get("comment") or ""
    return _message(
        AUDIT_CHANNEL,
        answers,
        text,
        details,
        _ContactAnswer(),
        received_at,
        audit_token=token,
        language=language,
    )


def _message(
    channel: str,
    answers: Mapping[str, Any],
    text: str,
    details: FeedbackDetails,
    contact: _ContactAnswer,
    received_at: datetime,
    audit_token: str | None = None,
    language: str | None = None,
) -> InboundMessage:
    """The message every form makes: its submission id as external id, its text cleaned, and
    the language of the page it was sent from."""
    external_id = parse_submission_id(answers.get("submission_id"))
    if external_id is None:
        raise ValueError("the submission id is not a UUID4")
    return InboundMessage(
        channel=channel,
        external_id=external_id,
        text=clean_text(text),
        received_at=received_at,
        raw_payload=_raw_payload(answers),
        sender=contact.sender,
        details=details,
        audit_token=audit_token,
        language=language,
    )


def _contact(answers: Mapping[str, Any]) -> _ContactAnswer:
    """How the person wants to be contacted and every way to reach them they gave; nothing
    at all if they did not want to be contacted."""
    method = answers.get("contact")
    if method in (None, "", NO_CONTACT):
        return _ContactAnswer()
    if method not in CONTACT_FIELDS:
        raise ValueError(f"unknown contact method {method!r}")
    if _line(answers.get(CONTACT_FIELDS[method])) is None:
        raise ValueError(f"contact by {method} needs {CONTACT_FIELDS[method]}")
    raw_phone = _line(answers.get("phone"))
    phone = normalise_phone(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        raise ValueError("the phone number is not one")
    return _ContactAnswer(
        preferred_channel=method,
        email=_line(answers.get("email")),
        phone=phone,
        phone_raw=raw_phone,
        postal_address=_line(answers.get("address")),
    )


def _raw_payload(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as submitted, without the CSRF token, and without contact details from
    someone who chose not to be contacted: we keep no way to reach them against their wish."""
    dropped = {"csrf_token"}
    if answers.get("contact") not in CONTACT_FIELDS:
        dropped |= set(CONTACT_FIELDS.values())
    return {
        key: clean_text(value) if isinstance(value, str) else value
        for key, value in answers.items()
        if key not in dropped
    }


def _line(value: object) -> str | None:
    """A one-line answer, cleaned and stripped; None if it is empty."""
    if not isinstance(value, str):
        return None
    return clean_text(value).strip() or None


def _score(value: object) -> int | None:
    """A face-scale answer as a number from 1 to 5, or None if there was none."""
    if value in (None, ""):
        return None
    if str(value) not in SCORES:
        raise ValueError(f"score {value!r} is not 1 to 5")
    return int(str(value))


def child_follow_up(
    text: str,
    reference: str,
    follow_up_id: str,
    received_at: datetime,
    language: str | None = None,
) -> InboundMessage:
    """What a child adds after telling us something worrying (who they are, which school):
    a message in the same thread, found by the reference their confirmation was given."""
    external_id = parse_submission_id(follow_up_id)
    if external_id is None:
        raise ValueError("the follow-up id is not a UUID4")
    return InboundMessage(
        channel=CHILD_CHANNEL,
        external_id=external_id,
        text=clean_text(text),
        received_at=received_at,
        raw_payload={"follow_up_to": reference},
        details=FeedbackDetails(kind="comment", contact_role="child", topic="worrying"),
        thread_reference=reference,
        language=language,
    )
