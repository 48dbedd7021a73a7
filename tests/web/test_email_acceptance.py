"""Acceptance: `heard email poll` against a Dovecot mailbox ingests a mixed batch — new
complaints, replies to our acknowledgements (really sent, to aiosmtpd), an out-of-office and a
bounce — and staff see each conversation as one item."""

from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackItem


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


def acknowledgement_to(captured, address: str) -> EmailMessage:
    """The acknowledgement Heard sent to an address, as the SMTP server received it."""
    (sent,) = [m for m in captured.messages if m["To"] == address]
    return sent


def items_by_sender() -> dict[str, FeedbackItem]:
    items = db.session.execute(select(FeedbackItem)).scalars()
    return {item.contact.email: item for item in items}


def test_a_mixed_batch_is_threaded_in_the_staff_list(dovecot, smtp_server, client, signed_in):
    captured, smtp_config = smtp_server
    app = client.application
    app.config.update(dovecot.config(**smtp_config))
    runner = app.test_cli_runner()

    dovecot.append(mail("Ann <a@example.org>", "Complaint", "Nobody rang me.", "<a1@example.org>"))
    dovecot.append(
        mail("Bob <b@example.org>", "Report", "The report is wrong.", "<b1@example.org>")
    )
    result = runner.invoke(args=["email", "poll"])
    assert result.exit_code == 0, result.output
    assert "Stored 2 new emails; 0 were already stored" in result.output
    first = items_by_sender()
    ann, bob = first["a@example.org"], first["b@example.org"]
    ack_a = acknowledgement_to(captured, "a@example.org")
    ack_b = acknowledgement_to(captured, "b@example.org")
    assert ann.reference in ack_a["Subject"] and bob.reference in ack_b["Subject"]

    dovecot.append(
        mail(
            "Ann <a@example.org>",
            "Re: Your feedback",
            "Still nobody has rung.\n\nOn Monday, Heard wrote:\n> Your reference is ...",
            "<a2@example.org>",
            {"In-Reply-To": ack_a["Message-ID"]},
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
            {"Auto-Submitted": "auto-replied", "In-Reply-To": ack_a["Message-ID"]},
        )
    )
    dovecot.append(bounce(ack_b["Message-ID"].strip("<>"), "Your feedback"))
    dovecot.append(mail("Cat <c@example.org>", "New", "My son's worker left.", "<c1@example.org>"))
    result = runner.invoke(args=["email", "poll"])
    assert result.exit_code == 0, result.output
    assert "Stored 5 new emails" in result.output
    assert runner.invoke(args=["email", "poll"]).output.startswith("Stored 0 new emails")

    db.session.expire_all()
    items = db.session.execute(select(FeedbackItem)).scalars().all()
    # The bounce names Bob's case but comes from a mail server, not from anyone on the case:
    # it is kept apart, linked to the case it named, so nobody can write into a case by forging
    # one (issue 15).
    (bounced,) = [item for item in items if item.named_item_id == bob.id]
    assert [m.text for m in bounced.messages] == ["Your message could not be delivered."]
    items = [item for item in items if item is not bounced]
    assert len(items) == 3
    threads = {item.reference: [m.text for m in item.messages] for item in items}
    directions = {item.reference: [m.direction.value for m in item.messages] for item in items}
    assert threads[ann.reference][0] == "Nobody rang me."
    assert threads[ann.reference][2:] == [
        "Still nobody has rung.",
        "I am out of the office until Monday.",
    ]
    assert threads[bob.reference][0] == "The report is wrong."
    assert threads[bob.reference][2:] == ["Any news?"]
    assert directions[ann.reference] == ["inbound", "outbound", "inbound", "inbound"]
    assert directions[bob.reference] == ["inbound", "outbound", "inbound"]
    # Only the three new complaints were acknowledged: no reply, out-of-office or bounce was.
    assert sorted(m["To"] for m in captured.messages) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]

    page = client.get("/staff/").get_data(as_text=True)
    for item in items:
        assert item.reference in page
    ann_page = client.get(f"/staff/items/{ann.id}").get_data(as_text=True)
    assert "Still nobody has rung." in ann_page
    assert "I am out of the office until Monday." in ann_page
    # The quoted history is not part of the message; it is kept behind "show the full email".
    shown, _, behind_details = ann_page.partition('class="govuk-details"')
    assert "Your reference is ..." not in shown
    assert "&gt; Your reference is ..." in behind_details
