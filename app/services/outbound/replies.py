"""Staff replies from an item page, by text or by email, to the contact of the item."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.language import replying_in
from app.models import Channel, Direction, FeedbackItem, Message, StaffUser
from app.services.outbound.messages import queue_message
from app.services.outbound.opt_outs import is_opted_out

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
        and not is_opted_out("email", contact.email)
    )


def can_text(item: FeedbackItem) -> bool:
    """Whether staff can text this item's contact: a number, and no opt-out."""
    contact = item.contact
    return bool(
        contact
        and contact.phone
        and not contact.opted_out
        and not is_opted_out("sms", contact.phone)
    )


def reply_channels(item: FeedbackItem) -> list[str]:
    """The channels staff can reply on, the contact's preferred one first."""
    channels = [c for c, allowed in (("sms", can_text), ("email", can_email)) if allowed(item)]
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
    with replying_in(item.contact.language):
        subject = _("Re: Your feedback %(reference)s", reference=item.reference)
    context = {
        "staff_user_id": staff_user.id,
        "subject": subject,
        "in_reply_to": last_inbound_message_id(item),
    }
    return queue_message("email", item.contact.email, text, "staff_reply", item, context)


def send_text_reply(item: FeedbackItem, text: str, staff_user: StaffUser) -> Message | None:
    """Text a staff member's reply to the item's contact; None if they cannot be texted."""
    if not can_text(item) or item.contact is None or item.contact.phone is None:
        return None
    context = {"staff_user_id": staff_user.id}
    return queue_message("sms", item.contact.phone, text, "staff_reply", item, context)


def send_reply(
    channel: str, item: FeedbackItem, text: str, staff_user: StaffUser
) -> Message | None:
    """Send a staff reply on the chosen channel; None if the contact cannot be reached there."""
    if channel == "email":
        return send_email_reply(item, text, staff_user)
    if channel == "sms":
        return send_text_reply(item, text, staff_user)
    return None
