"""Outbound email through a real SMTP server (aiosmtpd): acknowledgements, and no loops."""

from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import DeliveryStatus, Direction, Message
from app.services.intake.email_conversations import receive_email
from app.services.outbound import delivery


def raw_mail(
    text="Nobody has called me back.",
    message_id="<c1@example.org>",
    subject="Complaint",
    sender="Parent <parent@example.org>",
    headers=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return bytes(message)


def outbound_messages() -> list[Message]:
    return list(
        db.session.execute(
            select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id)
        ).scalars()
    )


def test_a_new_complaint_is_acknowledged_with_its_reference_and_stage_one_date(
    make_app, smtp_server
):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        item = receive_email(raw_mail()).feedback_item
        (sent,) = captured.messages
        assert captured.envelopes[0][1] == ["parent@example.org"]
        assert sent["Subject"] == f"Your feedback {item.reference}"
        assert sent["In-Reply-To"] == "<c1@example.org>"
        assert sent["Auto-Submitted"] == "auto-replied"
        plain = sent.get_body(("plain",)).get_content()
        html = sent.get_body(("html",)).get_content()
        assert item.reference in plain and item.reference in html
        assert "A complaints manager will respond to your complaint by" in plain
        assert "Nobody has called me back" not in plain
        (stored,) = outbound_messages()
        assert stored.delivery_status == DeliveryStatus.SENT
        assert f"<{stored.external_id}>" == sent["Message-ID"]
        assert stored.feedback_item_id == item.id


def test_a_reply_to_the_acknowledgement_threads_and_is_not_acknowledged_again(
    make_app, smtp_server
):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        item = receive_email(raw_mail()).feedback_item
        ack_id = captured.messages[0]["Message-ID"]
        reply = receive_email(
            raw_mail("Any news?", "<c2@example.org>", "Re: hello", headers={"In-Reply-To": ack_id})
        )
        assert reply.feedback_item.id == item.id
        assert len(captured.messages) == 1


def test_auto_replies_bounces_and_our_own_mail_are_never_answered(make_app, smtp_server):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        receive_email(raw_mail("Away", "<a@x>", headers={"Auto-Submitted": "auto-replied"}))
        receive_email(raw_mail("Away", "<b@x>", subject="Out of Office: until Monday"))
        receive_email(raw_mail("Bulk", "<c@x>", headers={"Precedence": "bulk"}))
        receive_email(raw_mail("Bounce", "<d@x>", sender="MAILER-DAEMON@mx.example.org"))
        receive_email(raw_mail("Loop", "<e@x>", sender="Heard <feedback@heard.example>"))
        assert captured.messages == []
        assert outbound_messages() == []


def test_a_permanent_smtp_refusal_is_recorded_and_not_retried(make_app, smtp_server):
    captured, config = smtp_server
    captured.refuse_with = "550 5.1.1 No such user"
    app = make_app(**config)
    with app.app_context():
        receive_email(raw_mail())
        (stored,) = outbound_messages()
        assert stored.delivery_status == DeliveryStatus.REFUSED
        assert stored.provider_error_code == "550"


def test_a_temporary_smtp_failure_stays_pending_for_a_retry(make_app, smtp_server):
    captured, config = smtp_server
    captured.refuse_with = "451 4.3.0 Try again later"
    app = make_app(**config)
    with app.app_context():
        receive_email(raw_mail())
        (stored,) = outbound_messages()
        assert stored.delivery_status == DeliveryStatus.PENDING
        assert stored.send_attempts == 1
        captured.refuse_with = None
        assert delivery.send(stored.id) == DeliveryStatus.SENT
        assert len(captured.messages) == 1


def test_without_smtp_the_acknowledgement_fails_where_staff_can_see_it(app):
    receive_email(raw_mail())
    (stored,) = outbound_messages()
    assert stored.delivery_status == DeliveryStatus.REFUSED
    assert stored.provider_error_code == delivery.NOT_CONFIGURED


def test_an_email_that_needs_help_lines_is_acknowledged_with_them_first(make_app, smtp_server):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        receive_email(raw_mail(text="Please help, my partner hits me and the children see it."))
        (sent,) = captured.messages
        body = sent.get_body(preferencelist=("plain",)).get_content()
        assert body.index("999") < body.index("Your reference is")
        assert "0808 2000 247" in body and "0808 800 5000" in body
        assert "hits" not in body
        (stored,) = outbound_messages()
        assert stored.purpose == "safety"
