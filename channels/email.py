"""The email adapter: a raw RFC 5322 message becomes an InboundMessage. No database, no Flask.

Both doors (IMAP polling and the inbound webhook) hand their raw bytes to parse_email(). It
never raises on what a sender wrote: broken MIME, lying charsets and hostile HTML all become
readable text, and whatever cannot be read is noted rather than lost. The words of every part
are read (`email_parts`), headers in any charset (`email_text`), and the newest words of a
reply are told from the quoted history (`email_replies`).
"""

import email
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import MissingHeaderBodySeparatorDefect
from email.headerregistry import Address
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from channels import language
from channels.base import Attachment, FeedbackDetails, InboundMessage
from channels.email_parts import EmailLimits, read_body
from channels.email_replies import strip_quoted
from channels.email_text import decode_header_value, decode_text

__all__ = ["EmailLimits", "decode_text", "strip_quoted"]

CHANNEL = "email"
EXTERNAL_ID_CHARS = 255
ORIGINAL_FILENAME = "original.eml"

# Why a machine, not a person, sent a message. The first three are nobody's feedback: they are
# kept, as comments, and never answered. Mail a system generated for a person (a council web
# form relaying a complaint, a list server) is feedback, but is not answered either.
AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"
RECEIPT = "receipt"
AUTO_GENERATED = "auto_generated"
NOT_FEEDBACK = frozenset({AUTO_REPLY, BOUNCE, RECEIPT})

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|auto[- ]?response|out of (?:the )?office|"
    r"away from (?:the|my) office|on annual leave|i am (?:currently )?(?:away|out of the office)|"
    r"automatische antwort|abwesenheitsnotiz|r[ée]ponse automatique|absence du bureau|"
    r"automatisch antwoord|afwezig|autosvar|automatisk svar|odpowied[źz] automatyczna|"
    r"respuesta autom[áa]tica|risposta automatica)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (?:failed|failure|system)|returned mail|failure notice|"
    r"delivery failure|message not delivered)",
    re.IGNORECASE,
)
_RECEIPT_SUBJECT = re.compile(r"^\s*(?:read|not read|gelesen|lu)\s*:", re.IGNORECASE)
_BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")
# Outlook's own names for an out-of-office message and for read and non-read receipts.
_OOF_CLASSES = ("ipm.note.rules.ooftemplate", "ipm.note.rules.externalooftemplate")
_RECEIPT_CLASSES = (
    "report.ipm.note.ipnrn",
    "report.ipm.note.ipnnrn",
    "ipm.microsoft mail.read receipt",
    "ipm.microsoft mail.non-read receipt",
)
_BOUNCE_CLASSES = ("report.ipm.note.ndr", "ipm.microsoft mail.non-delivery")
_LIST_HEADERS = ("List-Id", "List-Post", "Mailing-List", "X-Mailing-List")
_LIST_SENDER = re.compile(r"^owner-|-(?:owner|bounces?|request)(?:\+[^@]*)?@")
# A sending system's own address that nobody reads: noreply@, no-reply@, do-not-reply@,
# gmail-noreply@. Mail from one was sent by a system on someone's behalf (a web form, a tracker).
_NO_REPLY = re.compile(r"(?:^|[-_.+])(?:no|do[-_.]?not|dont)[-_.]?reply(?:$|[-_.+])")
# A list that rewrote From to its own address names the writer "'Jane' via Parents" (Google
# Groups) or "Jane via Parents" (Mailman).
_VIA_LIST = re.compile(r"^\s*(.*?)\s+via\s+\S.*$", re.IGNORECASE)
# The characters of an unquoted local part, dots included anywhere: Japanese mobile carriers
# gave out addresses such as taro..yamada.@docomo.ne.jp, which RFC 5322 calls obsolete.
_LOOSE_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_REFERENCE = re.compile(r"\bHD-?([A-Z0-9]{4})-?([A-Z0-9]{4})\b", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,76}:")
_KEPT_HEADERS = (
    "From",
    "Reply-To",
    "Sender",
    "To",
    "Cc",
    "Date",
    "Subject",
    "In-Reply-To",
    "References",
)


