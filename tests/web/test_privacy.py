"""The staff data protection pages: a subject access export for a person who wrote by text,
email and the web form, opened and read; legal holds; erasure refused where a duty keeps the
record; correction; who may use them; hostile input. And the public notices."""

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AlertOutcome,
    AuditEvent,
    Channel,
    Classification,
    ContactRole,
    Direction,
    EqualityResponse,
    FeedbackItem,
    FeedbackKind,
    LegalHold,
    PrivacyRequest,
    RequestDecision,
    StaffRole,
)
from app.services.privacy import retention
from app.services.staff.audit_log import Action
from tests.factories import (
    ComplaintStageFactory,
    ContactFactory,
    FeedbackItemFactory,
    MessageFactory,
    SafeguardingAlertFactory,
)

JO_PHONE = "+447700900123"
JO_EMAIL = "jo.bloggs@example.org"
THIRD_PARTY = ("07700 900456", "dave.smith@example.com", "Dave Smith")
OTHER_PERSON = ("+447700900999", "someone.else@example.net", "Alex Other")


def _person_items() -> dict[str, FeedbackItem]:
    """Jo wrote three times: a text, an email and the adults' web form; each made a contact."""
    by_sms = ContactFactory(role=ContactRole.PARENT, phone=JO_PHONE, phone_raw=JO_PHONE)
    by_email = ContactFactory(role=ContactRole.PARENT, name="Jo Bloggs", email=JO_EMAIL)
    by_web = ContactFactory(
        role=ContactRole.PARENT, name="Jo Bloggs", email=JO_EMAIL, phone="+447700900123"
    )
    sms = FeedbackItemFactory(contact=by_sms, received_via=Channel.SMS)
    MessageFactory(
        feedback_item=sms,
        channel=Channel.SMS,
        sender=JO_PHONE,
        text="TEXT-ONE Nobody rang me back. My ex Dave Smith is on 07700 900456.",
    )
    MessageFactory(
        feedback_item=sms,
        channel=Channel.SMS,
        direction=Direction.OUTBOUND,
        sender=None,
        recipient=JO_PHONE,
        text="REPLY-ONE Thank you, we will call you.",
    )
    email = FeedbackItemFactory(contact=by_email, received_via=Channel.EMAIL)
    message = MessageFactory(
        feedback_item=email,
        channel=Channel.EMAIL,
        sender=JO_EMAIL,
        text="EMAIL-TWO The report was late. Write to dave.smith@example.com if you must.",
    )
    db.session.add(
        Classification(
            message_id=message.id,
            model_version="test-model",
            scores={"delay": 0.9},
            themes=["delay"],
            safeguarding=False,
            evidence=["late"],
        )
    )
    ComplaintStageFactory(feedback_item=email, responded_on=date(2026, 11, 17))
    web = FeedbackItemFactory(
        contact=by_web, received_via=Channel.WEB_ADULT, kind=FeedbackKind.COMMENT
    )
    MessageFactory(
        feedback_item=web,
        channel=Channel.WEB_ADULT,
        sender=None,
        text="WEB-THREE I am Jo Bloggs and my number is 07700 900123.",
    )
    db.session.add(EqualityResponse(feedback_item_id=web.id, gender="female", age_band="35_44"))
    db.session.commit()
    return {"sms": sms, "email": email, "web": web}


def _someone_else() -> FeedbackItem:
    other = ContactFactory(
        role=ContactRole.CARER,
        phone=OTHER_PERSON[0],
        email=OTHER_PERSON[1],
        name=OTHER_PERSON[2],
    )
    item = FeedbackItemFactory(contact=other, received_via=Channel.SMS)
    MessageFactory(feedback_item=item, sender=OTHER_PERSON[0], text="OTHER-PERSON hello")
    return item


@pytest.fixture
def manager(client, make_staff, sign_in):
    login = make_staff(StaffRole.MANAGER)
    assert sign_in(client, login).status_code == 302
    return login


