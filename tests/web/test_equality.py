"""Equality monitoring through real requests: the optional questions after a submission, kept
apart from the feedback, and the staff page for the service-user population."""

import re
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, EqualityResponse, FeedbackItem, ServicePopulation, StaffRole
from app.services.reports import equality
from app.web.equality import INVITED
from tests.web.test_public_forms import _adult_answers, _child_answers, _csrf_token

QUESTIONS = ("age_band", "gender", "ethnicity", "religion", "disability", "language")


def _count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _stored() -> EqualityResponse:
    db.session.expire_all()
    return db.session.execute(select(EqualityResponse)).scalar_one()


def _send_child(client: FlaskClient) -> FeedbackItem:
    assert client.post("/child", data=_child_answers(client)).status_code == 303
    return db.session.execute(select(FeedbackItem)).scalar_one()


def _send_adult(client: FlaskClient) -> FeedbackItem:
    assert client.post("/adult", data=_adult_answers(client)).status_code == 303
    return db.session.execute(select(FeedbackItem)).scalar_one()


def test_a_child_is_invited_answers_two_questions_and_skips_the_rest(client):
    item = _send_child(client)
    sent = client.get("/child/sent").text
    assert "Would you like to answer some questions about yourself?" in sent
    assert 'href="/about-you"' in sent

    page = client.get("/about-you")
    assert page.status_code == 200
    assert "You can skip any question" in page.text
    assert "Are you a girl, a boy, or something else?" in page.text
    assert "I do not want to say" in page.text
    assert "Skip these questions" in page.text
    # Children and care leavers up to 25 use this form: no adult age bands.
    assert 'value="18_24"' in page.text and 'value="25_34"' not in page.text
    for question in QUESTIONS:
        assert f'name="{question}"' in page.text

    answered = client.post("/about-you", data={"age_band": "12_15", "gender": "female"})

    assert answered.status_code == 303
    assert answered.location == "/about-you/thank-you"
    stored = _stored()
    assert stored.feedback_item_id == item.id
    assert (stored.age_band, stored.gender) == ("12_15", "female")
    assert stored.ethnicity is stored.religion is stored.disability is stored.language is None
    thanks = client.get("/about-you/thank-you")
    assert "help us check we treat everyone fairly" in thanks.text
    assert "Would you like to answer" not in client.get("/child/sent").text


def test_an_adult_answers_in_adult_words_with_prefer_not_to_say(client):
    item = _send_adult(client)
    assert "Would you like to answer some optional questions" in client.get("/adult/sent").text
    page = client.get("/about-you").text
    assert "What is your gender?" in page and "Prefer not to say" in page
    assert 'value="65_plus"' in page
    # Ethnic groups head their own runs of answers, in a fieldset each.
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in page
    assert "Black, Black British, Caribbean or African" in page

    client.post(
        "/about-you",
        data={"ethnicity": "black_caribbean", "religion": "prefer_not_to_say", "disability": "no"},
    )

    stored = _stored()
    assert stored.feedback_item_id == item.id
    assert (stored.ethnicity, stored.religion, stored.disability) == (
        "black_caribbean",
        "prefer_not_to_say",
        "no",
    )


def test_skipping_every_question_keeps_nothing(client):
    _send_child(client)

    response = client.post("/about-you", data={question: "" for question in QUESTIONS})

    assert response.status_code == 303
    assert _count(EqualityResponse) == 0
    assert "we have not kept anything" in client.get("/about-you/thank-you").text


@pytest.mark.parametrize(
    "answers",
    [
        {"ethnicity": "martian"},
        {"age_band": "18_24", "gender": "<script>alert(1)</script>"},
        {"religion": "x" * 2000},
        {"disability": "1 OR 1=1"},
        {"language": "prefer not to say"},
    ],
)
def test_an_answer_not_offered_is_refused_with_an_error_summary(client, answers):
    _send_adult(client)

    response = client.post("/about-you", data=answers)

    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert "Select one of the answers, or leave this question out" in response.text
    wrong = next(name for name, value in answers.items() if value != "18_24")
    assert f'href="#{wrong}"' in response.text
    assert f'id="{wrong}"' in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert _count(EqualityResponse) == 0
    # The invitation still stands, so the person can correct the answer.
    assert client.post("/about-you", data={wrong: "prefer_not_to_say"}).status_code == 303


def test_a_childs_wrong_answer_is_explained_in_plain_words(client):
    _send_child(client)
    response = client.post("/about-you", data={"gender": "robot"})
    assert "Choose one of the answers, or skip this question" in response.text


def test_fields_that_are_not_questions_are_ignored(client):
    _send_child(client)
    client.post("/about-you", data={"gender": "male", "name": "Sam Example", "id": "1"})
    assert _stored().gender == "male"


