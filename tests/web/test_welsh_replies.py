# ruff: noqa: RUF001 -- Welsh is written with curly apostrophes.
"""Every reply Heard writes itself goes in the person's language: a Welsh text is answered in
Welsh, on the same and later texts; a Welsh email is acknowledged in Welsh; the survey and the
help lines the model sends later follow the language stored on the contact."""

from datetime import date
from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.language import replying_in
from app.models import Contact, Direction, Message
from app.services.complaints import stages
from app.services.intake import email_conversations
from app.services.outbound import surveys
from app.services.safeguarding import help_lines
from tests.factories import SafeguardingAlertFactory
from tests.web.test_sms import PHONE, reply_of, sms, text  # noqa: F401 -- the sms fixture


def _contact() -> Contact:
    return db.session.execute(select(Contact)).scalar_one()


def _outbound() -> list[Message]:
    query = select(Message).where(Message.direction == Direction.OUTBOUND).order_by(Message.id)
    return list(db.session.scalars(query))


def test_a_welsh_text_is_answered_in_welsh_and_the_contact_keeps_welsh(sms):  # noqa: F811
    answer = reply_of(text(sms.client, "Helo, dw i isio siarad am fy ngweithiwr cymdeithasol"))
    assert answer.startswith("Heard: diolch, mae eich neges gyda ni. Eich cyfeirnod yw ")
    assert "Tecstiwch STOP" in answer
    assert _contact().language == "cy"
    [inbound] = db.session.scalars(select(Message).where(Message.direction == "inbound"))
    assert inbound.language == "cy"
    [reply] = _outbound()
    assert reply.language == "cy"


def test_a_later_text_that_says_no_language_is_answered_in_the_stored_one(sms):  # noqa: F811
    text(sms.client, "Mae’r adroddiad yn hwyr eto")
    answer = reply_of(text(sms.client, "HELP"))
    assert answer.startswith("Heard: tecstiwch ni am wasanaethau plant")
    assert _contact().language == "cy"


def test_a_welsh_disclosure_by_text_gets_the_help_lines_in_welsh(sms):  # noqa: F811
    answer = reply_of(text(sms.client, "Mae dad yn fy nharo i"))
    assert answer.startswith("Heard: diolch am ddweud wrthon ni. Os ydych chi")
    assert "Childline am ddim" in answer
    assert "0800 1111" in answer


def test_an_english_text_is_answered_in_english(sms):  # noqa: F811
    answer = reply_of(text(sms.client, "My worker has not called me back for weeks"))
    assert answer.startswith("Heard: thank you, we have your message.")
    assert _contact().language == "en"


def test_someone_who_switches_to_welsh_is_answered_in_welsh_from_then_on(sms):  # noqa: F811
    text(sms.client, "My worker has not called me back for weeks")
    text(sms.client, "Diolch, dw i isio siarad yn Gymraeg os gwelwch yn dda")
    assert _contact().language == "cy"
    assert reply_of(text(sms.client, "INFO")).startswith("Heard: tecstiwch ni")


def test_the_survey_goes_in_the_language_stored_for_the_number(sms):  # noqa: F811
    text(sms.client, "Diolch yn fawr am yr help i gyd")
    survey = surveys.send_audit_survey(PHONE)
    assert survey.text.startswith("Heard: sut wnaethon ni?")
    assert survey.language == "cy"


def test_the_help_lines_the_model_sends_later_are_in_welsh(sms):  # noqa: F811
    text(sms.client, "Diolch am eich help gyda’r achos")
    item = _contact()
    message = db.session.scalars(select(Message).where(Message.direction == "inbound")).one()
    alert = SafeguardingAlertFactory(
        feedback_item=message.feedback_item, message=message, subtypes=["self_harm"]
    )
    db.session.commit()
    assert item.language == "cy"
    sent = help_lines.send_by_text(alert)
    assert sent is not None
    assert sent.text.startswith("Heard: diolch am ddweud wrthon ni.")
    assert "Samariaid" in sent.text


def test_the_complaint_acknowledgement_by_text_is_in_welsh_with_a_welsh_date(app):
    with replying_in("cy"):
        words = stages.sms_acknowledgement_text(
            "HRD-1234", stages.Responder(manager=None, team=None), date(2026, 12, 2)
        )
    assert words == (
        "Heard: rydyn ni'n trin eich neges fel cwyn. Eich cyfeirnod yw HRD-1234. Bydd rheolwr "
        "cwynion yn ateb erbyn Dydd Mercher 2 Rhagfyr. Tecstiwch STOP i atal negeseuon."
    )


def _welsh_email() -> bytes:
    message = EmailMessage()
    message["From"] = "Rhiant <rhiant@example.org>"
    message["To"] = "adborth@heard.example.org"
    message["Subject"] = "Cwyn am yr adroddiad"
    message["Message-ID"] = "<cy1@example.org>"
    message.set_content(
        "Helo, dw i ddim yn hapus gyda’r adroddiad. Does neb wedi ffonio fi ers mis."
    )
    return message.as_bytes()


def test_a_welsh_email_is_acknowledged_in_welsh(app):
    result = email_conversations.receive_email(_welsh_email())
    assert result.message.language == "cy"
    [ack] = _outbound()
    assert ack.raw_payload["subject"].startswith("Eich adborth ")
    assert ack.text.startswith("Diolch am eich e-bost. Rydyn ni wedi ei gael.")
    assert "Eich cyfeirnod yw " in ack.text
    assert "Childline am ddim ar 0800 1111" in ack.text
    assert ack.language == "cy"
