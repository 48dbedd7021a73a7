"""/metrics: behind its token, requests counted by route and status, and the service's state
read from the real PostgreSQL and Redis at scrape time."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertStatus,
    ClassificationState,
    DeliveryStatus,
    Direction,
    SchedulerBeat,
)
from tests.factories import MessageFactory, SafeguardingAlertFactory

TOKEN = "metrics-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample in a scrape, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def scrape(client) -> dict:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return samples(response.text)


def test_metrics_do_not_exist_without_a_token_set(make_app):
    client = make_app().test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404


def test_a_short_token_leaves_metrics_off(make_app):
    client = make_app(METRICS_TOKEN="short").test_client()
    assert client.get("/metrics", headers={"Authorization": "Bearer short"}).status_code == 404


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-token-0123456789abcdefgh", f"Basic {TOKEN}", TOKEN, "Bearer "],
)
def test_metrics_refuse_a_missing_or_wrong_token(make_app, header):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "heard_" not in response.text


def test_requests_are_counted_by_route_never_by_address(make_app):
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    before = scrape(client)
    assert client.get("/child").status_code == 200
    assert client.get("/staff/items/424242").status_code in (302, 401, 404)
    assert client.get("/no/such/page/07700900123").status_code == 404
    found = scrape(client)

    def grew(route: str, status: str) -> float:
        key = (
            "heard_http_requests_total",
            (("method", "GET"), ("route", route), ("status", status)),
        )
        return found.get(key, 0) - before.get(key, 0)

    assert grew("/child", "200") == 1
    assert grew("unmatched", "404") == 1
    routes = {dict(labels)["route"] for name, labels in found if name.startswith("heard_http")}
    assert not any("424242" in r or "07700900123" in r for r in routes)
    assert any("<int:" in r for r in routes)
    count = ("heard_http_request_duration_seconds_count", (("method", "GET"), ("route", "/child")))
    assert found[count] - before.get(count, 0) == 1


def test_state_of_the_service_is_read_at_scrape_time(app, clock):
    app.config["METRICS_TOKEN"] = TOKEN
    client = app.test_client()
    now = utcnow()
    MessageFactory(stored_at=now - timedelta(minutes=5), received_at=now - timedelta(minutes=5))
    MessageFactory(stored_at=now - timedelta(minutes=1))
    MessageFactory(classification_state=ClassificationState.FAILED)
    MessageFactory(classification_state=ClassificationState.DONE)
    for minutes in (5, 30, 120, 121, 60 * 30):
        SafeguardingAlertFactory(created_at=now - timedelta(minutes=minutes))
    SafeguardingAlertFactory(created_at=now - timedelta(hours=3), status=AlertStatus.ACKNOWLEDGED)
    for status, purpose in [
        (DeliveryStatus.PENDING, "safeguarding_alert"),
        (DeliveryStatus.PENDING, "acknowledgement"),
        (DeliveryStatus.FAILED, "safeguarding_alert"),
        (DeliveryStatus.REFUSED, "safeguarding_alert"),
        (DeliveryStatus.SENT, "safeguarding_alert"),
    ]:
        MessageFactory(direction=Direction.OUTBOUND, delivery_status=status, purpose=purpose)
    db.session.add(SchedulerBeat(runner="host:1", beat_at=now - timedelta(seconds=42)))
    db.session.add(SchedulerBeat(runner="host:2", beat_at=now - timedelta(minutes=10)))
    db.session.commit()

    found = scrape(client)

    assert value(found, "heard_database_up") == 1
    # Two messages above, and each of the six alerts' own, wait for the classifier.
    assert value(found, "heard_classification_messages", state="pending") == 8
    assert value(found, "heard_classification_messages", state="failed") == 1
    assert 300 <= value(found, "heard_classification_lag_seconds") < 360
    assert {
        band: value(found, "heard_safeguarding_alerts_unacknowledged", age=band)
        for band in ("15m", "1h", "4h", "24h", "older")
    } == {"15m": 1, "1h": 1, "4h": 2, "24h": 0, "older": 1}
    assert value(found, "heard_notifications", state="pending") == 2
    assert value(found, "heard_notifications", state="failed") == 2
    assert (
        value(found, "heard_notifications_by_purpose", state="failed", purpose="safeguarding_alert")
        == 2
    )
    assert 42 <= value(found, "heard_scheduler_heartbeat_age_seconds") < 60
    assert value(found, "heard_schedulers_alive") == 1
    # Without Redis there are no queues to report.
    assert not any(name.startswith("heard_queue") for name, _ in found)


def test_queue_depth_and_the_oldest_jobs_age(make_app, redis, redis_url, clock):
    client = make_app(METRICS_TOKEN=TOKEN, REDIS_URL=redis_url).test_client()
    queue = Queue("default", connection=redis)
    queue.enqueue("builtins.print", "one")
    queue.enqueue("builtins.print", "two")
    Queue("urgent", connection=redis).enqueue("builtins.print", "three")
    clock.shift(timedelta(seconds=90))

    found = scrape(client)

    assert value(found, "heard_redis_up") == 1
    assert value(found, "heard_queue_jobs", queue="default", state="waiting") == 2
    assert value(found, "heard_queue_jobs", queue="urgent", state="waiting") == 1
    assert value(found, "heard_queue_jobs", queue="outbound", state="waiting") == 0
    assert value(found, "heard_queue_jobs", queue="default", state="failed") == 0
    assert 90 <= value(found, "heard_queue_oldest_job_age_seconds", queue="default") < 120
    assert value(found, "heard_queue_oldest_job_age_seconds", queue="periodic") == 0


def test_a_redis_that_does_not_answer_is_reported_not_a_failed_scrape(make_app):
    client = make_app(METRICS_TOKEN=TOKEN, REDIS_URL="redis://127.0.0.1:1/0").test_client()
    found = scrape(client)
    assert value(found, "heard_redis_up") == 0
    assert value(found, "heard_database_up") == 1