def test_a_huge_body_is_refused_and_nothing_is_stored(client, app):
    _send_child(client)
    big = client.post("/about-you", data={"gender": "male", "padding": "x" * 5000})
    huge = client.post(
        "/about-you", data={"gender": "male", "padding": "x" * app.config["MAX_CONTENT_LENGTH"]}
    )
    assert big.status_code == huge.status_code == 413
    assert "too big" in big.text
    assert _count(EqualityResponse) == 0


def test_a_body_that_is_not_utf8_gets_a_clear_error(client):
    _send_child(client)
    response = client.post(
        "/about-you",
        data=b"gender=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert _count(EqualityResponse) == 0


def test_without_a_submission_there_is_a_friendly_page_not_an_error(client):
    page = client.get("/about-you")
    post = client.post("/about-you", data={"gender": "female"})
    thanks = client.get("/about-you/thank-you")

    assert page.status_code == 200
    assert "We ask these questions just after you send us a message" in page.text
    assert post.status_code == 400
    assert "No questions to answer" in post.text
    assert thanks.status_code == 302 and thanks.location == "/"
    assert _count(EqualityResponse) == 0


def test_a_session_with_a_tampered_invitation_gets_the_friendly_page(client):
    with client.session_transaction() as session:
        session[INVITED] = {"id": "1; DROP TABLE feedback_item", "child": True}
    assert client.get("/about-you").status_code == 200
    assert client.post("/about-you", data={"gender": "male"}).status_code == 400


def test_answering_twice_keeps_the_first_answers(client):
    item = _send_child(client)
    with client.session_transaction() as session:
        invitation = session[INVITED]
    client.post("/about-you", data={"gender": "female"})

    again = client.post("/about-you", data={"gender": "male"})
    assert again.status_code == 400  # the invitation was used up
    with client.session_transaction() as session:
        session[INVITED] = invitation  # an old copy of the cookie, as after a double click
    replay = client.post("/about-you", data={"gender": "male", "religion": "sikh"})

    assert replay.status_code == 303 and replay.location == "/about-you/thank-you"
    stored = _stored()
    assert (stored.feedback_item_id, stored.gender, stored.religion) == (item.id, "female", None)


def test_the_answers_are_not_on_the_item_page(client, app, make_staff, sign_in):
    item = _send_adult(client)
    client.post("/about-you", data={"religion": "sikh", "ethnicity": "white_roma"})
    staff_client = app.test_client()
    sign_in(staff_client, make_staff(StaffRole.ADMIN))

    page = staff_client.get(f"/staff/items/{item.id}")

    assert page.status_code == 200
    assert item.reference in page.text
    assert "Sikh" not in page.text and "Roma" not in page.text


def test_no_identifier_goes_in_a_url(client):
    item = _send_child(client)
    answered = client.post("/about-you", data={"gender": "female"})
    assert str(item.id) not in answered.location and item.reference not in answered.location


def test_a_post_without_a_csrf_token_is_refused_and_keeps_the_answers(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/child").text
    answers = _child_answers(client)
    answers["csrf_token"] = _csrf_token(page)
    assert client.post("/child", data=answers).status_code == 303

    refused = client.post("/about-you", data={"gender": "female", "csrf_token": "forged"})
    assert refused.status_code == 400
    assert "This page has expired, so nothing was saved yet" in refused.text
    assert re.search(r'value="female"\s+checked', refused.text)
    token = _csrf_token(client.get("/about-you").text)
    accepted = client.post("/about-you", data={"gender": "female", "csrf_token": token})
    assert accepted.status_code == 303
    with app.app_context():
        assert _stored().gender == "female"


def test_the_fourth_post_in_a_minute_is_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="3 per minute")
    client = app.test_client()
    statuses = [client.post("/about-you", data={}).status_code for _ in range(3)]
    limited = client.post("/about-you", data={})
    assert 429 not in statuses and limited.status_code == 429
    assert client.get("/about-you").status_code == 200


POPULATION = "/staff/equality/population"


@pytest.fixture
def learning(client, make_staff, sign_in):
    sign_in(client, make_staff(StaffRole.LEARNING_TEAM))
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (StaffRole.ADMIN, 200),
        (StaffRole.LEARNING_TEAM, 200),
        (StaffRole.MANAGER, 403),
        (StaffRole.COMPLAINTS_OFFICER, 403),
        (StaffRole.SAFEGUARDING_REVIEWER, 403),
    ],
)
def test_the_population_page_is_for_admins_and_the_learning_team(
    client, make_staff, sign_in, role, status
):
    sign_in(client, make_staff(role))
    assert client.get(POPULATION).status_code == status
    # Every figure blank clears the question's population, then shows the page again.
    cleared = client.post(POPULATION, data={"unit": "percent"})
    assert cleared.status_code == (302 if status == 200 else 403)


