"""POST /sms/inbound and /sms/status as Twilio calls them: signed forms, TwiML answers, and
outbound texts through the real twilio client to a fake Messages API on loopback."""

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

import classifiers
from app.extensions import db
from app.models import Contact, FeedbackItem, Message, SafeguardingAlert
from app.services.intake import sms_conversations as sms_service
from app.services.outbound import surveys
from classifiers import Prediction

TOKEN = "test-auth-token"
BASE = "https://heard.example.org"
PHONE = "+447700900123"
_sids = itertools.count(1)


class DisclosureClassifier:
    """A stand-in model that flags any text mentioning hitting, or uncle Ray (which the
    safeguarding rules do not know, so only the model catches it)."""

    version = "test-disclosure-1"

    def predict(self, text: str) -> Prediction:
        flagged = "hits me" in text or "uncle ray" in text
        return Prediction(
            model_version=self.version,
            themes=[],
            safeguarding=flagged,
            scores={"safeguarding": 0.97 if flagged else 0.01},
            evidence=["hits me"] if flagged else [],
            safeguarding_types=["physical_abuse"] if flagged else [],
        )


classifiers.register("test-disclosure")(DisclosureClassifier)


@pytest.fixture
def sms(make_app, fake_twilio):
    """An app wired to the fake Twilio, its context pushed; yields the fake."""
    fake, api_base = fake_twilio
    app = make_app(
        PUBLIC_BASE_URL=BASE,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM_NUMBER="+447700900999",
        TWILIO_API_BASE=api_base,
        CLASSIFIER="test-disclosure",
    )
    with app.app_context():
        fake.client = app.test_client()
        yield fake


def _sign(path: str, form: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(BASE + path, form)}


def text(client, body: str, sender: str = PHONE, sid: str | None = None, **extra):
    """Post an inbound text as Twilio would, signed."""
    form = {
        "MessageSid": sid or f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+447700900999",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }
    return client.post("/sms/inbound", data=form, headers=_sign("/sms/inbound", form))


def reply_of(response) -> str | None:
    """The text of the TwiML reply, or None for an empty response."""
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/xml"
    found = ElementTree.fromstring(response.data).find("Message")
    return found.text if found is not None else None


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _inbound() -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.direction == "inbound")))


def test_first_contact_is_stored_and_acknowledged_with_its_reference_never_the_text(sms):
    response = text(sms.client, "My daughter's social worker keeps cancelling visits")
    answer = reply_of(response)

    [message] = _inbound()
    assert message.text == "My daughter's social worker keeps cancelling visits"
    assert message.sender == PHONE
    assert message.feedback_item.reference in answer
    assert "cancelling" not in answer
    assert message.feedback_item.contact.phone == PHONE
    # The acknowledgement is on the thread too, so staff see what was said back.
    [ack] = db.session.scalars(select(Message).where(Message.direction == "outbound")).all()
    assert ack.feedback_item_id == message.feedback_item_id
    assert ack.text == answer


def test_texts_within_the_window_join_one_thread_and_are_not_acknowledged_again(sms):
    assert reply_of(text(sms.client, "First message")) is not None
    assert reply_of(text(sms.client, "And another thing")) is None
    assert reply_of(text(sms.client, "From someone else", sender="+447700900456")) is not None

    assert _count(FeedbackItem) == 2
    mine = [m for m in _inbound() if m.sender == PHONE]
    assert len({m.feedback_item_id for m in mine}) == 1


def test_a_text_after_the_window_starts_a_new_thread(sms):
    text(sms.client, "First message")
    four_days_ago = datetime.now(UTC) - timedelta(days=4)
    db.session.execute(Message.__table__.update().values(received_at=four_days_ago))
    db.session.commit()
    assert reply_of(text(sms.client, "A week later")) is not None
    assert _count(FeedbackItem) == 2


