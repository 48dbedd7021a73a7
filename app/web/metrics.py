"""/metrics for Prometheus, behind a bearer token (METRICS_TOKEN).

Without a token set the address does not exist (404); with one, a request without it, or with
another, gets 401. Scrape each web process (in compose, each `app` container on port 8000)
rather than through nginx, which would pick one at random.
"""

import hmac

from flask import Blueprint, abort, current_app, request
from flask.wrappers import Response

from app import metrics
from app.extensions import csrf, limiter

bp = Blueprint("metrics", __name__)

# Shorter tokens are ignored (the endpoint stays off), as partner API tokens are.
MIN_TOKEN_LENGTH = 24


@bp.get("/metrics")
@limiter.exempt
@csrf.exempt
def scrape() -> Response:
    token = current_app.config["METRICS_TOKEN"]
    if len(token) < MIN_TOKEN_LENGTH:
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        return Response(
            "A bearer token is needed.\n",
            status=401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(
        metrics.exposition(),
        mimetype="text/plain",
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )
