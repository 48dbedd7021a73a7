"""The parts of an email, in the order the writer put them: every piece of text, every file.

Mail programs split one message into many parts. Apple Mail sends text, a picture, then more
text; Outlook wraps everything in winmail.dat; a complaint is forwarded as an attached email.
The words of each part are kept in order, and each file is kept within the limits or noted.
"""

import binascii
import email
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from typing import cast

import tnefparse
from striprtf.striprtf import rtf_to_text

from channels.base import Attachment, clean_text
from channels.email_replies import strip_quoted
from channels.email_text import decode_header_value, decode_text
from channels.html_text import html_to_text

MB = 1024 * 1024
# Deeper MIME nesting than this is an attack, not a message: the rest is not walked.
MAX_DEPTH = 16
FORWARDED = "---------- Attached message ----------"
_STUB_MARGIN = 8
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_NOT_TEXT = frozenset(
    {"message/delivery-status", "message/disposition-notification", "text/rfc822-headers"}
)
_UUENCODED = re.compile(
    r"^begin [0-7]{3,4} ([^\n]{1,255})\n(.*?)^end[ \t]*$", re.MULTILINE | re.DOTALL
)
_MIME_HEADER = re.compile(r"^content-[a-z-]+:", re.IGNORECASE)
_BASE64_BLOCK = re.compile(r"[A-Za-z0-9+/=\n]{80,}")
_TYPES = mimetypes.MimeTypes(filenames=())
# Types mail programs send that the standard table does not know.
_EXTENSIONS = {"image/jpg": ".jpg", "image/pjpeg": ".jpg", "application/x-pdf": ".pdf"}

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


@dataclass(frozen=True)
class EmailLimits:
    max_attachment_bytes: int = 10 * MB
    max_attachments: int = 20


@dataclass
class Body:
    """What the walk found: text in reading order, the headers of returned mail, the files."""

    texts: list[str] = field(default_factory=list)
    # The words of attached (forwarded) emails, kept whole: they are not quoted history.
    forwarded: list[str] = field(default_factory=list)
    report_headers: list[Message] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What Outlook said the message is (IPM.Note, an out-of-office template, a read receipt).
    message_class: str | None = None
    html_only: bool = False

    @property
    def text(self) -> str:
        """The writer's own words, each piece once (Outlook repeats its text in winmail.dat)."""
        return _join(self.texts)

    @property
    def forwarded_text(self) -> str:
        return _join(self.forwarded)


def _join(texts: list[str]) -> str:
    seen: set[str] = set()
    kept = []
    for text in (t.strip() for t in texts):
        key = " ".join(text.split())
        if key and key not in seen:
            seen.add(key)
            kept.append(text)
    return "\n\n".join(kept)


def read_body(message: Message, limits: EmailLimits) -> Body:
    """Every piece of text in reading order and every file of a message."""
    body = Body()
    _walk(message, body, limits, depth=0, in_report=False)
    return body


def _walk(part: Message, body: Body, limits: EmailLimits, depth: int, in_report: bool) -> None:
    if depth > MAX_DEPTH:
        body.notes.append("Parts nested too deeply were not read.")
        return
    content_type = part.get_content_type()
    if content_type in ("message/rfc822", "message/global"):
        _embedded(part, body, limits, depth, in_report)
    elif content_type == "text/rfc822-headers":
        if in_report:
            body.report_headers.append(_parse_text_message(part))
    elif part.is_multipart():
        if content_type == "multipart/alternative":
            _alternative(part, body, limits, depth)
        else:
            for sub in _subparts(part):
                _walk(sub, body, limits, depth + 1, in_report or content_type == "multipart/report")
    elif content_type.startswith("multipart/"):
        _broken_multipart(part, body, limits)
    elif content_type in _TNEF_TYPES or (_filename(part) or "").lower() == "winmail.dat":
        _tnef(part, body, limits)
    elif _is_attachment(part):
        _attachment(part, body, limits)
    elif content_type == "text/plain" or content_type == "text/enriched":
        _plain(decode_text(decode_payload(part), part.get_content_charset()), body, limits)
    elif content_type == "text/html":
        _html(decode_text(decode_payload(part), part.get_content_charset()), body)
    elif content_type in _NOT_TEXT or content_type.startswith("text/"):
        return
    else:
        _attachment(part, body, limits)


