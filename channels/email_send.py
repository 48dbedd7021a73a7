"""Sending email over SMTP: plain text with an HTML alternative, threaded by Message-ID.

No database and no Flask: the outbound service hands over what to send and gets back the
Message-ID, which it stores so that replies thread by In-Reply-To.
"""

import html
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from channels.sms import SendRefused


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    mail_from: str
    user: str = ""
    password: str = ""
    starttls: bool = True
    timeout: int = 30


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    message_id: str
    in_reply_to: str | None = None
    # Acknowledgements say they are automatic (RFC 3834), so auto-responders do not answer them.
    automatic: bool = False


def message_id_for(local_id: str, mail_from: str) -> str:
    """A Message-ID (without angle brackets) in our own domain, stable for one outbound row."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "heard.invalid"
    return f"{local_id}@{domain}"


def build(outgoing: OutgoingEmail, mail_from: str) -> EmailMessage:
    """The MIME message: plain text first, the same words as HTML second."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{outgoing.message_id}>"
    if outgoing.in_reply_to:
        message["In-Reply-To"] = f"<{outgoing.in_reply_to}>"
        message["References"] = f"<{outgoing.in_reply_to}>"
    if outgoing.automatic:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(outgoing.text)
    paragraphs = (p for p in outgoing.text.split("\n\n") if p.strip())
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in paragraphs)
    message.add_alternative(
        f"<!doctype html>\n<html><body>\n{body}</body></html>\n", subtype="html"
    )
    return message


def send(settings: SmtpSettings, outgoing: OutgoingEmail) -> str:
    """Send one email; returns its Message-ID. A permanent refusal (5xx) raises SendRefused;
    anything temporary raises as it is, for the job to retry."""
    message = build(outgoing, settings.mail_from)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(code >= 500 for code in codes):
            raise SendRefused(codes[0] if codes else None) from error
        raise
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
        if error.smtp_code >= 500:
            raise SendRefused(error.smtp_code) from error
        raise
    return outgoing.message_id
