"""The outbound registry's email sender: a stored outbound message sent over SMTP."""

from email.utils import parseaddr

from flask import current_app

from app.models import Message
from channels import email_send
from channels.base import ProviderNotConfigured


def smtp_settings() -> email_send.SmtpSettings | None:
    """The SMTP server from the configuration, or None when email cannot be sent."""
    config = current_app.config
    if not config["SMTP_HOST"] or not config["MAIL_FROM"]:
        return None
    return email_send.SmtpSettings(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        mail_from=config["MAIL_FROM"],
        user=config["SMTP_USER"],
        password=config["SMTP_PASSWORD"],
        starttls=config["SMTP_STARTTLS"],
    )


def send_stored_email(message: Message) -> str:
    """Send a stored outbound email; returns its Message-ID, which becomes its external id so
    that replies thread by In-Reply-To."""
    settings = smtp_settings()
    if settings is None:
        raise ProviderNotConfigured("SMTP_HOST and MAIL_FROM must be set to send email")
    context = message.raw_payload or {}
    outgoing = email_send.OutgoingEmail(
        to=message.recipient or "",
        subject=context.get("subject") or "Your feedback",
        text=message.text,
        # Derived from the row, so a retry after an unrecorded success sends the same id.
        message_id=email_send.message_id_for(f"heard.{message.id}", settings.mail_from),
        in_reply_to=context.get("in_reply_to"),
        automatic=message.purpose == "acknowledgement",
    )
    return email_send.send(settings, outgoing)


def is_own_address(address: str) -> bool:
    """Whether an address is Heard's own (MAIL_FROM): never answered, so that two mail
    systems cannot loop."""
    own = parseaddr(current_app.config["MAIL_FROM"])[1].lower()
    return bool(own) and address.lower() == own
