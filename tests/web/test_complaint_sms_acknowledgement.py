"""A complaint that began as a text is acknowledged by text when its Stage 1 opens: the
reference, who will respond and by when, once, never to an opted-out number and never
repeating what the person wrote. Sent through the real twilio client to a fake API."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackItem, FeedbackKind, Message, Team
from app.services.complaints import stages
from app.services.complaints.stages import SMS_ACKNOWLEDGEMENT, Responder, sms_acknowledgement_text
from tests.web.test_sms import BASE, PHONE, TOKEN, text

WORDS = "My son's placement was moved without anyone telling me"


@pytest.fixture
def twilio(make_app, fake_twilio):
    """An app wired to the fake Twilio, its context pushed; yields the fake."""
    fake, api_base = fake_twilio
    app = make_app(
        PUBLIC_BASE_URL=BASE,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_FROM_NUMBER="+447700900999",
        TWILIO_API_BASE=api_base,
    )
    with app.app_context():
        fake.client = app.test_client()
        yield fake


def _texted_complaint(client, body: str = WORDS, sender: str = PHONE) -> FeedbackItem:
    """A text, then staff treating its thread as a complaint received on 19 December 2025."""
    assert text(client, body, sender=sender).status_code == 200
    item_id = db.session.scalars(
        select(Message.feedback_item_id).where(Message.sender == sender).limit(1)
    ).one()
    item = db.session.get(FeedbackItem, item_id)
    item.kind = FeedbackKind.COMPLAINT
    item.created_at = datetime(2025, 12, 19, 10, tzinfo=UTC)
    db.session.commit()
    return item


def _acknowledgements() -> list[Message]:
    query = select(Message).where(Message.purpose == SMS_ACKNOWLEDGEMENT)
    return list(db.session.scalars(query))


def test_opening_stage_1_texts_the_reference_who_and_when_once(twilio):
    item = _texted_complaint(twilio.client)
    item.team = Team(name="North")
    db.session.commit()
    before = len(twilio.sent)

    assert stages.open_missing_stage_ones() == 1
    stage = stages.open_stage_one(item)  # the lazy path, after the sweep
    assert stages.open_missing_stage_ones() == 0

    [sent] = twilio.sent[before:]
    assert sent["To"] == PHONE
    assert item.reference in sent["Body"]
    assert "A manager in North will respond by Wednesday 7 January." in sent["Body"]
    assert stage.due_on == date(2026, 1, 7)
    assert "placement" not in sent["Body"] and "son" not in sent["Body"]
    assert len(sent["Body"]) <= 320
    [stored] = _acknowledgements()
    assert stored.feedback_item_id == item.id and stored.delivery_status == "sent"


def test_no_text_to_an_opted_out_number(twilio):
    text(twilio.client, "STOP")
    item = _texted_complaint(twilio.client, "They never call back")
    before = len(twilio.sent)
    assert stages.open_stage_one(item) is not None
    assert twilio.sent[before:] == []
    assert _acknowledgements() == []


def test_a_complaint_that_did_not_begin_as_a_text_gets_no_text(twilio):
    item = FeedbackItem(
        reference="HD-1111-WEBB",
        kind=FeedbackKind.COMPLAINT,
        created_at=datetime(2025, 12, 19, 10, tzinfo=UTC),
        themes=[],
    )
    db.session.add(item)
    db.session.commit()
    assert stages.open_stage_one(item) is not None
    assert twilio.sent == []


def test_a_race_to_open_stage_1_texts_once(twilio, monkeypatch):
    item = _texted_complaint(twilio.client)
    before = len(twilio.sent)
    # Another process opens Stage 1, and texts, between our look and our insert.
    assert stages.open_stage_one(item) is not None
    real_lookup = stages._stage
    missed = []

    def lookup_missing_once(*args):
        if not missed:
            missed.append(True)
            return None
        return real_lookup(*args)

    monkeypatch.setattr(stages, "_stage", lookup_missing_once)
    assert stages.open_stage_one(item).stage == 1
    assert len(twilio.sent[before:]) == 1
    assert len(_acknowledgements()) == 1 and missed


def test_the_wording_names_the_manager_and_team(app):
    words = sms_acknowledgement_text(
        "HD-1234-ABCD", Responder("Morgan Manager", "North"), date(2026, 4, 7)
    )
    assert "Morgan Manager, of North, will respond by Tuesday 7 April." in words
