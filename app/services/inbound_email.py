"""Email received through either door (IMAP or the webhook): parse, ingest, and acknowledge."""

import logging
from dataclasses import replace

from flask import current_app

from app.database import utcnow
from app.services.ingestion import IngestResult, ingest
from channels import email as email_channel
from channels import email_imap

log = logging.getLogger(__name__)


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
    log.info(
        "email %s into %s (new: %s, automated: %s)",
        result.message.id,
        result.feedback_item.reference,
        result.created,
        parsed.automated,
    )
    return result


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
    return email_imap.poll(settings, receive_email)