def test_a_whole_conversation_text_acknowledgement_survey_score_thanks(sms):
    first = reply_of(text(sms.client, "Thank you for helping us through court"))
    reference = _inbound()[0].feedback_item.reference
    assert reference in first

    survey = surveys.send_audit_survey("07700 900123", case_reference="CASE-77")
    assert survey is not None
    assert sms.sent[-1]["To"] == PHONE
    assert "1" in sms.sent[-1]["Body"] and "5" in sms.sent[-1]["Body"]

    thanks = reply_of(text(sms.client, "5 she was gr8"))
    assert "thank you" in thanks.lower()
    assert "gr8" not in thanks

    audit = db.session.scalars(select(FeedbackItem).where(FeedbackItem.kind == "audit")).one()
    assert audit.score == 5
    assert audit.case_reference == "CASE-77"
    assert [m.text for m in audit.messages if m.direction == "inbound"] == ["5 she was gr8"]
    db.session.expire_all()
    assert db.session.get(Message, survey.id).feedback_item_id == audit.id

    # The survey is answered: a later digit is just a message in that thread.
    assert reply_of(text(sms.client, "4 more things to say")) is None
    assert _count(FeedbackItem) == 2


def test_a_digit_without_a_survey_is_ordinary_feedback(sms):
    reply_of(text(sms.client, "4"))
    assert db.session.scalars(select(FeedbackItem)).one().kind == "comment"


def test_help_gets_help_text(sms):
    answer = reply_of(text(sms.client, "help"))
    assert "0800 1111" in answer and "STOP" in answer


@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe", "QUIT", "end", "STOPALL"])
def test_stop_is_stored_honoured_and_not_answered(sms, word):
    reply_of(text(sms.client, "Hello"))
    assert reply_of(text(sms.client, word)) is None

    assert [m.text for m in _inbound()] == ["Hello", word]
    assert db.session.scalars(select(Contact)).one().opted_out_at is not None
    assert surveys.send_audit_survey(PHONE) is None
    assert reply_of(text(sms.client, "help")) is None
    before = len(sms.requests)
    assert reply_of(text(sms.client, "Are you there?", sender=PHONE)) is None
    assert len(sms.requests) == before


def test_start_after_stop_opts_back_in(sms):
    text(sms.client, "STOP")
    assert reply_of(text(sms.client, "START")) is None
    assert db.session.scalars(select(Contact)).one().opted_out_at is None
    assert reply_of(text(sms.client, "help")) is not None
    assert surveys.send_audit_survey(PHONE) is not None


def test_a_disclosure_is_answered_with_the_help_lines_at_once_and_raises_an_alert(sms):
    reply = reply_of(text(sms.client, "mums boyfriend hits me when shes at work"))

    [alert] = db.session.scalars(select(SafeguardingAlert)).all()
    assert alert.status == "open"
    assert reply is not None and "0800 1111" in reply and "999" in reply
    assert alert.feedback_item.reference in reply
    assert "hits" not in reply and "boyfriend" not in reply
    sent = db.session.scalars(select(Message).where(Message.purpose == "safety")).one()
    assert sent.feedback_item_id == alert.feedback_item_id
    assert sent.delivery_status == "answered_in_response"
    # The model's flag finds the help lines already given: no second text about it.
    assert not [r for r in sms.requests if "0800 1111" in r["form"]["Body"]]


def test_a_disclosure_only_the_model_sees_gets_the_help_lines_by_text_once(sms):
    first = reply_of(text(sms.client, "i dont want to go to uncle rays anymore"))
    assert first is not None and "0800 1111" not in first

    [alert] = db.session.scalars(select(SafeguardingAlert)).all()
    safety = [r["form"] for r in sms.requests if "0800 1111" in r["form"]["Body"]]
    assert len(safety) == 1
    assert safety[0]["To"] == PHONE
    assert "999" in safety[0]["Body"]
    assert "uncle" not in safety[0]["Body"].lower()
    sent = db.session.scalars(select(Message).where(Message.purpose == "safety")).one()
    assert sent.feedback_item_id == alert.feedback_item_id
    assert sent.delivery_status == "sent"

    # A second flagged text in the same thread: the help lines are not sent again.
    assert reply_of(text(sms.client, "he hits me too")) is None
    assert len([r for r in sms.requests if "0800 1111" in r["form"]["Body"]]) == 1


def test_no_safety_reply_goes_to_an_opted_out_number(sms):
    text(sms.client, "STOP")
    text(sms.client, "he hits me")
    assert _count(SafeguardingAlert) == 1
    assert sms.requests == []


