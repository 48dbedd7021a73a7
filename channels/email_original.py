"""The original email laid open for staff: every header and every part, as it came.

Extraction can miss words (a mail program no one foresaw, a part in a shape not yet read), so
the item page can always show the whole message: each header decoded, each part with its type,
name and size, and the text of every text part exactly as sent (HTML as its source, never
rendered). Nothing here runs what a sender wrote.
"""

from dataclasses import dataclass
from email.message import Message

from channels.email import read_message
from channels.email_parts import MAX_DEPTH, decode_payload
from channels.email_text import decode_header_value, decode_text

# Enough for any letter a person writes; a longer part is cut with a note, and the whole of it
# is still in the stored original.
MAX_PART_CHARS = 50_000
MAX_PARTS = 200


@dataclass(frozen=True)
class OriginalPart:
    number: str
    content_type: str
    filename: str | None
    size: int
    text: str | None
    cut: bool = False


@dataclass(frozen=True)
class OriginalEmail:
    headers: tuple[tuple[str, str], ...]
    parts: tuple[OriginalPart, ...]
    more_parts: bool = False


def open_original(raw: bytes) -> OriginalEmail:
    """Every header and every part of a raw message, never an exception."""
    message = read_message(raw)
    headers = tuple((name, decode_header_value(value)) for name, value in message.items())
    parts: list[OriginalPart] = []
    _parts(message, "1", parts, depth=0)
    return OriginalEmail(
        headers=headers, parts=tuple(parts[:MAX_PARTS]), more_parts=len(parts) > MAX_PARTS
    )


def _parts(part: Message, number: str, found: list[OriginalPart], depth: int) -> None:
    if depth > MAX_DEPTH or len(found) > MAX_PARTS:
        return
    payload = part.get_payload()
    # A multipart's payload (and an attached email's) is its list of parts, each a Message.
    subparts = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
    content_type = part.get_content_type()
    if content_type in ("message/rfc822", "message/global") and subparts:
        # An attached email: its own headers, then its parts.
        headers = "\n".join(
            f"{name}: {decode_header_value(value)}"
            for inner in subparts
            for name, value in inner.items()
        )
        found.append(OriginalPart(number, content_type, None, len(headers), headers))
    if subparts:
        for index, sub in enumerate(subparts, start=1):
            _parts(sub, f"{number}.{index}", found, depth + 1)
        return
    data = decode_payload(part)
    text = None
    if content_type.startswith(("text/", "message/")) or content_type.startswith("multipart/"):
        text = decode_text(data, part.get_content_charset())
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    found.append(
        OriginalPart(
            number=number,
            content_type=content_type,
            filename=decode_header_value(filename) if filename else None,
            size=len(data),
            text=text[:MAX_PART_CHARS] if text is not None else None,
            cut=text is not None and len(text) > MAX_PART_CHARS,
        )
    )
