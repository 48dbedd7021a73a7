"""/healthz for load balancers and monitors.

200 while the database answers, with `"status": "degraded"` and the problems named when
anything a disclosure's way to a person depends on is not right (Redis, the scheduler, failing
notifications, an alert that reached nobody, a classification backlog, the spool); 503 when the
database does not answer. `?strict=1` answers 503 for degraded too, for monitors that only read
the status code.
"""

from flask import Blueprint, request

from app.extensions import limiter
from app.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[dict[str, object], int]:
    found = health.report()
    failing = found.status == "unavailable" or (
        found.status == "degraded" and request.args.get("strict") == "1"
    )
    return found.as_json(), 503 if failing else 200
