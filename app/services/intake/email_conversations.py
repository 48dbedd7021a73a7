"""Email received through either door (IMAP or the webhook): parse, ingest, and acknowledge."""

import logging
from dataclasses import replace
from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from app.database import utcnow
from app.language import replying_in
from app.services.common import nation
from app.services.complaints.stages import responder, responder_words
from app.services.intake.ingestion import IngestResult, ingest
from app.services.intake.public_feedback import stage_one_due, uk_date
from app.services.outbound.email_sender import is_own_address
from app.services.outbound.messages import queue_message
from app.services.safeguarding import crisis
from channels import email as email_channel
from channels import email_imap

log = logging.getLogger(__name__)

SAFETY = crisis.SAFETY_PURPOSE


def limits() -> email_channel.EmailLimits:
    """The attachment limits from the configuration."""
    return email_channel.EmailLimits(
        max_attachment_bytes=current_app.config["EMAIL_MAX_ATTACHMENT_BYTES"]
    )


def receive_email(raw: bytes) -> IngestResult:
    """Store one raw email (idempotent on its Message-ID) and thread it.

    A different message reusing a stored Message-ID, by a broken mailer or on purpose, is
    stored as a message of its own rather than dropped as a duplicate.
    """
    parsed = email_channel.parse_email(raw, limits())
    inbound = email_channel.to_inbound_message(
        parsed, utcnow(), kind=current_app.config["EMAIL_FEEDBACK_KIND"]
    )
    result = ingest(inbound)
    if not result.created and result.message.raw_payload.get("content_hash") != (
        parsed.content_hash
    ):
        key = email_channel.message_key(f"{parsed.external_id}#{parsed.content_hash[:32]}")
        result = ingest(replace(inbound, external_id=key))
    if result.created and _is_first_message(result):
        acknowledge(result, parsed)
    log.info(
        "email %s into %s (new: %s, automated: %s)",
        result.message.id,
        result.feedback_item.reference,
        result.created,
        parsed.automated,
    )
    return result


def _is_first_message(result: IngestResult) -> bool:
    return [m.id for m in result.feedback_item.messages] == [result.message.id]


def acknowledge(result: IngestResult, parsed: email_channel.ParsedEmail) -> None:
    """Send the reference (and, for a complaint, the Stage 1 date) back by email, with the help
    lines first when the words call for them; never to an auto-reply, a bounce or our own
    address, so that two mail systems cannot loop.

    It is stored and queued even when no mail server is set up: it then fails where staff and
    /healthz can see it, rather than never existing."""
    if not parsed.answerable or parsed.sender is None or is_own_address(parsed.sender):
        return
    item = result.feedback_item
    due = stage_one_due(item.kind, uk_date(item.created_at), nation())
    safety = crisis.assess(parsed.text, crisis.Audience.ADULT)
    with replying_in(result.message.language):
        text = acknowledgement_text(item.reference, due, responder_words(responder(item)), safety)
        subject = _("Your feedback %(reference)s", reference=item.reference)
    queue_message(
        "email",
        parsed.sender,
        text,
        SAFETY if safety.concern else "acknowledgement",
        item,
        {"subject": subject, "in_reply_to": parsed.message_id},
    )


def acknowledgement_text(
    reference: str,
    due: date | None,
    who: str | None = None,
    safety: crisis.SafetyResponse | None = None,
) -> str:
    """The words of an acknowledgement, with who will respond to a complaint and by when; it
    never repeats what the person wrote. Help lines come first when the words called for them.
    In the language of the request, or of `replying_in` around the call."""
    lines = [crisis.email_lines(safety)] if safety is not None and safety.concern else []
    lines += [
        _("Thank you for your email. We have received it."),
        _(
            "Your reference is %(reference)s. Please keep it, and reply to this email if you "
            "want to add anything: your reply will join the same case.",
            reference=reference,
        ),
    ]
    if due is not None:
        lines.append(
            _(
                "%(who)s will respond to your complaint by %(date)s.",
                who=who or _("A complaints manager"),
                date=format_date(due, "EEEE d MMMM y"),
            )
        )
    lines.append(
        _(
            "If a child is in danger right now, call 999. Children and young people can call "
            "Childline free on 0800 1111."
        )
    )
    return "\n\n".join(lines)


def imap_settings() -> email_imap.ImapSettings | None:
    """The mailbox to poll, or None when IMAP is not configured."""
    config = current_app.config
    if not config["IMAP_HOST"]:
        return None
    return email_imap.ImapSettings(
        host=config["IMAP_HOST"],
        port=config["IMAP_PORT"],
        user=config["IMAP_USER"],
        password=config["IMAP_PASSWORD"],
        folder=config["IMAP_FOLDER"],
        processed_folder=config["IMAP_PROCESSED_FOLDER"],
        ssl=config["IMAP_SSL"],
        batch=config["IMAP_BATCH"],
    )


def poll_mailbox() -> email_imap.PollSummary:
    """One pass over the mailbox: store each waiting email, then mark it on the server."""
    settings = imap_settings()
    if settings is None:
        return email_imap.PollSummary()
    return email_imap.poll(settings, lambda raw: receive_email(raw).created)
