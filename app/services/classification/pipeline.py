"""Running the classifier over stored messages, and catching any that were never classified."""

import logging
import threading
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select

import classifiers
from app.database import utcnow
from app.extensions import db
from app.jobs.alerts import alert_raised
from app.models import (
    AlertSource,
    Classification,
    ClassificationState,
    Direction,
    Message,
    SafeguardingAlert,
)
from app.services.classification.corrections import themes_to_add
from app.services.classification.themes import add_item_themes
from classifiers import Prediction

log = logging.getLogger(__name__)


def classify_message(message_id: int) -> ClassificationState | None:
    """Classify one stored message and apply the result. Safe to run twice: a done message is
    left alone. Returns the state the message ends in, or None if there is no such message."""
    message = db.session.execute(
        select(Message).where(Message.id == message_id).with_for_update()
    ).scalar_one_or_none()
    if message is None:
        return None
    if message.classification_state == ClassificationState.DONE:
        db.session.rollback()
        return ClassificationState.DONE
    message.classify_attempts += 1
    try:
        # Loading a model can fail as well as running one; both count as a failed attempt.
        classifier = classifiers.get(current_app.config["CLASSIFIER"])
        if classifier is None:
            message.classification_state = ClassificationState.UNAVAILABLE
            db.session.commit()
            return message.classification_state
        prediction = classifier.predict(message.text)
    except Exception:
        db.session.rollback()
        _count_failed_attempt(message_id)
        raise
    db.session.add(
        Classification(
            message=message,
            model_version=prediction.model_version,
            scores=prediction.scores,
            themes=prediction.themes,
            safeguarding=prediction.safeguarding,
            evidence=prediction.evidence,
        )
    )
    item = message.feedback_item
    assert item is not None, "a classified message belongs to an item"
    # Locked, so a staff correction being saved now is not overwritten with the old themes.
    db.session.refresh(item, with_for_update=True)
    add_item_themes(item, themes_to_add(item, prediction.themes))
    alert = _raise_alert(message, prediction) if prediction.safeguarding else None
    message.classification_state = ClassificationState.DONE
    message.classified_at = utcnow()
    db.session.commit()
    if alert is not None:
        _enqueue_follow_up(alert.id)
    return message.classification_state


def _raise_alert(message: Message, prediction: Prediction) -> SafeguardingAlert:
    alert = SafeguardingAlert(
        feedback_item=message.feedback_item,
        message=message,
        source=AlertSource.CLASSIFIER,
        subtypes=prediction.safeguarding_types,
        evidence=prediction.evidence,
        score=prediction.scores.get("safeguarding"),
        model_version=prediction.model_version,
    )
    db.session.add(alert)
    return alert


def _enqueue_follow_up(alert_id: int) -> None:
    # The alert is committed and in the urgent queue for reviewers whatever happens here.
    alert_raised.delay_or_log(alert_id)


def _count_failed_attempt(message_id: int) -> None:
    message = db.session.get(Message, message_id)
    if message is None:
        return
    message.classify_attempts += 1
    if message.classify_attempts >= current_app.config["CLASSIFY_MAX_ATTEMPTS"]:
        message.classification_state = ClassificationState.FAILED
    db.session.commit()


def record_failure(message_id: int) -> None:
    """Mark a message whose classification keeps failing, so a person reads it instead."""
    message = db.session.get(Message, message_id)
    if message and message.classification_state != ClassificationState.DONE:
        message.classification_state = ClassificationState.FAILED
        db.session.commit()


def _classifier_loads(name: str) -> bool:
    try:
        return classifiers.get(name) is not None
    except Exception:
        log.exception("classifier %s cannot be loaded", name)
        return False


def messages_to_sweep() -> list[int]:
    """Inbound messages that should have been classified by now and were not.

    Pending ones older than the sweep delay (their job was lost: Redis down, worker killed),
    and, once a classifier is installed, those that arrived while there was none.
    """
    config = current_app.config
    cutoff = utcnow() - timedelta(seconds=config["CLASSIFY_SWEEP_AFTER_SECONDS"])
    states = [ClassificationState.PENDING]
    if _classifier_loads(config["CLASSIFIER"]):
        states.append(ClassificationState.UNAVAILABLE)
    stale = or_(
        Message.classification_state != ClassificationState.PENDING,
        Message.stored_at < cutoff,
    )
    query = (
        select(Message.id, Message.classify_attempts)
        .where(Message.direction == Direction.INBOUND)
        .where(Message.classification_state.in_(states))
        .where(stale)
        .order_by(Message.id)
        .limit(1000)
    )
    due: list[int] = []
    for message_id, attempts in db.session.execute(query):
        if attempts >= config["CLASSIFY_MAX_ATTEMPTS"]:
            record_failure(message_id)
        else:
            due.append(message_id)
    return due


def warm_up_in_background(app: Flask) -> None:
    """Load the classifier on a thread now, when this process will classify (no Redis), so
    the first message after a start does not wait seconds for the model."""
    if app.config["REDIS_URL"] is not None or not app.config["CLASSIFIER"]:
        return
    name = app.config["CLASSIFIER"]
    threading.Thread(target=_classifier_loads, args=(name,), daemon=True).start()
