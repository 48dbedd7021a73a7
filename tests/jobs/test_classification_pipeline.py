"""Store first, classify after: with the worker stopped or Redis down, nothing is lost and
nothing is processed twice. These run against the real Redis and a real RQ worker."""

import itertools
from datetime import UTC, datetime

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

import classifiers
from app.extensions import db
from app.jobs import QUEUES
from app.jobs.classify import classify_message, sweep_unclassified
from app.models import Classification, ClassificationState, Message, SafeguardingAlert
from app.services.intake.ingestion import ingest
from channels.base import FeedbackDetails, InboundMessage
from classifiers import Prediction

_ids = itertools.count(1)


class CountingClassifier:
    """A stand-in model that records every message it reads."""

    version = "test-counting-1"
    calls: list[str] = []

    def predict(self, text: str) -> Prediction:
        self.calls.append(text)
        return Prediction(
            model_version=self.version,
            themes=["delay"],
            safeguarding=False,
            scores={"delay": 0.9, "safeguarding": 0.01},
            evidence=[text[:20]],
        )


class BrokenClassifier:
    version = "test-broken-1"

    def predict(self, text: str) -> Prediction:
        raise RuntimeError("model failed to load")


classifiers.register("test-counting")(CountingClassifier)
classifiers.register("test-broken")(BrokenClassifier)


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    CountingClassifier.calls.clear()


def _message(text: str = "Nobody has called me back for six weeks.") -> InboundMessage:
    return InboundMessage(
        channel="web_adult",
        external_id=f"test-{next(_ids)}",
        text=text,
        received_at=datetime.now(UTC),
        raw_payload={"text": text},
        details=FeedbackDetails(kind="complaint", contact_role="parent"),
    )


def _classifications(message_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Classification)
        .where(Classification.message_id == message_id)
    )


def _drain(redis: Redis) -> None:
    queues = [Queue(name, connection=redis) for name in QUEUES]
    SimpleWorker(queues, connection=redis).work(burst=True)


def test_without_redis_the_job_runs_in_process_after_the_commit(make_app):
    app = make_app(CLASSIFIER="test-counting")
    with app.app_context():
        result = ingest(_message())
        message = db.session.get(Message, result.message.id)
        assert message.classification_state == ClassificationState.DONE
        assert message.feedback_item.themes == ["delay"]
        assert _classifications(message.id) == 1


def test_with_no_classifier_installed_the_message_is_marked_for_a_person(make_app):
    app = make_app(CLASSIFIER="")
    with app.app_context():
        result = ingest(_message())
        assert result.message.classification_state == ClassificationState.UNAVAILABLE
        assert result.message.classify_attempts == 1


def test_with_redis_the_request_only_enqueues_and_a_worker_classifies(make_app, redis, redis_url):
    app = make_app(CLASSIFIER="test-counting", REDIS_URL=redis_url)
    with app.app_context():
        message_id = ingest(_message()).message.id
        assert Queue("urgent", connection=redis).count == 1
        assert CountingClassifier.calls == []
        assert db.session.get(Message, message_id).classification_state == "pending"

        _drain(redis)

        db.session.expire_all()
        assert db.session.get(Message, message_id).classification_state == "done"
        assert _classifications(message_id) == 1


def test_with_the_worker_stopped_feedback_waits_and_is_classified_once_it_returns(
    make_app, redis, redis_url
):
    app = make_app(CLASSIFIER="test-counting", REDIS_URL=redis_url)
    with app.app_context():
        ids = [ingest(_message(f"message {n}")).message.id for n in range(3)]
        # The sweeper runs while the worker is still down: it must not queue duplicates.
        app.config["CLASSIFY_SWEEP_AFTER_SECONDS"] = 0
        sweep_unclassified()
        assert Queue("urgent", connection=redis).count == 3

        _drain(redis)
        _drain(redis)

        db.session.expire_all()
        assert all(db.session.get(Message, i).classification_state == "done" for i in ids)
        assert sorted(CountingClassifier.calls) == ["message 0", "message 1", "message 2"]


def test_with_redis_down_feedback_is_stored_and_classified_once_redis_returns(
    make_app, redis, redis_url
):
    down = make_app(CLASSIFIER="test-counting", REDIS_URL="redis://127.0.0.1:1/0")
    with down.app_context():
        message_id = ingest(_message("Redis was down when I wrote this")).message.id
        stored = db.session.get(Message, message_id)
        assert stored.text == "Redis was down when I wrote this"
        assert stored.classification_state == ClassificationState.PENDING

    up = make_app(CLASSIFIER="test-counting", REDIS_URL=redis_url, CLASSIFY_SWEEP_AFTER_SECONDS=0)
    with up.app_context():
        assert sweep_unclassified() == 1
        _drain(redis)
        assert sweep_unclassified() == 0
        _drain(redis)

        message = db.session.get(Message, message_id)
        assert message.classification_state == ClassificationState.DONE
        assert _classifications(message_id) == 1
        assert CountingClassifier.calls == ["Redis was down when I wrote this"]


