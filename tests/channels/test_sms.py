"""The SMS adapter on its own: signatures, numbers and Twilio's forms, without an app."""

from datetime import UTC, datetime

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from channels import sms

TOKEN = "test-auth-token"
URL = "https://heard.example.org/sms/inbound"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _form(**fields: str) -> MultiDict:
    base = {
        "MessageSid": "SM" + "a" * 32,
        "From": "+447700900123",
        "To": "+447700900999",
        "Body": "The social worker never called back",
        "NumMedia": "0",
    }
    base.update(fields)
    return MultiDict(base)


def _headers(form: MultiDict, url: str = URL, token: str = TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)}


def test_a_twilio_signature_over_the_public_url_is_accepted():
    form = _form()
    assert sms.signature_is_valid(TOKEN, URL, form, _headers(form))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": ""},
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    ],
)
def test_a_missing_or_wrong_signature_is_refused(headers):
    assert not sms.signature_is_valid(TOKEN, URL, _form(), headers)


def test_a_signature_by_another_token_or_for_another_url_or_form_is_refused():
    form = _form()
    assert not sms.signature_is_valid(TOKEN, URL, form, _headers(form, token="other"))
    assert not sms.signature_is_valid(TOKEN, URL, form, _headers(form, url=URL + "x"))
    tampered = _form(Body="something else")
    assert not sms.signature_is_valid(TOKEN, URL, tampered, _headers(form))


def test_no_auth_token_configured_refuses_everything():
    form = _form()
    assert not sms.signature_is_valid("", URL, form, _headers(form, token=""))


def test_the_public_url_is_built_from_the_configured_base_not_the_request():
    assert sms.public_url("https://heard.example.org/", "/sms/inbound") == URL
    assert sms.public_url("https://h.example.org", "/sms/status", "a=1") == (
        "https://h.example.org/sms/status?a=1"
    )


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+1 415 555 2671", "+14155552671"),
        ("12345", None),
        ("not a number", None),
        ("HEARD", None),
        ("", None),
    ],
)
def test_numbers_are_normalised_and_the_raw_value_kept(raw, e164):
    number = sms.normalise_number(raw)
    assert number.e164 == e164
    assert number.raw == raw
    assert number.best == (e164 or raw)


def test_an_inbound_form_becomes_an_inbound_message():
    message = sms.parse_inbound(_form(From="07700 900123"), NOW)
    assert message.channel == "sms"
    assert message.external_id == "SM" + "a" * 32
    assert message.sender == "+447700900123"
    assert message.text == "The social worker never called back"
    assert message.received_at == NOW
    assert message.raw_payload["From"] == "07700 900123"


def test_a_malformed_sender_is_kept_as_sent():
    assert sms.parse_inbound(_form(From="HEARD-TEST"), NOW).sender == "HEARD-TEST"


def test_a_long_concatenated_text_is_kept_whole():
    body = ("This is a long message about my son's case. " * 40)[:1600]
    assert sms.parse_inbound(_form(Body=body), NOW).text == body


def test_mms_media_urls_are_kept_and_not_fetched():
    form = _form(
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/media/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/media/ME2",
        MediaContentType1="image/png",
        Body="",
    )
    message = sms.parse_inbound(form, NOW)
    assert message.text == ""
    assert message.raw_payload["media"] == [
        {"url": "https://api.twilio.com/media/ME1", "content_type": "image/jpeg"},
        {"url": "https://api.twilio.com/media/ME2", "content_type": "image/png"},
    ]


def test_control_characters_are_dropped_from_the_text():
    assert sms.parse_inbound(_form(Body="a\x00b\x07c"), NOW).text == "abc"


@pytest.mark.parametrize(
    "form",
    [
        MultiDict({"From": "+447700900123", "Body": "x"}),
        MultiDict({"MessageSid": "SM1", "Body": "x"}),
        MultiDict({"MessageSid": "SM1", "From": "+447700900123"}),
        _form(MessageSid="SM 1; DROP TABLE"),
        _form(MessageSid="S" * 65),
        _form(From="   "),
        _form(NumMedia="lots"),
        _form(NumMedia="11"),
        _form(NumMedia="1"),
    ],
)
def test_a_form_twilio_would_never_send_is_refused(form):
    with pytest.raises(sms.InvalidWebhook):
        sms.parse_inbound(form, NOW)


def test_a_status_callback_is_read():
    update = sms.parse_status(
        MultiDict({"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"})
    )
    assert update == sms.StatusUpdate("SM1", "undelivered", "30003")


@pytest.mark.parametrize(
    "form",
    [
        {"MessageStatus": "delivered"},
        {"MessageSid": "SM1"},
        {"MessageSid": "SM1", "MessageStatus": "<script>"},
        {"MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": "abc"},
    ],
)
def test_a_malformed_status_callback_is_refused(form):
    with pytest.raises(sms.InvalidWebhook):
        sms.parse_status(MultiDict(form))
