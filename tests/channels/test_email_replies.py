"""The writer's newest words, from real reply bodies in other projects' test suites
(email_corpus/bodies; email_corpus/README.md says where each came from), each sent as the
body of an email the way a mail program would."""

from email.message import EmailMessage
from pathlib import Path

import pytest

from channels.email import parse_email

BODIES = Path(__file__).parent / "email_corpus" / "bodies"


def reply(name: str) -> str:
    body = (BODIES / name).read_text()
    message = EmailMessage()
    message["From"] = "Parent <parent@example.org>"
    message["Subject"] = "Re: your complaint"
    message.set_content(body, subtype="html" if name.endswith(".html") else "plain")
    parsed = parse_email(bytes(message))
    assert " ".join(parsed.full_text.split()), "the whole text is always kept"
    return parsed.text


@pytest.mark.parametrize(
    ("name", "history"),
    [
        ("mail-parser-reply_email_pl_1_2.txt", "Wszystko w porządku"),
        ("mail-parser-reply_email_danish_1.txt", "Hvordan går det med projektet"),
        ("mail-parser-reply_email_swedish_1.txt", "Jag har försökt få tag i det"),
        ("mail-parser-reply_email_nl_1_2.txt", "Beste Google Apps Sync-gebruiker"),
    ],
)
def test_quote_headers_in_other_languages_are_recognised(name, history):
    text = reply(name)
    assert history not in text
    assert text.split()


def test_a_polish_reply_keeps_the_answer():
    assert "Jak się masz?" in reply("mail-parser-reply_email_pl_1_2.txt")
    assert reply("mail-parser-reply_email_danish_1.txt").endswith("Anders Andersen")
    assert reply("mail-parser-reply_email_nl_1_2.txt") == "Outlook met een antwoord"


@pytest.mark.parametrize(
    "name", ["mail-parser-reply_email_1_1.txt", "mail-parser-reply_email_nl_1_1.txt"]
)
def test_a_mailing_list_footer_is_not_the_writers_words(name):
    text = reply(name)
    assert "mailing list" not in text and "mailman" not in text
    assert text.endswith(("-Abhishek Kona", "-Maarten de Jong"))


@pytest.mark.parametrize(
    "name",
    [
        "talon_html_gmail.html",
        "talon_html_hotmail.html",
        "talon_html_mail_ru.html",
        "talon_html_ms_outlook_2003.html",
        "talon_html_ms_outlook_2007.html",
        "talon_html_ms_outlook_2010.html",
        "talon_html_thunderbird.html",
        "talon_html_windows_mail.html",
        "talon_html_yandex_ru.html",
    ],
)
def test_html_only_replies_lose_their_quoted_history(name):
    text = reply(name)
    assert text.startswith("Hi. I am fine.")
    assert text.endswith("Alex")
    assert "How are you" not in text


def test_an_html_reply_separated_by_a_rule_loses_its_history():
    assert reply("talon_reply-separated-by-hr.html") == "Hi\n\nthere\n\nBob"


def test_get_outlook_for_ios_is_not_the_writers_words():
    text = reply("mail-parser-reply_outlook.txt")
    assert text.endswith("My number is: +00 0000 000 000")
