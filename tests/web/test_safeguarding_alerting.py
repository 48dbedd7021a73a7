"""Review targets, the rota, notifying the reviewer on duty and escalating with a fixed clock,
and the whole path through a real RQ worker, Twilio's client and an SMTP server."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from rq import Queue, SimpleWorker
from sqlalchemy import select

from app.extensions import db
from app.jobs.alerts import alert_raised, escalate_alerts
from app.jobs.periodic import PERIODIC
from app.models import (
    Message,
    RotaKind,
    SafeguardingAlert,
    StaffRole,
)
from app.services.safeguarding import alerts, rota
from tests.factories import SafeguardingAlertFactory

LONDON = ZoneInfo("Europe/London")
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_FROM_NUMBER": "+447700900999",
    "PUBLIC_BASE_URL": "https://heard.example.org",
}
SECRET = "my stepdad hits me"


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def app(make_app, fake_twilio, smtp_server):
    """An app whose texts and emails reach a fake Twilio and a real SMTP server on loopback,
    so notifications are sent, as they are in a working service."""
    _, api_base = fake_twilio
    _, smtp = smtp_server
    app = make_app(TWILIO_API_BASE=api_base, **TWILIO, **smtp)
    with app.app_context():
        yield app


@pytest.mark.parametrize(
    "received, minutes",
    [
        (london(2026, 11, 25, 10, 0), 60),  # a Wednesday morning
        (london(2026, 11, 25, 16, 59), 60),
        (london(2026, 11, 25, 17, 0), 240),  # after hours
        (london(2026, 11, 25, 8, 59), 240),
        (london(2026, 11, 28, 11, 0), 240),  # Saturday
        (london(2026, 12, 25, 11, 0), 240),  # Christmas Day, a Friday
    ],
)
def test_the_review_target_depends_on_office_hours(app, received, minutes):
    assert rota.review_target(received) == received + timedelta(minutes=minutes)


def test_the_targets_are_configurable(make_app):
    app = make_app(SAFEGUARDING_TARGET_MINUTES_DAY=15)
    with app.app_context():
        at = london(2026, 11, 25, 10, 0)
        assert rota.review_target(at) == at + timedelta(minutes=15)


@pytest.fixture
def staff(app, make_staff):
    """Three reviewers on the day rota in order, one out of hours, and a manager."""
    people = {
        "first": make_staff(StaffRole.SAFEGUARDING_REVIEWER),
        "second": make_staff(StaffRole.SAFEGUARDING_REVIEWER),
        "third": make_staff(StaffRole.SAFEGUARDING_REVIEWER),
        "night": make_staff(StaffRole.SAFEGUARDING_REVIEWER),
        "manager": make_staff(StaffRole.MANAGER),
    }
    starts, ends = london(2026, 11, 25, 9, 0), london(2026, 11, 25, 17, 0)
    for order, key in enumerate(["first", "second", "third"]):
        rota.set_shift(
            people[key].user_id, starts, ends, RotaKind.DAY, order, f"+44770090010{order}"
        )
    rota.set_shift(
        people["night"].user_id,
        london(2026, 11, 25, 17, 0),
        london(2026, 11, 26, 9, 0),
        RotaKind.OUT_OF_HOURS,
        0,
        "+447700900200",
    )
    return people


def _alert_at(received: datetime) -> SafeguardingAlert:
    """An alert on a text that names SECRET, which no notification may repeat."""
    return SafeguardingAlertFactory(
        created_at=received, evidence=[SECRET], feedback_item__message=f"{SECRET}, please help"
    )


def _notifications() -> list[Message]:
    query = select(Message).where(Message.purpose == "safeguarding_alert").order_by(Message.id)
    return list(db.session.execute(query).scalars())


def _recipients(batch: list[Message]) -> set[str]:
    return {m.recipient for m in batch}


def test_a_new_alert_goes_to_the_first_reviewer_on_duty_with_a_link_only(staff):
    received = london(2026, 11, 25, 10, 0)
    alert = _alert_at(received)
    assert rota.notify_new_alert(alert.id, received + timedelta(seconds=5)) == 2
    sent = _notifications()
    assert _recipients(sent) == {staff["first"].email, "+447700900100"}
    link = (
        "A safeguarding alert needs review: "
        f"{current_app.config['PUBLIC_BASE_URL']}/staff/safeguarding/{alert.id}"
    )
    for message in sent:
        assert message.text == link
        assert SECRET not in message.text and "please help" not in str(message.raw_payload)
        assert message.feedback_item_id is None
    # Telling them twice helps nobody.
    assert rota.notify_new_alert(alert.id, received + timedelta(seconds=6)) == 0


def test_out_of_hours_goes_to_the_out_of_hours_rota(staff):
    received = london(2026, 11, 25, 22, 0)
    alert = _alert_at(received)
    rota.notify_new_alert(alert.id, received)
    assert _recipients(_notifications()) == {staff["night"].email, "+447700900200"}


def test_with_nobody_on_the_rota_the_managers_are_told(app, make_staff):
    manager = make_staff(StaffRole.MANAGER)
    alert = _alert_at(london(2026, 11, 25, 10, 0))
    rota.notify_new_alert(alert.id, london(2026, 11, 25, 10, 0))
    assert _recipients(_notifications()) == {manager.email}


def test_an_unacknowledged_alert_escalates_until_someone_acknowledges_it(staff):
    received = london(2026, 11, 25, 10, 0)
    alert = _alert_at(received)
    rota.notify_new_alert(alert.id, received)
    told = len(_notifications())

    # Before the hour is up, nothing more is sent.
    assert rota.escalate_overdue(received + timedelta(minutes=59)) == []
    assert len(_notifications()) == told

    # At the target: the next reviewer and the manager.
    at_target = received + timedelta(minutes=60)
    assert rota.escalate_overdue(at_target) == [alert.id]
    batch = _notifications()[told:]
    assert _recipients(batch) == {staff["second"].email, "+447700900101", staff["manager"].email}
    told += len(batch)

    # Not again until the repeat interval has passed, then the next reviewer and the manager.
    assert rota.escalate_overdue(at_target + timedelta(minutes=14)) == []
    assert rota.escalate_overdue(at_target + timedelta(minutes=15)) == [alert.id]
    batch = _notifications()[told:]
    assert _recipients(batch) == {staff["third"].email, "+447700900102", staff["manager"].email}
    told += len(batch)

    # Someone acknowledges: no more escalation, however late it gets.
    alerts.acknowledge(db.session.get(SafeguardingAlert, alert.id), staff["third"].user)
    assert rota.escalate_overdue(at_target + timedelta(hours=5)) == []
    assert len(_notifications()) == told


def test_an_alert_whose_notification_job_was_lost_is_notified_by_the_sweep(staff):
    received = london(2026, 11, 25, 10, 0)
    alert = _alert_at(received)
    assert rota.escalate_overdue(received + timedelta(minutes=1)) == []
    assert rota.escalate_overdue(received + timedelta(minutes=2)) == [alert.id]
    assert _recipients(_notifications()) == {staff["first"].email, "+447700900100"}


def test_escalation_runs_every_minute_on_the_urgent_queue():
    periodic = next(p for p in PERIODIC if p.job is escalate_alerts)
    assert periodic.every_seconds == 60 and escalate_alerts.spec.queue == "urgent"


def test_the_worker_notifies_the_reviewer_by_text_and_email_then_escalates(
    make_app, make_staff, fake_twilio, smtp_server, redis, redis_url
):
    fake, base = fake_twilio
    mail, smtp = smtp_server
    app = make_app(TWILIO_API_BASE=base, REDIS_URL=redis_url, **TWILIO, **smtp)
    with app.app_context():
        reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
        manager = make_staff(StaffRole.MANAGER)
        now = datetime.now(UTC)
        for kind in RotaKind:
            rota.set_shift(
                reviewer.user_id,
                now - timedelta(hours=1),
                now + timedelta(hours=1),
                kind,
                0,
                "+447700900100",
            )
        alert_id = _alert_at(now).id
        alert_raised.delay(alert_id)
        queues = [Queue(name, connection=redis) for name in ("urgent", "outbound")]
        SimpleWorker(queues, connection=redis).work(burst=True)

        # The reviewer first, then the safety lines to the person who wrote.
        assert [r["To"] for r in fake.sent] == ["+447700900100", "+447700900123"]
        assert fake.sent[0]["Body"].endswith(f"/staff/safeguarding/{alert_id}")
        assert [e[1] for e in mail.envelopes] == [[reviewer.email]]
        body = mail.messages[0].get_body(("plain",)).get_content()
        assert f"/staff/safeguarding/{alert_id}" in body and SECRET not in body

        # Nobody acknowledged: with the clock past the target, the periodic job escalates.
        db.session.expire_all()
        stored = db.session.get(SafeguardingAlert, alert_id)
        stored.next_escalation_at = now - timedelta(seconds=1)
        db.session.commit()
        escalate_alerts.delay()
        SimpleWorker(queues, connection=redis).work(burst=True)
        assert manager.email in {r for e in mail.envelopes for r in e[1]}