def _broken_multipart(part: Message, body: Body, limits: EmailLimits) -> None:
    """A multipart whose boundaries never match: its lines, less the MIME scaffolding, are
    the only words there are."""
    lines = [
        line
        for line in decode_text(decode_payload(part), part.get_content_charset()).split("\n")
        if not line.startswith("--") and not _MIME_HEADER.match(line)
    ]
    text = _maybe_base64("\n".join(lines).strip())
    if text:
        body.notes.append("The parts of this email were broken; its text is shown as it came.")
        _plain(text, body, limits)


def _maybe_base64(text: str) -> str:
    """Base64 left in a broken multipart, decoded when it decodes to text."""
    if not _BASE64_BLOCK.fullmatch(text):
        return text
    try:
        decoded = decode_text(binascii.a2b_base64(text), None)
    except (binascii.Error, ValueError):
        return text
    return html_to_text(decoded) if "<" in decoded[:200] else decoded


def _subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    # A multipart's payload is its list of parts, each a Message.
    return cast(list[Message], payload) if isinstance(payload, list) else []


def _alternative(part: Message, body: Body, limits: EmailLimits, depth: int) -> None:
    """One reading of the same words: the plain text, unless it is only a stub of the HTML."""
    readings: list[tuple[str, Body]] = []
    for sub in _subparts(part):
        reading = Body()
        _walk(sub, reading, limits, depth + 1, in_report=False)
        readings.append((sub.get_content_type(), reading))
    chosen = _best_reading(readings)
    for _, reading in readings:
        # Pictures in an HTML reading are files the writer sent, whichever text is read.
        body.attachments.extend(reading.attachments)
        body.report_headers.extend(reading.report_headers)
        body.notes.extend(reading.notes)
        body.message_class = body.message_class or reading.message_class
    if chosen is not None:
        body.texts.extend(chosen.texts)
        body.forwarded.extend(chosen.forwarded)


def _best_reading(readings: list[tuple[str, Body]]) -> Body | None:
    plain = next((r for t, r in readings if t == "text/plain" and r.text), None)
    rich = [r for t, r in readings if t != "text/plain" and (r.text or r.forwarded_text)]
    richest = max(rich, key=lambda r: len(r.text.split()), default=None)
    if plain is None:
        return richest
    if richest is not None and _is_stub(plain.text, richest.text):
        return richest
    return plain


def _is_stub(plain: str, html: str) -> bool:
    """A plain part that leaves out words the HTML has ("view this email in your browser", or
    a line of the text while the rest sits beside pictures): the newest words of the HTML are
    at least twice as many, and eight more. Quoted history, which some mail programs keep only
    in the HTML, does not count."""
    plain_words = len(strip_quoted(plain).split())
    html_words = len(strip_quoted(html).split())
    return html_words >= 2 * plain_words and html_words - plain_words >= _STUB_MARGIN


def _plain(text: str, body: Body, limits: EmailLimits) -> None:
    """Plain text, with any uuencoded files taken out of it and kept as files."""
    for match in _UUENCODED.finditer(text):
        data = _uudecode(match.group(2))
        if data is not None:
            name = _safe_name(match.group(1).strip()) or "attachment"
            keep(body, limits, name, _type_for(name), data)
            text = text.replace(match.group(0), f"[file: {name}]")
    body.texts.append(text)


def _uudecode(encoded: str) -> bytes | None:
    data = bytearray()
    for line in encoded.splitlines():
        if not line.strip() or line in ("`", " "):
            continue
        try:
            data += binascii.a2b_uu(line)
        except binascii.Error:
            # Some encoders pad lines with junk: read only the length the line declares.
            length = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                data += binascii.a2b_uu(line[:length])
            except binascii.Error:
                return None
    return bytes(data)


def _html(html: str, body: Body) -> None:
    try:
        body.texts.append(clean_text(html_to_text(html)))
    except Exception:
        body.notes.append("The HTML body could not be read; see the original message.")


def _embedded(part: Message, body: Body, limits: EmailLimits, depth: int, in_report: bool) -> None:
    """A returned email threads a bounce; a forwarded one is kept, and its words are read."""
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        message = inner[0]
    else:
        message = _parse_text_message(part)
    if in_report:
        body.report_headers.append(message)
        return
    try:
        data = message.as_bytes(policy=policy.compat32)
    except Exception:
        body.notes.append("An attached email could not be read and was not kept.")
    else:
        keep(
            body,
            limits,
            _safe_name(_filename(part) or "") or "attached-message.eml",
            "message/rfc822",
            data,
        )
    forwarded = Body()
    _walk(message, forwarded, limits, depth + 1, in_report=False)
    body.notes.extend(forwarded.notes)
    heading = [FORWARDED] + [
        f"{name}: {decode_header_value(message.get(name))}"
        for name in ("From", "Date", "Subject")
        if message.get(name) is not None
    ]
    words = _join([forwarded.text, forwarded.forwarded_text])
    body.forwarded.append("\n".join(heading) + "\n\n" + words)


