"""IMAP polling against a real Dovecot: store, then mark; a crash between the two loses and
duplicates nothing."""

from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs.email import poll_mailbox
from app.models import Direction, Message
from app.services.intake import email_conversations
from channels import email_imap


def raw_mail(n: int, text: str = "Nobody called me back.") -> bytes:
    message = EmailMessage()
    message["From"] = f"Parent {n} <parent{n}@example.org>"
    message["Subject"] = f"Complaint {n}"
    message["Message-ID"] = f"<poll-{n}@example.org>"
    message.set_content(text)
    return bytes(message)


def stored() -> int:
    """Inbound messages stored (each acknowledgement is stored too, as an outbound one)."""
    inbound = select(func.count(Message.id)).where(Message.direction == Direction.INBOUND)
    return db.session.execute(inbound).scalar_one()


def test_polling_stores_unread_mail_and_marks_it_read(make_app, dovecot):
    for n in range(3):
        dovecot.append(raw_mail(n))
    app = make_app(**dovecot.config())
    with app.app_context():
        assert poll_mailbox() == 3
        assert stored() == 3
        assert dovecot.messages(seen=False) == []
        assert poll_mailbox() == 0
        assert stored() == 3


def test_a_poll_killed_after_storing_but_before_marking_duplicates_nothing(
    make_app, dovecot, monkeypatch
):
    for n in range(3):
        dovecot.append(raw_mail(n))
    app = make_app(**dovecot.config())

    def killed(*args):
        raise KeyboardInterrupt("worker killed")

    with app.app_context():
        monkeypatch.setattr(email_imap, "_mark_done", killed)
        with pytest.raises(KeyboardInterrupt):
            poll_mailbox()
        assert stored() == 1
        assert len(dovecot.messages(seen=False)) == 3
        monkeypatch.undo()
        # The one stored before the kill is marked now, and not counted as new.
        assert email_conversations.poll_mailbox() == email_imap.PollSummary(stored=2, already=1)
        assert stored() == 3
        assert dovecot.messages(seen=False) == []


def test_a_message_that_cannot_be_stored_stays_unread_for_the_next_poll(
    make_app, dovecot, monkeypatch
):
    for n in range(2):
        dovecot.append(raw_mail(n))
    app = make_app(**dovecot.config())
    real = email_conversations.receive_email
    calls = []

    def flaky(raw):
        calls.append(raw)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(raw)

    with app.app_context():
        monkeypatch.setattr(email_conversations, "receive_email", flaky)
        assert email_conversations.poll_mailbox() == email_imap.PollSummary(stored=1, failed=1)
        assert len(dovecot.messages(seen=False)) == 1
        assert email_conversations.poll_mailbox().stored == 1
        assert stored() == 2


def test_with_a_processed_folder_mail_is_moved_and_read_mail_is_not_missed(make_app, dovecot):
    dovecot.append(raw_mail(1))
    dovecot.append(raw_mail(2))
    app = make_app(**dovecot.config(IMAP_PROCESSED_FOLDER="Processed"))
    with app.app_context():
        assert poll_mailbox() == 2
        assert dovecot.messages() == []
        assert len(dovecot.messages("Processed")) == 2


def test_the_poll_command_says_when_imap_is_not_configured(app):
    result = app.test_cli_runner().invoke(args=["email", "poll"])
    assert result.exit_code != 0
    assert "IMAP_HOST" in result.output


def test_mail_without_a_message_id_posted_after_a_poll_is_not_stored_again(make_app, dovecot):
    """Dovecot keeps the message with other line endings than were posted to the webhook."""
    message = EmailMessage()
    message["From"] = "Parent <parent@example.org>"
    message["Subject"] = "No id"
    message["Date"] = "Tue, 3 Mar 2026 10:00:00 +0000"
    message.set_content("My daughter's review meeting was cancelled again.")
    raw = bytes(message).replace(b"\n", b"\r\n")
    dovecot.append(raw)
    app = make_app(**dovecot.config())
    with app.app_context():
        assert email_conversations.poll_mailbox() == email_imap.PollSummary(stored=1)
        assert not email_conversations.receive_email(raw).created
        assert not email_conversations.receive_email(raw.replace(b"\r\n", b"\n")).created
        assert stored() == 1
