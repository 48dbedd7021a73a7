"""Staff replies from an item page, by text or by email, and what the page shows of an email."""

from sqlalchemy import and_, not_, select

from app.extensions import db
from app.models import Attachment, Channel, Direction, FeedbackItem, Message, StaffUser
from app.services import outbound, sms
from channels.email import ORIGINAL_FILENAME

MAX_EMAIL_REPLY_CHARS = 10_000


def can_email(item: FeedbackItem) -> bool:
    """Whether staff can email this item's contact: an address, they may be contacted (which an
    auto-reply or a bounce may not, so two mail systems cannot loop), and no opt-out."""
    contact = item.contact
    return bool(
        contact
        and contact.email
        and contact.may_contact
        and not contact.opted_out
        and not outbound.is_opted_out("email", contact.email)
    )


def reply_channels(item: FeedbackItem) -> list[str]:
    """The channels staff can reply on, the contact's preferred one first."""
    channels = [c for c, allowed in (("sms", sms.can_reply), ("email", can_email)) if allowed(item)]
    preferred = item.contact.preferred_channel if item.contact else None
    return sorted(channels, key=lambda channel: channel != preferred)


def last_inbound_message_id(item: FeedbackItem) -> str | None:
    """The Message-ID of the newest email the person sent, for the reply's In-Reply-To."""
    payloads = (
        select(Message.raw_payload)
        .where(
            Message.feedback_item_id == item.id,
            Message.direction == Direction.INBOUND,
            Message.channel == Channel.EMAIL,
        )
        .order_by(Message.received_at.desc(), Message.id.desc())
    )
    for payload in db.session.execute(payloads).scalars():
        message_id = (payload or {}).get("message_id")
        if message_id:
            return str(message_id)
    return None


def send_email_reply(item: FeedbackItem, text: str, staff_user: StaffUser) -> Message | None:
    """Email a staff member's reply to the item's contact, threaded on the reference and the
    last email they sent; None if they cannot be emailed."""
    if not can_email(item) or item.contact is None or item.contact.email is None:
        return None
    context = {
        "staff_user_id": staff_user.id,
        "subject": f"Re: Your feedback {item.reference}",
        "in_reply_to": last_inbound_message_id(item),
    }
    return outbound.queue_message("email", item.contact.email, text, "staff_reply", item, context)


def send_reply(
    channel: str, item: FeedbackItem, text: str, staff_user: StaffUser
) -> Message | None:
    """Send a staff reply on the chosen channel; None if the contact cannot be reached there."""
    if channel == "email":
        return send_email_reply(item, text, staff_user)
    if channel == "sms":
        return sms.send_staff_reply(item, text, staff_user)
    return None


def attachments_by_message(messages: list[Message]) -> dict[int, list[Attachment]]:
    """Each message's attachments (without their contents), by message id."""
    ids = [m.id for m in messages if m.direction == Direction.INBOUND]
    found: dict[int, list[Attachment]] = {}
    if not ids:
        return found
    # The original bytes of each email are kept as an attachment too; they are not something
    # the sender attached, so they are not listed as one.
    is_original = and_(
        Attachment.filename == ORIGINAL_FILENAME, Attachment.content_type == "message/rfc822"
    )
    rows = db.session.execute(
        select(Attachment)
        .where(Attachment.message_id.in_(ids), not_(is_original))
        .order_by(Attachment.id)
    ).scalars()
    for attachment in rows:
        found.setdefault(attachment.message_id, []).append(attachment)
    return found
