"""Outbound messages go through the real twilio client to a fake Messages API on loopback,
and through a real RQ worker on the real Redis."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue, Retry, SimpleWorker
from sqlalchemy import select

from app.extensions import db
from app.jobs.outbound import send_message, sweep_unsent
from app.models import Contact, ContactRole, Message
from app.services.outbound import delivery, messages

PHONE = "+447700900123"
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_FROM_NUMBER": "+447700900999",
    "PUBLIC_BASE_URL": "https://heard.example.org",
}


@pytest.fixture
def fake(make_app, fake_twilio):
    """The fake Messages API, with an app that sends to it and whose context is pushed."""
    fake, base = fake_twilio
    app = make_app(TWILIO_API_BASE=base, **TWILIO)
    with app.app_context():
        yield fake


def test_a_queued_text_is_sent_through_twilio_with_auth_and_a_status_callback(fake):
    message = messages.queue_message("sms", PHONE, "Thank you for your feedback.", "test")

    db.session.expire_all()
    stored = db.session.get(Message, message.id)
    assert stored.delivery_status == "sent"
    assert stored.external_id.startswith("SM")
    assert stored.send_attempts == 1
    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert request["path"] == f"/2010-04-01/Accounts/{TWILIO['TWILIO_ACCOUNT_SID']}/Messages.json"
    assert request["authorization"].startswith("Basic ")
    assert request["form"] == {
        "To": PHONE,
        "From": "+447700900999",
        "Body": "Thank you for your feedback.",
        "StatusCallback": "https://heard.example.org/sms/status",
    }


def test_a_messaging_service_is_used_when_configured(make_app, fake_twilio):
    fake, base = fake_twilio
    app = make_app(TWILIO_API_BASE=base, **{**TWILIO, "TWILIO_MESSAGING_SERVICE_SID": "MG1"})
    with app.app_context():
        messages.queue_message("sms", PHONE, "Hello", "test")
        assert fake.sent[0]["MessagingServiceSid"] == "MG1"
        assert "From" not in fake.sent[0]


def test_a_sent_message_is_never_sent_twice(fake):
    message = messages.queue_message("sms", PHONE, "Once only", "test")
    send_message(message.id)
    send_message(message.id)
    assert len(fake.requests) == 1


def test_twilio_opted_out_error_marks_the_contact_and_is_not_retried(fake):
    contact = Contact(role=ContactRole.PARENT, phone=PHONE, phone_raw="07700 900123")
    db.session.add(contact)
    db.session.commit()
    fake.failures.append(21610)

    message = messages.queue_message("sms", PHONE, "Hello", "test")

    db.session.expire_all()
    stored = db.session.get(Message, message.id)
    assert stored.delivery_status == "opted_out"
    assert stored.provider_error_code == "21610"
    assert db.session.get(Contact, contact.id).opted_out_at is not None
    assert delivery.messages_to_resend(older_than_seconds=0) == []


def test_nothing_is_sent_to_an_opted_out_number_even_if_queued_before_they_opted_out(fake):
    db.session.add(Contact(role=ContactRole.PARENT, phone=PHONE, opted_out_at=datetime.now(UTC)))
    message = messages.new_outbound("sms", PHONE, "Hello", "test")
    db.session.commit()

    assert send_message(message.id) == "opted_out"
    assert fake.requests == []


def test_a_refused_number_is_not_retried(fake):
    fake.failures.append(400)
    message = messages.queue_message("sms", "+15005550001", "Hello", "test")
    db.session.expire_all()
    assert db.session.get(Message, message.id).delivery_status == "refused"


def test_a_server_error_is_retried_by_the_worker_until_it_goes(
    make_app, fake_twilio, redis, redis_url, monkeypatch
):
    fake, base = fake_twilio
    app = make_app(TWILIO_API_BASE=base, REDIS_URL=redis_url, **TWILIO)
    # The same retry count with no wait between tries, so one burst of the worker sees them all.
    monkeypatch.setattr(send_message, "spec", replace(send_message.spec, retry=Retry(max=5)))
    with app.app_context():
        fake.failures.extend([500, 503])
        message_id = messages.queue_message("sms", PHONE, "Hello", "test").id
        assert Queue("outbound", connection=redis).count == 1
        assert fake.requests == []

        SimpleWorker([Queue("outbound", connection=redis)], connection=redis).work(burst=True)

        db.session.expire_all()
        stored = db.session.get(Message, message_id)
        assert stored.delivery_status == "sent"
        assert stored.send_attempts == 3
        assert len(fake.requests) == 3


def test_the_sweeper_resends_what_was_stored_but_never_sent(fake):
    message = messages.new_outbound("sms", PHONE, "Hello", "test")
    message.delivery_updated_at = datetime.now(UTC) - timedelta(minutes=5)
    db.session.commit()

    assert sweep_unsent() == 1
    db.session.expire_all()
    assert db.session.get(Message, message.id).delivery_status == "sent"
    assert sweep_unsent() == 0


def test_status_callbacks_move_forward_only(fake):
    message = messages.queue_message("sms", PHONE, "Hello", "test")
    sid = db.session.get(Message, message.id).external_id

    assert delivery.record_delivery_status("sms", sid, "delivered")
    assert delivery.record_delivery_status("sms", sid, "sent")  # late, out of order
    assert not delivery.record_delivery_status("sms", "SMunknown", "delivered")

    stored = db.session.scalars(select(Message).where(Message.external_id == sid)).one()
    assert stored.delivery_status == "delivered"
