"""Logging: a request id on every request and every log line it causes, one line per request,
and with LOG_FORMAT=json one JSON object per line for a log collector.

No personal data goes in a log line. Heard's own log messages name ids, references, routes and
counts, never what someone wrote or how to reach them; the request line names the URL rule
(`/how-did-we-do/<token>`), never the address asked for, so secrets in links stay out too.
tests/test_logging.py sends names, numbers, addresses and words through every door and reads
every line.
"""

import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from flask.wrappers import Response
from pythonjsonlogger.json import JsonFormatter
from rq import get_current_job

REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the proxy is kept when it looks like one (nginx's $request_id, a UUID):
# 16 to 64 letters, digits and hyphens. Anything else (and a phone number, at most 15 digits,
# or an address, with its @, cannot pass) is replaced by one of ours.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{16,64}")

log = logging.getLogger("heard.request")


def init_app(app: Flask) -> None:
    """Give every request an id and a log line; set up JSON logs if LOG_FORMAT says so."""
    app.before_request(_assign_request_id)
    app.after_request(_finish)
    # Flask-Limiter logs each refusal with the client's whole address; errors.py logs the
    # same refusal with the route and the client's network instead.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    if app.config["LOG_FORMAT"] == "json":
        use_json_logs(app.config["LOG_LEVEL"])


def request_id() -> str | None:
    """This request's id, or the id of the request that queued the running job."""
    if has_request_context():
        return g.get("request_id")
    job = get_current_job()
    if job is not None:
        found = job.meta.get("request_id")
        return found if isinstance(found, str) else None
    return None


def _assign_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    found = g.get("request_id")
    if found:
        response.headers[REQUEST_ID_HEADER] = found
    started = g.get("request_started")
    rule = request.url_rule
    log.info(
        "%s %s %d",
        request.method,
        rule.rule if rule is not None else "unmatched",
        response.status_code,
        extra={
            "method": request.method,
            "route": rule.rule if rule is not None else "unmatched",
            "status": response.status_code,
            "duration_ms": (
                round((time.perf_counter() - started) * 1000, 1) if started is not None else None
            ),
        },
    )
    return response


class ContextFilter(logging.Filter):
    """Adds the request id and, inside an RQ job, the job's id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        job = None if has_request_context() else get_current_job()
        record.job_id = job.id if job is not None else None
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a line: time, level, logger, message, request and job ids, and any
    fields a call passed in `extra`."""
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}{request_id}{job_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


_configured = False


def use_json_logs(level: str = "INFO") -> None:
    """Send every logger's records to stderr as JSON, once per process. Flask's own text
    handler is removed so nothing is written twice."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("app").removeHandler(default_handler)
    _configured = True


def job_meta() -> dict[str, Any]:
    """What a job enqueued now carries: the id of the request that queued it."""
    found = request_id()
    return {"request_id": found} if found else {}
