"""Who wrote an email, and who may be answered: odd addresses, web-form and tracker relays that
send from a no-reply address, and lists that rewrite From. Each decision is checked on real
samples from other projects' test suites (email_corpus/README.md, "Who wrote it"); the Google
Groups shape, for which no sample under a licence that allows copying was found, on headers
written here in the shape Google sends (said so where it is)."""

import re
from email.message import EmailMessage
from pathlib import Path

from channels import email as email_channel
from channels.email import AUTO_GENERATED, AUTO_REPLY, parse_email
from tests.channels.test_email import NOW

CORPUS = Path(__file__).parent / "email_corpus"


def real(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


# (a) An address with a dot where RFC 5322 allows none.


def test_a_mobile_address_ending_in_dots_is_the_writer_and_is_answered():
    # docomo gave out addresses like this; the carrier delivers to them.
    parsed = parse_email(real("jpmobile-encoding-fix/rfc_incompatible_address.eml"))
    assert parsed.sender == "jpmobile..@docomo.ne.jp"
    assert parsed.sender_name == "ちはやふる"
    assert parsed.text == "テスト本文"
    assert parsed.answerable and parsed.may_contact
    details = email_channel.to_inbound_message(parsed, NOW).details
    assert details.email == "jpmobile..@docomo.ne.jp" and details.may_contact


def test_a_dot_after_the_domain_is_taken_off_and_other_dots_are_kept():
    # The gateway habit the issue reports; no real sample of it was found (README).
    for header, address in (
        ("Jane Parent <jane@example.org.>", "jane@example.org"),
        ('"x" <someone.@example.com>', "someone.@example.com"),
        ("<.taro@docomo.ne.jp>", ".taro@docomo.ne.jp"),
    ):
        parsed = parse_email(f"From: {header}\r\nSubject: Help\r\n\r\nRing me.\r\n".encode())
        assert parsed.sender == address and parsed.answerable, header
    for header in ("jane@", "a b@example.org", "jane@@example.org"):
        parsed = parse_email(f"From: {header}\r\nSubject: Help\r\n\r\nRing me.\r\n".encode())
        assert parsed.sender is None and not parsed.answerable, header


# (b) Relays: a system sends from its own no-reply address on someone's behalf.


def test_a_relay_from_a_no_reply_address_is_answered_at_its_reply_to():
    # Gmail's invitation: "just hit reply and send Nicolas a message" (Reply-To: Nicolas).
    parsed = parse_email(real("mail-ruby/mime_emails_raw_email_encoded_stack_level_too_deep.eml"))
    assert parsed.sender == "x.y@gmail.com"
    assert parsed.relayed_by == "gmail-noreply@google.com"
    # "Gmail Team" names the system, not Nicolas.
    assert parsed.sender_name is None
    assert parsed.reply_to is None
    assert parsed.answerable and parsed.may_contact
    assert parsed.text.startswith("Nicolas Fouché has accepted your invitation")
    inbound = email_channel.to_inbound_message(parsed, NOW)
    assert inbound.sender == "x.y@gmail.com"
    assert inbound.details.email == "x.y@gmail.com" and inbound.details.kind == "complaint"
    assert inbound.raw_payload["relayed_by"] == "gmail-noreply@google.com"
    assert inbound.raw_payload["headers"]["from"] == "Gmail Team <gmail-noreply@google.com>"


def test_a_relay_that_names_nobody_s_address_is_kept_but_not_answered():
    # RubyForge's tracker posted Sandy's question from noreply@, with no Reply-To.
    parsed = parse_email(real("mail-ruby/plain_emails_raw_email_trailing_dot.eml"))
    assert parsed.sender is None and parsed.sender_name == "Sandy M."
    assert parsed.relayed_by == "noreply@rubyforge.org"
    assert parsed.text == "Testing, testing, 123."
    assert parsed.is_feedback and not parsed.answerable and not parsed.may_contact
    details = email_channel.to_inbound_message(parsed, NOW).details
    assert details.kind == "complaint" and details.email is None and details.name == "Sandy M."


def test_a_relay_whose_reply_to_has_a_name_and_no_address_keeps_the_name():
    # A CRM relaying a lead: Reply-To: "KLAUS- HÄNSCHEL" <>.
    parsed = parse_email(real("mail-ruby/error_emails_encoding_madness.eml"))
    assert parsed.sender is None and parsed.sender_name == "KLAUS- HÄNSCHEL"
    assert parsed.relayed_by == "no-reply@crm.el-example.org"
    assert parsed.is_feedback and not parsed.answerable


def test_an_auto_reply_sent_from_a_no_reply_address_is_never_answered_at_its_reply_to():
    # Mimecast's auto-response: From noreply@, Reply-To the person, Auto-Submitted auto-replied.
    parsed = parse_email(real("sisimai/rfc3834-06.eml"))
    assert parsed.automated == AUTO_REPLY
    assert parsed.sender == "kijitora@example.com"
    assert not parsed.is_feedback and not parsed.answerable and not parsed.may_contact
    details = email_channel.to_inbound_message(parsed, NOW).details
    assert details.kind == "comment" and not details.may_contact


def test_a_relay_marked_generated_is_feedback_not_acknowledged_but_its_writer_may_be_written():
    # The Gmail relay as a council form would send it, marked Auto-Submitted (RFC 3834).
    raw = real("mail-ruby/mime_emails_raw_email_encoded_stack_level_too_deep.eml")
    parsed = parse_email(b"Auto-Submitted: auto-generated\r\n" + raw)
    assert parsed.automated == AUTO_GENERATED and parsed.sender == "x.y@gmail.com"
    assert parsed.is_feedback and not parsed.answerable and parsed.may_contact
    details = email_channel.to_inbound_message(parsed, NOW).details
    assert details.kind == "complaint" and details.may_contact
    # Generated mail from the system itself (no relay) is still nobody to write to.
    plain = EmailMessage()
    plain["From"] = "Case system <cases@council.example>"
    plain["Auto-Submitted"] = "auto-generated"
    plain.set_content("A case was updated.")
    system = parse_email(bytes(plain))
    assert system.sender == "cases@council.example" and not system.may_contact


def test_a_reply_to_beside_a_person_s_own_from_is_kept_apart_and_not_answered():
    # Mail sent through an HTTP-to-SMTP relay (Haineko) by Kijitora, Reply-To someone else:
    # From is a person's address, so From is the writer and is the one answered.
    parsed = parse_email(real("sisimai/is-not-bounce-01.eml"))
    assert parsed.sender == "shironeko@example.com" and parsed.sender_name == "Kijitora"
    assert parsed.reply_to == "mikeneko@example.org" and parsed.relayed_by is None
    assert parsed.answerable
    assert email_channel.to_inbound_message(parsed, NOW).sender == "shironeko@example.com"


def test_mail_from_a_no_reply_address_naming_itself_in_reply_to_is_nobody_s():
    # Spam from noreply@ with the same noreply@ in Reply-To: nobody to answer.
    parsed = parse_email(real("mailparser-js/spam.eml"))
    assert parsed.sender is None and parsed.reply_to is None
    assert parsed.relayed_by == "noreply@guide-des-vins-de-bourgogne.fr"
    assert not parsed.answerable


def test_relays_do_not_change_how_mail_without_a_message_id_is_keyed():
    # The key is still built from From, so mail stored before this change is not stored again.
    raw = real("mail-ruby/plain_emails_raw_email_trailing_dot.eml")
    parsed = parse_email(re.sub(rb"(?im)^message-id:.*\n", b"", raw))
    assert parsed.message_id is None
    assert parsed.external_id == email_channel.content_key(
        "noreply@rubyforge.org",
        "Mon, 22 Sep 2008 15:06:28 -0400 (EDT)",
        parsed.subject,
        parsed.text,
    )


# (c) Google Groups rewrites From to the group when the writer's domain forbids relaying.
# No Google Groups post was found in a test suite under a licence that allows copying it (the
# README says where we looked); these headers are written here, in the shape the group sends.


def group_post(
    *,
    x_original_from: str | None = "Jane Parent <jane@example.org>",
    reply_to: str | None = "Jane Parent <jane@example.org>",
    from_header: str = "\"'Jane Parent' via Parents\" <parents@googlegroups.com>",
) -> bytes:
    message = EmailMessage()
    message["From"] = from_header
    message["To"] = "parents@googlegroups.com"
    message["Subject"] = "Nobody has called me back"
    message["Message-ID"] = "<post1@mail.example.org>"
    if x_original_from:
        message["X-Original-From"] = x_original_from
        message["X-Original-Sender"] = x_original_from.split("<")[-1].rstrip(">")
    if reply_to:
        message["Reply-To"] = reply_to
    message["Precedence"] = "list"
    message["Mailing-list"] = (
        "list parents@googlegroups.com; contact parents+owners@googlegroups.com"
    )
    message["List-ID"] = "<parents.googlegroups.com>"
    message["List-Post"] = (
        "<https://groups.google.com/group/parents/post>, <mailto:parents@googlegroups.com>"
    )
    message.set_content("Nobody has called me back about my son.")
    return bytes(message)


def test_a_google_group_post_is_the_writer_s_not_the_group_s():
    parsed = parse_email(group_post())
    assert parsed.sender == "jane@example.org" and parsed.sender_name == "Jane Parent"
    assert parsed.relayed_by == "parents@googlegroups.com"
    assert parsed.automated is None and parsed.answerable
    assert parsed.text == "Nobody has called me back about my son."
    details = email_channel.to_inbound_message(parsed, NOW).details
    assert details.email == "jane@example.org" and details.kind == "complaint"


def test_a_group_post_without_x_original_from_falls_back_to_reply_to_then_to_nobody():
    parsed = parse_email(group_post(x_original_from=None))
    assert parsed.relayed_by == "parents@googlegroups.com"
    assert parsed.sender == "jane@example.org" and parsed.sender_name == "Jane Parent"
    # A group set to send replies to itself names nobody: the acknowledgement would go to
    # every member of the group, so none is sent.
    to_group = parse_email(group_post(x_original_from=None, reply_to="parents@googlegroups.com"))
    assert to_group.sender is None and to_group.sender_name == "Jane Parent"
    assert not to_group.answerable and to_group.is_feedback


def test_mail_from_the_group_s_own_address_naming_nobody_is_never_answered():
    parsed = parse_email(
        group_post(
            from_header="Parents <parents@googlegroups.com>", x_original_from=None, reply_to=None
        )
    )
    assert parsed.sender is None and parsed.relayed_by == "parents@googlegroups.com"
    assert parsed.is_feedback and not parsed.answerable


def test_a_post_the_group_did_not_rewrite_is_its_writer_s_as_before():
    parsed = parse_email(
        group_post(from_header="Jane Parent <jane@example.org>", x_original_from=None)
    )
    assert parsed.sender == "jane@example.org" and parsed.relayed_by is None


def test_x_original_from_is_ignored_unless_from_is_the_list_s_own_address():
    # A person's own From with an X-Original-From beside it (a B4-style relay, or a forgery):
    # From stays the writer.
    parsed = parse_email(
        group_post(from_header="Jo Other <jo@example.net>", x_original_from="Eve <eve@x.example>")
    )
    assert parsed.sender == "jo@example.net" and parsed.relayed_by is None
