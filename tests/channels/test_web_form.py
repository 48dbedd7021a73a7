"""The web form adapter, without an app: validated answers in, InboundMessage out."""

import uuid
from datetime import UTC, datetime

import pytest

from channels import web_form

RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SUBMISSION = "3f2b8c1e-6a4d-4e0f-9b7a-1c2d3e4f5a6b"


def _child(**answers):
    base = {"submission_id": SUBMISSION, "topic": "good", "text": "My worker listens to me."}
    return {**base, **answers}


def _adult(**answers):
    base = {
        "submission_id": SUBMISSION,
        "kind": "complaint",
        "role": "parent",
        "for_whom": "self",
        "child_consent": False,
        "text": "The report got my son's name wrong.",
        "contact": "none",
    }
    return {**base, **answers}


@pytest.mark.parametrize(
    ("topic", "kind"),
    [
        ("good", "comment"),
        ("worrying", "comment"),
        ("complain", "complaint"),
        ("thanks", "compliment"),
    ],
)
def test_a_child_topic_becomes_a_kind_and_the_topic_is_kept(topic, kind):
    msg = web_form.child_message(_child(topic=topic), RECEIVED)

    assert msg.channel == "web_child"
    assert msg.details.kind == kind
    assert msg.details.topic == topic
    assert msg.details.contact_role == "child"


def test_a_child_message_carries_every_answer():
    answers = _child(
        topic="worrying",
        text="Someone at home shouts at me\r\nat night",
        score="2",
        name="  Sam  ",
        worker_or_team="Jo in the Leeds team",
        contact="sms",
        phone="07700 900982",
        csrf_token="secret-token",
    )

    msg = web_form.child_message(answers, RECEIVED)

    assert msg.external_id == SUBMISSION
    assert msg.received_at == RECEIVED
    assert msg.text == "Someone at home shouts at me\nat night"
    assert msg.sender == "+447700900982"
    assert msg.audit_token is None
    details = msg.details
    assert details.score == 2
    assert details.name == "Sam"
    assert details.worker_or_team == "Jo in the Leeds team"
    assert details.preferred_channel == "sms"
    assert details.phone == "+447700900982"
    assert details.may_contact is True
    assert "csrf_token" not in msg.raw_payload
    assert msg.raw_payload["phone"] == "07700 900982"
    assert msg.raw_payload["text"] == "Someone at home shouts at me\nat night"


def test_an_anonymous_child_who_wants_no_contact_leaves_no_way_to_reach_them():
    answers = _child(contact="none", email="sam@example.com", phone="07700 900982", name="")

    msg = web_form.child_message(answers, RECEIVED)

    assert msg.details.may_contact is False
    assert msg.details.email is None and msg.details.phone is None
    assert msg.details.name is None
    assert msg.sender is None
    assert "email" not in msg.raw_payload and "phone" not in msg.raw_payload


def test_no_answer_to_the_contact_question_means_no_contact():
    msg = web_form.child_message(_child(score=None, contact=None), RECEIVED)

    assert msg.details.may_contact is False
    assert msg.details.preferred_channel is None
    assert msg.details.score is None


def test_an_adult_complaint_for_a_child_records_consent_and_the_relationship():
    answers = _adult(
        role="advocate",
        for_whom="child",
        child_consent=True,
        case_reference=" C-2026-0042 ",
        team="Leeds family court team",
        name="Alex Advocate",
        contact="email",
        email="alex@example.org",
        phone="",
    )

    msg = web_form.adult_message(answers, RECEIVED)

    assert msg.channel == "web_adult"
    details = msg.details
    assert details.kind == "complaint"
    assert details.contact_role == "advocate"
    assert details.on_behalf_of_child is True
    assert details.child_consent is True
    assert details.case_reference == "C-2026-0042"
    assert details.team == "Leeds family court team"
    assert details.email == "alex@example.org"
    assert details.phone is None
    assert details.preferred_channel == "email"
    assert msg.sender == "alex@example.org"


def test_an_adult_writing_for_themselves_has_no_consent_recorded():
    msg = web_form.adult_message(_adult(child_consent=True), RECEIVED)

    assert msg.details.on_behalf_of_child is False
    assert msg.details.child_consent is None


