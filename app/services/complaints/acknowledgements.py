"""How a complaint is acknowledged when its Stage 1 opens: by the person's preferred channel.

Email when they gave an address they may be emailed at, else a text, else a letter for staff
to print and post; the preferred channel first when it is one of those and can be used. A
complaint that came by email was answered by email at its door already. Every message gives
the reference, who will respond and by when, and never repeats what the person wrote.
"""

from datetime import date
from enum import StrEnum

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Channel, Direction, FeedbackItem, Message, PreferredChannel
from app.services.outbound import messages, opt_outs
from channels.sms import normalise_number

PURPOSE = "complaint_acknowledgement"


class By(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


def _email(item: FeedbackItem) -> str | None:
    contact = item.contact
    if contact is None or not contact.email or not contact.may_contact or contact.opted_out:
        return None
    return None if opt_outs.is_opted_out("email", contact.email) else contact.email


def _first_inbound_phone(item: FeedbackItem) -> str | None:
    """The number the complaint's first message came from, if it came by text from a number
    that can be texted back."""
    first = db.session.execute(
        select(Message)
        .where(Message.feedback_item_id == item.id, Message.direction == Direction.INBOUND)
        .order_by(Message.received_at, Message.id)
        .limit(1)
    ).scalar_one_or_none()
    if first is None or first.channel != Channel.SMS or not first.sender:
        return None
    return first.sender if normalise_number(first.sender).e164 == first.sender else None


def _phone(item: FeedbackItem) -> str | None:
    contact = item.contact
    if contact is not None and contact.opted_out:
        return None
    phone = (contact.phone if contact is not None else None) or _first_inbound_phone(item)
    if phone is None or opt_outs.is_opted_out("sms", phone):
        return None
    return phone


def _address(item: FeedbackItem) -> str | None:
    contact = item.contact
    return contact.postal_address if contact is not None and contact.may_contact else None


def channel_for(item: FeedbackItem) -> By | None:
    """How this complaint's acknowledgement goes; None when it went at the door already (an
    email) or there is no way to reach the person."""
    if item.received_via == Channel.EMAIL:
        return None
    usable = {By.EMAIL: _email(item), By.SMS: _phone(item), By.LETTER: _address(item)}
    preferred = item.contact.preferred_channel if item.contact is not None else None
    order = [By.EMAIL, By.SMS, By.LETTER]
    if preferred == PreferredChannel.SMS:
        order = [By.SMS, By.EMAIL, By.LETTER]
    if preferred == PreferredChannel.POST:
        order = [By.LETTER, By.EMAIL, By.SMS]
    return next((by for by in order if usable[by]), None)


def queue(item: FeedbackItem, who: str, due: date) -> Message | None:
    """Add the acknowledgement by email or text to the session (the caller commits, then
    enqueues its send); None for a letter, which staff print, or when there is none to send."""
    by = channel_for(item)
    if by == By.EMAIL:
        address = _email(item)
        assert address is not None
        context = {"subject": f"Your complaint {item.reference}"}
        return messages.new_outbound(
            "email", address, email_text(item.reference, who, due), PURPOSE, item, context
        )
    if by == By.SMS:
        phone = _phone(item)
        assert phone is not None
        return messages.new_outbound(
            "sms", phone, sms_text(item.reference, who, due), PURPOSE, item
        )
    return None


def sent(item: FeedbackItem) -> Message | None:
    """The acknowledgement sent on this complaint's thread, if one was."""
    query = (
        select(Message)
        .where(Message.feedback_item_id == item.id, Message.purpose == PURPOSE)
        .order_by(Message.id)
        .limit(1)
    )
    return db.session.execute(query).scalar_one_or_none()


def _day(due: date) -> str:
    """A date in the reply's language: Monday 7 December 2026, or Dydd Llun 7 Rhagfyr 2026."""
    return str(format_date(due, "EEEE d MMMM y"))


def sms_text(reference: str, who: str, due: date) -> str:
    """The text acknowledging a complaint: never what the person wrote, as a shared phone may
    be read by someone else."""
    words: str = _(
        "Heard: we are treating your message as a complaint. Your reference is "
        "%(reference)s. %(who)s will respond by %(due)s. Text STOP to stop texts.",
        reference=reference,
        who=who,
        due=format_date(due, "EEEE d MMMM"),
    )
    return words


def email_text(reference: str, who: str, due: date) -> str:
    """The email acknowledging a complaint."""
    return "\n\n".join(
        [
            _("Thank you for your complaint. We have received it."),
            _("Your reference is %(reference)s. Please keep it.", reference=reference),
            _("%(who)s will respond to your complaint by %(due)s.", who=who, due=_day(due)),
            _(
                "If a child is in danger right now, call 999. Children and young people can "
                "call Childline free on 0800 1111."
            ),
        ]
    )


def letter_lines(reference: str, who: str, due: date) -> list[str]:
    """The paragraphs of the printed acknowledgement letter."""
    return [
        _("Thank you for your complaint. We have received it and are dealing with it."),
        _(
            "Your reference is %(reference)s. Please quote it if you contact us.",
            reference=reference,
        ),
        _("%(who)s will respond to your complaint by %(due)s.", who=who, due=_day(due)),
        _(
            "If a child is in danger right now, call 999. Children and young people can call "
            "Childline free on 0800 1111."
        ),
    ]