@dataclass(frozen=True)
class ParsedEmail:
    external_id: str
    message_id: str | None
    # Who wrote it: From, or for mail a system relayed on someone's behalf (a web form sending
    # from a no-reply address, a Google Group that rewrote From) the person it names; None
    # when a relay names no address. Reply-To is where answers were asked to go, which may
    # differ, and is kept apart: it is only taken as the writer's address for a relay.
    sender: str | None
    sender_name: str | None
    reply_to: str | None
    # The From address of the relay that sent it for the writer, or None.
    relayed_by: str | None
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
        """Whether an acknowledgement may go back: never to anything a machine sent."""
        return self.automated is None and self.sender is not None

    @property
    def may_contact(self) -> bool:
        """Whether staff may write to the writer by hand: what may be acknowledged, and also the
        person a relay marked as generated mail names (a web form's Reply-To). Never an
        auto-reply, bounce or receipt, nor a system's own address."""
        if self.sender is None:
            return False
        return self.automated is None or (
            self.automated == AUTO_GENERATED and self.relayed_by is not None
        )

    @property
    def is_feedback(self) -> bool:
        """False for auto-replies, bounces and receipts: nobody wrote those to Heard."""
        return self.automated not in NOT_FEEDBACK


def parse_email(raw: bytes, limits: EmailLimits | None = None) -> ParsedEmail:
    """Read a raw message: headers, every part's words as text, attachments within limits."""
    limits = limits or EmailLimits()
    message = read_message(raw)
    body = read_body(message, limits)
    full_text = "\n\n".join(t for t in (body.text, body.forwarded_text) if t)
    message_id = _first_message_id(_header(message, "Message-ID"))
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    from_address = _address(_header(message, "From"))[1]
    writer = find_writer(message)
    reply_to = _address(_header(message, "Reply-To"))[1]
    subject = _header(message, "Subject")
    original_subjects = [_header(h, "Subject") for h in body.report_headers]
    attachments = tuple(body.attachments)
    text = "\n\n".join(t for t in (strip_quoted(body.text), body.forwarded_text) if t)
    return ParsedEmail(
        external_id=(
            message_key(message_id)
            if message_id
            else content_key(from_address, _header(message, "Date"), subject, text)
        ),
        message_id=message_id,
        sender=writer.address,
        sender_name=writer.name,
        reply_to=None if reply_to in (writer.address, from_address) else reply_to,
        relayed_by=writer.relayed_by,
        subject=subject,
        full_text=full_text,
        text=text,
        thread_reference=find_reference([subject, *original_subjects]),
        replies_to=_replies_to(message, body.report_headers),
        automated=automated_reason(message, from_address, body.message_class),
        attachments=attachments,
        notes=tuple(body.notes),
        headers={
            name.lower(): _header(message, name)
            for name in _KEPT_HEADERS
            if message.get(name) is not None
        },
        content_hash=_content_hash(from_address, subject, full_text, attachments),
        raw_sha256=raw_sha256,
        raw_size=len(raw),
        original=Attachment(
            filename=ORIGINAL_FILENAME,
            content_type="message/rfc822",
            size=len(raw),
            data=raw,
        ),
    )


def read_message(raw: bytes) -> Message:
    """The message tree, read with the lenient compat32 policy: the default policy gives up on
    Outlook Express-style headers and makes the whole message one attachment. Headers cut short
    by a fold a mail gateway broke, or hidden behind a junk line, are repaired and read again."""
    message = email.message_from_bytes(raw, policy=policy.compat32)
    cut_short = any(isinstance(d, MissingHeaderBodySeparatorDefect) for d in message.defects)
    if cut_short or (message.get("From") is None and message.get("Subject") is None):
        again = email.message_from_bytes(_repair_headers(raw), policy=policy.compat32)
        if len(again.keys()) > len(message.keys()):
            return again
    return message