def test_subject_access_export_holds_each_message_and_nobody_elses_details(
    app, client, manager
) -> None:
    items = _person_items()
    _someone_else()

    by_phone = client.post("/staff/privacy/subject-access", data={"phone": "07700 900123"})
    by_email = client.post("/staff/privacy/subject-access", data={"email": JO_EMAIL.upper()})
    assert by_phone.status_code == by_email.status_code == 200
    for item in items.values():
        assert item.reference in by_phone.text + by_email.text
    assert "OTHER-PERSON" not in by_phone.text + by_email.text
    assert OTHER_PERSON[0] not in by_phone.text

    response = client.post(
        "/staff/privacy/subject-access/export",
        data={"item": [str(item.id) for item in items.values()]},
    )
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == [
            "README.txt",
            "subject-access.html",
            "subject-access.json",
        ]
        html = archive.read("subject-access.html").decode()
        record = json.loads(archive.read("subject-access.json"))
    everything = html + json.dumps(record, ensure_ascii=False)
    for marker in ("TEXT-ONE", "REPLY-ONE", "EMAIL-TWO", "WEB-THREE"):
        assert marker in html
        assert marker in json.dumps(record)
    # The person's own details are there, in the contacts and in their own words.
    assert JO_PHONE in everything and JO_EMAIL in everything and "Jo Bloggs" in html
    assert "07700 900123" in record["items"][2]["messages"][0]["text"]
    # Nobody else's: not the third party they named, not the other person in Heard.
    for value in (*THIRD_PARTY, *OTHER_PERSON, "OTHER-PERSON"):
        assert value not in everything, value
    assert "[phone]" in everything and "[email]" in everything
    channels = {item["received_via"] for item in record["items"]}
    assert channels == {"sms", "email", "web_adult"}
    email_item = next(i for i in record["items"] if i["received_via"] == "email")
    assert email_item["classifications"][0]["themes"] == ["delay"]
    assert email_item["complaint_stages"][0]["responded_on"] == "2026-11-17"
    web_item = next(i for i in record["items"] if i["received_via"] == "web_adult")
    assert web_item["equality_answers"]["gender"] == "female"
    # Every question's answer is in the export, those about the child included.
    from app.services.reports.equality_questions import QUESTIONS

    assert set(web_item["equality_answers"]) == {question.column for question in QUESTIONS}

    exported = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == Action.SUBJECT_ACCESS_EXPORTED.value)
    ).scalar_one()
    assert exported.detail == {"items": sorted(item.id for item in items.values())}
    searched = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == Action.SUBJECT_ACCESS_SEARCHED.value)
    ).scalars()
    for event in searched:
        assert JO_EMAIL.lower() not in json.dumps(event.detail).lower()
        assert "07700" not in json.dumps(event.detail)


def test_subject_access_refuses_bad_input_without_a_500(client, manager) -> None:
    assert client.post("/staff/privacy/subject-access", data={}).status_code == 400
    long = {"name": "x" * 5000}
    assert client.post("/staff/privacy/subject-access", data=long).status_code == 400
    for items in ([], ["abc"], ["99999999999999"], ["-1"], ["1", "x"]):
        response = client.post("/staff/privacy/subject-access/export", data={"item": items})
        assert response.status_code == 400, items
    response = client.post("/staff/privacy/subject-access/export", data={"item": ["424242"]})
    assert response.status_code == 400
    assert client.get("/staff/privacy/subject-access?phone=07700900123").status_code == 200


@pytest.mark.parametrize(
    "role",
    [StaffRole.COMPLAINTS_OFFICER, StaffRole.LEARNING_TEAM, StaffRole.SAFEGUARDING_REVIEWER],
)
def test_only_managers_and_admins_handle_data_protection(client, make_staff, sign_in, role):
    assert sign_in(client, make_staff(role)).status_code == 302
    for url in ("/staff/privacy/", "/staff/privacy/subject-access", "/staff/privacy/requests"):
        assert client.get(url).status_code == 403
    assert client.post("/staff/privacy/subject-access/export").status_code == 403
    assert "Data protection" not in client.get("/staff/").text


