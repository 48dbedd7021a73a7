"""No alert without a person: the fallback chain, the banner on every staff page, /healthz, and
escalation that is safe when two runs overlap."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Message, RotaKind, SafeguardingAlert, StaffRole
from app.services.classification.pipeline import classify_message
from app.services.safeguarding import rota
from tests.factories import SafeguardingAlertFactory
from tests.web.conftest import _add_item

BANNER = "Safeguarding alerts may not reach anyone"
TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "test-auth-token",
    "TWILIO_FROM_NUMBER": "+447700900999",
}


def _notifications() -> list[Message]:
    query = select(Message).where(Message.purpose == "safeguarding_alert").order_by(Message.id)
    return list(db.session.scalars(query))


def _staff_pages(client, item_id: int) -> list[str]:
    return [
        client.get(path).text
        for path in ("/staff/", f"/staff/items/{item_id}", "/staff/complaints/due")
    ]


def test_an_alert_nobody_can_be_told_of_shows_on_every_staff_page_and_in_healthz(
    client, make_staff, sign_in
):
    officer = make_staff(StaffRole.COMPLAINTS_OFFICER)
    sign_in(client, officer)
    alert = SafeguardingAlertFactory()
    rota.notify_new_alert(alert.id)  # no rota, no fallback contact, no manager
    ordinary = _add_item("The report was late")

    for page in _staff_pages(client, ordinary.id):
        assert BANNER in page
        assert "1 open alert has not reached anyone" in page
        assert "Nobody is on the safeguarding rota from" in page
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["status"] == "degraded"
    assert "alerts_not_reached" in health.json["problems"]
    assert client.get("/healthz?strict=1").status_code == 503


def test_with_senders_unconfigured_the_managers_cannot_be_reached_and_it_shows(
    client, make_staff, sign_in
):
    manager = make_staff(StaffRole.MANAGER)
    sign_in(client, manager)
    alert = SafeguardingAlertFactory()
    rota.notify_new_alert(alert.id)

    sent = _notifications()
    assert {m.recipient for m in sent} == {manager.email}
    assert {m.delivery_status for m in sent} == {"refused"}
    page = client.get("/staff/").text
    assert BANNER in page and "Emails about alerts are failing" in page
    assert "notifications" in client.get("/healthz").json["problems"]


def test_a_fallback_contact_gets_the_alert_when_the_rota_is_empty(make_app, smtp_server):
    captured, smtp = smtp_server
    app = make_app(SAFEGUARDING_FALLBACK_CONTACTS="duty-team@example.org, 07700 900555", **smtp)
    with app.app_context():
        alert = SafeguardingAlertFactory()
        rota.notify_new_alert(alert.id)
        assert [e[1] for e in captured.envelopes] == [["duty-team@example.org"]]
        texts = [m for m in _notifications() if m.channel == "sms"]
        assert [m.recipient for m in texts] == ["+447700900555"]  # Twilio not set up: refused


def test_when_every_notification_fails_the_fallback_chain_is_told_once(
    make_app, make_staff, smtp_server
):
    captured, smtp = smtp_server
    app = make_app(SAFEGUARDING_FALLBACK_CONTACTS="duty-team@example.org", **smtp)
    with app.app_context():
        reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
        admin = make_staff(StaffRole.ADMIN)
        now = datetime.now(UTC)
        rota.set_shift(
            reviewer.user_id, now - timedelta(hours=1), now + timedelta(hours=8), RotaKind.DAY
        )
        captured.refuse_with = "550 5.1.1 No such mailbox"
        alert = SafeguardingAlertFactory()
        rota.notify_new_alert(alert.id)
        assert {m.delivery_status for m in _notifications()} == {"refused"}

        captured.refuse_with = None
        assert rota.escalate_overdue() == [alert.id]
        told = {r for _, rcpts in captured.envelopes for r in rcpts}
        assert told == {"duty-team@example.org", admin.email}
        # Once: the next sweep finds the alert reached and not yet due.
        assert rota.escalate_overdue() == []


def test_two_overlapping_escalation_runs_take_one_escalation_step(
    make_app, make_staff, smtp_server
):
    app = make_app(**smtp_server[1])
    with app.app_context():
        first = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
        second = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
        now = datetime.now(UTC)
        for order, person in enumerate((first, second)):
            rota.set_shift(
                person.user_id,
                now - timedelta(hours=3),
                now + timedelta(hours=3),
                RotaKind.DAY,
                order,
            )
        # Received at 8am, out of office hours: due for review four hours later, by now.
        alert = SafeguardingAlertFactory(created_at=now - timedelta(hours=6))
        rota.notify_new_alert(alert.id, now - timedelta(hours=6))
        assert db.session.get(SafeguardingAlert, alert.id).notified_level == 0

    start = threading.Barrier(2)
    results: list[list[int]] = []

    def run() -> None:
        with app.app_context():
            start.wait()
            results.append(rota.escalate_overdue(now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with app.app_context():
        assert sorted(map(len, results)) == [0, 1]
        assert db.session.get(SafeguardingAlert, alert.id).notified_level == 1


@pytest.mark.parametrize("redis_down", [False, True])
def test_healthz_names_each_part(make_app, redis_url, redis_down):
    url = "redis://127.0.0.1:1/0" if redis_down else redis_url
    app = make_app(REDIS_URL=url, CLASSIFY_SWEEP_AFTER_SECONDS=60)
    with app.app_context():
        item = _add_item("waiting", created_at=datetime.now(UTC) - timedelta(minutes=5))
        item.messages[0].stored_at = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
        report = app.test_client().get("/healthz").json
    assert report["database"] == "ok"
    assert report["redis"] == ("unreachable" if redis_down else "ok")
    assert report["scheduler"]["status"] == "missing"
    assert report["classification"]["oldest_pending_seconds"] >= 300
    expected = {"scheduler", "classification", *(["redis"] if redis_down else [])}
    assert set(report["problems"]) == expected
    assert report["status"] == "degraded"


def test_a_classified_message_needs_no_sweep(make_app):
    app = make_app()
    with app.app_context():
        item = _add_item("hello", created_at=datetime.now(UTC) - timedelta(minutes=5))
        item.messages[0].stored_at = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
        classify_message(item.messages[0].id)
        report = app.test_client().get("/healthz").json
    assert report["classification"]["oldest_pending_seconds"] is None