def _repair_headers(raw: bytes) -> bytes:
    """Headers with the lines before the first header dropped and broken folds re-joined."""
    end = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[: end.start()], raw[end.start() :]) if end else (raw, b"")
    lines = head.splitlines()
    while lines and not _HEADER_LINE.match(lines[0]):
        lines.pop(0)
    fixed = [
        line if _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t") else b" " + line
        for line in lines
    ]
    return b"\r\n".join(fixed) + rest


def to_inbound_message(
    parsed: ParsedEmail, received_at: datetime, kind: str = "complaint"
) -> InboundMessage:
    """The InboundMessage ingest() stores: the stripped text, the full text in the payload."""
    # Auto-replies, bounces and receipts are kept, but they are nobody's complaint.
    details = FeedbackDetails(
        kind=kind if parsed.is_feedback else "comment",
        contact_role="other",
        name=parsed.sender_name,
        email=parsed.sender,
        preferred_channel="email" if parsed.sender else None,
        may_contact=parsed.may_contact,
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
        "reply_to": parsed.reply_to,
        "relayed_by": parsed.relayed_by,
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


def content_key(sender: str | None, date: str, subject: str, text: str) -> str:
    """The external id of mail without a Message-ID: a hash of who sent it, when, the subject
    and the words, each normalised, so the same email is the same whichever door it came
    through (an IMAP server may rewrite line endings; the raw bytes then differ)."""
    digest = hashlib.sha256()
    for value in ((sender or "").lower(), _normal_date(date), subject, text):
        digest.update(" ".join(value.split()).encode("utf-8", "replace") + b"\0")
    return "content:" + digest.hexdigest()


def _normal_date(value: str) -> str:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def find_reference(subjects: list[str]) -> str | None:
    """The first Heard reference (HD-XXXX-XXXX) in any of the subjects, normalised."""
    for subject in subjects:
        match = _REFERENCE.search(subject or "")
        if match:
            return f"HD-{match.group(1).upper()}-{match.group(2).upper()}"
    return None


def automated_reason(
    message: Message, sender: str | None, message_class: str | None = None
) -> str | None:
    """Why a machine sent this message (AUTO_REPLY, BOUNCE, RECEIPT, AUTO_GENERATED), or None
    when a person did. List headers alone do not make mail automated: people post to lists."""
    outlook_class = (message_class or "").lower()
    subject = _header(message, "Subject")
    report_type = (message.get_param("report-type") or "") if message.is_multipart() else ""
    if message.get_content_type() == "multipart/report":
        return RECEIPT if str(report_type).lower() == "disposition-notification" else BOUNCE
    if (
        (sender or "").lower().startswith(_BOUNCE_SENDERS)
        or _BOUNCE_SUBJECT.search(subject)
        or outlook_class.startswith(_BOUNCE_CLASSES)
    ):
        return BOUNCE
    if outlook_class.startswith(_RECEIPT_CLASSES) or (
        outlook_class.startswith("report.") and _RECEIPT_SUBJECT.search(subject)
    ):
        return RECEIPT
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    suppress = _header(message, "X-Auto-Response-Suppress").lower()
    if (
        outlook_class.startswith(_OOF_CLASSES)
        or auto_submitted.startswith("auto-replied")
        or _header(message, "Precedence").strip().lower() == "auto_reply"
        or any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond"))
        or (auto_submitted not in ("", "no") and ("all" in suppress or "oof" in suppress))
        or _AUTO_SUBJECT.search(subject)
    ):
        return AUTO_REPLY
    if auto_submitted not in ("", "no"):
        return AUTO_GENERATED
    if _header(message, "Precedence").strip().lower() in ("bulk", "junk") and not _list_post(
        message
    ):
        return AUTO_GENERATED
    return None


@dataclass(frozen=True)
class Writer:
    address: str | None
    name: str | None
    relayed_by: str | None = None


def find_writer(message: Message) -> Writer:
    """Who wrote the words. From, unless From is a relay's own address:

    - a list's own address (Google Groups and Mailman put it there in place of writers whose
      domain forbids relaying): the writer is X-Original-From, else X-Original-Sender, else a
      Reply-To that is not the list. Answering the list itself would write to every member;
    - a no-reply address (a web form, a tracker): the writer is the Reply-To.

    When a relay names nobody's address, nobody can be answered, though the name it gives is
    kept. Anyone can write any of these headers, as anyone can write From: a relay's headers
    are believed no more and no less than From would be."""
    name, address = _address(_header(message, "From"))
    if address is None:
        return Writer(None, name)
    reply_to = _address(_header(message, "Reply-To"))
    if _is_list_address(message, address):
        original_sender = _address(_header(message, "X-Original-Sender"))[1]
        candidates = [
            _address(_header(message, "X-Original-From")),
            (None, original_sender),
            reply_to,
        ]
    elif _NO_REPLY.search(address.partition("@")[0]):
        candidates = [reply_to]
    else:
        return Writer(address, name)
    # A list's "X via List" names the writer; a no-reply address's own name is usually the
    # system's ("Gmail Team", a council's), so it only stands in when nothing else names them.
    via_name = _without_via(name) if _VIA_LIST.match(name or "") else None
    for found_name, found in candidates:
        if found and found != address and not _is_list_address(message, found):
            return Writer(found, found_name or via_name, address)
    return Writer(None, reply_to[0] or via_name or name, address)


def _is_list_address(message: Message, address: str) -> bool:
    """Whether an address is the list's own (its List-Post, or its List-Id as an address)."""
    post = _header(message, "List-Post").lower()
    list_id = _header(message, "List-Id").lower()
    local, _, domain = address.partition("@")
    return (
        f"mailto:{address}" in post
        or f"<{local}.{domain}>" in list_id
        or domain == "googlegroups.com"
    )


def _without_via(name: str | None) -> str | None:
    """ "'Jane Parent' via Parents" is Jane Parent; any other name is itself."""
    match = _VIA_LIST.match(name or "")
    if match is None:
        return name
    return match.group(1).strip().strip("'\"").strip() or None


def _list_post(message: Message) -> bool:
    """Whether a mailing list relayed this message: list servers mark a person's post as
    bulk, so a complaint sent through a list (or to a group as the feedback address) stays
    a person's words."""
    if any(message.get(name) is not None for name in _LIST_HEADERS):
        return True
    return bool(_LIST_SENDER.search(_address(_header(message, "Sender"))[1] or ""))


def _header(message: Message, name: str) -> str:
    """A header's value as one line of text, decoded leniently, never an exception."""
    try:
        value = message.get(name)
    except Exception:
        return ""
    return "" if value is None else decode_header_value(value)


def _address(value: str) -> tuple[str | None, str | None]:
    """The display name and address of the first mailbox in a header; the address only when
    it is one. A trailing dot after the domain, as some gateways add, is taken off; dots a
    local part may not have by RFC 5322 but carriers gave out (taro..yamada.@docomo.ne.jp) are
    kept, as that is where the writer's mail goes."""
    try:
        pairs = getaddresses([value])
    except Exception:
        return None, None
    name, address = next(((n, a) for n, a in pairs if a), ("", ""))
    name = name.strip() or next((n.strip() for n, _ in pairs if n.strip()), "")
    address = address.strip().lower().rstrip(".")
    if "@" not in address or len(address) > 320 or not _valid_address(address):
        return (name[:200] or None), None
    return (name[:200] or None), address


def _valid_address(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    for spec in (address, f"x@{domain}" if _LOOSE_LOCAL.match(local) else None):
        try:
            if spec is not None:
                Address(addr_spec=spec)
                return True
        except Exception:
            continue
    return False


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
        # Line endings as an IMAP server may have rewritten them in a text file or a MIME part.
        data = (attachment.data or b"").replace(b"\r\n", b"\n")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()