def test_the_retention_page_shows_the_schedule_and_holds(client, manager) -> None:
    item = FeedbackItemFactory()
    page = client.get("/staff/privacy/")
    assert page.status_code == 200
    assert "RETENTION_SAFEGUARDING_YEARS" in page.text and ">25<" in page.text
    assert "The daily run has not happened yet." in page.text
    retention.apply_retention()
    assert "0 items anonymised" in client.get("/staff/privacy/").text
    assert "Data protection" in page.text
    set_ = client.post(
        "/staff/privacy/holds", data={"reference": item.reference.lower(), "reason": "Claim"}
    )
    assert set_.status_code == 303
    hold = db.session.execute(select(LegalHold)).scalar_one()
    assert item.reference in client.get("/staff/privacy/").text
    assert "On legal hold" in client.get(f"/staff/items/{item.id}").text
    assert client.post("/staff/privacy/holds", data={"reference": "NOPE"}).status_code == 400
    cleared = client.post(
        "/staff/privacy/holds/clear", data={"hold_id": str(hold.id), "reason": "Settled"}
    )
    assert cleared.status_code == 303
    db.session.refresh(hold)
    assert hold.cleared_at is not None
    bad = client.post("/staff/privacy/holds/clear", data={"hold_id": "x", "reason": "y"})
    assert bad.status_code == 303


def test_erasure_is_refused_for_safeguarding_and_done_otherwise(client, manager) -> None:
    alert = SafeguardingAlertFactory(outcome=AlertOutcome.REFERRED_TO_SOCIAL_WORKER)
    kept = alert.feedback_item
    plain = FeedbackItemFactory(message="Please delete this", contact=ContactFactory(name="Jo"))
    refused = client.post(
        "/staff/privacy/requests/erasure", data={"reference": kept.reference, "decision": "erase"}
    )
    done = client.post(
        "/staff/privacy/requests/erasure", data={"reference": plain.reference, "decision": "erase"}
    )
    assert refused.status_code == done.status_code == 303
    decisions = {
        r.feedback_item_id: r for r in db.session.execute(select(PrivacyRequest)).scalars()
    }
    assert decisions[kept.id].decision == RequestDecision.REFUSED
    assert "safeguarding" in decisions[kept.id].reason
    assert decisions[plain.id].decision == RequestDecision.DONE
    db.session.refresh(plain)
    assert plain.anonymised_at is not None and plain.contact_id is None
    assert plain.messages[0].text == retention.ERASED
    assert "Anonymised on" in client.get(f"/staff/items/{plain.id}").text
    assert "He hits me" in kept.messages[0].text
    page = client.get("/staff/privacy/requests").text
    assert kept.reference in page and "Refused" in page
    # A refusal for a legal reason staff write down is recorded with that reason.
    other = FeedbackItemFactory(message="Keep me")
    client.post(
        "/staff/privacy/requests/erasure",
        data={"reference": other.reference, "decision": "refuse", "reason": "Court order 12"},
    )
    request = db.session.execute(
        select(PrivacyRequest).where(PrivacyRequest.feedback_item_id == other.id)
    ).scalar_one()
    assert (request.decision, request.reason) == (RequestDecision.REFUSED, "Court order 12")
    missing = client.post(
        "/staff/privacy/requests/erasure", data={"reference": other.reference, "decision": "refuse"}
    )
    assert missing.status_code == 400


def test_erasure_waits_for_an_open_complaint_and_a_hold(client, manager) -> None:
    open_stage = ComplaintStageFactory()
    response = client.post(
        "/staff/privacy/requests/erasure",
        data={"reference": open_stage.feedback_item.reference, "decision": "erase"},
    )
    assert response.status_code == 303
    request = db.session.execute(select(PrivacyRequest)).scalar_one()
    assert request.decision == RequestDecision.REFUSED and "statutory" in request.reason


