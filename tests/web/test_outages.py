"""Outages delay, never lose: every door with Redis down, and with PostgreSQL down for 20
seconds, against real servers of the test's own that it stops and starts."""

import itertools
import time
import uuid
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

import classifiers
from app.extensions import db
from app.models import ClassificationState, Direction, Message
from app.services.intake import receiving, spool
from channels.email_webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from classifiers import Prediction

TOKEN = "test-auth-token"
BASE = "https://heard.example.org"
SECRET = "email-webhook-secret-0123456789"
API_TOKEN = "test-partner-token-0123456789abcdef"
_numbers = itertools.count(1)


class QuietClassifier:
    """A stand-in model that reads everything and flags nothing."""

    version = "test-quiet-1"

    def predict(self, text: str) -> Prediction:
        return Prediction(self.version, [], False, {"safeguarding": 0.01})


classifiers.register("test-quiet")(QuietClassifier)


def _config(**overrides: object) -> dict[str, object]:
    return {
        "PUBLIC_BASE_URL": BASE,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "EMAIL_WEBHOOK_SECRET": SECRET,
        "CLASSIFIER": "test-quiet",
        **overrides,
    }


def _post_child(client, text: str):
    return client.post(
        "/child", data={"submission_id": str(uuid.uuid4()), "topic": "good", "text": text}
    )


def _post_adult(client, text: str):
    return client.post(
        "/adult",
        data={
            "submission_id": str(uuid.uuid4()),
            "kind": "comment",
            "role": "parent",
            "for_whom": "self",
            "text": text,
            "contact": "none",
        },
    )


def _post_api(client, text: str):
    return client.post(
        "/api/v1/feedback",
        json={"external_id": str(uuid.uuid4()), "kind": "comment", "text": text},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )


def _post_sms(client, text: str):
    form = {
        "MessageSid": f"SM{uuid.uuid4().hex}",
        "AccountSid": "AC" + "0" * 32,
        "From": f"+4477009{next(_numbers):05d}",
        "To": "+447700900999",
        "Body": text,
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/inbound", form)
    return client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})


def _post_email(client, text: str):
    message = EmailMessage()
    message["From"] = "Parent <parent@example.org>"
    message["To"] = "feedback@heard.example"
    message["Subject"] = "Feedback"
    message["Message-ID"] = f"<{uuid.uuid4()}@example.org>"
    message.set_content(text)
    body = bytes(message)
    stamp = str(int(time.time()))
    headers = {
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: "sha256=" + sign(SECRET, stamp, body),
        "Content-Type": "message/rfc822",
    }
    return client.post("/email/inbound", data=body, headers=headers)


DOORS = {
    "child": (_post_child, {303}),
    "adult": (_post_adult, {303}),
    "api": (_post_api, {201, 202}),
    "sms": (_post_sms, {200}),
    "email": (_post_email, {201, 202}),
}


def _inbound_texts() -> list[str]:
    query = select(Message.text).where(Message.direction == Direction.INBOUND)
    return list(db.session.scalars(query))


def test_with_redis_down_every_door_takes_feedback_and_staff_can_sign_in(
    make_app, scratch_redis, make_staff, sign_in
):
    app = make_app(
        **_config(
            REDIS_URL=scratch_redis.url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=scratch_redis.url,
        )
    )
    scratch_redis.stop()
    with app.app_context():
        client = app.test_client()
        sent = []
        for round_number in range(4):
            for door, (post, statuses) in DOORS.items():
                words = f"{door} message {round_number} while Redis is down"
                response = post(client, words)
                assert response.status_code in statuses, (door, response.status_code)
                sent.append(words)
        assert sorted(_inbound_texts()) == sorted(sent)
        # Nothing was classified (no queue), and nothing is lost: the sweeper has them all.
        pending = select(func.count()).where(
            Message.direction == Direction.INBOUND, Message.classification_state == "pending"
        )
        assert db.session.scalar(pending) == len(sent)

        staff = make_staff()
        assert sign_in(client, staff).status_code == 302
        assert client.get("/staff/").status_code == 200


def test_with_the_database_down_for_20_seconds_every_accepted_post_is_stored_once(
    make_app, scratch_postgres, tmp_path
):
    app = make_app(
        **_config(SQLALCHEMY_DATABASE_URI=scratch_postgres.url, SPOOL_DIR=str(tmp_path / "spool"))
    )
    client = app.test_client()
    accepted: list[str] = []

    def post_round(label: str) -> None:
        for door, (post, statuses) in DOORS.items():
            words = f"{door} message {label}"
            response = post(client, words)
            assert response.status_code in statuses, (door, label, response.status_code)
            assert response.status_code < 500
            # A server closes each response once sent; jobs deferred until then run now.
            response.close()
            accepted.append(words)

    with app.app_context():
        post_round("before")
        scratch_postgres.stop()
        down_since = time.monotonic()
        rounds = 0
        while time.monotonic() - down_since < 20:
            post_round(f"during outage {rounds}")
            rounds += 1
            time.sleep(0.5)
        assert len(spool.waiting()) == 5 * rounds
        # Staff see a page that explains, not a bare error.
        staff_page = client.get("/staff/")
        assert staff_page.status_code in (302, 503)
        scratch_postgres.start()

        summary = receiving.replay_spool()
        assert summary.replayed == 5 * rounds and summary.waiting == 0
        # A second replay (or a cut-short one) stores nothing twice.
        assert receiving.replay_spool().replayed == 0

        texts = _inbound_texts()
        assert sorted(texts) == sorted(accepted)
        states = set(
            db.session.scalars(
                select(Message.classification_state).where(Message.direction == "inbound")
            )
        )
        assert states == {ClassificationState.DONE}


def test_a_signed_in_member_of_staff_sees_an_explanation_when_the_database_is_down(
    make_app, scratch_postgres, make_staff, sign_in
):
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_postgres.url)
    client = app.test_client()
    with app.app_context():
        staff = make_staff()
        assert sign_in(client, staff).status_code == 302
        scratch_postgres.stop()
        page = client.get("/staff/")
        assert page.status_code == 503
        assert "cannot reach its database" in page.text
        assert "Internal Server Error" not in page.text
        assert 'href="/child"' not in page.text  # no way to the children's form from here
        scratch_postgres.start()


@pytest.mark.parametrize("door", sorted(DOORS))
def test_a_spooled_message_that_cannot_be_read_is_kept_aside_not_lost(app, tmp_path, door):
    app.config["SPOOL_DIR"] = str(tmp_path)
    name = spool.write(door, {"nonsense": True})
    assert receiving.replay_spool().replayed == 0
    assert not (tmp_path / name).exists()
    assert (tmp_path / name).with_suffix(".unreadable").exists()
