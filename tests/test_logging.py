"""Logs: JSON lines with a request id, and no personal data in any of them, whichever door a
child's words come through (the public forms, a text, an email) and whatever happens next in
the same process (classification, the alert, the acknowledgements)."""

import io
import itertools
import json
import logging
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from rq import Queue, SimpleWorker
from twilio.request_validator import RequestValidator

import classifiers
from app import logs
from app.jobs import QUEUES
from channels.email_webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from classifiers import Prediction
from tests.conftest import TEST_REDIS_URL

NAME = "Tallulah Featherstonehaugh"
FIRST_NAME = "Tallulah"
SURNAME = "Featherstonehaugh"
PHONE = "07700 900461"
PHONE_E164 = "+447700900461"
EMAIL = "tallulah.fh@example.org"
WORDS = "my uncle Bartholomew hits me when mum is at the caravan"
ADDRESS = "14 Wisteria Lane"
CASE = "C-2026-4417"
# The duty team, told of every alert: staff contact details stay out of the logs too.
DUTY_EMAIL = "duty.reviewer@heard.example"
DUTY_PHONE = "+447700900777"
# Every form each of them could take in a log line.
PERSONAL = [
    NAME,
    FIRST_NAME,
    SURNAME,
    PHONE,
    PHONE_E164,
    PHONE.replace(" ", ""),
    "7700900461",
    EMAIL,
    "tallulah.fh",
    WORDS,
    "Bartholomew",
    "caravan",
    ADDRESS,
    "Wisteria",
    CASE,
    DUTY_EMAIL,
    DUTY_PHONE,
    "7700900777",
]

TWILIO_TOKEN = "test-auth-token"
BASE = "https://heard.example.org"
EMAIL_SECRET = "email-webhook-secret-for-tests-0123456789"
_sids = itertools.count(1)


class FlagsEverything:
    """A stand-in model that flags every message, so the whole alert path runs and logs."""

    version = "test-logging-1"

    def predict(self, text: str, channel: str | None = None) -> Prediction:
        return Prediction(
            model_version=self.version,
            themes=["communication"],
            safeguarding=True,
            scores={"safeguarding": 0.99, "communication": 0.8},
            evidence=[text[:40]],
            safeguarding_types=["physical_abuse"],
        )


