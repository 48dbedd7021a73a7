"""The public forms through real requests: what gets stored, what people are told, and how
every public POST endpoint copes with hostile input."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.models import AuditInvitation, Contact, Direction, FeedbackItem, Message, Team
from app.services.intake import audit_invitations
from app.web import public

# Page titles and the Welsh example use an en dash, which linters rightly ask to be explicit.
DASH = "\N{EN DASH}"
WELSH = f"Diolch yn fawr, roedd hi'n wych {DASH} ŵ ŷ"
ARABIC = "شكرا جزيلا لكم على المساعدة"
HEBREW = "תודה רבה על העזרה"
SCRIPT = '<script>alert("hi")</script><img src=x onerror=alert(1)>'


def _submission_id(page_text: str) -> str:
    match = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page_text)
    assert match, "no submission id on the page"
    return match.group(1)


def _csrf_token(page_text: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _child_answers(client: FlaskClient, **answers: str) -> dict[str, str]:
    fields = {
        "submission_id": _submission_id(client.get("/child").text),
        "topic": "good",
        "text": "My worker always listens to me.",
    }
    fields.update(answers)
    return fields


def _adult_answers(client: FlaskClient, **answers: str) -> dict[str, str]:
    fields = {
        "submission_id": _submission_id(client.get("/adult").text),
        "kind": "complaint",
        "role": "parent",
        "for_whom": "self",
        "text": "Nobody returned my calls for six weeks.",
        "contact": "email",
        "email": "parent@example.com",
    }
    fields.update(answers)
    return fields


def _audit_answers(client: FlaskClient, token: str, **answers: str) -> dict[str, str]:
    fields = {
        "submission_id": _submission_id(client.get(f"/how-did-we-do/{token}").text),
        "score": "4",
        "respondent": "child",
        "comment": "Thank you for listening.",
    }
    fields.update(answers)
    return fields


def _invitation(**changes: object) -> str:
    invitation, token = audit_invitations.create_invitation(case_reference="C-2026-7")
    for name, value in changes.items():
        setattr(invitation, name, value)
    db.session.commit()
    return token


def _count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _only_message() -> Message:
    """The one message received (a complaint's acknowledgement may have gone out too)."""
    db.session.expire_all()
    query = select(Message).where(Message.direction == Direction.INBOUND)
    return db.session.execute(query).scalar_one()


def _title(page: str) -> str:
    return f"<title>{page} {DASH} Heard</title>"


def _words(html: str) -> str:
    """The page's text without tags, with runs of white space made one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The start page


def test_the_start_page_offers_a_way_in_for_children_and_for_adults(client):
    response = client.get("/")

    assert response.status_code == 200
    assert _title("Tell us what you think") in response.text
    assert 'href="/child"' in response.text and "child or young person" in response.text
    assert 'href="/adult"' in response.text and "parent, carer or professional" in response.text
    assert 'href="https://www.bbc.co.uk/weather"' in response.text
    assert "Exit this page" in response.text
    assert response.text.count("<h1") == 1


@pytest.mark.parametrize("path", ["/", "/child", "/adult"])
def test_public_pages_have_an_exit_button_and_one_heading(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert 'class="govuk-exit-this-page"' in response.text
    assert response.text.count("<h1") == 1
    assert '<html lang="en"' in response.text
    assert re.search(f"<title>[^<]+ {DASH} Heard</title>", response.text)


# The children's form


def test_a_childs_complaint_is_stored_with_everything_they_told_us(client):
    answers = _child_answers(
        client,
        topic="complain",
        text="My worker never rings me back.",
        score="2",
        name="Sam",
        worker_or_team="Jo",
        contact="sms",
        phone="07700 900982",
    )

    response = client.post("/child", data=answers)

    assert response.status_code == 303
    assert response.location == "/child/sent"
    message = _only_message()
    item = message.feedback_item
    assert message.channel == "web_child"
    assert message.external_id == answers["submission_id"]
    assert message.text == "My worker never rings me back."
    assert message.raw_payload["topic"] == "complain"
    assert "csrf_token" not in message.raw_payload
    assert item.kind == "complaint"
    assert item.topic == "complain"
    assert item.score == 2
    assert item.worker_or_team == "Jo"
    assert item.submitter_role == "child"
    assert item.contact.name == "Sam"
    assert item.contact.phone == "+447700900982"
    assert item.contact.preferred_channel == "sms"
    assert item.contact.may_contact is True


@pytest.mark.parametrize(
    ("topic", "kind"),
    [("good", "comment"), ("worrying", "comment"), ("thanks", "compliment")],
)
def test_each_child_topic_is_stored_as_its_kind(client, topic, kind):
    client.post("/child", data=_child_answers(client, topic=topic))

    item = _only_message().feedback_item
    assert (item.kind, item.topic) == (kind, topic)


def test_a_child_can_send_a_message_without_giving_anything_about_themselves(client):
    response = client.post("/child", data=_child_answers(client, topic="worrying"))

    assert response.status_code == 303
    item = _only_message().feedback_item
    assert item.score is None
    assert item.contact.name is None
    assert item.contact.may_contact is False
    assert item.contact.email is None and item.contact.phone is None


def test_the_childs_confirmation_gives_the_reference_next_steps_and_help_lines(client):
    client.post("/child", data=_child_answers(client, topic="worrying"))
    reference = _only_message().feedback_item.reference

    page = client.get("/child/sent")

    assert page.status_code == 200
    text = _words(page.text)
    assert reference in text
    assert "What happens next" in text
    assert "we will not reply" in text
    assert 'href="tel:08001111"' in page.text and "0800 1111" in text
    assert "It is free. You can call any time, day or night." in text
    assert "call 999" in text
    assert text.index("0800 1111") < text.index("What happens next"), "help first when worried"
    assert _title("Message sent") in page.text


def test_a_childs_complaint_confirmation_says_when_we_aim_to_sort_it_out(client, monkeypatch):
    monkeypatch.setattr(public, "utcnow", lambda: datetime(2026, 12, 18, 11, tzinfo=UTC))
    client.post("/child", data=_child_answers(client, topic="complain", contact="none"))

    text = _words(client.get("/child/sent").text)

    assert "We will try to sort it out by Wednesday 6 January 2027." in text


def test_a_child_who_skips_the_contact_question_but_gives_a_number_is_asked(client):
    response = client.post("/child", data=_child_answers(client, phone="07700 900982"))

    assert response.status_code == 422
    assert "Choose how we can get in touch with you, or choose" in response.text
    assert _count(Message) == 0


def test_child_errors_are_in_plain_words(client):
    response = client.post("/child", data=_child_answers(client, topic="", text="   "))

    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert _title("Error: Send us a message") in response.text
    assert 'href="#topic">Choose what your message is about' in response.text
    assert 'href="#text">Tell us what happened' in response.text
    assert _count(Message) == 0


def test_a_confirmation_page_without_a_sent_message_goes_back_to_the_form(client):
    assert client.get("/child/sent").location == "/child"
    assert client.get("/adult/sent").location == "/adult"
    assert client.get("/how-did-we-do/thank-you").location == "/"


# The adults' form


def test_an_adults_complaint_for_a_child_is_stored_with_consent_team_and_case(client):
    db.session.add_all([Team(name="Leeds family court team"), Team(name="York")])
    db.session.commit()
    answers = _adult_answers(
        client,
        role="advocate",
        for_whom="child",
        child_consent="y",
        team="Leeds family court team",
        case_reference="C-2026-0042",
        name="Alex Advocate",
    )

    response = client.post("/adult", data=answers)

    assert response.status_code == 303
    assert response.location == "/adult/sent"
    message = _only_message()
    item = message.feedback_item
    assert message.channel == "web_adult"
    assert message.sender == "parent@example.com"
    assert item.kind == "complaint"
    assert item.on_behalf_of_child is True
    assert item.child_consent is True
    assert item.submitter_role == "advocate"
    assert item.case_reference == "C-2026-0042"
    assert item.team.name == "Leeds family court team"
    assert item.contact.name == "Alex Advocate"
    assert item.contact.email == "parent@example.com"
    assert item.contact.preferred_channel == "email"


def test_the_team_question_lists_every_team_and_is_left_out_when_there_are_none(client):
    assert 'name="team"' not in client.get("/adult").text

    db.session.add_all([Team(name="York"), Team(name="Leeds")])
    db.session.commit()
    page = client.get("/adult").text

    assert page.index(">Leeds<") < page.index(">York<")
    assert ">I do not know<" in page


def test_an_adult_who_asks_for_a_reply_by_post_gives_an_address(client):
    missing = client.post("/adult", data=_adult_answers(client, contact="post", email=""))
    assert missing.status_code == 422
    assert "Enter your postal address" in missing.text

    client.post(
        "/adult",
        data=_adult_answers(client, contact="post", address="1 High Street\r\nLeeds LS1 1AA"),
    )

    contact = _only_message().feedback_item.contact
    assert contact.preferred_channel == "post"
    assert contact.postal_address == "1 High Street\nLeeds LS1 1AA"


def test_the_complaint_confirmation_gives_the_stage_1_date(client, monkeypatch):
    # A Friday before Christmas: Christmas, Boxing Day (moved to Monday) and New Year's Day
    # are not working days.
    monkeypatch.setattr(public, "utcnow", lambda: datetime(2026, 12, 18, 11, tzinfo=UTC))
    client.post("/adult", data=_adult_answers(client))
    reference = _only_message().feedback_item.reference

    page = client.get("/adult/sent")

    text = _words(page.text)
    assert _title("Complaint sent") in page.text
    assert reference in text
    assert "stage 1" in text
    assert "We will reply within 10 working days, which is by Wednesday 6 January 2027." in text
    assert "A complaints manager will look into your complaint." in text


def test_the_complaint_confirmation_says_which_team_will_respond(client):
    db.session.add(Team(name="Leeds family court team"))
    db.session.commit()
    client.post("/adult", data=_adult_answers(client, team="Leeds family court team"))

    text = _words(client.get("/adult/sent").text)

    assert "A manager in Leeds family court team will look into your complaint." in text


def test_the_stage_1_date_counts_from_the_uk_date_not_the_utc_one(client, monkeypatch):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: before office hours, so the clock
    # starts on Thursday 2 July (by the UTC date it would have started on 30 June).
    monkeypatch.setattr(public, "utcnow", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    client.post("/adult", data=_adult_answers(client))

    assert "by Thursday 16 July 2026." in _words(client.get("/adult/sent").text)


@pytest.mark.parametrize(("kind", "title"), [("compliment", "Compliment"), ("comment", "Comment")])
def test_other_kinds_get_no_complaint_timescale(client, kind, title):
    client.post("/adult", data=_adult_answers(client, kind=kind))

    page = client.get("/adult/sent")

    assert _title(f"{title} sent") in page.text
    assert "working days" not in page.text
    assert _only_message().feedback_item.reference in page.text


def test_sending_for_a_child_needs_consent_and_a_parent_carer_or_advocate(client):
    answers = _adult_answers(client, for_whom="child", role="professional")

    response = client.post("/adult", data=answers)

    assert response.status_code == 422
    assert "Confirm that the child knows and agrees that you are sending this" in response.text
    assert "you need to be their parent, carer or advocate" in response.text
    assert _count(Message) == 0


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"email": ""}, "Enter your email address, or choose another way"),
        ({"contact": "sms", "phone": "12"}, "Enter a phone number, like 07700 900 982"),
        ({"contact": "phone", "phone": ""}, "Enter your phone number, or choose another way"),
        ({"contact": ""}, "Select how we should contact you"),
        ({"name": "N" * 201}, "Your name must be 200 characters or fewer"),
        ({"case_reference": "C" * 65}, "Case reference must be 64 characters or fewer"),
        ({"email": "a" * 310 + "@example.com"}, "Email address must be 320 characters or fewer"),
    ],
)
def test_adult_contact_details_are_checked(client, answers, error):
    response = client.post("/adult", data=_adult_answers(client, **answers))

    assert response.status_code == 422
    assert error in response.text
    assert _count(Message) == 0


@pytest.mark.parametrize("phone", ["07700 900982", "+44 (0)7700 900 982", "+1 415-555-0100"])
def test_phone_numbers_are_accepted_as_people_write_them(client, phone):
    response = client.post("/adult", data=_adult_answers(client, contact="phone", phone=phone))

    assert response.status_code == 303
    assert _only_message().feedback_item.contact.phone.startswith("+")


# The audit form


def test_audit_feedback_is_stored_against_the_invitation(client):
    token = _invitation()

    response = client.post(f"/how-did-we-do/{token}", data=_audit_answers(client, token))

    assert response.status_code == 303
    assert response.location == "/how-did-we-do/thank-you"
    message = _only_message()
    item = message.feedback_item
    assert message.channel == "web_audit"
    assert message.text == "Thank you for listening."
    assert token not in repr(message.raw_payload)
    assert item.kind == "audit"
    assert item.score == 4
    assert item.submitter_role == "child"
    assert item.case_reference == "C-2026-7"
    invitation = db.session.execute(select(AuditInvitation)).scalar_one()
    assert invitation.used_at is not None
    assert invitation.feedback_item_id == item.id
    assert "Thank you for telling us" in client.get("/how-did-we-do/thank-you").text


def test_an_audit_link_used_twice_gets_a_kind_page_and_stores_one_answer(client):
    token = _invitation()
    first = _audit_answers(client, token)
    second = _audit_answers(client, token)
    client.post(f"/how-did-we-do/{token}", data=first)

    again = client.post(f"/how-did-we-do/{token}", data={**second, "score": "1"})
    revisit = client.get(f"/how-did-we-do/{token}")

    for response in (again, revisit):
        assert response.status_code == 410
        assert "This link has already been used" in response.text
        assert "Traceback" not in response.text
    assert _count(Message) == 1
    assert db.session.execute(select(FeedbackItem)).scalar_one().score == 4


def test_an_expired_audit_link_gets_a_kind_page(client, app):
    token = _invitation(expires_at=utcnow() - timedelta(minutes=1))

    for response in (
        client.get(f"/how-did-we-do/{token}"),
        client.post(f"/how-did-we-do/{token}", data={"score": "5", "respondent": "parent"}),
    ):
        assert response.status_code == 410
        assert "This link has expired" in response.text
        assert f"{app.config['AUDIT_TOKEN_DAYS']} days" in response.text
    assert _count(Message) == 0


@pytest.mark.parametrize("token", ["no-such-token", "x" * 5000, "%FF%FE", "' OR '1'='1"])
def test_an_unknown_audit_link_gets_a_kind_not_found_page(client, token):
    response = client.get(f"/how-did-we-do/{token}")

    assert response.status_code == 404
    assert "We cannot find this link" in response.text


def test_an_audit_answer_with_errors_is_shown_again(client):
    token = _invitation()

    response = client.post(
        f"/how-did-we-do/{token}", data=_audit_answers(client, token, score="9", respondent="")
    )

    assert response.status_code == 422
    assert "Choose how we did" in response.text
    assert "Choose who is filling in this form" in response.text
    assert _count(Message) == 0


# Double submits


@pytest.mark.parametrize("form", ["child", "adult", "audit"])
def test_a_double_click_stores_one_message_and_both_reach_the_confirmation(client, form):
    if form == "audit":
        token = _invitation()
        url, answers = f"/how-did-we-do/{token}", _audit_answers(client, token)
    else:
        url = f"/{form}"
        answers = _child_answers(client) if form == "child" else _adult_answers(client)

    first = client.post(url, data=answers)
    second = client.post(url, data=answers)

    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert _only_message()  # one stored; an acknowledgement may have gone out
    assert _count(FeedbackItem) == 1


def test_a_form_shown_again_with_errors_keeps_its_submission_id(client):
    answers = _child_answers(client, text="")

    response = client.post("/child", data=answers)

    assert _submission_id(response.text) == answers["submission_id"]


def test_every_form_page_gets_a_fresh_submission_id(client):
    assert _submission_id(client.get("/child").text) != _submission_id(client.get("/child").text)


@pytest.mark.parametrize("submission_id", ["", "not-a-uuid", "1 OR 1=1", "x" * 300])
def test_a_bad_submission_id_is_refused_and_replaced(client, submission_id):
    response = client.post("/child", data=_child_answers(client, submission_id=submission_id))

    assert response.status_code == 422
    assert "Something went wrong with the form" in response.text
    assert _submission_id(response.text) != submission_id
    assert _count(Message) == 0


# Hostile input to every public POST endpoint


@pytest.fixture
def endpoints(client):
    """Each public POST endpoint with valid answers for it."""
    token = _invitation()
    return {
        "child": ("/child", _child_answers(client)),
        "adult": ("/adult", _adult_answers(client)),
        "audit": (f"/how-did-we-do/{token}", _audit_answers(client, token)),
    }


ENDPOINTS = ["child", "adult", "audit"]
TEXT_FIELD = {"child": "text", "adult": "text", "audit": "comment"}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_post_without_a_csrf_token_is_refused_with_an_explanation(make_app, name):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        token = _invitation()
    path = {"child": "/child", "adult": "/adult", "audit": f"/how-did-we-do/{token}"}[name]
    client = app.test_client()
    page = client.get(path).text
    answers = {"submission_id": _submission_id(page), "topic": "good", "text": "Hello"}

    refused = client.post(path, data=answers)
    forged = client.post(path, data={**answers, "csrf_token": "forged"})

    for response in (refused, forged):
        assert response.status_code == 400
        assert "Your form has expired" in response.text
        assert "nothing was saved yet" in response.text
        if name != "audit":
            assert "Hello" in response.text  # what they wrote comes back with the form
    with app.app_context():
        assert _count(Message) == 0


def test_a_post_with_its_csrf_token_goes_through(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/child").text

    response = client.post(
        "/child",
        data={
            "csrf_token": _csrf_token(page),
            "submission_id": _submission_id(page),
            "topic": "thanks",
            "text": "Thank you",
        },
    )

    assert response.status_code == 303
    with app.app_context():
        assert "csrf_token" not in _only_message().raw_payload


@pytest.mark.parametrize("name", ENDPOINTS)
def test_an_oversize_body_is_refused_and_nothing_is_stored(client, app, endpoints, name):
    path, answers = endpoints[name]
    body = {**answers, TEXT_FIELD[name]: "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}

    response = client.post(path, data=body)

    assert response.status_code == 413
    assert "too big" in response.text
    assert _count(Message) == 0


@pytest.mark.parametrize(
    ("name", "changes", "error"),
    [
        ("child", {"score": "abc"}, "Choose one of the faces"),
        ("child", {"score": "9"}, "Choose one of the faces"),
        ("child", {"score": "-1"}, "Choose one of the faces"),
        ("child", {"topic": ""}, "Choose what your message is about"),
        ("child", {"topic": "hack"}, "Choose what your message is about"),
        ("child", {"contact": "pigeon"}, "Choose if we can get in touch with you"),
        ("adult", {"kind": "hack"}, "Select if you want to send a complaint, compliment"),
        ("adult", {"kind": "audit"}, "Select if you want to send a complaint, compliment"),
        ("adult", {"role": "admin"}, "Select which best describes you"),
        ("adult", {"for_whom": "[]"}, "Select if you are sending this for a child"),
        ("adult", {"team": "No such team"}, "Select a team from the list"),
        ("audit", {"score": "abc"}, "Choose how we did"),
        ("audit", {"score": "9"}, "Choose how we did"),
        ("audit", {"score": ""}, "Choose how we did"),
        ("audit", {"respondent": "staff"}, "Choose who is filling in this form"),
    ],
)
def test_wrong_answers_get_a_plain_error_and_nothing_is_stored(
    client, endpoints, name, changes, error
):
    path, answers = endpoints[name]
    if "team" in changes:
        db.session.add(Team(name="Leeds"))
        db.session.commit()

    response = client.post(path, data={**answers, **changes})

    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert error in response.text
    assert "Not a valid choice" not in response.text
    assert _count(Message) == 0


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_missing_field_is_an_error_not_a_crash(client, endpoints, name):
    path, answers = endpoints[name]
    answers.pop("score" if name == "audit" else "text")

    response = client.post(path, data=answers)

    assert response.status_code == 422
    assert _count(Message) == 0


@pytest.mark.parametrize("name", ENDPOINTS)
def test_script_tags_are_stored_exactly_and_shown_escaped(client, endpoints, name):
    path, answers = endpoints[name]
    field = TEXT_FIELD[name]

    shown = client.post(path, data={**answers, field: SCRIPT, "submission_id": "bad"})
    stored = client.post(path, data={**answers, field: SCRIPT})

    assert shown.status_code == 422
    assert SCRIPT not in shown.text
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in shown.text
    assert stored.status_code == 303
    assert _only_message().text == SCRIPT


@pytest.mark.parametrize("name", ENDPOINTS)
def test_text_up_to_the_limit_is_accepted_and_one_more_is_refused(client, app, endpoints, name):
    path, answers = endpoints[name]
    field = TEXT_FIELD[name]
    limit = app.config["MAX_FEEDBACK_CHARS"]

    too_long = client.post(path, data={**answers, field: "a" * (limit + 1)})
    assert too_long.status_code == 422
    assert "10,000 characters or fewer" in too_long.text
    assert _count(Message) == 0

    just_right = client.post(path, data={**answers, field: "a" * limit})
    assert just_right.status_code == 303
    assert len(_only_message().text) == limit


def test_ten_thousand_emoji_fit_in_a_post(client):
    text = "😀" * 10_000

    response = client.post("/child", data=_child_answers(client, text=text))

    assert response.status_code == 303
    assert _only_message().text == text


def test_line_breaks_count_once_towards_the_limit(client, app):
    text = "ab\r\n" * (app.config["MAX_FEEDBACK_CHARS"] // 3)

    response = client.post("/child", data=_child_answers(client, text=text))

    assert response.status_code == 303
    assert _only_message().text == text.replace("\r\n", "\n")


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize(
    "text", [WELSH, ARABIC, HEBREW, "😀🙏🏽👩‍👩‍👧 ❤️", f"{HEBREW} and {ARABIC} ✓"]
)
def test_any_language_and_emoji_are_stored_exactly(client, endpoints, name, text):
    path, answers = endpoints[name]

    response = client.post(path, data={**answers, TEXT_FIELD[name]: text})

    assert response.status_code == 303
    assert _only_message().text == text


def test_names_and_details_in_any_language_are_kept(client):
    client.post(
        "/adult",
        data=_adult_answers(client, name="Siân Ŵyn", case_reference="ש-123", text=ARABIC),
    )

    contact = db.session.execute(select(Contact)).scalar_one()
    assert contact.name == "Siân Ŵyn"
    assert _only_message().feedback_item.case_reference == "ש-123"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_nul_and_other_control_characters_never_reach_the_database(client, endpoints, name):
    path, answers = endpoints[name]

    response = client.post(path, data={**answers, TEXT_FIELD[name]: "a\x00b\x1bc\td"})

    assert response.status_code == 303
    message = _only_message()
    assert message.text == "abc\td"
    assert "\\u0000" not in repr(message.raw_payload) and "\x00" not in repr(message.raw_payload)


def test_a_nul_in_a_name_is_removed(client):
    client.post("/child", data=_child_answers(client, name="Sa\x00m"))

    assert db.session.execute(select(Contact)).scalar_one().name == "Sam"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_body_that_is_not_utf8_gets_a_clear_error(client, endpoints, name):
    path, answers = endpoints[name]
    body = f"submission_id={answers['submission_id']}&text=caf\xe9".encode("latin-1")

    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "could not be understood" in response.text
    assert _count(Message) == 0


@pytest.mark.parametrize("name", ENDPOINTS)
def test_percent_encoded_bytes_that_are_not_utf8_do_not_crash(client, endpoints, name):
    path, answers = endpoints[name]
    field = TEXT_FIELD[name]

    response = client.post(
        path,
        data=f"submission_id={answers['submission_id']}&{field}=caf%E9%FF"
        "&topic=good&kind=comment&role=parent&for_whom=self&contact=none"
        "&score=3&respondent=parent",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (303, 422)
    if response.status_code == 303:
        assert _only_message().text == "caf%E9%FF"


def test_bad_bytes_in_a_multipart_post_become_replacement_characters(client):
    answers = _child_answers(client)
    boundary = "heard-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in answers.items()
        if k != "text"
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'.encode()
        + b"caf\xe9 ok\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()

    response = client.post(
        "/child", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 303
    assert _only_message().text == "caf\ufffd ok"


def test_a_json_body_is_refused_clearly(client):
    response = client.post("/child", json={"topic": "good", "text": "hello"})

    assert response.status_code == 400
    assert _count(Message) == 0


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_fourth_post_in_a_minute_from_one_address_is_limited_whatever_its_browser(
    make_app, name
):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="3 per minute")
    with app.app_context():
        token = _invitation()
    path = {"child": "/child", "adult": "/adult", "audit": f"/how-did-we-do/{token}"}[name]
    client = app.test_client()
    posts = [{"User-Agent": f"Mozilla/5.0 (spam {n})"} for n in range(5)]
    data = {"text": "What I wrote, which must not be lost"}

    statuses = [client.post(path, data=data, headers=posts[n]).status_code for n in range(3)]
    limited = client.post(path, data=data, headers=posts[3])
    elsewhere = client.post(path, data={}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    reading_is_fine = client.get(path)

    assert 429 not in statuses
    assert limited.status_code == 429
    assert elsewhere.status_code != 429
    assert reading_is_fine.status_code == 200
    if name == "audit":
        assert "Too many tries in a short time" in limited.text
    else:
        # The form comes back with what was written and says to send it again shortly.
        assert "What I wrote, which must not be lost" in limited.text
        assert "Nothing was saved yet" in limited.text


def test_behind_a_trusted_proxy_the_limit_follows_the_real_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="2 per minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def post(client_address: str):
        headers = {"X-Forwarded-For": client_address}
        return client.post("/child", data={}, headers=headers, environ_base=proxy)

    assert [post("203.0.113.1").status_code for _ in range(2)] == [422, 422]
    assert post("203.0.113.1").status_code == 429
    # Another child behind the same proxy is not blocked by the first.
    assert post("203.0.113.2").status_code == 422


@pytest.mark.parametrize("path", ["/child", "/adult"])
def test_no_personal_data_or_reference_goes_in_a_url(client, path):
    answers = _child_answers(client) if path == "/child" else _adult_answers(client)

    response = client.post(path, data={**answers, "name": "Sam Example"})

    reference = _only_message().feedback_item.reference
    assert response.location == f"{path}/sent"
    assert reference not in response.location and "Sam" not in response.location


def test_pages_tell_browsers_not_to_keep_them(client):
    assert client.get("/child").headers["Cache-Control"] == "no-store"