def test_correction_changes_contact_details_and_records_which(client, manager) -> None:
    item = FeedbackItemFactory(contact=ContactFactory(name="Jo Blogs", email="old@example.org"))
    response = client.post(
        "/staff/privacy/requests/correction",
        data={"reference": item.reference, "name": "Jo Bloggs", "phone": "07700 900123"},
    )
    assert response.status_code == 303
    db.session.refresh(item.contact)
    assert (item.contact.name, item.contact.phone) == ("Jo Bloggs", "+447700900123")
    request = db.session.execute(select(PrivacyRequest)).scalar_one()
    assert request.reason == "Corrected: name, phone." and "Bloggs" not in request.reason
    nothing = client.post("/staff/privacy/requests/correction", data={"reference": item.reference})
    assert nothing.status_code == 400
    too_long = client.post(
        "/staff/privacy/requests/correction",
        data={"reference": item.reference, "name": "x" * 5000, "postal_address": "y" * 9000},
    )
    assert too_long.status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/privacy", "/privacy/children-and-young-people", "/accessibility", "/cookies"],
)
def test_the_notices_are_public_and_name_the_organisation(make_app, url) -> None:
    app = make_app(
        ORGANISATION_NAME="Northshire Council",
        ORGANISATION_EMAIL="listen@northshire.example",
        ORGANISATION_PHONE="01234 567890",
    )
    with app.app_context():
        response = app.test_client().get(url)
    assert response.status_code == 200
    assert "Northshire Council" in response.text
    assert "listen@northshire.example" in response.text


def test_every_public_page_links_the_notices_in_its_footer(client) -> None:
    for url in ("/", "/child", "/adult", "/hide-your-visit", "/privacy", "/no-such-page"):
        page = client.get(url).text
        for link in (
            'href="/privacy"',
            'href="/privacy/children-and-young-people"',
            'href="/accessibility"',
            'href="/cookies"',
        ):
            assert link in page, (url, link)
        assert "feedback@example.org" in page


def test_the_notices_show_the_schedule_in_force(make_app) -> None:
    years = {"complaint": 7, "compliment": 3, "comment": 3, "audit": 2, "safeguarding": 30}
    app = make_app(RETENTION_YEARS=years)
    with app.app_context():
        text = app.test_client().get("/privacy").text
    assert "complaints: 7 years" in text and "30 years" in text


def test_search_by_name_and_reference_and_wildcards_are_plain_text(client, manager) -> None:
    items = _person_items()
    _someone_else()
    by_name = client.post("/staff/privacy/subject-access", data={"name": "jo  bloggs"}).text
    assert items["email"].reference in by_name and items["web"].reference in by_name
    assert items["sms"].reference not in by_name
    by_reference = client.post(
        "/staff/privacy/subject-access", data={"reference": items["sms"].reference.lower()}
    ).text
    assert items["sms"].reference in by_reference and items["web"].reference not in by_reference
    wildcard = client.post("/staff/privacy/subject-access", data={"name": "%"}).text
    assert "Nothing matches." in wildcard


def test_erasure_is_refused_while_a_legal_hold_stands(client, manager) -> None:
    item = FeedbackItemFactory(message="Keep this")
    client.post("/staff/privacy/holds", data={"reference": item.reference, "reason": "Inquiry"})
    client.post(
        "/staff/privacy/requests/erasure", data={"reference": item.reference, "decision": "erase"}
    )
    request = db.session.execute(select(PrivacyRequest)).scalar_one()
    assert request.decision == RequestDecision.REFUSED and "legal hold" in request.reason
    db.session.refresh(item)
    assert item.anonymised_at is None


def test_a_search_says_what_was_anonymised(app, client, manager, sign_in) -> None:
    items = _person_items()
    retention.apply_retention(datetime(2034, 1, 1, tzinfo=UTC))
    # Seen from 2034, today's session is long over: the run deleted it with its address.
    assert client.get("/staff/privacy/subject-access").status_code == 302
    assert sign_in(client, manager, steps_ahead=1).status_code == 302  # a code not yet used
    response = client.post(
        "/staff/privacy/subject-access", data={"reference": items["web"].reference}
    )
    assert "anonymised" in response.text
