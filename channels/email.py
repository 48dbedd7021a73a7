"""The email adapter: a raw RFC 5322 message becomes an InboundMessage. No database, no Flask.

Both doors (IMAP polling and the inbound webhook) hand their raw bytes to parse_email(). It
never raises on what a sender wrote: broken MIME, lying charsets and hostile HTML all become
readable text, and whatever cannot be read is noted rather than lost.
"""

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import Message
from email.utils import parseaddr
from typing import Any, cast

from mailparser_reply import EmailReplyParser

from channels import language
from channels.base import Attachment, FeedbackDetails, InboundMessage, clean_text
from channels.html_text import html_to_text

CHANNEL = "email"
MB = 1024 * 1024
EXTERNAL_ID_CHARS = 255
ORIGINAL_FILENAME = "original.eml"
# Deeper MIME nesting than this is an attack, not a message: the rest is not walked.
MAX_DEPTH = 16

AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"

_EXECUTABLE_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "cpl",
        "msi",
        "msp",
        "msc",
        "jar",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "hta",
        "lnk",
        "reg",
        "sh",
        "apk",
        "app",
        "dmg",
        "elf",
        "so",
        "dylib",
        "gadget",
        "inf",
        "iso",
        "img",
        "vhd",
        "vhdx",
    ]
)
_EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-executable",
        "application/x-sharedlib",
        "application/vnd.microsoft.portable-executable",
        "application/x-sh",
        "application/x-bat",
        "application/javascript",
        "text/javascript",
        "application/x-ms-shortcut",
        "application/hta",
        "application/java-archive",
        "application/vnd.android.package-archive",
    }
)
# Windows PE and Linux ELF programs, whatever name or type the sender gave them.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF")
# Labels senders use for text that is really UTF-8 far more often than it is really Latin-1.
_MISLABELLED_AS_LATIN = frozenset(
    {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso8859-1", "windows-1252"}
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|auto[- ]?response|out of (?:the )?office|"
    r"away from (?:the|my) office|on annual leave|i am (?:currently )?(?:away|out of the office))",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (?:failed|failure|system)|returned mail|failure notice|"
    r"delivery failure|message not delivered)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")
_REFERENCE = re.compile(r"\bHD-?([A-Z0-9]{4})-?([A-Z0-9]{4})\b", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_SIGNATURE_DELIMITER = re.compile(r"^-- ?$", re.MULTILINE)
_SENT_FROM = re.compile(r"\n+sent from my [\w .-]{1,40}\s*$", re.IGNORECASE)
_reply_parser = EmailReplyParser(languages=["en"])


@dataclass(frozen=True)
class EmailLimits:
    max_attachment_bytes: int = 10 * MB
    max_attachments: int = 20


@dataclass(frozen=True)
class ParsedEmail:
    external_id: str
    message_id: str | None
    sender: str | None
    sender_name: str | None
    subject: str
    full_text: str
    text: str
    thread_reference: str | None
    replies_to: tuple[str, ...]
    automated: str | None
    attachments: tuple[Attachment, ...]
    notes: tuple[str, ...]
    headers: dict[str, str]
    content_hash: str
    raw_sha256: str
    raw_size: int
    original: Attachment

    @property
    def answerable(self) -> bool:
        """Whether an acknowledgement may go back: never to an auto-reply or a bounce."""
        return self.automated is None and self.sender is not None


@dataclass
class _Walk:
    plain: str | None = None
    html: str | None = None
    report_headers: list[Message] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_email(raw: bytes, limits: EmailLimits | None = None) -> ParsedEmail:
    """Read a raw message: headers, the best body as text, attachments within limits."""
    limits = limits or EmailLimits()
    message = email.message_from_bytes(raw, policy=policy.default)
    walk = _Walk()
    _walk(message, walk, limits, depth=0, in_report=False)
    full_text = _body_text(walk)
    message_id = _first_message_id(_header(message, "Message-ID"))
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    sender_name, sender = _sender(message)
    subject = _header(message, "Subject")
    original_subjects = [_header(h, "Subject") for h in walk.report_headers]
    attachments = tuple(walk.attachments)
    return ParsedEmail(
        external_id=message_key(message_id) if message_id else f"sha256:{raw_sha256}",
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        full_text=full_text,
        text=strip_quoted(full_text),
        thread_reference=find_reference([subject, *original_subjects]),
        replies_to=_replies_to(message, walk.report_headers),
        automated=automated_reason(message, sender),
        attachments=attachments,
        notes=tuple(walk.notes),
        headers={
            name.lower(): _header(message, name)
            for name in ("From", "To", "Cc", "Date", "Subject", "In-Reply-To", "References")
            if message.get(name) is not None
        },
        content_hash=_content_hash(sender, subject, full_text, attachments),
        raw_sha256=raw_sha256,
        raw_size=len(raw),
        original=Attachment(
            filename=ORIGINAL_FILENAME,
            content_type="message/rfc822",
            size=len(raw),
            data=raw,
        ),
    )


def to_inbound_message(
    parsed: ParsedEmail, received_at: datetime, kind: str = "complaint"
) -> InboundMessage:
    """The InboundMessage ingest() stores: the stripped text, the full text in the payload."""
    # Auto-replies and bounces are kept, but they are nobody's complaint.
    details = FeedbackDetails(
        kind=kind if parsed.automated is None else "comment",
        contact_role="other",
        name=parsed.sender_name,
        email=parsed.sender,
        preferred_channel="email" if parsed.sender else None,
        may_contact=parsed.answerable,
    )
    return InboundMessage(
        channel=CHANNEL,
        external_id=parsed.external_id,
        text=parsed.text,
        received_at=received_at,
        raw_payload=raw_payload(parsed),
        sender=parsed.sender,
        # The exact bytes received are kept too, so a message the parser misreads is not lost.
        attachments=(parsed.original, *parsed.attachments),
        details=details,
        thread_reference=parsed.thread_reference,
        replies_to=parsed.replies_to,
        language=language.detect(parsed.text),
    )


def raw_payload(parsed: ParsedEmail) -> dict[str, Any]:
    """What is kept of the original: every readable header, the whole text, attachment notes."""
    return {
        "message_id": parsed.message_id,
        "headers": parsed.headers,
        "full_text": parsed.full_text,
        "automated": parsed.automated,
        "notes": list(parsed.notes),
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in parsed.attachments
        ],
        "content_hash": parsed.content_hash,
        "raw_sha256": parsed.raw_sha256,
        "raw_size": parsed.raw_size,
    }


def message_key(message_id: str) -> str:
    """The external id for a Message-ID: itself, or its hash when too long for the column."""
    if len(message_id) <= EXTERNAL_ID_CHARS - 1:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


def find_reference(subjects: list[str]) -> str | None:
    """The first Heard reference (HD-XXXX-XXXX) in any of the subjects, normalised."""
    for subject in subjects:
        match = _REFERENCE.search(subject or "")
        if match:
            return f"HD-{match.group(1).upper()}-{match.group(2).upper()}"
    return None


def strip_quoted(text: str) -> str:
    """The newest part of a reply: quoted history and a delimited signature removed.

    Only a signature after the standard "-- " line (or a "Sent from my phone" line) goes: a
    looser rule would drop a postscript after "Thanks,", and a postscript may be the disclosure
    that matters most. If nothing would be left, the whole text is kept.
    """
    try:
        latest = _reply_parser.parse_reply(text) or ""
    except Exception:
        latest = text
    latest = _drop_trailing_quote(latest)
    signature = _SIGNATURE_DELIMITER.search(latest)
    if signature:
        latest = latest[: signature.start()]
    latest = _SENT_FROM.sub("", latest).strip()
    return latest or text.strip()


def automated_reason(message: Message, sender: str | None) -> str | None:
    """AUTO_REPLY or BOUNCE when the message was sent by a machine, else None."""
    content_type = message.get_content_type()
    if content_type == "multipart/report" or (sender or "").lower().startswith(_BOUNCE_SENDERS):
        return BOUNCE
    subject = _header(message, "Subject")
    if _BOUNCE_SUBJECT.search(subject):
        return BOUNCE
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return AUTO_REPLY
    if _header(message, "Precedence").strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return AUTO_REPLY
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse")):
        return AUTO_REPLY
    if _AUTO_SUBJECT.search(subject):
        return AUTO_REPLY
    return None


def _walk(part: Message, walk: _Walk, limits: EmailLimits, depth: int, in_report: bool) -> None:
    if depth > MAX_DEPTH:
        walk.notes.append("Parts nested too deeply were not read.")
        return
    content_type = part.get_content_type()
    if content_type in ("message/rfc822", "text/rfc822-headers"):
        _embedded(part, walk, limits, in_report)
        return
    if part.is_multipart():
        payload = part.get_payload()
        # A multipart's payload is its list of parts, each a Message.
        parts = cast(list[Message], payload) if isinstance(payload, list) else []
        for sub in parts:
            _walk(sub, walk, limits, depth + 1, in_report or content_type == "multipart/report")
        return
    if _is_attachment(part):
        _attachment(part, walk, limits)
    elif content_type == "text/plain" and walk.plain is None:
        walk.plain = decode_text(_payload(part), part.get_content_charset())
    elif content_type == "text/html" and walk.html is None:
        walk.html = decode_text(_payload(part), part.get_content_charset())
    elif content_type == "message/delivery-status" or content_type.startswith("text/"):
        return
    else:
        _attachment(part, walk, limits)


def _embedded(part: Message, walk: _Walk, limits: EmailLimits, in_report: bool) -> None:
    """A returned or forwarded message: its headers thread a bounce; forwarded ones are kept."""
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        headers = inner[0]
    else:
        text = decode_text(_payload(part), part.get_content_charset())
        headers = email.message_from_string(text, policy=policy.default)
    if in_report:
        walk.report_headers.append(headers)
        return
    try:
        data = headers.as_bytes(policy=policy.SMTP)
    except Exception:
        walk.notes.append("An attached email could not be read and was not kept.")
        return
    _keep(walk, limits, "attached-message.eml", "message/rfc822", data)


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or bool(_filename(part))


def _attachment(part: Message, walk: _Walk, limits: EmailLimits) -> None:
    filename = _filename(part) or "attachment"
    _keep(walk, limits, filename, part.get_content_type(), _payload(part))


def _keep(walk: _Walk, limits: EmailLimits, filename: str, content_type: str, data: bytes) -> None:
    """Store an attachment, or list it with the reason it was refused; never open it."""
    size = len(data)
    refused = None
    if len(walk.attachments) >= limits.max_attachments:
        refused = f"not kept: more than {limits.max_attachments} attachments"
    elif size > limits.max_attachment_bytes:
        refused = f"not kept: larger than {limits.max_attachment_bytes // MB} MB"
    elif _executable(filename, content_type, data):
        refused = "not kept: it is a program, which could harm a computer"
    attachment = Attachment(
        filename=filename,
        content_type=content_type,
        size=size,
        data=None if refused else data,
        refused=refused,
    )
    walk.attachments.append(attachment)
    if refused:
        walk.notes.append(f"Attachment {filename!r} ({_size(size)}) {refused}.")


def _executable(filename: str, content_type: str, data: bytes) -> bool:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return (
        extension in _EXECUTABLE_EXTENSIONS
        or content_type in _EXECUTABLE_TYPES
        or data.startswith(_EXECUTABLE_MAGIC)
    )


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, size // 1024)} KB"


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        return None
    # Only the last path component, so a name can never point outside where files go.
    name = re.split(r"[\\/]", _safe(name))[-1].strip().strip(".")
    return clean_text(name).replace("\n", " ")[:200] or None


def _payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def decode_text(payload: bytes, charset: str | None) -> str:
    """Bytes as text, whatever the sender claimed the charset was.

    Text labelled ASCII or Latin-1 that is valid UTF-8 is read as UTF-8 (the usual mislabel);
    an unknown label falls back to UTF-8, then Windows-1252; undecodable bytes become U+FFFD.
    """
    label = (charset or "us-ascii").strip().lower()
    if label in _MISLABELLED_AS_LATIN or label in ("utf-8", "utf8"):
        try:
            return clean_text(payload.decode("utf-8"))
        except UnicodeDecodeError:
            label = "windows-1252" if label not in ("utf-8", "utf8") else label
    try:
        return clean_text(payload.decode(label, errors="replace"))
    except (LookupError, ValueError):
        try:
            return clean_text(payload.decode("utf-8"))
        except UnicodeDecodeError:
            return clean_text(payload.decode("windows-1252", errors="replace"))


def _body_text(walk: _Walk) -> str:
    if walk.plain and walk.plain.strip():
        return walk.plain.strip()
    if walk.html:
        try:
            return clean_text(html_to_text(walk.html))
        except Exception:
            walk.notes.append("The HTML body could not be read; see the original message.")
    return (walk.plain or "").strip()


def _header(message: Message, name: str) -> str:
    """A header's value as text; a header the parser chokes on is decoded leniently instead."""
    try:
        value = message.get(name)
        return "" if value is None else _safe(str(value))
    except Exception:
        for raw_name, raw_value in message.raw_items():
            if raw_name.lower() == name.lower():
                return _safe(str(raw_value))
        return ""


def _safe(value: str) -> str:
    """Text any database can store: undecodable bytes and control characters replaced."""
    try:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return clean_text(value).replace("\n", " ").strip()


def _sender(message: Message) -> tuple[str | None, str | None]:
    raw = _header(message, "Reply-To") or _header(message, "From")
    name, address = parseaddr(raw)
    address = address.strip().lower()
    if "@" not in address or len(address) > 320 or not _valid_address(address):
        return (name or None), None
    return (name[:200] or None), address


def _valid_address(address: str) -> bool:
    try:
        Address(addr_spec=address)
    except Exception:
        return False
    return True


def _first_message_id(value: str) -> str | None:
    ids = message_ids(value)
    return ids[0] if ids else None


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References header, without angle brackets."""
    found = _MESSAGE_ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return [f for f in found if f]


def _replies_to(message: Message, report_headers: list[Message]) -> tuple[str, ...]:
    ids = message_ids(_header(message, "In-Reply-To"))
    ids += message_ids(_header(message, "References"))
    for headers in report_headers:
        ids += message_ids(_header(headers, "Message-ID"))
    return tuple(dict.fromkeys(message_key(i) for i in ids[:100]))


def _content_hash(
    sender: str | None, subject: str, text: str, attachments: tuple[Attachment, ...]
) -> str:
    digest = hashlib.sha256()
    for value in (sender or "", subject, text):
        digest.update(value.encode("utf-8", "replace") + b"\0")
    for attachment in attachments:
        digest.update(hashlib.sha256(attachment.data or b"").digest())
    return digest.hexdigest()


def _drop_trailing_quote(text: str) -> str:
    lines = text.rstrip().split("\n")
    while lines and lines[-1].startswith(">"):
        lines.pop()
    return "\n".join(lines)
