"""POST /email/inbound: signed raw MIME in; unsigned, stale, forged or oversized refused and
nothing stored."""

import time
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

import classifiers
from app.extensions import db
from app.models import Attachment, Direction, Message
from channels.email import ORIGINAL_FILENAME
from channels.email_webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from classifiers import Prediction

SECRET = "email-webhook-secret-for-tests-0123456789"


def raw_mail(text="Nobody has called me back.", message_id="<w1@example.org>", subject="Help"):
    message = EmailMessage()
    message["From"] = "Parent <parent@example.org>"
    message["To"] = "feedback@heard.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(text)
    return bytes(message)


def signed_headers(body: bytes, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + sign(secret, timestamp, body),
    }


@pytest.fixture
def email_client(make_app):
    app = make_app(EMAIL_WEBHOOK_SECRET=SECRET, WTF_CSRF_ENABLED=True, EMAIL_MAX_BYTES=1024 * 1024)
    with app.app_context():
        yield app.test_client()


def stored() -> int:
    """Inbound messages stored (acknowledgements are stored too, as outbound ones)."""
    inbound = select(func.count(Message.id)).where(Message.direction == Direction.INBOUND)
    return db.session.execute(inbound).scalar_one()


def post(client, body: bytes, headers: dict[str, str]):
    return client.post(
        "/email/inbound", data=body, headers={**headers, "Content-Type": "message/rfc822"}
    )


def test_a_signed_message_is_stored_once(email_client):
    body = raw_mail()
    first = post(email_client, body, signed_headers(body))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["reference"].startswith("HD-")
    again = post(email_client, body, signed_headers(body))
    assert again.status_code == 200
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert stored() == 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({TIMESTAMP_HEADER: "1700000000"}, 401),
        ({TIMESTAMP_HEADER: "yesterday", SIGNATURE_HEADER: "abc"}, 401),
        ({TIMESTAMP_HEADER: str(int(time.time())), SIGNATURE_HEADER: "0" * 64}, 403),
        ({TIMESTAMP_HEADER: str(int(time.time())), SIGNATURE_HEADER: "\u00e9" * 10}, 403),
    ],
)
def test_unsigned_or_forged_messages_are_refused_and_not_stored(email_client, headers, status):
    response = post(email_client, raw_mail(), headers)
    assert response.status_code == status
    assert response.get_json()["error"]["detail"]
    assert stored() == 0


def test_a_signature_with_another_secret_is_refused(email_client):
    body = raw_mail()
    assert (
        post(email_client, body, signed_headers(body, secret="not-the-secret")).status_code == 403
    )
    assert stored() == 0


def test_a_signature_for_other_content_is_refused(email_client):
    headers = signed_headers(raw_mail())
    assert post(email_client, raw_mail("Something else"), headers).status_code == 403
    assert stored() == 0


def test_a_replayed_old_request_is_refused(email_client):
    body = raw_mail()
    headers = signed_headers(body, at=time.time() - 301)
    assert post(email_client, body, headers).status_code == 403
    assert stored() == 0


def test_oversized_messages_are_refused_with_413(email_client):
    body = raw_mail("x" * (2 * 1024 * 1024))
    assert post(email_client, body, signed_headers(body)).status_code == 413
    assert stored() == 0


def test_the_route_allows_more_than_the_form_limit(email_client):
    body = raw_mail("a long letter " * 40_000)
    assert len(body) > 256 * 1024
    assert post(email_client, body, signed_headers(body)).status_code == 201


def test_without_a_secret_configured_nothing_is_accepted(client):
    body = raw_mail()
    response = post(client, body, signed_headers(body, secret=""))
    assert response.status_code == 403
    assert stored() == 0


def test_an_empty_body_is_a_clear_400(email_client):
    assert post(email_client, b"", signed_headers(b"")).status_code == 400


def test_an_attachment_too_big_is_listed_and_the_message_kept(make_app):
    app = make_app(EMAIL_WEBHOOK_SECRET=SECRET, EMAIL_MAX_ATTACHMENT_BYTES=1024)
    message = EmailMessage()
    message["From"] = "parent@example.org"
    message["Message-ID"] = "<big@example.org>"
    message.set_content("The letter is attached.")
    message.add_attachment(b"\0" * 4096, maintype="application", subtype="pdf", filename="a.pdf")
    body = bytes(message)
    with app.app_context():
        response = post(app.test_client(), body, signed_headers(body))
        assert response.status_code == 201
        (attachment,) = db.session.execute(
            select(Attachment).where(Attachment.filename != ORIGINAL_FILENAME)
        ).scalars()
        assert attachment.data is None and attachment.size == 4096 and attachment.refused
        assert attachment.message.text == "The letter is attached."


def test_the_exact_bytes_received_are_kept_with_the_message(make_app):
    app = make_app(EMAIL_WEBHOOK_SECRET=SECRET)
    body = b"From: parent@example.org\r\nMessage-ID: <raw@example.org>\r\n\r\n\xff\xfe \x00 bytes"
    with app.app_context():
        response = post(app.test_client(), body, signed_headers(body))
        assert response.status_code == 201
        original = db.session.execute(
            select(Attachment).where(Attachment.filename == ORIGINAL_FILENAME)
        ).scalar_one()
        assert original.content_type == "message/rfc822"
        assert original.data == body


class _SlowClassifier:
    """Stands in for a model that takes seconds: it records when it ran."""

    version = "test-after-response-1"
    calls: list[str] = []

    def predict(self, text: str, channel: str | None = None) -> Prediction:
        self.calls.append(text)
        return Prediction(self.version, [], False, {"safeguarding": 0.01})


classifiers.register("test-after-response")(_SlowClassifier)


def test_without_redis_the_provider_is_answered_before_the_classifier_runs(make_app):
    app = make_app(EMAIL_WEBHOOK_SECRET=SECRET, CLASSIFIER="test-after-response")
    body = raw_mail("My son came home with bruises again.", message_id="<after@example.org>")
    with app.app_context():
        client = app.test_client()
        response = post(client, body, signed_headers(body))
        assert response.status_code == 201
        # The answer is complete, and nothing has been classified yet.
        assert _SlowClassifier.calls == []
        state = select(Message.classification_state).where(Message.direction == Direction.INBOUND)
        assert db.session.execute(state).scalar_one().value == "pending"
        # The server closes the response once it is sent; only then does the classifier run.
        response.close()
        assert _SlowClassifier.calls == ["My son came home with bruises again."]
        db.session.expire_all()
        assert db.session.execute(state).scalar_one().value == "done"
