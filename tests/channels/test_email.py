"""The email adapter, without an app: real MIME in, clean text and honest notes out."""

import io
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels import email as email_channel
from channels.email import AUTO_GENERATED, AUTO_REPLY, BOUNCE, EmailLimits, parse_email
from channels.html_text import html_to_text

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def mail(
    text: str | None = "Nobody called me back about the report.",
    *,
    subject: str = "Complaint about my social worker",
    sender: str = "Jane Parent <jane@example.org>",
    message_id: str | None = "<abc123@example.org>",
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "feedback@heard.example"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    return message


def test_a_plain_message_becomes_an_inbound_message():
    parsed = parse_email(bytes(mail()))
    inbound = email_channel.to_inbound_message(parsed, NOW)
    assert inbound.channel == "email"
    assert inbound.external_id == "abc123@example.org"
    assert inbound.text == "Nobody called me back about the report."
    assert inbound.sender == "jane@example.org"
    assert inbound.details.name == "Jane Parent"
    assert inbound.details.kind == "complaint"
    assert inbound.raw_payload["headers"]["subject"] == "Complaint about my social worker"
    assert parsed.answerable


def test_text_plain_is_preferred_to_html():
    parsed = parse_email(bytes(mail("The plain words.", html="<p>The <b>HTML</b> words.</p>")))
    assert parsed.text == "The plain words."


def test_html_only_mail_is_read_without_scripts_or_styles():
    html = (
        "<html><head><title>Secret title</title><style>p {color: red}</style></head>"
        "<body><script>alert('x')</script><p>My son&rsquo;s worker</p><p>never rang.<br>"
        "Please help.</p><ul><li>one</li><li>two</li></ul></body></html>"
    )
    parsed = parse_email(bytes(mail(None, html=html)))
    assert parsed.text == "My son\u2019s worker\n\nnever rang.\nPlease help.\n\n- one\n- two"
    assert "alert" not in parsed.full_text and "color" not in parsed.full_text
    assert "Secret title" not in parsed.full_text


def test_html_to_text_survives_an_unclosed_script():
    assert html_to_text("<p>Before</p><script>document.write('x')") == "Before"


def test_quoted_history_and_a_delimited_signature_are_stripped_but_kept_in_full():
    body = (
        "I still have not heard back.\n\n-- \nJane Parent\n07700 900123\n\n"
        "On Mon, 3 Mar 2026 at 10:00, Heard <feedback@heard.example> wrote:\n"
        "> Thank you for your complaint HD-7KQM-P2XW.\n> We will reply by 17 March.\n"
    )
    parsed = parse_email(bytes(mail(body, subject="Re: Your complaint HD-7KQM-P2XW")))
    assert parsed.text == "I still have not heard back."
    assert "We will reply by 17 March" in parsed.full_text
    assert "07700 900123" in parsed.full_text
    payload = email_channel.raw_payload(parsed)
    assert payload["full_text"] == parsed.full_text


def test_a_postscript_after_thanks_is_never_taken_for_a_signature():
    body = "Nobody rang.\n\nThanks,\nJane\n\nPS my son told me his dad hit him last night."
    parsed = parse_email(bytes(mail(body)))
    assert "his dad hit him" in parsed.text


def test_outlook_style_history_is_stripped():
    body = (
        "Please call me.\n\n-----Original Message-----\nFrom: Heard\nSent: Monday\n"
        "Subject: Your complaint\n\nThank you for your complaint."
    )
    assert parse_email(bytes(mail(body))).text == "Please call me."


def test_a_message_that_is_all_quote_keeps_its_text():
    body = "> Thank you for your complaint.\n> We will reply soon."
    assert parse_email(bytes(mail(body))).text == body


def test_sent_from_my_phone_is_dropped():
    assert parse_email(bytes(mail("Call me please.\n\nSent from my iPhone"))).text == (
        "Call me please."
    )


def test_the_reference_in_the_subject_threads_the_reply():
    parsed = parse_email(bytes(mail(subject="RE: Your complaint hd-7kqm-p2xw")))
    assert parsed.thread_reference == "HD-7KQM-P2XW"
    assert parse_email(bytes(mail(subject="No reference"))).thread_reference is None


def test_in_reply_to_and_references_are_collected():
    headers = {
        "In-Reply-To": "<heard.1@heard.example>",
        "References": "<a@x> <heard.1@heard.example>",
    }
    parsed = parse_email(bytes(mail(headers=headers)))
    assert parsed.replies_to == ("heard.1@heard.example", "a@x")


def test_a_missing_message_id_falls_back_to_a_hash_that_survives_line_ending_changes():
    raw = bytes(mail(message_id=None, headers={"Date": "Tue, 3 Mar 2026 10:00:00 +0000"}))
    parsed = parse_email(raw)
    assert parsed.message_id is None
    assert parsed.external_id.startswith("content:")
    # An IMAP server may store the same email with other line endings than the webhook got.
    assert parse_email(raw.replace(b"\r\n", b"\n")).external_id == parsed.external_id
    assert parse_email(raw.replace(b"\n", b"\r\n")).external_id == parsed.external_id
    other = bytes(mail("Other words.", message_id=None))
    assert parse_email(other).external_id != parsed.external_id


def test_a_very_long_message_id_is_hashed_to_fit_the_column():
    parsed = parse_email(bytes(mail(message_id=f"<{'x' * 400}@example.org>")))
    assert parsed.external_id.startswith("sha256:")
    assert len(parsed.external_id) <= 255


def test_wrong_charset_labels_are_read_as_what_the_bytes_are():
    raw = (
        b"From: a@example.org\r\nSubject: caf\xc3\xa9\r\nMessage-ID: <c@x>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n"
        b"My caf\xc3\xa9 worker \xe2\x80\x94 no\r\n"
    )
    assert parse_email(raw).text == "My caf\u00e9 worker \u2014 no"


def test_an_unknown_charset_does_not_lose_the_message():
    raw = (
        b"From: a@example.org\r\nMessage-ID: <d@x>\r\n"
        b"Content-Type: text/plain; charset=x-made-up-9\r\n\r\nNa\xefve text and caf\xe9\r\n"
    )
    assert parse_email(raw).text == "Na\u00efve text and caf\u00e9"


def test_malformed_mime_still_gives_the_text():
    raw = (
        b"From: broken\r\nSubject: =?utf-8?q?unterminated\r\nMessage-ID: <<<>>>\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain\r\n\r\nHelp me please\r\n"
        b"--never-closed\r\nContent-Type: application/pdf; name=x.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    )
    parsed = parse_email(raw)
    assert "Help me please" in parsed.text
    assert parsed.sender is None


def _with_attachment(data: bytes, filename: str, maintype: str, subtype: str) -> bytes:
    message = mail()
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def test_attachments_are_kept_within_limits():
    parsed = parse_email(_with_attachment(b"%PDF-1.4 report", "report.pdf", "application", "pdf"))
    (attachment,) = parsed.attachments
    assert attachment.filename == "report.pdf"
    assert attachment.data == b"%PDF-1.4 report"
    assert attachment.refused is None
    assert parsed.notes == ()


def test_an_oversized_attachment_is_dropped_with_a_note_and_the_text_kept():
    raw = _with_attachment(b"\0" * (25 * 1024 * 1024), "video.mp4", "video", "mp4")
    parsed = parse_email(raw)
    (attachment,) = parsed.attachments
    assert attachment.data is None
    assert attachment.size == 25 * 1024 * 1024
    assert "larger than 10 MB" in attachment.refused
    assert parsed.text == "Nobody called me back about the report."
    assert "video.mp4" in parsed.notes[0]


def test_programs_are_refused_by_name_type_or_content():
    for data, name, maintype, subtype in [
        (b"harmless", "invoice.pdf.exe", "application", "octet-stream"),
        (b"harmless", "run.txt", "application", "x-msdownload"),
        (b"MZ\x90\x00 program", "photo.jpg", "image", "jpeg"),
    ]:
        (attachment,) = parse_email(_with_attachment(data, name, maintype, subtype)).attachments
        assert attachment.data is None and "program" in attachment.refused


def test_a_zip_bomb_is_stored_as_it_came_and_never_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (50 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 200_000
    (attachment,) = parse_email(
        _with_attachment(bomb, "evidence.zip", "application", "zip")
    ).attachments
    assert attachment.data == bomb and attachment.size == len(bomb)


def test_filenames_cannot_point_outside_their_folder():
    (attachment,) = parse_email(
        _with_attachment(b"x", "../../etc/passwd", "text", "plain")
    ).attachments
    assert attachment.filename == "passwd"


def test_too_many_attachments_are_listed_not_kept():
    message = mail()
    for n in range(3):
        message.add_attachment(b"x", maintype="text", subtype="csv", filename=f"{n}.csv")
    parsed = parse_email(bytes(message), EmailLimits(max_attachments=2))
    assert [a.data is not None for a in parsed.attachments] == [True, True, False]


def test_auto_replies_are_recognised():
    cases = [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "auto_reply"},
        {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    ]
    for headers in cases:
        assert parse_email(bytes(mail(headers=headers))).automated == AUTO_REPLY, headers
    for subject in ("Automatic reply: Your complaint", "Out of Office: back Monday"):
        assert parse_email(bytes(mail(subject=subject))).automated == AUTO_REPLY
    plain = parse_email(bytes(mail(headers={"Auto-Submitted": "no"})))
    assert plain.automated is None and plain.answerable


def test_generated_mail_is_not_answered_but_is_still_feedback():
    for headers in ({"Precedence": "bulk"}, {"Auto-Submitted": "auto-generated"}):
        parsed = parse_email(bytes(mail(headers=headers)))
        assert parsed.automated == AUTO_GENERATED and not parsed.answerable, headers
        assert email_channel.to_inbound_message(parsed, NOW).details.kind == "complaint"


def test_a_person_posting_through_a_mailing_list_is_a_person():
    headers = {"Precedence": "list", "List-Id": "<parents.lists.example.org>"}
    parsed = parse_email(bytes(mail(headers=headers)))
    assert parsed.automated is None and parsed.answerable


def test_an_auto_reply_is_recorded_as_a_comment_and_not_answerable():
    parsed = parse_email(bytes(mail(headers={"Auto-Submitted": "auto-replied"})))
    inbound = email_channel.to_inbound_message(parsed, NOW)
    assert not parsed.answerable
    assert inbound.details.kind == "comment"
    assert inbound.raw_payload["automated"] == AUTO_REPLY


def bounce_for(original_id: str, original_subject: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: feedback@heard.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce1@mx.example.org>\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n"
        "\r\nFinal-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: feedback@heard.example\r\nMessage-ID: <{original_id}>\r\n"
        f"Subject: {original_subject}\r\n\r\n--b--\r\n"
    ).encode()


def test_a_delivery_status_notification_is_a_bounce_threaded_by_the_returned_headers():
    parsed = parse_email(bounce_for("heard.9@heard.example", "Your complaint HD-7KQM-P2XW"))
    assert parsed.automated == BOUNCE
    assert not parsed.answerable
    assert parsed.thread_reference == "HD-7KQM-P2XW"
    assert "heard.9@heard.example" in parsed.replies_to
    assert parsed.text == "The mail system could not deliver your message."


def test_control_characters_and_nul_never_reach_the_text():
    raw = b"From: a@example.org\r\nMessage-ID: <n@x>\r\nSubject: a\x00b\r\n\r\nNUL\x00here\x07\r\n"
    parsed = parse_email(raw)
    assert "\x00" not in parsed.text and "\x07" not in parsed.text
    assert "\x00" not in parsed.headers["subject"]


def _no_surrogates(value: str) -> bool:
    value.encode("utf-8")
    return "\x00" not in value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_parse_without_crashing(raw):
    parsed = parse_email(raw)
    inbound = email_channel.to_inbound_message(parsed, NOW)
    assert _no_surrogates(inbound.text)
    assert len(inbound.external_id) <= 255


_header_text = st.text(st.characters(codec="utf-8"), max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=_header_text,
    body=st.text(max_size=500),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "us-ascii", "x-unknown", "utf-16", "bogus;;"]),
    message_id=_header_text,
    in_reply_to=_header_text,
    html=st.booleans(),
)
def test_generated_messages_parse_without_crashing(
    subject, body, charset, message_id, in_reply_to, html
):
    head = (
        f"From: someone@example.org\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        f"In-Reply-To: {in_reply_to}\r\n"
        f"Content-Type: text/{'html' if html else 'plain'}; charset={charset}\r\n\r\n"
    )
    raw = head.encode("utf-8", "surrogatepass") + body.encode("utf-8", "surrogatepass")
    parsed = parse_email(raw)
    inbound = email_channel.to_inbound_message(parsed, NOW)
    assert _no_surrogates(inbound.text)
    for value in (*parsed.headers.values(), parsed.subject, *parsed.replies_to):
        assert _no_surrogates(value)
    assert len(inbound.external_id) <= 255