classifiers.register("test-logging")(FlagsEverything)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything any logger writes, at every level, formatted as production's JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.ContextFilter())
    # Not Heard's: the test's own SMTP server (aiosmtpd) logs every line it is sent.
    handler.addFilter(lambda record: not record.name.startswith("mail.log"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def parsed(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def doors(make_app, fake_twilio, smtp_server):
    """An app with every door open, classifying in-process, sending to loopback fakes."""
    _, api_base = fake_twilio
    _, smtp = smtp_server
    app = make_app(
        PUBLIC_BASE_URL=BASE,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_FROM_NUMBER="+447700900999",
        TWILIO_API_BASE=api_base,
        EMAIL_WEBHOOK_SECRET=EMAIL_SECRET,
        CLASSIFIER="test-logging",
        SAFEGUARDING_FALLBACK_CONTACTS=f"{DUTY_EMAIL},{DUTY_PHONE}",
        **smtp,
    )
    with app.app_context():
        yield app.test_client()


def _submission_id(page: str) -> str:
    match = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page)
    assert match
    return match.group(1)


def post_child_form(client) -> None:
    answers = {
        "submission_id": _submission_id(client.get("/child").text),
        "topic": "worrying",
        "text": f"{WORDS}. I live at {ADDRESS}. I am {NAME}.",
        "name": NAME,
        "contact": "sms",
        "phone": PHONE,
    }
    assert client.post("/child", data=answers).status_code == 303


def post_adult_form(client) -> None:
    answers = {
        "submission_id": _submission_id(client.get("/adult").text),
        "kind": "complaint",
        "role": "parent",
        "for_whom": "self",
        "text": f"{WORDS}. Case {CASE}. Ring me on {PHONE}.",
        "contact": "email",
        "email": EMAIL,
        "name": NAME,
        "case_reference": CASE,
    }
    assert client.post("/adult", data=answers).status_code == 303
    # And a form refused for a bad answer, with the personal data still in it.
    answers["email"] = f"{NAME} at {EMAIL} not an address"
    answers["submission_id"] = _submission_id(client.get("/adult").text)
    assert client.post("/adult", data=answers).status_code == 422


def send_text(client, body: str, signed: bool = True) -> int:
    form = {
        "MessageSid": f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": PHONE_E164,
        "To": "+447700900999",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(BASE + "/sms/inbound", form)
    headers = {"X-Twilio-Signature": signature if signed else "forged"}
    return client.post("/sms/inbound", data=form, headers=headers).status_code


def send_email(client, signed: bool = True) -> int:
    message = EmailMessage()
    message["From"] = f"{NAME} <{EMAIL}>"
    message["To"] = "feedback@heard.example"
    message["Subject"] = f"About {NAME}, {PHONE}"
    message["Message-ID"] = "<logging-test-1@example.org>"
    message.set_content(f"{WORDS}.\n\nCase {CASE}\n{NAME}\n{ADDRESS}\n{PHONE}")
    body = bytes(message)
    timestamp = str(int(time.time()))
    secret = EMAIL_SECRET if signed else "not-the-secret"
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: "sha256=" + sign(secret, timestamp, body),
        "Content-Type": "message/rfc822",
    }
    return client.post("/email/inbound", data=body, headers=headers).status_code


def test_no_personal_data_reaches_a_log_line(doors, log_lines):
    post_child_form(doors)
    post_adult_form(doors)
    assert send_text(doors, f"{WORDS}. I'm {NAME}, {ADDRESS}, email {EMAIL}") == 200
    assert send_text(doors, f"{NAME} again", signed=False) == 403
    assert send_email(doors) == 201
    assert send_email(doors, signed=False) == 403

    lines = parsed(log_lines)
    text = log_lines.getvalue()
    # The doors were logged (a line per request, and what classification and the alerts did)...
    assert len(lines) >= 10
    assert {line["route"] for line in lines if line["logger"] == "heard.request"} >= {
        "/child",
        "/adult",
        "/sms/inbound",
        "/email/inbound",
    }
    # ... and not one line carries a name, a number, an address or the words themselves.
    leaks = [value for value in PERSONAL if value.lower() in text.lower()]
    assert leaks == [], f"personal data in the logs: {leaks}"


def test_a_link_secret_and_the_whole_client_address_stay_out_of_refusal_lines(make_app, log_lines):
    """A refused request is logged for the operator with its route and the client's network:
    the path would carry a single-use link's secret, and the address singles out a person."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="2 per minute")
    client = app.test_client()
    secret = "S3cr3tAuditLinkToken0123456789abcdef"
    env = {"REMOTE_ADDR": "203.0.113.57"}
    statuses = [
        client.post(f"/how-did-we-do/{secret}", data={"x": "y"}, environ_base=env).status_code
        for _ in range(4)
    ]

    assert 429 in statuses
    refusals = [line for line in parsed(log_lines) if "refused" in line["message"]]
    assert refusals, "the refusal was not logged"
    assert any("/how-did-we-do/<token>" in line["message"] for line in refusals)
    assert any("203.0.113.0/24" in line["message"] for line in refusals)
    text = log_lines.getvalue()
    assert secret not in text
    assert "203.0.113.57" not in text


def test_each_line_is_json_with_the_request_id_and_the_response_says_it(doors, log_lines):
    response = doors.get("/child", headers={"X-Request-ID": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"})

    assert response.headers["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    [line] = [line for line in parsed(log_lines) if line["logger"] == "heard.request"]
    assert line["request_id"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert line["route"] == "/child" and line["status"] == 200 and line["method"] == "GET"
    assert line["level"] == "INFO" and line["time"] and line["duration_ms"] >= 0


def test_the_request_id_follows_the_work_into_the_log_lines_it_causes(doors, log_lines):
    assert send_text(doors, "nobody rings back", signed=False) == 403

    lines = parsed(log_lines)
    refusal = next(line for line in lines if "without a valid Twilio signature" in line["message"])
    request_line = next(line for line in lines if line["logger"] == "heard.request")
    assert refusal["request_id"] == request_line["request_id"] is not None


@pytest.mark.parametrize(
    "given",
    [
        "",
        "short",
        PHONE_E164,
        "447700900461",
        EMAIL,
        f"{NAME} was here",
        "a" * 65,
        "0f1e2d3c4b5a6978;X-Injected=1",
        "ünïcödé-request-id-0123456789",
    ],
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(doors, given):
    response = doors.get("/child", headers={"X-Request-ID": given})

    issued = response.headers["X-Request-ID"]
    assert issued != given
    assert re.fullmatch(r"[0-9a-f]{32}", issued)


def test_a_request_id_is_issued_when_none_is_given(doors):
    first = doors.get("/child").headers["X-Request-ID"]
    second = doors.get("/child").headers["X-Request-ID"]
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{32}", first)


def test_a_job_logs_with_the_id_of_the_request_that_queued_it(make_app, redis, log_lines):
    app = make_app(REDIS_URL=TEST_REDIS_URL, CLASSIFIER="test-logging")
    request_id = "5c0ffee0-1234-4abc-8def-0123456789ab"
    with app.app_context():
        client = app.test_client()
        answers = {
            "submission_id": _submission_id(client.get("/child").text),
            "topic": "worrying",
            "text": WORDS,
        }
        response = client.post("/child", data=answers, headers={"X-Request-ID": request_id})
        assert response.status_code == 303
        queues = [Queue(name, connection=redis) for name in QUEUES]
        SimpleWorker(queues, connection=redis).work(burst=True)

    in_jobs = [line for line in parsed(log_lines) if line.get("job_id")]
    # The classify job flagged it and raised an alert with nobody to tell: logged in the job.
    assert any("nobody to notify" in line["message"] for line in in_jobs)
    assert {line["request_id"] for line in in_jobs} == {request_id}
    assert WORDS not in log_lines.getvalue()
