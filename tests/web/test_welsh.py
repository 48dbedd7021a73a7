# ruff: noqa: RUF001 -- Welsh is written with curly apostrophes.
"""Heard in Welsh: every public string has a Welsh translation, the visitor chooses the
language (a link on every page, ?lang=cy, their browser's Accept-Language), the choice is
kept for the visit, the pages say lang="cy", and what someone sends in Welsh is stored as
Welsh on their message and their contact."""

import re
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, FeedbackItem, Message
from tests.factories import ContactFactory, FeedbackItemFactory, MessageFactory
from tests.web.test_public_forms import _adult_answers, _child_answers

APP = Path(__file__).resolve().parents[2] / "app"
CATALOGUE = APP / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
}
PUBLIC_PAGES = [
    "/",
    "/child",
    "/adult",
    "/hide-your-visit",
    "/privacy",
    "/privacy/children-and-young-people",
    "/accessibility",
    "/cookies",
]


def _public_strings() -> set[tuple[str | None, str]]:
    """Every string app/babel.cfg says the public sees, read from the code as it is now."""
    with open(APP / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(APP), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.add((context, msgid))
    return found


def _catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po)


def test_every_public_string_has_a_welsh_translation():
    catalogue = _catalogue()
    missing = []
    for context, msgid in sorted(_public_strings(), key=lambda s: s[1]):
        entry = catalogue.get(msgid, context=context)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(msgid)
    assert not missing, (
        "Not in app/translations/cy (run .ci/translations, then translate them):\n"
        + "\n".join(missing)
    )


def test_every_public_template_is_read_for_strings():
    """A template added under templates/public is covered by babel.cfg's pattern, and every
    template string there is among the extracted ones (so the test above sees it)."""
    strings = {msgid for _context, msgid in _public_strings()}
    for template in (APP / "templates" / "public").glob("*.html"):
        for literal in re.findall(r'_\("([^"]+)"', template.read_text()):
            assert literal in strings, (template.name, literal)


def test_translations_keep_their_placeholders():
    catalogue = _catalogue()
    for entry in catalogue:
        if entry.id and entry.string:
            python_format(catalogue, entry)  # raises on a missing or extra %(name)s
            for placeholder in re.findall(r"%\{\w+\}", entry.id):
                assert placeholder in entry.string, entry.id


def _lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_each_public_page_is_in_welsh_with_lang_cy_and_links_to_english(client, path):
    page = client.get(f"{path}?lang=cy")
    assert page.status_code == 200
    assert _lang(page.text) == "cy"
    assert "Gadael y dudalen hon" in page.text
    link = re.search(r'href="([^"]+)" hreflang="en" lang="en">English</a>', page.text)
    assert link and link.group(1) == f"{path}?lang=en"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_each_public_page_in_english_links_to_welsh(client, path):
    page = client.get(path)
    assert _lang(page.text) == "en"
    assert f'href="{path}?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>' in page.text


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/privacy", "Hysbysiad preifatrwydd"),
        (
            "/privacy/children-and-young-people",
            "Beth rydyn ni’n ei wneud gyda’r hyn rwyt ti’n ei ddweud wrthon ni",
        ),
        ("/accessibility", "Datganiad hygyrchedd ar gyfer Heard"),
        ("/cookies", "Cwcis"),
    ],
)
def test_the_notices_are_in_welsh_down_to_their_titles(client, path, heading):
    """The titles come from app/web/notices.py, which babel.cfg must list as well."""
    page = client.get(f"{path}?lang=cy").text
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert f"<title>{heading.removesuffix(' ar gyfer Heard')} " in page
    assert "Preifatrwydd i blant a phobl ifanc" in page  # the footer
    assert "Yn cael ei redeg gan Heard." in page


def test_the_welsh_privacy_notice_keeps_its_figures_and_legal_references(client):
    page = client.get("/privacy?lang=cy").text
    for words in (
        "cwynion: 6 o flynyddoedd",
        "erthygl 6(1)(e) o GDPR y DU",
        "Ddeddf Plant 1989",
        "erthygl 9(2)(g) o GDPR y DU",
        "Ddeddf Diogelu Data 2018",
        "Swyddfa’r Comisiynydd Gwybodaeth",
    ):
        assert words in page, words
    assert "The law" not in page and "years" not in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "remembers the language you chose (English or Welsh)"),
        ("cy", "yn cofio’r iaith rydych chi wedi’i dewis (Cymraeg neu Saesneg)"),
    ],
)
def test_the_cookies_page_says_the_session_cookie_keeps_the_language(client, lang, words):
    assert words in client.get(f"/cookies?lang={lang}").text


def test_the_choice_is_kept_for_the_visit_without_the_language_in_the_address(client):
    client.get("/?lang=cy")
    assert "Anfon neges aton ni" in client.get("/child").text
    client.get("/child?lang=en")
    assert "Send us a message" in client.get("/child").text


