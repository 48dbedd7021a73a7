"""Prometheus metrics: every request counted by route and status, and the state of the service
(queues, classification, alerts, notifications, schedulers) read when /metrics is scraped.

Under gunicorn with several worker processes, set PROMETHEUS_MULTIPROC_DIR (the image does) to
an empty directory: each process then writes its counters there and a scrape of any one of
them adds up all of them (gunicorn.conf.py clears the directory at start and tidies after a
process that exits). Without it the counters are this process's own.
"""

import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from app.database import utcnow
from app.extensions import db, queues
from app.jobs import QUEUES
from app.services import monitoring

# Not registered anywhere at import: each scrape builds a registry of its own (see exposition).
REQUESTS = Counter(
    "heard_http_requests",
    "HTTP requests answered, by route (the URL rule, never the address asked for) and status.",
    ["route", "method", "status"],
    registry=None,
)
DURATION = Histogram(
    "heard_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)
# What a request that matched no route is counted under, so a scan of random addresses adds
# one series, not one per address.
UNMATCHED = "unmatched"


def init_app(app: Flask) -> None:
    """Count every request the app answers."""
    app.before_request(_start_timer)
    app.after_request(_count)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def route_of_request() -> str:
    """The URL rule that matched (`/staff/items/<int:item_id>`), or UNMATCHED."""
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED


def _count(response: Response) -> Response:
    route = route_of_request()
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        DURATION.labels(route, request.method).observe(time.perf_counter() - started)
    return response


def exposition() -> bytes:
    """Every metric in Prometheus's text format."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(DURATION)
    registry.register(StateCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
    return generate_latest(registry)


class StateCollector(Collector):
    """The service's state, read from PostgreSQL and Redis at scrape time. A part that does
    not answer is reported as down (heard_database_up, heard_redis_up) rather than failing the
    scrape, so the other readings still arrive."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Any]:
        now = utcnow()
        yield from self._queues(now)
        yield from self._database(now)

    def _queues(self, now: Any) -> Iterator[GaugeMetricFamily]:
        connection = queues.connection
        if connection is None:
            return
        up = GaugeMetricFamily("heard_redis_up", "1 if Redis answered this scrape.")
        try:
            readings = monitoring.queue_readings(connection, QUEUES, now)
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        families = {
            "waiting": GaugeMetricFamily(
                "heard_queue_jobs", "Jobs on each RQ queue, by state.", labels=["queue", "state"]
            ),
            "oldest": GaugeMetricFamily(
                "heard_queue_oldest_job_age_seconds",
                "How long the job at the head of each queue has waited (0 when it is empty).",
                labels=["queue"],
            ),
        }
        for reading in readings:
            for state in ("waiting", "running", "failed"):
                families["waiting"].add_metric([reading.name, state], getattr(reading, state))
            families["oldest"].add_metric([reading.name], reading.oldest_seconds or 0.0)
        yield from families.values()

    def _database(self, now: Any) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("heard_database_up", "1 if PostgreSQL answered this scrape.")
        try:
            families = list(_database_families(now))
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        finally:
            db.session.rollback()
        up.add_metric([], 1)
        yield up
        yield from families


def _database_families(now: Any) -> Iterator[GaugeMetricFamily]:
    backlog = monitoring.classification_reading(now)
    messages = GaugeMetricFamily(
        "heard_classification_messages",
        "Inbound messages not classified: pending (queued or waiting for the sweeper) or failed "
        "(gave up; a person must read them).",
        labels=["state"],
    )
    messages.add_metric(["pending"], backlog.pending)
    messages.add_metric(["failed"], backlog.failed)
    yield messages
    lag = GaugeMetricFamily(
        "heard_classification_lag_seconds",
        "How long the oldest unclassified inbound message has waited (0 when none waits).",
    )
    lag.add_metric([], backlog.oldest_pending_seconds or 0.0)
    yield lag

    alerts = GaugeMetricFamily(
        "heard_safeguarding_alerts_unacknowledged",
        "Open safeguarding alerts nobody has acknowledged, by age band (its upper edge).",
        labels=["age"],
    )
    for band, count in monitoring.unacknowledged_alerts_by_age(now).items():
        alerts.add_metric([band], count)
    yield alerts

    found = monitoring.notifications(now)
    totals = GaugeMetricFamily(
        "heard_notifications",
        "Outbound messages of the last 7 days still pending, or failed.",
        labels=["state"],
    )
    by_purpose = GaugeMetricFamily(
        "heard_notifications_by_purpose",
        "heard_notifications by purpose (safeguarding_alert, acknowledgement, ...).",
        labels=["state", "purpose"],
    )
    for state in ("pending", "failed"):
        totals.add_metric([state], sum(n for (s, _), n in found.items() if s == state))
    for (state, purpose), count in sorted(found.items()):
        by_purpose.add_metric([state, purpose], count)
    yield totals
    yield by_purpose

    schedulers = monitoring.scheduler_reading(now)
    heartbeat = GaugeMetricFamily(
        "heard_scheduler_heartbeat_age_seconds",
        "Seconds since any periodic-job scheduler last beat (-1 if none ever has).",
    )
    heartbeat.add_metric(
        [], schedulers.last_beat_seconds if schedulers.last_beat_seconds is not None else -1
    )
    yield heartbeat
    alive = GaugeMetricFamily(
        "heard_schedulers_alive", "Schedulers that beat in the last three minutes."
    )
    alive.add_metric([], schedulers.alive)
    yield alive
