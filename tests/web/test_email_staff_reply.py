"""Staff replies by email from the item page, through a real SMTP server (aiosmtpd), and what
the item page shows of an email: attachments, refusal notes and the full original text."""

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    DeliveryStatus,
    Direction,
    FeedbackItem,
    Message,
    StaffRole,
)
from app.services.intake.email_conversations import receive_email
from app.services.outbound import opt_outs

BASE = "https://heard.example.org"


def raw_mail(
    text="Nobody has called me back.",
    message_id="<c1@example.org>",
    subject="Complaint",
    sender="Parent <parent@example.org>",
    headers=None,
    attachments=(),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    for filename, maintype, subtype, data in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


@pytest.fixture
def mail(app, make_app, smtp_server, fake_twilio):
    """An app that sends email to aiosmtpd and texts to the fake Twilio, its context pushed;
    yields the captured mail, the fake Twilio and a test client. It takes `app` so that the
    default app (which make_staff needs) is pushed first, underneath this one."""
    captured, config = smtp_server
    fake, api_base = fake_twilio
    app = make_app(
        **config,
        PUBLIC_BASE_URL=BASE,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="test-auth-token",
        TWILIO_FROM_NUMBER="+447700900999",
        TWILIO_API_BASE=api_base,
    )
    with app.app_context():
        yield captured, fake, app.test_client()


def staff_replies() -> list[Message]:
    return list(
        db.session.scalars(
            select(Message).where(Message.purpose == "staff_reply").order_by(Message.id)
        )
    )


def test_staff_reply_by_email_threads_on_the_reference_and_the_last_email(
    mail, make_staff, sign_in
):
    captured, _, client = mail
    item = receive_email(raw_mail()).feedback_item
    ack_id = captured.messages[0]["Message-ID"]
    receive_email(
        raw_mail("Still nothing.", "<c2@example.org>", "Re: x", headers={"In-Reply-To": ack_id})
    )
    staff = make_staff()
    sign_in(client, staff)

    page = client.get(f"/staff/items/{item.id}")
    assert "Reply by email" in page.text
    assert "Reply by text message" not in page.text
    assert 'name="channel" value="email"' in page.text

    response = client.post(
        f"/staff/items/{item.id}/reply",
        data={"channel": "email", "text": "A manager will call you on Monday."},
    )
    assert response.status_code == 302

    sent = captured.messages[-1]
    assert captured.envelopes[-1][1] == ["parent@example.org"]
    assert sent["Subject"] == f"Re: Your feedback {item.reference}"
    assert sent["In-Reply-To"] == "<c2@example.org>"
    assert sent["Auto-Submitted"] is None
    assert "A manager will call you on Monday." in sent.get_body(("plain",)).get_content()

    (stored,) = staff_replies()
    assert stored.direction == Direction.OUTBOUND
    assert stored.feedback_item_id == item.id
    assert stored.delivery_status == DeliveryStatus.SENT
    assert f"<{stored.external_id}>" == sent["Message-ID"]

    page = client.get(f"/staff/items/{item.id}")
    assert "A manager will call you on Monday." in page.text
    assert "to parent@example.org" in page.text and "status: sent" in page.text

    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff_reply"))
    assert event.staff_user_id == staff.user_id and event.object_id == str(item.id)
    assert event.detail == {"channel": "email", "message_id": stored.id}

    # Their answer to our reply joins the item by In-Reply-To, whatever the subject says...
    by_header = receive_email(
        raw_mail(
            "Thanks.", "<c3@example.org>", "thanks", headers={"In-Reply-To": sent["Message-ID"]}
        )
    )
    assert by_header.feedback_item.id == item.id
    # ...and by the reference in the subject when a mail program drops the headers.
    by_subject = receive_email(raw_mail("Also...", "<c4@example.org>", sent["Subject"]))
    assert by_subject.feedback_item.id == item.id
    assert db.session.scalars(select(FeedbackItem)).all() == [item]


def test_staff_choose_text_or_email_when_both_are_possible(mail, make_staff, sign_in):
    captured, twilio, client = mail
    item = receive_email(raw_mail()).feedback_item
    item.contact.phone = "+447700900123"
    db.session.commit()
    sign_in(client, make_staff())

    page = client.get(f"/staff/items/{item.id}")
    assert "Send the reply by" in page.text
    assert 'type="radio"' in page.text and 'value="sms"' in page.text
    # The contact wrote by email, so email is chosen to begin with.
    assert 'value="email" checked' in page.text

    client.post(f"/staff/items/{item.id}/reply", data={"channel": "sms", "text": "By text"})
    client.post(f"/staff/items/{item.id}/reply", data={"channel": "email", "text": "By email"})
    # A post that leaves the channel out goes by the contact's preferred one.
    client.post(f"/staff/items/{item.id}/reply", data={"text": "By default"})
    assert [(m.channel.value, m.text) for m in staff_replies()] == [
        ("sms", "By text"),
        ("email", "By email"),
        ("email", "By default"),
    ]
    assert twilio.sent[-1]["Body"] == "By text" and twilio.sent[-1]["To"] == "+447700900123"
    assert captured.messages[-1].get_body(("plain",)).get_content().strip() == "By default"


@pytest.mark.parametrize(
    "data",
    [
        {"channel": "email", "text": ""},
        {"channel": "email", "text": "x" * 10_001},
        {"channel": "sms", "text": "x" * 641},
        {"channel": "carrier-pigeon", "text": "Hello"},
        {"channel": "", "text": "Hello"},
        {"channel": "email\x00", "text": "Hello"},
    ],
)
def test_bad_replies_are_refused_with_an_error_summary(mail, make_staff, sign_in, data):
    captured, twilio, client = mail
    item = receive_email(raw_mail()).feedback_item
    item.contact.phone = "+447700900123"
    db.session.commit()
    sign_in(client, make_staff())
    sent_before = len(captured.messages)

    response = client.post(f"/staff/items/{item.id}/reply", data=data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert staff_replies() == []
    assert len(captured.messages) == sent_before and twilio.requests == []


def test_an_email_reply_needs_an_address_that_may_be_written_to(mail, make_staff, sign_in):
    captured, _, client = mail
    auto = receive_email(
        raw_mail("I am away", "<a@x>", headers={"Auto-Submitted": "auto-replied"})
    ).feedback_item
    opted_out = receive_email(raw_mail("Hello", "<b@x>", sender="other@example.org")).feedback_item
    opt_outs.set_opted_out("email", "other@example.org", opted_out=True)
    db.session.commit()
    sign_in(client, make_staff())
    sent_before = len(captured.messages)

    for item in (auto, opted_out):
        assert "Reply by email" not in client.get(f"/staff/items/{item.id}").text
        response = client.post(
            f"/staff/items/{item.id}/reply", data={"channel": "email", "text": "Hi"}
        )
        assert response.status_code == 200
        assert "cannot be emailed" in response.text
    assert staff_replies() == [] and len(captured.messages) == sent_before


def test_the_item_page_lists_attachments_notes_and_the_full_original_email(
    app, client, make_staff, sign_in
):
    hostile_name = '<img src=x onerror="alert(1)">.pdf'
    raw = raw_mail(
        "Please see the letter.\n\nOn Monday Heard wrote:\n> <b>Your reference</b> is HD-1234-ABCD",
        attachments=[
            (hostile_name, "application", "pdf", b"%PDF-1.4 " + b"x" * 3000),
            ("run-me.exe", "application", "octet-stream", b"MZ" + b"\0" * 100),
        ],
    )
    item = receive_email(raw).feedback_item
    sign_in(client, make_staff())
    page = client.get(f"/staff/items/{item.id}").text

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;.pdf" in page
    assert "application/pdf" in page and "3.0 kB" in page
    assert "run-me.exe · application/octet-stream · 102 Bytes · not kept: it is a program" in page
    assert "Notes on this email" in page
    assert "Attachment &#39;run-me.exe&#39;" in page
    assert "Show the full original email, with quoted replies" in page
    assert "govuk-details" in page
    assert "&gt; &lt;b&gt;Your reference&lt;/b&gt; is HD-1234-ABCD" in page
    assert "<b>Your reference</b>" not in page


def test_staff_can_open_the_original_email_every_header_and_part(app, client, make_staff, sign_in):
    """A real email from the corpus (flanker's enclosed.eml: text, then a forwarded email with
    plain and HTML parts), and a hostile HTML part that must be shown as its source."""
    corpus = Path(__file__).parents[1] / "channels" / "email_corpus"
    item = receive_email((corpus / "flanker" / "messages_enclosed.eml").read_bytes()).feedback_item
    hostile = EmailMessage()
    hostile["From"] = "Parent <parent@example.org>"
    hostile["Subject"] = "Hostile"
    hostile["Message-ID"] = "<hostile@example.org>"
    hostile["X-Custom"] = "<script>alert(1)</script>"
    hostile.set_content("plain words")
    hostile.add_alternative("<p>rich</p><script>alert(2)</script>", subtype="html")
    hostile_item = receive_email(bytes(hostile)).feedback_item
    sign_in(client, make_staff())

    page = client.get(f"/staff/items/{item.id}").text
    assert "Show the original email: every header and every part, as sent" in page
    assert "Delivered-To:" in page and "bob@example.com" in page
    assert "Part 1.2 · message/rfc822" in page
    assert "Part 1.2.1.2 · text/html" in page
    assert "dudes... you&amp;#39;re kicking ass." in page

    page = client.get(f"/staff/items/{hostile_item.id}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;p&gt;rich&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_the_learning_team_never_sees_the_original_email(app, client, make_staff, sign_in):
    item = receive_email(raw_mail("My address is 1 High Street.")).feedback_item
    sign_in(client, make_staff(role=StaffRole.LEARNING_TEAM))
    page = client.get(f"/staff/items/{item.id}").text
    assert "Show the original email" not in page
    assert "parent@example.org" not in page


def test_a_plain_email_has_no_details_to_show(app, client, make_staff, sign_in, add_item):
    email_item = receive_email(raw_mail("Just this.")).feedback_item
    sms_item = add_item("A text")
    sign_in(client, make_staff())
    for item in (email_item, sms_item):
        page = client.get(f"/staff/items/{item.id}").text
        assert "Show the full original email" not in page
        assert "Attachments" not in page and "Notes on this email" not in page


def test_a_reply_without_the_form_token_is_refused(
    app, make_app, smtp_server, make_staff, csrf_token
):
    captured, config = smtp_server
    csrf_app = make_app(**config, WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        item_id = receive_email(raw_mail()).feedback_item.id
    # Requests run outside that context: inside it they would share one `g`, and its token.
    client = csrf_app.test_client()
    login = make_staff()
    page = client.get("/staff/sign-in")
    credentials = {"email": login.email, "password": login.password}
    client.post("/staff/sign-in", data={**credentials, "csrf_token": csrf_token(page)})
    page = client.get("/staff/two-factor")
    client.post("/staff/two-factor", data={"code": login.code(), "csrf_token": csrf_token(page)})
    page = client.get(f"/staff/items/{item_id}")
    assert page.status_code == 200
    sent_before = len(captured.messages)

    refused = client.post(f"/staff/items/{item_id}/reply", data={"channel": "email", "text": "Hi"})
    assert refused.status_code == 400
    assert staff_replies() == [] and len(captured.messages) == sent_before

    accepted = client.post(
        f"/staff/items/{item_id}/reply",
        data={"channel": "email", "text": "Hi", "csrf_token": csrf_token(page)},
    )
    assert accepted.status_code == 302
    assert len(staff_replies()) == 1 and len(captured.messages) == sent_before + 1
