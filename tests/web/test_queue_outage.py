"""A child's message sent while Redis is down is stored and confirmed, then classified once
Redis is back: the queue delays work, it never loses it."""

import re

from rq import Queue, SimpleWorker
from sqlalchemy import select

import classifiers
from app.extensions import db
from app.jobs import QUEUES
from app.jobs.classify import sweep_unclassified
from app.models import ClassificationState, Message
from classifiers import Prediction


class ThemeClassifier:
    version = "test-outage-1"

    def predict(self, text: str) -> Prediction:
        return Prediction(self.version, ["communication"], False, {"communication": 0.9})


classifiers.register("test-outage")(ThemeClassifier)


def test_feedback_sent_while_redis_is_down_is_kept_and_classified_when_it_returns(
    make_app, redis, redis_url
):
    down = make_app(CLASSIFIER="test-outage", REDIS_URL="redis://127.0.0.1:1/0")
    client = down.test_client()
    page = client.get("/child").text
    submission_id = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page)[1]

    sent = client.post(
        "/child",
        data={"submission_id": submission_id, "topic": "worrying", "text": "Nobody rings me back"},
    )

    assert sent.status_code == 303
    assert "HD-" in client.get(sent.headers["Location"]).text
    with down.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        assert message.text == "Nobody rings me back"
        assert message.classification_state == ClassificationState.PENDING

    up = make_app(CLASSIFIER="test-outage", REDIS_URL=redis_url, CLASSIFY_SWEEP_AFTER_SECONDS=0)
    with up.app_context():
        sweep_unclassified()
        sweep_unclassified()
        SimpleWorker([Queue(q, connection=redis) for q in QUEUES], connection=redis).work(
            burst=True
        )
        message = db.session.execute(select(Message)).scalar_one()
        assert message.classification_state == ClassificationState.DONE
        assert len(message.classifications) == 1
        assert message.feedback_item.themes == ["communication"]
