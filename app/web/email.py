"""POST /email/inbound: providers that post the raw MIME message (SendGrid raw, Mailgun MIME)."""

import logging
import time

from flask import Blueprint, Response, current_app, jsonify, request

from app.extensions import csrf
from app.jobs import after_the_response
from app.services.intake import receiving
from channels import email_webhook

bp = Blueprint("email", __name__)
log = logging.getLogger(__name__)
# Authenticated by the HMAC signature, not a cookie: there is no session to forge.
csrf.exempt(bp)


def _error(status: int, detail: str) -> tuple[Response, int]:
    return jsonify(error={"status": status, "detail": detail}), status


def _refused(error: Exception) -> tuple[Response, int]:
    """401 without a signature, 403 with a wrong or stale one; logged either way."""
    status = 401 if isinstance(error, email_webhook.SignatureMissing) else 403
    log.warning("refused an inbound email post (%s) from %s", error, request.remote_addr)
    return _error(status, str(error))


@bp.post("/email/inbound")
def inbound() -> tuple[Response, int]:
    """Check the signature over the raw body, then hand the message to the email service."""
    config = current_app.config
    # Emails with attachments are far bigger than any form; this route alone allows it.
    request.max_content_length = config["EMAIL_MAX_BYTES"]
    secret = config["EMAIL_WEBHOOK_SECRET"]
    if not secret:
        return _error(403, "Inbound email is not configured on this server.")
    timestamp = request.headers.get(email_webhook.TIMESTAMP_HEADER)
    signature = request.headers.get(email_webhook.SIGNATURE_HEADER)
    window = config["EMAIL_WEBHOOK_WINDOW_SECONDS"]
    try:
        # Before the body is read: an unsigned or stale post costs no wait for its body.
        email_webhook.check_headers(timestamp, signature, time.time(), window)
    except (email_webhook.SignatureMissing, email_webhook.SignatureRejected) as error:
        return _refused(error)
    body = request.get_data(cache=False)
    try:
        email_webhook.verify(
            secret,
            request.headers.get(email_webhook.TIMESTAMP_HEADER),
            request.headers.get(email_webhook.SIGNATURE_HEADER),
            body,
            now=time.time(),
            window=config["EMAIL_WEBHOOK_WINDOW_SECONDS"],
        )
    except (email_webhook.SignatureMissing, email_webhook.SignatureRejected) as error:
        return _refused(error)
    if not body.strip():
        return _error(400, "The body must be a raw RFC 5322 message.")
    # A long email takes the classifier seconds: the provider is answered first.
    after_the_response()
    receipt = receiving.receive_raw_email(body)
    if not receipt.stored:
        # Kept on disk while the database is down; stored as soon as it is back.
        return jsonify({"status": "accepted"}), 202
    return jsonify({"reference": receipt.reference, "status": "received"}), (
        201 if receipt.created else 200
    )
