"""What every channel adapter hands to ingest(): plain data, no database, no Flask."""

import base64
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    data: bytes | None = None
    url: str | None = None
    # Why the file was not kept (too big, a program); the message itself is always kept.
    refused: str | None = None


@dataclass(frozen=True)
class FeedbackDetails:
    """Structured answers a form or API gives alongside the text; channels like SMS give none."""

    kind: str
    contact_role: str
    name: str | None = None
    # A number in E.164 where it is a valid one; `phone_raw` is what the person typed or sent.
    phone: str | None = None
    phone_raw: str | None = None
    email: str | None = None
    postal_address: str | None = None
    preferred_channel: str | None = None
    may_contact: bool = False
    team: str | None = None
    on_behalf_of_child: bool = False
    child_consent: bool | None = None
    case_reference: str | None = None
    topic: str | None = None
    worker_or_team: str | None = None
    score: int | None = None
    # A child complaining asked for an advocate to help them (the children's form).
    wants_advocate: bool = False


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    external_id: str
    text: str
    received_at: datetime
    raw_payload: dict[str, Any]
    sender: str | None = None
    attachments: tuple[Attachment, ...] = ()
    details: FeedbackDetails | None = None
    thread_reference: str | None = None
    # External ids (same channel) of earlier messages this one answers, e.g. email In-Reply-To.
    replies_to: tuple[str, ...] = ()
    audit_token: str | None = field(default=None, repr=False)
    # A reference chosen before the message could be stored (it was kept on disk while the
    # database was down), so the person was told it at once; ingest() uses it for a new item.
    reference: str | None = None
    # "cy" or "en" where known: the language of the page a form was sent from, or of the words
    # of a text or an email (channels.language.detect); None when nothing says.
    language: str | None = None


_DROPPED_CONTROLS = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")
_DROPPED_CONTROLS[0x7F] = None


def clean_text(text: str) -> str:
    """Text as a person wrote it, minus control characters no database or screen should get.

    NUL cannot be stored in PostgreSQL text at all; the others only hide or garble content.
    Line endings are normalised to \\n. Emoji, Welsh and right-to-left text pass untouched.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROPPED_CONTROLS)


def message_to_dict(msg: InboundMessage) -> dict[str, Any]:
    """A message as plain JSON-ready data, to keep on disk until it can be stored."""
    data = asdict(msg)
    data["received_at"] = msg.received_at.isoformat()
    data["attachments"] = [
        {**asdict(a), "data": base64.b64encode(a.data).decode() if a.data is not None else None}
        for a in msg.attachments
    ]
    return data


def message_from_dict(data: dict[str, Any]) -> InboundMessage:
    """The message message_to_dict() wrote, exactly as it was."""
    details = data.get("details")
    attachments = tuple(
        Attachment(**{**a, "data": base64.b64decode(a["data"]) if a["data"] is not None else None})
        for a in data.get("attachments") or ()
    )
    return InboundMessage(
        **{
            **data,
            "received_at": datetime.fromisoformat(data["received_at"]),
            "attachments": attachments,
            "details": FeedbackDetails(**details) if details else None,
            "replies_to": tuple(data.get("replies_to") or ()),
        }
    )


class ProviderNotConfigured(Exception):
    """No provider is set up for this channel here (no SMTP server, no Twilio account):
    sending cannot work until someone configures one, so the message fails where staff see it."""