def test_a_job_lost_from_the_queue_is_picked_up_by_the_sweeper(make_app, redis, redis_url):
    app = make_app(CLASSIFIER="test-counting", REDIS_URL=redis_url)
    with app.app_context():
        message_id = ingest(_message()).message.id
        redis.flushdb()  # a Redis restart without persistence, or a worker killed mid-job

        assert sweep_unclassified() == 0  # too recent: its job may still be on its way
        app.config["CLASSIFY_SWEEP_AFTER_SECONDS"] = 0
        assert sweep_unclassified() == 1
        _drain(redis)

        db.session.expire_all()
        assert db.session.get(Message, message_id).classification_state == "done"


def test_running_the_job_twice_classifies_once(make_app):
    app = make_app(CLASSIFIER="test-counting")
    with app.app_context():
        message_id = ingest(_message()).message.id
        classify_message(message_id)
        classify_message(message_id)
        assert _classifications(message_id) == 1
        assert len(CountingClassifier.calls) == 1


def test_messages_that_arrived_before_a_classifier_was_installed_are_classified_later(make_app):
    before = make_app(CLASSIFIER="")
    with before.app_context():
        message_id = ingest(_message()).message.id
    after = make_app(CLASSIFIER="test-counting")
    with after.app_context():
        assert sweep_unclassified() == 1
        assert db.session.get(Message, message_id).classification_state == "done"


def test_a_model_that_keeps_failing_leaves_the_message_for_a_person(make_app):
    app = make_app(CLASSIFIER="test-broken", CLASSIFY_MAX_ATTEMPTS=2)
    with app.app_context():
        message_id = ingest(_message()).message.id  # in-process attempt 1 fails, is logged
        message = db.session.get(Message, message_id)
        assert message.classification_state == ClassificationState.PENDING
        assert message.classify_attempts == 1

        app.config["CLASSIFY_SWEEP_AFTER_SECONDS"] = 0
        sweep_unclassified()  # attempt 2 fails: the limit is reached

        db.session.expire_all()
        message = db.session.get(Message, message_id)
        assert message.classification_state == ClassificationState.FAILED
        assert message.text  # still stored, still readable


class FlaggingClassifier:
    version = "test-flagging-1"

    def predict(self, text: str) -> Prediction:
        return Prediction(
            model_version=self.version,
            themes=["delay"],
            safeguarding=True,
            scores={"delay": 0.8, "safeguarding": 0.99},
            evidence=["he hits me"],
            safeguarding_types=["physical_abuse"],
        )


classifiers.register("test-flagging")(FlaggingClassifier)


def test_a_flagged_message_raises_one_alert_with_its_evidence(make_app):
    app = make_app(CLASSIFIER="test-flagging")
    with app.app_context():
        message_id = ingest(
            _message("The wait is long. Also he hits me when mum is out.")
        ).message.id
        classify_message(message_id)  # a second run must not raise a second alert

        alerts = db.session.scalars(select(SafeguardingAlert)).all()
        assert len(alerts) == 1
        assert alerts[0].message_id == message_id
        assert alerts[0].status == "open"
        assert alerts[0].subtypes == ["physical_abuse"]
        assert alerts[0].evidence == ["he hits me"]
        assert alerts[0].score == 0.99


def test_an_unflagged_message_raises_no_alert(make_app):
    app = make_app(CLASSIFIER="test-counting")
    with app.app_context():
        ingest(_message())
        assert db.session.scalars(select(SafeguardingAlert)).all() == []


def _unloadable() -> classifiers.Classifier:
    raise OSError("model weights missing")


classifiers.register("test-unloadable")(_unloadable)


def test_a_model_that_cannot_load_counts_failed_attempts_until_a_person_reads_it(make_app):
    app = make_app(CLASSIFIER="test-unloadable", CLASSIFY_MAX_ATTEMPTS=2)
    with app.app_context():
        message_id = ingest(_message()).message.id
        app.config["CLASSIFY_SWEEP_AFTER_SECONDS"] = 0
        sweep_unclassified()

        db.session.expire_all()
        message = db.session.get(Message, message_id)
        assert message.classify_attempts == 2
        assert message.classification_state == ClassificationState.FAILED
