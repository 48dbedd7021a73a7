"""Who is answered, through a real SMTP server (aiosmtpd), for real emails a relay sent on
someone's behalf and for an address with dots RFC 5322 allows no longer (the samples and where
they came from: tests/channels/email_corpus/README.md, "Who wrote it")."""

from pathlib import Path

from app.services.intake.email_conversations import receive_email
from app.services.outbound.replies import can_email
from tests.channels.test_email_writers import group_post
from tests.jobs.test_email_send import outbound_messages, raw_mail

CORPUS = Path(__file__).parent.parent / "channels" / "email_corpus"


def real(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_a_no_reply_relay_is_acknowledged_at_its_reply_to_and_the_writer_s_reply_joins(
    make_app, smtp_server
):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        item = receive_email(
            real("mail-ruby/mime_emails_raw_email_encoded_stack_level_too_deep.eml")
        ).feedback_item
        (ack,) = captured.messages
        assert captured.envelopes[0][1] == ["x.y@gmail.com"]
        assert ack["Subject"] == f"Your feedback {item.reference}"
        assert item.contact.email == "x.y@gmail.com" and can_email(item)
        # Nicolas answers the acknowledgement from the address the relay named: same case.
        reply = receive_email(
            raw_mail("Any news?", "<r1@gmail.example>", f"Re: {ack['Subject']}", "x.y@gmail.com")
        )
        assert reply.feedback_item.id == item.id


def test_relays_naming_no_address_and_auto_replies_from_them_are_never_answered(
    make_app, smtp_server
):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        tracker = receive_email(real("mail-ruby/plain_emails_raw_email_trailing_dot.eml"))
        crm = receive_email(real("mail-ruby/error_emails_encoding_madness.eml"))
        away = receive_email(real("sisimai/rfc3834-06.eml"))
        assert captured.messages == [] and outbound_messages() == []
        assert tracker.feedback_item.kind.value == "complaint"
        assert tracker.feedback_item.contact.name == "Sandy M."
        assert tracker.feedback_item.contact.email is None
        assert crm.feedback_item.contact.name == "KLAUS- HÄNSCHEL"
        assert away.feedback_item.kind.value == "comment"
        for result in (tracker, crm, away):
            assert not can_email(result.feedback_item)


def test_a_relay_marked_generated_is_not_acknowledged_but_staff_can_write_to_its_writer(
    make_app, smtp_server
):
    captured, config = smtp_server
    app = make_app(**config)
    raw = real("mail-ruby/mime_emails_raw_email_encoded_stack_level_too_deep.eml")
    with app.app_context():
        item = receive_email(b"Auto-Submitted: auto-generated\r\n" + raw).feedback_item
        assert captured.messages == []
        assert item.kind.value == "complaint"
        assert item.contact.email == "x.y@gmail.com" and can_email(item)


def test_an_address_ending_in_dots_is_acknowledged_as_written(make_app, smtp_server):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        item = receive_email(
            real("jpmobile-encoding-fix/rfc_incompatible_address.eml")
        ).feedback_item
        assert item.contact.email == "jpmobile..@docomo.ne.jp"
        assert captured.envelopes[0][1] == ["jpmobile..@docomo.ne.jp"]


def test_from_is_answered_not_a_reply_to_beside_it(make_app, smtp_server):
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        item = receive_email(real("sisimai/is-not-bounce-01.eml")).feedback_item
        assert captured.envelopes[0][1] == ["shironeko@example.com"]
        assert item.contact.email == "shironeko@example.com"


def test_a_google_group_post_is_acknowledged_to_its_writer_never_to_the_group(
    make_app, smtp_server
):
    # Headers written here in the shape Google sends (no licensed real sample was found).
    captured, config = smtp_server
    app = make_app(**config)
    with app.app_context():
        item = receive_email(group_post()).feedback_item
        assert captured.envelopes[0][1] == ["jane@example.org"]
        assert item.contact.email == "jane@example.org"
        receive_email(
            group_post(x_original_from=None, reply_to="parents@googlegroups.com").replace(
                b"post1@", b"post2@"
            )
        )
        assert len(captured.messages) == 1
