"""The help lines sent after the model flags a message, on the channel the person used.

The rules answer at once, in the webhook's response or the acknowledgement; this is for what
only the model saw. Each goes once: not if help lines already went to the thread since the
flagged message arrived, nor to a number that opted out or to automated mail.
"""

from flask_babel import gettext as _

from app.database import utcnow
from app.language import replying_in
from app.models import Channel, Message, SafeguardingAlert
from app.services.outbound.email_sender import is_own_address
from app.services.outbound.messages import queue_message
from app.services.outbound.opt_outs import is_opted_out
from app.services.safeguarding import crisis
from channels.sms import is_textable


def send_to_the_writer(alert: SafeguardingAlert) -> list[Message]:
    """Send the help lines to whoever wrote the flagged message, by text or email."""
    sent = [send_by_text(alert), send_by_email(alert)]
    return [message for message in sent if message is not None]


def send_by_text(alert: SafeguardingAlert) -> Message | None:
    """Text the help lines to whoever sent a text the model flagged."""
    message = alert.message
    if message is None or message.channel != Channel.SMS or not is_textable(message.sender):
        return None
    phone = message.sender or ""
    if not crisis.help_lines_due(alert.feedback_item_id, utcnow()):
        return None
    if is_opted_out("sms", phone):
        return None
    safety = crisis.restore(True, alert.subtypes or [], crisis.Audience.ADULT)
    with replying_in(_language(alert)):
        text = crisis.sms_text(safety)
    return queue_message("sms", phone, text, crisis.SAFETY_PURPOSE, alert.feedback_item)


def send_by_email(alert: SafeguardingAlert) -> Message | None:
    """Email the help lines to whoever sent an email the model flagged."""
    message = alert.message
    if message is None or message.channel != Channel.EMAIL or not message.sender:
        return None
    if (message.raw_payload or {}).get("automated") or is_own_address(message.sender):
        return None
    if not crisis.help_lines_due(alert.feedback_item_id, utcnow()):
        return None
    if is_opted_out("email", message.sender):
        return None
    safety = crisis.restore(True, alert.subtypes or [], crisis.Audience.ADULT)
    reference = alert.feedback_item.reference
    with replying_in(_language(alert)):
        text = (
            crisis.email_lines(safety)
            + "\n\n"
            + _("Your reference is %(reference)s.", reference=reference)
        )
        subject = _("Your feedback %(reference)s", reference=reference)
    return queue_message(
        "email",
        message.sender,
        text,
        crisis.SAFETY_PURPOSE,
        alert.feedback_item,
        {"subject": subject, "in_reply_to": message.raw_payload.get("message_id")},
    )


def _language(alert: SafeguardingAlert) -> str | None:
    """The language of the person who wrote: their contact's, else the flagged message's."""
    contact = alert.feedback_item.contact
    if contact is not None and contact.language:
        return contact.language
    return alert.message.language if alert.message is not None else None