def test_a_browser_that_asks_for_welsh_gets_welsh(client):
    page = client.get("/child", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert _lang(page.text) == "cy"
    assert _lang(client.get("/", headers={"Accept-Language": "en-GB,en"}).text) == "en"


@pytest.mark.parametrize("value", ["xx", "cy\r\nSet-Cookie: a=b", "../../etc", "C" * 5000, ""])
def test_a_language_heard_does_not_have_is_ignored(client, value):
    page = client.get("/child", query_string={"lang": value})
    assert page.status_code == 200
    assert _lang(page.text) == "en"


def test_the_error_page_is_in_welsh_and_its_link_stays_on_the_site(client):
    page = client.get("//elsewhere.example/x?lang=cy")
    assert page.status_code == 404
    assert _lang(page.text) == "cy"
    assert "Heb ddod o hyd i’r dudalen" in page.text
    assert 'href="/?lang=en"' in page.text
    assert "elsewhere.example" not in page.text


def test_staff_pages_stay_in_english_whatever_the_visitor_chose(client):
    client.get("/?lang=cy")
    page = client.get("/staff/sign-in", headers={"Accept-Language": "cy"})
    assert _lang(page.text) == "en"
    assert "Cymraeg" not in page.text


def test_the_childrens_form_errors_are_in_welsh(client):
    page = client.post("/child?lang=cy", data=_child_answers(client, topic="", text=""))
    assert page.status_code == 422
    assert "Mae problem" in page.text
    assert "Dewisa am beth mae dy neges" in page.text
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in page.text


def test_a_childs_welsh_message_is_stored_as_welsh_and_confirmed_in_welsh(client):
    client.get("/child?lang=cy")
    answers = _child_answers(
        client, topic="worrying", text="Mae dad yn fy nharo i", contact="sms", phone="07700900123"
    )
    sent = client.post("/child", data=answers, follow_redirects=True)
    assert _lang(sent.text) == "cy"
    assert "Gwnest ti’r peth iawn yn dweud wrthon ni" in sent.text
    assert "0800 1111" in sent.text
    assert "Ffonio 0800 1111" in sent.text
    message = db.session.execute(select(Message)).scalar_one()
    contact = db.session.get(FeedbackItem, message.feedback_item_id).contact
    assert message.language == "cy"
    assert contact.language == "cy"


def test_an_adults_complaint_in_english_is_stored_as_english(client: FlaskClient):
    client.post("/adult", data=_adult_answers(client), follow_redirects=True)
    assert db.session.execute(select(Contact.language)).scalar_one() == "en"


def test_the_face_scale_is_drawn_not_typed():
    """Faces as SVG with their words: no emoji, which some phones show as empty boxes."""
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    page = app.test_client().get("/child?lang=cy").text
    scale = page[page.index("heard-faces") :]
    scale = scale[: scale.index("</fieldset>")]
    assert scale.count("<svg") == 5
    assert all(word in scale for word in ("Trist iawn", "Trist", "Iawn", "Hapus", "Hapus iawn"))
    assert not re.search("[\U0001f300-\U0001faff\u2600-\u27bf]", page)


def test_staff_see_the_language_of_each_message_and_of_the_person(client, signed_in):
    item = FeedbackItemFactory(
        contact=ContactFactory(language="cy"),
        message="Mae’r adroddiad yn hwyr eto",
        message__language="cy",
    )
    MessageFactory(feedback_item=item, text="The report is late again", language="en")
    MessageFactory(feedback_item=item, text="4", language=None)
    db.session.commit()
    page = client.get(f"/staff/items/{item.id}").text
    languages = re.findall(r'<span class="heard-message-language">([^<]+)</span>', page)
    assert languages == ["Welsh", "English", "Language not known"]
    assert 'lang="cy">Mae’r adroddiad yn hwyr eto</p>' in page
    assert "Welsh: Heard writes to them in it" in page


# GSM 03.38's basic character set. A text with any other character (a curly apostrophe, â, ŵ)
# is sent as UCS-2: 70 characters a segment instead of 160, so it costs two or three times as
# much and may arrive in pieces.
GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The parts of crisis.sms_text besides those starting "Heard:".
TEXT_PARTS = {
    "Childline is free, any time, for children and young people: 0800 1111.",
    "Domestic abuse helpline, free, 24 hours: 0808 2000 247.",
    "Samaritans, free, any time: 116 123.",
    "A person will read your message soon.",
    "Your reference is %(reference)s.",
    "Text STOP to stop texts.",
}


def test_welsh_texts_use_only_characters_an_sms_sends_cheaply():
    checked = 0
    for entry in _catalogue():
        if entry.id and (entry.id.startswith("Heard:") or entry.id in TEXT_PARTS):
            assert set(entry.string) <= GSM_7, (entry.string, set(entry.string) - GSM_7)
            checked += 1
    assert checked >= 12