def test_a_twilio_retry_storm_stores_one_message(sms):
    sid = "SM" + "f" * 32
    statuses: list[int] = []

    def post() -> None:
        statuses.append(text(sms.client, "Sent once, delivered many times", sid=sid).status_code)

    threads = [threading.Thread(target=post) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 12
    assert _count(FeedbackItem) == 1
    assert len(_inbound()) == 1


def test_two_first_texts_from_one_number_at_once_open_one_thread_with_one_acknowledgement(
    sms, monkeypatch
):
    # Each request dawdles after reading the number's history, as under load: without the
    # per-number lock both would find no open thread and each open (and acknowledge) one.
    read_history = sms_service.history

    def slow_history(phone: str) -> sms_service.History:
        found = read_history(phone)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(sms_service, "history", slow_history)
    start = threading.Barrier(2)
    responses = []

    def post(n: int) -> None:
        start.wait()
        responses.append(text(sms.client, f"First text {n}"))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    answers = [reply_of(response) for response in responses]
    assert len(answers) == 2
    assert len([answer for answer in answers if answer is not None]) == 1
    assert _count(FeedbackItem) == 1
    assert len({m.feedback_item_id for m in _inbound()}) == 1
    assert len(_inbound()) == 2


def test_a_retried_delivery_is_not_acknowledged_twice(sms):
    assert reply_of(text(sms.client, "Hello", sid="SM" + "1" * 32)) is not None
    assert reply_of(text(sms.client, "Hello", sid="SM" + "1" * 32)) is None
    assert len(_inbound()) == 1


def test_mms_and_long_texts_are_stored(sms):
    long_text = ("word " * 400)[:1600]
    reply_of(text(sms.client, long_text))
    reply_of(
        text(
            sms.client,
            "",
            sender="+33612345678",
            NumMedia="1",
            MediaUrl0="https://api.twilio.com/media/ME1",
            MediaContentType0="image/jpeg",
        )
    )
    texts = {m.sender: m for m in _inbound()}
    assert texts[PHONE].text == long_text
    assert texts["+33612345678"].raw_payload["media"][0]["url"].endswith("/ME1")
    assert sms.requests == []  # media is never fetched


def test_a_malformed_sender_is_stored_and_not_answered(sms):
    assert reply_of(text(sms.client, "hello", sender="HEARD-TEST")) is None
    assert _inbound()[0].sender == "HEARD-TEST"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Twilio-Signature": "d3Jvbmc="}],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_stored(sms, headers):
    form = {"MessageSid": "SM" + "2" * 32, "From": PHONE, "Body": "hi"}
    response = sms.client.post("/sms/inbound", data=form, headers=headers)
    assert response.status_code == 403
    assert _count(Message) == 0


def test_a_signature_over_the_internal_url_is_refused(sms):
    form = {"MessageSid": "SM" + "2" * 32, "From": PHONE, "Body": "hi"}
    signature = RequestValidator(TOKEN).compute_signature("http://localhost/sms/inbound", form)
    response = sms.client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_missing_fields_are_a_400(sms):
    form = {"From": PHONE, "Body": "hi"}
    response = sms.client.post("/sms/inbound", data=form, headers=_sign("/sms/inbound", form))
    assert response.status_code == 400
    assert _count(Message) == 0


def test_a_20_kb_body_is_a_413(sms):
    form = {"MessageSid": "SM" + "3" * 32, "From": PHONE, "Body": "x" * 20_000}
    response = sms.client.post("/sms/inbound", data=form, headers=_sign("/sms/inbound", form))
    assert response.status_code == 413
    assert _count(Message) == 0


def test_webhooks_need_no_csrf_token_and_have_no_public_rate_limit(make_app):
    app = make_app(
        PUBLIC_BASE_URL=BASE,
        TWILIO_AUTH_TOKEN=TOKEN,
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=True,
        RATELIMIT_PUBLIC="2 per minute",
    )
    with app.app_context():
        client = app.test_client()
        for n in range(5):
            assert text(client, f"message {n}", sid=f"SM{n:032x}").status_code == 200


def test_status_callbacks_record_delivery(sms):
    message = surveys.send_audit_survey(PHONE)
    sid = db.session.get(Message, message.id).external_id
    form = {"MessageSid": sid, "MessageStatus": "delivered", "To": PHONE}
    response = sms.client.post("/sms/status", data=form, headers=_sign("/sms/status", form))
    assert response.status_code == 204
    db.session.expire_all()
    stored = db.session.get(Message, message.id)
    assert stored.delivery_status == "delivered"

    failed = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "30003"}
    assert sms.client.post("/sms/status", data=failed).status_code == 403
    db.session.expire_all()
    assert db.session.get(Message, message.id).delivery_status == "delivered"


