"""Without Redis, every public door answers before the classifier runs: the message is committed,
the response sent, and only then does the process's job thread classify it, raise the alert and
send what follows. The crisis help a disclosure calls for comes from the rules, in the request.
"""

import logging
import threading

import pytest
from sqlalchemy import select

import classifiers
from app.extensions import db
from app.jobs import local
from app.jobs.classify import sweep_unclassified
from app.models import ClassificationState, Direction, Message, SafeguardingAlert
from classifiers import Prediction
from tests.web.test_outages import DOORS, _config

WAIT = 10.0  # seconds; only reached when something is broken
# Says "hits me" for the stand-in model; the rules flag it too, so crisis help is shown at once.
DISCLOSURE = "my mums boyfriend hits me when she is at work"


class Gate:
    """Holds the stand-in model inside predict() until the test releases it."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def reset(self) -> None:
        self.started.clear()
        self.release.clear()
        self.calls = 0


gate = Gate()


class BlockingClassifier:
    """A stand-in model that flags "hits me" but waits at the gate first."""

    version = "test-blocking-1"

    def predict(self, text: str) -> Prediction:
        gate.calls += 1
        gate.started.set()
        if not gate.release.wait(WAIT):
            raise TimeoutError("the test never released the classifier")
        flagged = "hits me" in text
        return Prediction(
            self.version, [], flagged, {"safeguarding": 0.95 if flagged else 0.02}, ["hits me"]
        )


classifiers.register("test-blocking")(BlockingClassifier)


@pytest.fixture
def threaded_app(make_app):
    gate.reset()
    app = make_app(**_config(CLASSIFIER="test-blocking", JOBS_IN_PROCESS="thread"))
    yield app
    # Never leave the job thread holding a connection into the next test's database.
    gate.release.set()
    assert local.drain(WAIT)


def _inbound(text: str) -> Message:
    db.session.rollback()  # read what other connections committed since
    return db.session.execute(
        select(Message).where(Message.direction == Direction.INBOUND, Message.text == text)
    ).scalar_one()


def _alerts() -> int:
    db.session.rollback()
    return len(db.session.scalars(select(SafeguardingAlert)).all())


@pytest.mark.parametrize("door", sorted(DOORS))
def test_every_door_answers_before_the_model_reads_the_message(threaded_app, door):
    post, statuses = DOORS[door]
    with threaded_app.app_context():
        client = threaded_app.test_client()
        response = post(client, f"{DISCLOSURE} ({door})")
        assert response.status_code in statuses
        # Answered, and committed: the model has not been asked yet.
        assert gate.calls == 0
        assert _inbound(f"{DISCLOSURE} ({door})").classification_state == (
            ClassificationState.PENDING
        )
        # The server closes the response once it is sent; only then does the model start.
        response.close()
        assert gate.started.wait(WAIT)
        assert _alerts() == 0
        gate.release.set()
        assert local.drain(WAIT)
        message = _inbound(f"{DISCLOSURE} ({door})")
        assert message.classification_state == ClassificationState.DONE
        assert _alerts() == 1
        assert gate.calls == 1


def test_a_child_sees_crisis_help_while_the_model_is_still_reading(threaded_app):
    post, _ = DOORS["child"]
    with threaded_app.app_context():
        client = threaded_app.test_client()
        sent = post(client, DISCLOSURE)
        sent.close()
        assert gate.started.wait(WAIT)  # the model holds the message now
        page = client.get("/child/sent")
        assert page.status_code == 200
        assert "You did the right thing telling us" in page.text
        assert 'href="tel:08001111"' in page.text
        assert _alerts() == 0
        gate.release.set()
        assert local.drain(WAIT)
        assert _alerts() == 1


def test_a_message_whose_job_died_with_the_process_is_swept_up(threaded_app):
    post, _ = DOORS["sms"]
    threaded_app.config["CLASSIFY_SWEEP_AFTER_SECONDS"] = 0
    with threaded_app.app_context():
        # Never closed: as if the process died between answering and classifying.
        post(threaded_app.test_client(), DISCLOSURE)
        assert local.depth() == 0 and gate.calls == 0
        gate.release.set()
        assert sweep_unclassified() == 1
        assert local.drain(WAIT)
        assert _inbound(DISCLOSURE).classification_state == ClassificationState.DONE
        assert _alerts() == 1
        assert gate.calls == 1


def test_the_same_job_is_queued_once_while_it_waits(threaded_app):
    post, _ = DOORS["api"]
    threaded_app.config["CLASSIFY_SWEEP_AFTER_SECONDS"] = 0
    with threaded_app.app_context():
        first = post(threaded_app.test_client(), "first message")
        second = post(threaded_app.test_client(), "second message")
        first.close()
        assert gate.started.wait(WAIT)  # the first is being read; the second waits behind it
        # The sweeper finds both still pending: neither is queued a second time.
        assert sweep_unclassified() == 2
        second.close()
        assert local.depth() == 2
        gate.release.set()
        assert local.drain(WAIT)
        assert gate.calls == 2


def test_a_failing_job_is_logged_by_name_and_type_without_its_message(app, caplog):
    said = "my name is Jo Bloggs and my number is 07700 900123"

    def failing(words: str) -> None:
        raise ValueError(words)

    with caplog.at_level(logging.ERROR, logger="app.jobs.local"):
        assert local.submit(app, local.LocalJob("failing-1", "failing", failing, (said,)))
        assert local.drain(WAIT)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "job failing failed in-process: ValueError" in logged
    assert "Jo Bloggs" not in logged and "07700" not in logged
    assert all(r.exc_info is None for r in caplog.records)
