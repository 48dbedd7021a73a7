"""The JSON API for partner apps: token-authenticated feedback, and its OpenAPI document."""

import hmac
import logging
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_limiter.util import get_remote_address

from app.extensions import csrf, db, limiter
from app.models import Message
from app.services.intake import receiving
from app.services.safeguarding import crisis
from app.services.safeguarding.crisis import Audience
from app.web.openapi import openapi_document
from channels import api as api_channel

bp = Blueprint("api", __name__)
# Partners authenticate every request with a bearer token; there is no cookie to forge.
csrf.exempt(bp)

log = logging.getLogger(__name__)


def _partner() -> str | None:
    """The partner whose bearer token the request carries, or None."""
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    return _partner_for(supplied.strip()) if scheme.lower() == "bearer" else None


def _partner_for(supplied: str) -> str | None:
    # Compare with every token, never stopping early, so timing tells nothing about any of them.
    found = None
    for token, partner in current_app.config["API_TOKENS"].items():
        if hmac.compare_digest(supplied.encode(), token.encode()):
            found = partner
    return found


def _rate_limit_key() -> str:
    """Each partner has its own allowance; requests without a valid token share one per address."""
    partner = _partner()
    return f"partner:{partner}" if partner else f"anonymous:{get_remote_address()}"


def _rate_limit() -> str:
    return current_app.config["API_RATELIMIT"]


def _error(
    status: int, title: str, detail: str, fields: list[dict[str, str]] | None = None
) -> tuple[Response, int]:
    """An error in the same shape app.web.errors gives every other /api/ error."""
    body: dict[str, Any] = {"status": status, "title": title, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    return jsonify(error=body), status


@bp.post("/feedback")
@limiter.limit(_rate_limit, key_func=_rate_limit_key)
def create_feedback() -> tuple[Response, int]:
    """Authenticate the partner, read and check the JSON, and hand it to ingest()."""
    partner = _partner()
    if partner is None:
        log.warning("refused an API request without a known token from %s", request.remote_addr)
        response, status = _error(
            401, "Unauthorized", "Send your partner token as 'Authorization: Bearer <token>'."
        )
        challenge = 'Bearer realm="heard"'
        if request.headers.get("Authorization"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
        return response, status
    if request.mimetype != "application/json":
        return _error(
            415,
            "Unsupported Media Type",
            "Send the feedback as JSON: Content-Type: application/json.",
        )
    try:
        document = api_channel.parse_json(request.get_data(cache=False))
        message = api_channel.to_inbound_message(
            document, partner, max_text_chars=current_app.config["MAX_FEEDBACK_CHARS"]
        )
    except api_channel.MalformedJSON as error:
        return _error(400, "Malformed JSON", error.detail)
    except api_channel.InvalidFeedback as error:
        fields = [{"field": e.field, "message": e.message} for e in error.errors]
        return _error(422, "Invalid feedback", "Some fields are missing or not valid.", fields)
    audience = (
        Audience.CHILD
        if message.details
        and message.details.contact_role
        in (
            "child",
            "young_person",
        )
        else Audience.ADULT
    )
    safety = crisis.assess(message.text, audience)
    receipt = receiving.receive_message(message)
    if not receipt.stored:
        log.warning("api feedback from %s kept in the spool", partner)
        return jsonify(_receipt_body(receipt, "accepted", safety)), 202
    stored = db.session.get_one(Message, receipt.message_id)
    if not receipt.created and stored.raw_payload != message.raw_payload:
        return _error(
            409,
            "Conflict",
            "This external_id was already used for different content: give each message its "
            "own id. Nothing new was stored.",
            [{"field": "/external_id", "message": "was already used for different content"}],
        )
    log.info("api feedback %s from %s (new: %s)", receipt.reference, partner, receipt.created)
    return jsonify(_receipt_body(receipt, "received", safety)), 201 if receipt.created else 200


def _receipt_body(
    receipt: receiving.Receipt, status: str, safety: crisis.SafetyResponse
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": receipt.reference,
        "status": status,
        "safety": {
            "concern": safety.concern,
            "help": [
                {
                    "key": line.key,
                    "name": str(line.name),
                    "phone": line.phone,
                    "tel": line.tel,
                    "url": line.url,
                    "when": str(line.when),
                }
                for line in safety.lines
            ],
        },
    }
    if receipt.message_id is not None:
        body["message_id"] = receipt.message_id
    return body


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document, public so partners and their tools can read it before a token."""
    return jsonify(
        openapi_document(
            current_app.config["PUBLIC_BASE_URL"], current_app.config["MAX_FEEDBACK_CHARS"]
        )
    )