def test_a_malformed_status_callback_is_a_400(sms):
    form = {"MessageStatus": "delivered"}
    response = sms.client.post("/sms/status", data=form, headers=_sign("/sms/status", form))
    assert response.status_code == 400


def test_staff_see_both_directions_and_can_reply_by_text(sms, make_staff, sign_in, csrf_token):
    text(sms.client, "Nobody has told us when the hearing is")
    item = db.session.scalars(select(FeedbackItem)).one()
    staff = sms.client
    sign_in(staff, make_staff())

    page = staff.get(f"/staff/items/{item.id}")
    assert "Nobody has told us when the hearing is" in page.text
    assert "Sent by" in page.text and item.reference in page.text
    assert "Reply by text message" in page.text

    response = staff.post(
        f"/staff/items/{item.id}/reply",
        data={"text": "The hearing is on 3 March. Call us on 0161 000 0000.", "csrf_token": ""},
    )
    assert response.status_code == 302
    assert sms.sent[-1] == {
        "To": PHONE,
        "From": "+447700900999",
        "Body": "The hearing is on 3 March. Call us on 0161 000 0000.",
        "StatusCallback": BASE + "/sms/status",
    }
    page = staff.get(f"/staff/items/{item.id}")
    assert "The hearing is on 3 March" in page.text
    assert "status: sent" in page.text


def test_staff_cannot_text_someone_who_opted_out(sms, make_staff, sign_in):
    text(sms.client, "Hello")
    text(sms.client, "STOP")
    item = db.session.scalars(select(FeedbackItem)).one()
    sign_in(sms.client, make_staff())

    assert "Reply by text message" not in sms.client.get(f"/staff/items/{item.id}").text
    response = sms.client.post(f"/staff/items/{item.id}/reply", data={"text": "Hi"})
    assert response.status_code == 200
    assert "cannot be texted" in response.text
    assert sms.requests == []


def test_an_empty_or_too_long_staff_reply_is_refused(sms, make_staff, sign_in):
    text(sms.client, "Hello")
    item = db.session.scalars(select(FeedbackItem)).one()
    sign_in(sms.client, make_staff())
    for bad in ["", "x" * 641]:
        response = sms.client.post(f"/staff/items/{item.id}/reply", data={"text": bad})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
    assert sms.requests == []


def test_a_webhook_has_no_session_and_loads_nobody_even_with_a_staff_cookie(
    sms, make_staff, sign_in, monkeypatch
):
    """Twilio signs each request: no cookie session is read or written, and Flask-Login is
    never asked who is signed in, even when the client carries a signed-in staff cookie."""
    from app.extensions import login

    client = sms.client
    sign_in(client, make_staff())
    assert client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]) is not None
    loads = []
    loader = login._request_callback
    monkeypatch.setattr(login, "_request_callback", lambda r: loads.append(r) or loader(r))

    first = text(client, "Nobody has told us when the hearing is")
    again = text(client, "Still nothing")
    status = client.post(
        "/sms/status",
        data=(form := {"MessageSid": "SM" + "f" * 32, "MessageStatus": "delivered"}),
        headers=_sign("/sms/status", form),
    )

    assert [first.status_code, again.status_code, status.status_code] == [200, 200, 204]
    for response in (first, again, status):
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
    assert loads == []
    assert len(_inbound()) == 2
    # The same client's staff pages still load the user from the cookie.
    assert client.get("/staff/").status_code == 200
    assert len(loads) == 1