def test_the_population_page_needs_a_full_sign_in(client, make_staff, enter_password):
    assert client.get(POPULATION).status_code == 302
    enter_password(client, make_staff(StaffRole.ADMIN))  # password only, no second factor
    assert client.get(POPULATION).status_code == 302
    assert _count(ServicePopulation) == 0


def test_percentages_are_saved_audited_and_shown_again(learning):
    response = learning.post(
        f"{POPULATION}?question=religion",
        data={
            "unit": "percent",
            "share_christian": "43.2",
            "share_none": "31.1%",
            "share_muslim": " 25.3 ",
            "share_sikh": "",
        },
    )

    assert response.status_code == 302
    assert response.location == f"{POPULATION}?question=religion"
    assert equality.population(equality.BY_COLUMN["religion"]) == {
        "christian": Decimal("43.2"),
        "none": Decimal("31.1"),
        "muslim": Decimal("25.3"),
    }
    event = db.session.execute(select(AuditEvent)).scalars().all()[-1]
    assert event.action == "equality_population_changed"
    assert event.detail["question"] == "religion"
    page = learning.get(response.location).text
    assert "The population for Religion is saved." in page
    assert re.search(r'name="share_christian"[^>]*value="43.2"', page)


def test_counts_of_people_become_percentages(learning):
    learning.post(
        f"{POPULATION}?question=disability",
        data={"unit": "count", "share_yes": "1,000", "share_no": "3000"},
    )
    assert equality.population(equality.BY_COLUMN["disability"]) == {
        "yes": Decimal(25),
        "no": Decimal(75),
    }


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"unit": "percent", "share_yes": "50", "share_no": "40"}, "add up to 90%"),
        ({"unit": "percent", "share_yes": "abc"}, "Enter a number, like 12 or 12.5"),
        ({"unit": "percent", "share_yes": "-5", "share_no": "105"}, "Enter a number"),
        ({"unit": "percent", "share_yes": "NaN", "share_no": "100"}, "Enter a number"),
        ({"unit": "percent", "share_yes": "1" * 40}, "Enter a number"),
        ({"unit": "count", "share_yes": "2.5", "share_no": "3"}, "whole numbers"),
        ({"unit": "count", "share_yes": "0"}, "greater than 0"),
        ({"share_yes": "50", "share_no": "50"}, "Select percentages or numbers of people"),
        ({"unit": "litres", "share_yes": "100"}, "Not a valid choice"),
    ],
)
def test_figures_that_cannot_be_right_get_an_error_summary(learning, data, error):
    response = learning.post(f"{POPULATION}?question=disability", data=data)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert error in response.text
    assert _count(ServicePopulation) == 0


def test_answers_from_another_question_are_ignored(learning):
    learning.post(
        f"{POPULATION}?question=disability",
        data={"unit": "percent", "share_yes": "100", "share_white_british": "100"},
    )
    assert {row.option for row in db.session.execute(select(ServicePopulation)).scalars()} == {
        "yes"
    }


def test_an_unknown_question_is_not_found(learning):
    assert learning.get(f"{POPULATION}?question=shoe_size").status_code == 404


def test_an_adult_tells_us_about_the_child_the_message_is_about(client):
    item = _send_adult(client)
    page = client.get("/about-you").text
    assert "About the child or young person" in page
    assert "If your message is about a child or young person, how old are they?" in page
    for question in ("child_age_band", "child_gender", "disability_kind", "sexual_orientation"):
        assert f'name="{question}"' in page

    client.post(
        "/about-you",
        data={
            "child_age_band": "6_9",
            "child_gender": "several",
            "disability_kind": "autism",
            "sexual_orientation": "prefer_not_to_say",
        },
    )

    stored = _stored()
    assert stored.feedback_item_id == item.id
    assert (stored.child_age_band, stored.child_gender) == ("6_9", "several")
    assert (stored.disability_kind, stored.sexual_orientation) == ("autism", "prefer_not_to_say")


def test_a_child_is_asked_about_disability_but_not_about_another_child(client):
    _send_child(client)
    page = client.get("/about-you").text
    assert 'name="disability_kind"' in page
    assert "About the child or young person" not in page
    for question in ("child_age_band", "child_gender", "sexual_orientation"):
        assert f'name="{question}"' not in page

    client.post("/about-you", data={"disability_kind": "hearing", "child_age_band": "0_5"})

    stored = _stored()
    assert stored.disability_kind == "hearing"
    assert stored.child_age_band is None
