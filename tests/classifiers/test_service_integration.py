"""The classify job with the real model: every score, the evidence and the themes are stored."""

from datetime import UTC, datetime

from app.extensions import db
from app.models import Classification, ClassificationState, Message
from app.services.intake.ingestion import ingest
from channels.base import FeedbackDetails, InboundMessage


def _message(text: str, external_id: str) -> InboundMessage:
    return InboundMessage(
        channel="sms",
        external_id=external_id,
        text=text,
        received_at=datetime.now(UTC),
        raw_payload={"text": text},
        details=FeedbackDetails(kind="complaint", contact_role="parent"),
    )


def test_a_disclosure_is_stored_with_its_scores_and_evidence(make_app):
    app = make_app(CLASSIFIER="minilm")
    with app.app_context():
        message_id = ingest(
            _message("still no call back after 6 wks. and my ex hits me", "minilm-1")
        ).message.id
        message = db.session.get(Message, message_id)
        assert message.classification_state == ClassificationState.DONE
        stored = db.session.query(Classification).filter_by(message_id=message_id).one()
        assert stored.model_version.startswith("heard-")
        assert stored.safeguarding is True
        assert "hits me" in stored.evidence
        assert {"communication", "bias", "delay", "safeguarding"} <= set(stored.scores)
        assert set(stored.themes) <= set(message.feedback_item.themes)


def test_a_missing_artefact_leaves_the_message_for_a_person(make_app):
    import classifiers

    app = make_app(CLASSIFIER="minilm-missing", CLASSIFIER_ARTEFACT="no-such-artefact")
    classifiers.register("minilm-missing")(classifiers._FACTORIES["minilm"])
    with app.app_context():
        result = ingest(_message("when is my hearing", "minilm-2"))
        assert result.message.classification_state == ClassificationState.UNAVAILABLE
