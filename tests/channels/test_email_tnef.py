"""Outlook's winmail.dat (TNEF), from real files in MimeKit's test suite (email_corpus/tnef,
see email_corpus/README.md), each sent the way Exchange sends it: a winmail.dat and no other
text, so every word comes from inside it."""

from email.message import EmailMessage
from pathlib import Path

from channels.email import RECEIPT, parse_email

TNEF = Path(__file__).parent / "email_corpus" / "tnef"


def outlook_mail(name: str, text: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Parent <parent@example.org>"
    message["Subject"] = "Complaint"
    message["Message-ID"] = f"<{name}@example.org>"
    if text is not None:
        message.set_content(text)
    message.add_attachment(
        (TNEF / name).read_bytes(),
        maintype="application",
        subtype="ms-tnef",
        filename="winmail.dat",
    )
    return bytes(message)


def test_the_plain_text_inside_winmail_dat_is_read():
    parsed = parse_email(outlook_mail("long-filename.tnef"))
    assert parsed.text.startswith("I've attached a temp. license for QARun 4.7.")
    assert [a.filename for a in parsed.attachments] == ["allproductsmar2000.dat"]


def test_an_html_body_inside_winmail_dat_is_read_as_text():
    parsed = parse_email(outlook_mail("unicode-mapi-attr-name.tnef"))
    assert "Przesyłam poprawiony plik" in parsed.text
    assert "<" not in parsed.text


def test_a_rich_text_only_body_inside_winmail_dat_is_read():
    parsed = parse_email(outlook_mail("rtf.tnef"))
    assert "agka;kgag" in parsed.text
    assert "\\par" not in parsed.text and "{" not in parsed.text


def test_the_files_inside_winmail_dat_are_kept_with_their_names():
    parsed = parse_email(outlook_mail("missing-filenames.tnef"))
    names = [a.filename for a in parsed.attachments]
    assert "TechlibNOV99.doc" in names and "winmail.dat" not in names
    assert all(a.data for a in parsed.attachments)
    assert "Sue has encountered a Date problem" in parsed.text


def test_an_outlook_read_receipt_in_winmail_dat_is_not_feedback():
    parsed = parse_email(outlook_mail("garbage-at-end.tnef"))
    assert parsed.automated == RECEIPT
    assert not parsed.is_feedback and not parsed.answerable


def test_norwegian_text_in_an_outlook_codepage_is_read():
    body = "Det er jo en velkjent sak at bodødamene er noe mer jålete"
    parsed = parse_email(outlook_mail("MAPI_ATTACH_DATA_OBJ.tnef"))
    assert body in parsed.text


def test_every_real_winmail_dat_parses():
    for path in sorted(TNEF.glob("*.tnef")):
        parsed = parse_email(outlook_mail(path.name))
        parsed.text.encode("utf-8")
