"""The SMS adapter for Twilio: verify a webhook's signature, read its form, send a text.

No database and no Flask: the view hands in the public URL, the headers and the form as plain
values, so everything here is tested without an app.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

import phonenumbers
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.rest import Client

from channels import language
from channels.base import InboundMessage, clean_text

CHANNEL = "sms"
DEFAULT_REGION = "GB"
TWILIO_API_BASE = "https://api.twilio.com"
# Twilio's error for a number that has texted STOP to the sender.
OPTED_OUT_ERROR = 21610
# Twilio sends at most ten media items; a form claiming more is not from Twilio.
MAX_MEDIA = 10
_SID = re.compile(r"^[A-Za-z0-9]{2,64}$")
_STATUS = re.compile(r"^[a-z_]{1,32}$")


class InvalidWebhook(ValueError):
    """The form is missing a field Twilio always sends, or has one in a shape it never sends."""


# A submitted form: Werkzeug's MultiDict (a dict of first values), or a plain dict in tests.
Form = Mapping[str, str]


class Headers(Protocol):
    """Request headers: Werkzeug's Headers, or a plain dict in tests."""

    def get(self, key: str, /) -> str | None: ...


def public_url(base_url: str, path: str, query_string: str = "") -> str:
    """The address Twilio signed: the public base (not what the proxy passed on) plus the path."""
    url = base_url.rstrip("/") + path
    return f"{url}?{query_string}" if query_string else url


def signature_is_valid(auth_token: str, url: str, form: Form, headers: Headers) -> bool:
    """Whether X-Twilio-Signature is Twilio's signature of this URL and form."""
    signature = headers.get("X-Twilio-Signature")
    if not auth_token or not signature:
        return False
    algorithm = get_signature_algorithm(headers.get("X-Twilio-Webhooks-Signature-Settings"))
    valid: bool = RequestValidator(auth_token).validate(url, form, signature, algorithm)
    return valid


@dataclass(frozen=True)
class PhoneNumber:
    raw: str
    e164: str | None

    @property
    def best(self) -> str:
        """E.164 when the number is valid, otherwise exactly what was given."""
        return self.e164 or self.raw


# Each text's sender is parsed twice (read here, then checked before any reply) and a
# conversation repeats the same few numbers, so parsing is memoised.
@lru_cache(maxsize=4096)
def normalise_number(raw: str, region: str = DEFAULT_REGION) -> PhoneNumber:
    """A number in E.164 if it is a valid one (UK numbers may omit +44); the raw value is kept."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return PhoneNumber(raw=raw, e164=None)
    # Possible rather than valid, so numbers in ranges newer than the library's data still work;
    # a number only diallable locally is not one a text can come from.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return PhoneNumber(raw=raw, e164=None)
    return PhoneNumber(
        raw=raw, e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    )


def is_textable(sender: str | None) -> bool:
    """Whether texts can go back to this sender: a valid number, already in E.164 (a malformed
    or alphanumeric sender cannot be texted)."""
    return bool(sender) and normalise_number(sender or "").e164 == sender


def _required(form: Form, name: str, pattern: re.Pattern[str] | None = None) -> str:
    value = form.get(name)
    if value is None or (pattern is not None and not pattern.match(value)):
        raise InvalidWebhook(f"{name} is missing or malformed")
    return value


def _media(form: Form) -> list[dict[str, str]]:
    """MMS media as Twilio's URLs only: fetching them is slow, and never done in the request."""
    count = form.get("NumMedia") or "0"
    if not count.isascii() or not count.isdigit() or int(count) > MAX_MEDIA:
        raise InvalidWebhook("NumMedia is malformed")
    return [
        {
            "url": _required(form, f"MediaUrl{n}"),
            "content_type": form.get(f"MediaContentType{n}") or "application/octet-stream",
        }
        for n in range(int(count))
    ]


def parse_inbound(form: Form, received_at: datetime) -> InboundMessage:
    """Translate Twilio's inbound-message form; InvalidWebhook if it is not one."""
    sid = _required(form, "MessageSid", _SID)
    sender = normalise_number(_required(form, "From"))
    if not sender.raw.strip():
        raise InvalidWebhook("From is empty")
    text = clean_text(_required(form, "Body"))
    raw: dict[str, Any] = {key: form.get(key) for key in form}
    raw["media"] = _media(form)
    return InboundMessage(
        channel=CHANNEL,
        external_id=sid,
        text=text,
        received_at=received_at,
        raw_payload=raw,
        sender=sender.best,
        language=language.detect(text),
    )


@dataclass(frozen=True)
class StatusUpdate:
    message_sid: str
    status: str
    error_code: str | None


def parse_status(form: Form) -> StatusUpdate:
    """Translate Twilio's status-callback form; InvalidWebhook if it is not one."""
    error_code = form.get("ErrorCode") or None
    if error_code is not None and (not error_code.isascii() or not error_code.isdigit()):
        raise InvalidWebhook("ErrorCode is malformed")
    return StatusUpdate(
        message_sid=_required(form, "MessageSid", _SID),
        status=_required(form, "MessageStatus", _STATUS),
        error_code=error_code[:16] if error_code else None,
    )


class _RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio is untyped
    """Twilio's own HTTP client, pointed at another base URL (a regional relay, or a test fake)."""

    def __init__(self, api_base: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        if url.startswith(TWILIO_API_BASE):
            url = self.api_base + url.removeprefix(TWILIO_API_BASE)
        return super().request(method, url, *args, **kwargs)


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    from_number: str | None = None
    messaging_service_sid: str | None = None
    api_base: str = TWILIO_API_BASE
    timeout: float = 10.0


class SendRefused(Exception):
    """Twilio refused the text for a reason that sending again will not change."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"Twilio refused the message (error {code})")
        self.code = code


class RecipientOptedOut(SendRefused):
    """Twilio refused: the number has texted STOP to our sender."""


def twilio_client(settings: TwilioSettings) -> Client:
    """A Twilio REST client for these settings."""
    http_client = _RebasedHttpClient(settings.api_base, settings.timeout)
    return Client(settings.account_sid, settings.auth_token, http_client=http_client)


def send_sms(settings: TwilioSettings, to: str, body: str, status_callback: str | None) -> str:
    """Send one text through Twilio's Messages API and return its MessageSid."""
    sender: dict[str, str] = {}
    if settings.messaging_service_sid:
        sender["messaging_service_sid"] = settings.messaging_service_sid
    elif settings.from_number:
        sender["from_"] = settings.from_number
    else:
        raise ValueError("set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
    extra = {"status_callback": status_callback} if status_callback else {}
    try:
        message = twilio_client(settings).messages.create(to=to, body=body, **sender, **extra)
    except TwilioRestException as error:
        if error.code == OPTED_OUT_ERROR:
            raise RecipientOptedOut(error.code) from error
        # A 4xx other than rate limiting is a refusal (a bad number, say); the rest may pass.
        if 400 <= error.status < 500 and error.status != 429:
            raise SendRefused(error.code) from error
        raise
    return str(message.sid)
