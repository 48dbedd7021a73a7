"""Crisis response by content: what people are told at once depends on what they wrote, on
every door, and leaving is safe on a shared device."""

import base64
import binascii
import re
import uuid
import zlib

from sqlalchemy import select

from app.extensions import db
from app.models import Direction, EqualityResponse, FeedbackItem, Message

DISCLOSURE = "my mums boyfriend hits me when she is at work"
API_TOKEN = "test-partner-token-0123456789abcdef"


def _submission_id(text: str) -> str:
    match = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', text)
    assert match
    return match.group(1)


def _send_child(client, topic: str, text: str):
    form = {
        "submission_id": _submission_id(client.get("/child").text),
        "topic": topic,
        "text": text,
    }
    return client.post("/child", data=form)


def _send_adult(client, text: str, kind: str = "complaint"):
    form = {
        "submission_id": _submission_id(client.get("/adult").text),
        "kind": kind,
        "role": "parent",
        "for_whom": "self",
        "text": text,
        "contact": "none",
    }
    return client.post("/adult", data=form)


def test_a_child_disclosing_under_i_want_to_complain_is_answered_with_help_first(client):
    sent = _send_child(client, "complain", DISCLOSURE)
    assert sent.status_code == 303
    page = client.get("/child/sent")
    text = page.text
    assert "You did the right thing telling us" in text
    assert 'href="tel:08001111"' in text and 'href="tel:999"' in text
    assert "childline.org.uk" in text  # the online chat
    # Help comes before the reference and what happens next; no talk of complaint dates.
    assert text.index("tel:08001111") < text.index("What happens next")
    assert text.index("tel:999") < text.index("Your reference number is")
    assert "sort it out by" not in text and "we will not reply. That is OK" not in text
    # A chance to say who they are; no equality questions after a disclosure.
    assert "Do you want us to help you?" in text
    assert "Answer some questions about you" not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_an_ordinary_childs_message_gets_the_ordinary_confirmation(client):
    _send_child(client, "good", "My worker always listens to me.")
    text = client.get("/child/sent").text
    assert "Message sent" in text and "You did the right thing" not in text
    assert "Answer some questions about you" in text
    assert "0800 1111" in text  # Childline is always on the page, further down


def test_the_confirmation_is_shown_once(client):
    _send_child(client, "worrying", DISCLOSURE)
    assert client.get("/child/sent").status_code == 200
    again = client.get("/child/sent")
    assert again.status_code == 302 and again.location.endswith("/child")


def _cookie_readable_words(client) -> str:
    """Everything a person holding the device could decode from the session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    readable = []
    for part in re.split(r"[.]", cookie.value.lstrip(".")):
        padded = part + "=" * (-len(part) % 4)
        try:
            raw = base64.urlsafe_b64decode(padded)
        except (binascii.Error, ValueError):
            continue
        for attempt in (raw, _inflate(raw)):
            readable.append(attempt.decode("latin-1"))
    return "".join(readable)


def _inflate(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


def test_nothing_about_the_childs_message_is_readable_in_the_cookie(client):
    _send_child(client, "worrying", DISCLOSURE)
    reference = db.session.scalars(select(FeedbackItem.reference)).one()
    words = _cookie_readable_words(client)
    for secret in (reference, "worrying", "concern", "physical_abuse", "topic"):
        assert secret not in words


def test_a_child_can_say_who_they_are_and_it_joins_their_message(client):
    _send_child(client, "complain", DISCLOSURE)
    page = client.get("/child/sent").text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/child/more", data={"token": token, "who": "Jay, Hillside Academy"})
    assert response.status_code == 303
    thanks = client.get(response.location)
    assert "Thank you for telling us" in thanks.text and "tel:08001111" in thanks.text
    [item] = db.session.scalars(select(FeedbackItem)).all()
    texts = [m.text for m in item.messages if m.direction == Direction.INBOUND]
    assert texts == [DISCLOSURE, "Jay, Hillside Academy"]
    # The same token twice stores it once.
    client.post("/child/more", data={"token": token, "who": "Jay, Hillside Academy"})
    assert len(db.session.scalars(select(Message)).all()) == 2


def test_a_forged_or_missing_follow_up_token_is_refused_plainly(client):
    for token in ("", "gAAAAAnonsense", "x" * 5000):
        response = client.post("/child/more", data={"token": token, "who": "me"})
        assert response.status_code == 400
        assert "0800 1111" in response.text
    assert db.session.scalars(select(Message)).all() == []


def test_an_adult_writing_of_abuse_is_answered_with_the_lines_that_fit_first(client):
    _send_adult(client, "My partner hits me and I am scared for the children.")
    text = client.get("/adult/sent").text
    assert "Thank you for telling us" in text
    assert text.index('href="tel:999"') < text.index("Your reference number")
    for number in ("08082000247", "08088005000", "08001111"):
        assert f'href="tel:{number}"' in text
    assert "Help us check we are fair" not in text
    assert db.session.scalars(select(EqualityResponse)).all() == []


def test_every_adult_confirmation_offers_the_other_lines(client):
    _send_adult(client, "The report was late.")
    text = client.get("/adult/sent").text
    assert "Other places to get help" in text
    for number in ("08001111", "08082000247", "116123", "08088010327"):
        assert f'href="tel:{number}"' in text


def test_the_api_tells_partners_what_help_to_show(client):
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    worrying = client.post(
        "/api/v1/feedback",
        json={"external_id": str(uuid.uuid4()), "kind": "comment", "text": "i want to die"},
        headers=headers,
    ).json
    assert worrying["safety"]["concern"] is True
    keys = [line["key"] for line in worrying["safety"]["help"]]
    assert keys[0] == "emergency" and "samaritans" in keys
    ordinary = client.post(
        "/api/v1/feedback",
        json={"external_id": str(uuid.uuid4()), "kind": "comment", "text": "All good, thanks"},
        headers=headers,
    ).json
    assert ordinary["safety"] == {"concern": False, "help": []}


def test_leaving_is_safe_the_forms_keep_nothing_and_explain_how_to_hide_a_visit(client):
    for path in ("/child", "/adult"):
        page = client.get(path)
        assert page.headers["Cache-Control"] == "no-store"
        assert "data-heard-clear-on-leave" in page.text
        assert re.search(r'<textarea[^>]*autocomplete="off"', page.text)
        assert 'href="/hide-your-visit"' in page.text
    hide = client.get("/hide-your-visit")
    assert hide.status_code == 200 and "private window" in hide.text
    assert 'href="/hide-your-visit"' in client.get("/").text
