"""Sentry, only with SENTRY_DSN, and told nothing personal: an error raised while handling a
child's words reaches the transport without the words, the name, the number or the address."""

import json
from collections.abc import Iterator

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from app import error_reporting

NAME = "Tallulah Featherstonehaugh"
PHONE = "07700 900461"
EMAIL = "tallulah.fh@example.org"
WORDS = "my uncle Bartholomew hits me"


class Captured(Transport):
    """A transport that keeps every envelope instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope)

    def text(self) -> str:
        return "\n".join(
            item.payload.bytes.decode() if item.payload.bytes else json.dumps(item.payload.json)
            for envelope in self.envelopes
            for item in envelope.items
        )


@pytest.fixture
def reported() -> Iterator[Captured]:
    transport = Captured()
    yield transport
    sentry_sdk.init(dsn=None)


def test_nothing_is_set_up_without_a_dsn(make_app, monkeypatch):
    monkeypatch.setattr(sentry_sdk, "init", lambda **_: pytest.fail("Sentry started"))
    make_app(SENTRY_DSN="")


def test_an_error_reaches_sentry_without_personal_data(make_app, reported, monkeypatch):
    real_init = sentry_sdk.init
    monkeypatch.setattr(
        sentry_sdk, "init", lambda **options: real_init(transport=reported, **options)
    )
    app = make_app(SENTRY_DSN="https://public@sentry.invalid/1")

    @app.post("/test-only-failure")
    def fail() -> str:
        what_they_wrote = f"{WORDS}, {NAME}, {PHONE}, {EMAIL}"
        raise ValueError(f"could not read {what_they_wrote}")

    response = app.test_client().post(
        f"/test-only-failure?email={EMAIL}",
        data={"text": WORDS, "name": NAME},
        headers={"Cookie": f"who={EMAIL}", "X-Phone": PHONE},
    )
    sentry_sdk.flush()

    assert response.status_code == 500
    sent = reported.text()
    assert "ValueError" in sent and "test-only-failure" in sent
    for value in (NAME, "Tallulah", "Featherstonehaugh", PHONE, EMAIL, "Bartholomew", WORDS):
        assert value not in sent, value


def test_scrub_keeps_the_method_and_route_and_drops_the_rest():
    event = {
        "user": {"ip_address": "203.0.113.9", "email": EMAIL},
        "server_name": "web-1",
        "request": {
            "method": "POST",
            "url": f"https://heard.example/child?email={EMAIL}",
            "data": {"text": WORDS},
            "cookies": {"session": "x"},
            "headers": {"X-Phone": PHONE},
            "query_string": f"email={EMAIL}",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"bad address {EMAIL} for {NAME}",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"text": WORDS}}]},
                }
            ]
        },
        "logentry": {"message": "sent to %s", "params": [PHONE], "formatted": f"sent to {PHONE}"},
        "extra": {"text": WORDS},
        "breadcrumbs": {"values": [{"message": f"texted {PHONE}", "data": {"to": PHONE}}]},
    }

    scrubbed = error_reporting.scrub(event)

    assert scrubbed["request"] == {"method": "POST", "url": "https://heard.example/child"}
    text = json.dumps(scrubbed)
    for value in (EMAIL, NAME, PHONE, WORDS, "203.0.113.9", "web-1"):
        assert value not in text, value
    assert scrubbed["exception"]["values"][0]["type"] == "ValueError"
