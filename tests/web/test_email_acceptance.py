"""Acceptance: `heard email poll` against a Dovecot mailbox ingests a mixed batch — new
complaints, replies to our acknowledgements, an out-of-office and a bounce — and staff see
each conversation as one item."""

from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackItem
from app.services import outbound


def mail(sender, subject, text, message_id, headers=None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "feedback@heard.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return bytes(message)


def bounce(original_id: str, original_subject: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: feedback@heard.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.example.org>\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n"
        "\r\nFinal-Recipient: rfc822; b@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: feedback@heard.example\r\nMessage-ID: <{original_id}>\r\n"
        f"Subject: {original_subject}\r\n\r\n--b--\r\n"
    ).encode()


def acknowledge(item: FeedbackItem, message_id: str) -> None:
    """An acknowledgement as the outbound service records it once sent."""
    sent = outbound.new_outbound(
        "email", item.contact.email, f"Your reference is {item.reference}", "acknowledgement", item
    )
    sent.external_id = message_id
    db.session.commit()


def items_by_sender() -> dict[str, FeedbackItem]:
    items = db.session.execute(select(FeedbackItem)).scalars()
    return {item.contact.email: item for item in items}


def test_a_mixed_batch_is_threaded_in_the_staff_list(dovecot, client, signed_in):
    app = client.application
    app.config.update(dovecot.config())
    runner = app.test_cli_runner()

    dovecot.append(mail("Ann <a@example.org>", "Complaint", "Nobody rang me.", "<a1@example.org>"))
    dovecot.append(
        mail("Bob <b@example.org>", "Report", "The report is wrong.", "<b1@example.org>")
    )
    result = runner.invoke(args=["email", "poll"])
    assert result.exit_code == 0, result.output
    assert "Stored 2 emails" in result.output
    first = items_by_sender()
    ann, bob = first["a@example.org"], first["b@example.org"]
    acknowledge(ann, "heard-ack-a@heard.example")
    acknowledge(bob, "heard-ack-b@heard.example")

    dovecot.append(
        mail(
            "Ann <a@example.org>",
            "Re: Your feedback",
            "Still nobody has rung.\n\nOn Monday, Heard wrote:\n> Your reference is ...",
            "<a2@example.org>",
            {"In-Reply-To": "<heard-ack-a@heard.example>"},
        )
    )
    dovecot.append(
        mail("Bob <b@example.org>", f"RE: {bob.reference}", "Any news?", "<b2@example.org>")
    )
    dovecot.append(
        mail(
            "Ann <a@example.org>",
            f"Automatic reply: Your feedback {ann.reference}",
            "I am out of the office until Monday.",
            "<a-ooo@example.org>",
            {"Auto-Submitted": "auto-replied", "In-Reply-To": "<heard-ack-a@heard.example>"},
        )
    )
    dovecot.append(bounce("heard-ack-b@heard.example", "Your feedback"))
    dovecot.append(mail("Cat <c@example.org>", "New", "My son's worker left.", "<c1@example.org>"))
    result = runner.invoke(args=["email", "poll"])
    assert result.exit_code == 0, result.output
    assert "Stored 5 emails" in result.output
    assert runner.invoke(args=["email", "poll"]).output.startswith("Stored 0 emails")

    db.session.expire_all()
    items = db.session.execute(select(FeedbackItem)).scalars().all()
    assert len(items) == 3
    threads = {item.reference: [m.text for m in item.messages] for item in items}
    assert threads[ann.reference] == [
        "Nobody rang me.",
        f"Your reference is {ann.reference}",
        "Still nobody has rung.",
        "I am out of the office until Monday.",
    ]
    assert threads[bob.reference] == [
        "The report is wrong.",
        f"Your reference is {bob.reference}",
        "Any news?",
        "Your message could not be delivered.",
    ]

    page = client.get("/staff/").get_data(as_text=True)
    for item in items:
        assert item.reference in page
    ann_page = client.get(f"/staff/items/{ann.id}").get_data(as_text=True)
    assert "Still nobody has rung." in ann_page
    assert "I am out of the office until Monday." in ann_page
    assert "Your reference is ..." not in ann_page
