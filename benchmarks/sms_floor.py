"""The floor for benchmarks/sms_webhook.py: the least an SMS webhook on Heard's stack can do.

Flask under the same gunicorn worker settings, SQLAlchemy Core over psycopg with a pool and
hiredis-backed redis-py, as Heard uses: parse the form, check the Twilio signature with
twilio's RequestValidator, one INSERT (autocommit, so one round trip; a repeated MessageSid
is left alone by ON CONFLICT, so the floor stores each text once too), one LPUSH to Redis,
and an empty TwiML answer. No threads, no opt-outs, no replies, no classification job.

Run by the benchmark as `gunicorn sms_floor:app` from this folder, with FLOOR_DATABASE_URL,
REDIS_URL, TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL set; `create_table()` makes its table.
"""

import os

from flask import Flask, Response, abort, request
from redis import Redis
from sqlalchemy import Engine, create_engine, text
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

PATH = "/sms/inbound"
LIST = "floor:inbound"
CREATE = """
CREATE TABLE floor_message (
    id bigserial PRIMARY KEY,
    external_id varchar(64) NOT NULL UNIQUE,
    sender varchar(64),
    body text NOT NULL,
    received_at timestamptz NOT NULL
)
"""
INSERT = text(
    "INSERT INTO floor_message (external_id, sender, body, received_at) "
    "VALUES (:sid, :sender, :body, now()) ON CONFLICT (external_id) DO NOTHING"
)


def create_table(database_url: str) -> None:
    engine = _engine(database_url)
    with engine.connect() as connection:
        connection.execute(text("DROP TABLE IF EXISTS floor_message"))
        connection.execute(text(CREATE))
    engine.dispose()


def _engine(database_url: str) -> Engine:
    return create_engine(database_url, isolation_level="AUTOCOMMIT")


def create_floor() -> Flask:
    floor = Flask(__name__)
    engine = _engine(os.environ["FLOOR_DATABASE_URL"])
    queue = Redis.from_url(os.environ["REDIS_URL"])
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    public_url = os.environ["PUBLIC_BASE_URL"] + PATH

    @floor.post(PATH)
    def inbound() -> Response:
        form = request.form
        if not validator.validate(public_url, form, request.headers.get("X-Twilio-Signature")):
            abort(403)
        with engine.connect() as connection:
            connection.execute(
                INSERT, {"sid": form["MessageSid"], "sender": form["From"], "body": form["Body"]}
            )
        queue.lpush(LIST, form["MessageSid"])
        return Response(str(MessagingResponse()), mimetype="text/xml")

    @floor.get("/healthz")
    def healthz() -> str:
        return "ok"

    return floor


if os.environ.get("FLOOR_DATABASE_URL"):
    app = create_floor()