def test_an_adult_who_asks_for_post_gives_their_address():
    answers = _adult(contact="post", address="1 High Street\r\nLeeds\r\nLS1 1AA")

    details = web_form.adult_message(answers, RECEIVED).details

    assert details.preferred_channel == "post"
    assert details.postal_address == "1 High Street\nLeeds\nLS1 1AA"


@pytest.mark.parametrize(
    "answers",
    [
        {"for_whom": "child", "child_consent": False, "role": "parent"},
        {"for_whom": "child", "child_consent": True, "role": "professional"},
        {"kind": "audit"},
        {"role": "hacker"},
        {"contact": "email", "email": ""},
        {"contact": "pigeon"},
        {"contact": "sms", "phone": "not a phone"},
    ],
)
def test_answers_a_form_would_have_refused_are_refused_here_too(answers):
    with pytest.raises(ValueError):
        web_form.adult_message(_adult(**answers), RECEIVED)


def test_an_audit_answer_carries_its_token_to_ingest_but_not_into_the_payload():
    answers = {"submission_id": SUBMISSION, "score": "5", "respondent": "child", "comment": ""}

    msg = web_form.audit_message(answers, token="the-token", received_at=RECEIVED)

    assert msg.channel == "web_audit"
    assert msg.audit_token == "the-token"
    assert "the-token" not in repr(msg)
    assert "the-token" not in repr(msg.raw_payload)
    assert msg.details.kind == "audit"
    assert msg.details.score == 5
    assert msg.details.contact_role == "child"
    assert msg.text == ""


@pytest.mark.parametrize("score", [None, "", "0", "6", "abc"])
def test_an_audit_answer_needs_a_score_from_one_to_five(score):
    answers = {"submission_id": SUBMISSION, "score": score, "respondent": "parent"}
    with pytest.raises(ValueError):
        web_form.audit_message(answers, token="t", received_at=RECEIVED)


def test_text_is_kept_exactly_except_for_control_characters():
    text = "Diolch yn fawr, roedd hi'n wych \N{EN DASH} ŵ ŷ 🎉 شكرا שלום <script>alert(1)</script>"

    msg = web_form.child_message(_child(text=text + "\x00\x07", name="Sa\x00m"), RECEIVED)

    assert msg.text == text
    assert msg.details.name == "Sam"
    assert "\x00" not in repr(msg.raw_payload)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900982", "+447700900982"),
        ("07700-900-982", "+447700900982"),
        ("(01632) 960 001", "+441632960001"),
        ("+44 (0)7700 900982", "+447700900982"),
        ("0044 7700 900982", "+447700900982"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("12", None),
        ("7700900982", None),
        ("phone me", None),
        ("+0 123 456 789", None),
        ("+44 7700 900982 123456789", None),
        ("٠٧٧٠٠٩٠٠٩٨٢", None),
    ],
)
def test_phone_numbers_are_read_loosely_and_kept_in_international_form(raw, expected):
    assert web_form.normalise_phone(raw) == expected


def test_a_submission_id_must_be_a_uuid4():
    fresh = web_form.new_submission_id()

    assert web_form.parse_submission_id(fresh) == fresh
    assert web_form.parse_submission_id(SUBMISSION.upper()) == SUBMISSION
    assert web_form.parse_submission_id(str(uuid.uuid1())) is None
    assert web_form.parse_submission_id("not-a-uuid") is None
    assert web_form.parse_submission_id("") is None
    assert web_form.parse_submission_id(None) is None
    assert web_form.parse_submission_id("a" * 1000) is None


def test_a_message_without_a_good_submission_id_is_refused():
    with pytest.raises(ValueError):
        web_form.child_message(_child(submission_id="1; DROP TABLE message"), RECEIVED)


def test_a_phone_number_is_kept_as_typed_beside_its_international_form():
    msg = web_form.adult_message(_adult(contact="sms", phone=" 07700 900 982 "), RECEIVED)

    assert msg.details.phone == "+447700900982"
    assert msg.details.phone_raw == "07700 900 982"
