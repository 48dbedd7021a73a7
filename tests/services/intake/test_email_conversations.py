"""Email into ingest(): dedupe on Message-ID, threading by reference and by In-Reply-To."""

from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, Direction, Message
from app.services.intake.email_conversations import receive_email
from app.services.outbound import messages
from channels.email import ORIGINAL_FILENAME


def raw_mail(
    text: str = "Nobody has called me back.",
    message_id: str | None = "<m1@example.org>",
    subject: str = "Complaint",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = "Parent <parent@example.org>"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_attachment(b"%PDF report", maintype="application", subtype="pdf", filename="r.pdf")
    return bytes(message)


def test_a_new_email_makes_a_complaint_with_its_contact_and_attachment(app):
    result = receive_email(raw_mail())
    item = result.feedback_item
    assert result.created
    assert item.kind.value == "complaint"
    assert item.contact.email == "parent@example.org"
    assert item.contact.name == "Parent"
    (attachment,) = db.session.execute(
        select(Attachment).where(Attachment.filename != ORIGINAL_FILENAME)
    ).scalars()
    assert attachment.filename == "r.pdf" and attachment.data == b"%PDF report"


def test_the_same_message_twice_is_stored_once(app):
    first = receive_email(raw_mail())
    again = receive_email(raw_mail())
    assert not again.created and again.message.id == first.message.id


def test_a_missing_message_id_dedupes_on_the_raw_bytes(app):
    raw = raw_mail(message_id=None)
    assert receive_email(raw).created
    assert not receive_email(raw).created


def test_a_different_message_reusing_a_message_id_is_still_kept(app):
    first = receive_email(raw_mail("First letter."))
    second = receive_email(raw_mail("A different letter."))
    assert second.created and second.message.id != first.message.id
    assert second.message.text == "A different letter."


def test_a_reply_joins_the_item_by_the_reference_in_its_subject(app):
    item = receive_email(raw_mail()).feedback_item
    reply = receive_email(
        raw_mail(
            "Still waiting.", "<m2@example.org>", subject=f"Re: Your complaint {item.reference}"
        )
    )
    assert reply.feedback_item.id == item.id


def test_a_reply_joins_by_in_reply_to_an_inbound_message(app):
    item = receive_email(raw_mail()).feedback_item
    reply = receive_email(
        raw_mail("More detail.", "<m3@example.org>", headers={"In-Reply-To": "<m1@example.org>"})
    )
    assert reply.feedback_item.id == item.id


def test_a_reply_joins_by_references_to_an_outbound_message(app):
    item = receive_email(raw_mail()).feedback_item
    sent = messages.new_outbound("email", "parent@example.org", "Thank you", "reply", item)
    sent.external_id = "heard.42.abc@heard.example"
    db.session.commit()
    reply = receive_email(
        raw_mail(
            "Thanks for replying.",
            "<m4@example.org>",
            subject="Re: no reference here",
            headers={"References": "<other@x> <heard.42.abc@heard.example>"},
        )
    )
    assert reply.feedback_item.id == item.id
    directions = {m.direction for m in reply.feedback_item.messages}
    assert directions == {Direction.INBOUND, Direction.OUTBOUND}


def test_an_unknown_reference_starts_a_new_item(app):
    item = receive_email(raw_mail()).feedback_item
    other = receive_email(raw_mail("Hi", "<m5@example.org>", subject="About HD-ZZZZ-ZZZZ"))
    assert other.feedback_item.id != item.id


def test_an_auto_reply_is_recorded_but_is_not_a_complaint(app):
    result = receive_email(
        raw_mail("I am away.", "<ooo@example.org>", headers={"Auto-Submitted": "auto-replied"})
    )
    assert result.created
    assert result.feedback_item.kind.value == "comment"
    assert result.message.raw_payload["automated"] == "auto_reply"
    assert db.session.execute(select(Message)).scalars().one().text == "I am away."