def _parse_text_message(part: Message) -> Message:
    text = decode_text(decode_payload(part), part.get_content_charset())
    return email.message_from_string(text, policy=policy.compat32)


def _tnef(part: Message, body: Body, limits: EmailLimits) -> None:
    """winmail.dat: Outlook's own wrapping of the message's text and files."""
    data = decode_payload(part)
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
    except Exception:
        keep(body, limits, _filename(part) or "winmail.dat", part.get_content_type(), data)
        body.notes.append("An Outlook winmail.dat could not be read; it is kept as it came.")
        return
    body.message_class = body.message_class or _tnef_class(tnef)
    text = _tnef_text(tnef)
    if text:
        body.texts.append(text)
    for attachment in tnef.attachments:
        name = _safe_name(_tnef_name(attachment)) or "attachment"
        keep(body, limits, name, _type_for(name), bytes(attachment.data or b""))


def _tnef_class(tnef: tnefparse.TNEF) -> str | None:
    for prop in tnef.msgprops:
        if prop.name == tnefparse.TNEF.ATTMESSAGECLASS and isinstance(prop.data, str):
            return prop.data.strip() or None
    return None


def _tnef_text(tnef: tnefparse.TNEF) -> str:
    try:
        if tnef.body:
            plain = tnef.body
            return clean_text(plain if isinstance(plain, str) else decode_text(plain, None))
        if tnef.htmlbody:
            html = tnef.htmlbody
            return html_to_text(html if isinstance(html, str) else decode_text(html, None))
        rtf = tnef.rtfbody
        if rtf:
            return clean_text(rtf_to_text(decode_text(bytes(rtf), "windows-1252"))).strip()  # type: ignore[no-untyped-call]
    except Exception:
        return ""
    return ""


def _tnef_name(attachment: tnefparse.tnef.TNEFAttachment) -> str:
    try:
        name = attachment.long_filename()
    except Exception:
        name = getattr(attachment, "name", "")
    if isinstance(name, bytes):
        name = decode_text(name, None)
    return str(name or "").rstrip("\x00")


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or bool(_filename(part))


def _attachment(part: Message, body: Body, limits: EmailLimits) -> None:
    content_type = part.get_content_type()
    extension = _TYPES.guess_extension(content_type) or _EXTENSIONS.get(content_type, "")
    name = _filename(part) or "attachment" + extension
    keep(body, limits, name, content_type, decode_payload(part))


def keep(body: Body, limits: EmailLimits, filename: str, content_type: str, data: bytes) -> None:
    """Store an attachment, or list it with the reason it was refused; never open it."""
    size = len(data)
    refused = None
    if len(body.attachments) >= limits.max_attachments:
        refused = f"not kept: more than {limits.max_attachments} attachments"
    elif size > limits.max_attachment_bytes:
        refused = f"not kept: larger than {limits.max_attachment_bytes // MB} MB"
    elif _executable(filename, content_type, data):
        refused = "not kept: it is a program, which could harm a computer"
    body.attachments.append(
        Attachment(
            filename=filename,
            content_type=content_type,
            size=size,
            data=None if refused else data,
            refused=refused,
        )
    )
    if refused:
        body.notes.append(f"Attachment {filename!r} ({_size(size)}) {refused}.")


def _executable(filename: str, content_type: str, data: bytes) -> bool:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return (
        extension in _EXECUTABLE_EXTENSIONS
        or content_type in _EXECUTABLE_TYPES
        or data.startswith(_EXECUTABLE_MAGIC)
    )


def _type_for(filename: str) -> str:
    return _TYPES.guess_type(filename)[0] or "application/octet-stream"


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, size // 1024)} KB"


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        return None
    return _safe_name(decode_header_value(name)) or None


def _safe_name(name: str) -> str:
    # Only the last path component, so a name can never point outside where files go.
    name = re.split(r"[\\/]", name)[-1].strip().strip(".")
    return clean_text(name).replace("\n", " ")[:200]


def decode_payload(part: Message) -> bytes:
    """A part's bytes with its transfer encoding undone; what cannot be decoded, as it came."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
