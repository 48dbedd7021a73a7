"""Twilio's webhooks: inbound texts and delivery status callbacks, both signed by Twilio.

No CSRF (Twilio signs every request instead) and no public rate limit (Twilio retries, and a
busy evening must not turn parents' texts away). Each request has a small size limit of its own.
"""

import logging

import click
from flask import Blueprint, Response, abort, current_app, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.datastructures import MultiDict

from app.database import utcnow
from app.extensions import csrf, limiter
from app.services.intake import receiving
from app.services.intake import sms_conversations as sms_service
from app.services.outbound import delivery, surveys
from channels import sms as sms_channel

bp = Blueprint("sms", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

log = logging.getLogger(__name__)


@bp.before_request
def _limit_size() -> None:
    """A Twilio form is a few kilobytes even for a 1,600-character text with media."""
    request.max_content_length = current_app.config["SMS_MAX_REQUEST_BYTES"]


def _signed_form() -> MultiDict[str, str]:
    """The posted form, once its Twilio signature is checked against the public URL."""
    config = current_app.config
    # Without Twilio's signature header, the body is not even read.
    if not request.headers.get("X-Twilio-Signature"):
        log.warning("refused a request to %s without a Twilio signature", request.path)
        abort(403)
    url = sms_channel.public_url(
        config["PUBLIC_BASE_URL"], request.path, request.query_string.decode("latin-1")
    )
    form = request.form
    if not sms_channel.signature_is_valid(config["TWILIO_AUTH_TOKEN"], url, form, request.headers):
        log.warning("refused a request to %s without a valid Twilio signature", request.path)
        abort(403)
    return form


def _twiml(reply: str | None) -> Response:
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return Response(str(twiml), mimetype="text/xml")


@bp.post("/inbound")
def inbound() -> Response:
    """An inbound text: store it, then answer in TwiML (an acknowledgement, help, or nothing)."""
    form = _signed_form()
    try:
        message = sms_channel.parse_inbound(form, received_at=utcnow())
    except sms_channel.InvalidWebhook as error:
        abort(400, description=str(error))
    receipt = receiving.receive_text(message)
    if receipt is None:
        # Kept on disk while the database is down: Twilio gets its 200, the person an answer.
        return _twiml(sms_service.spooled_reply(message))
    return _twiml(receipt.reply)


@bp.post("/status")
def status() -> tuple[str, int]:
    """A delivery status callback for a text we sent."""
    form = _signed_form()
    try:
        update = sms_channel.parse_status(form)
    except sms_channel.InvalidWebhook as error:
        abort(400, description=str(error))
    delivery.record_delivery_status("sms", update.message_sid, update.status, update.error_code)
    return "", 204


@bp.cli.command("survey")
@click.option("--phone", required=True, help="The number to text, UK or international.")
@click.option("--case-reference", default=None, help="The closed case the survey is about.")
@click.option("--team-id", default=None, type=int, help="The team that worked the case.")
def survey(phone: str, case_reference: str | None, team_id: int | None) -> None:
    """Text the audit survey ("how did we do, reply 1-5") to a number whose case has closed."""
    message = surveys.send_audit_survey(phone, case_reference, team_id)
    if message is None:
        raise click.ClickException("not sent: the number is not valid, or it has opted out")
    click.echo(f"survey queued as message {message.id}")
