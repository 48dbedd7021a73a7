"""Optional error reporting to Sentry, only when SENTRY_DSN is set; nothing is sent otherwise.

Sentry is told no personal data: no request bodies, cookies, headers, query strings, users or
local variables (which would hold what a child wrote), and every text that remains (exception
messages, log messages in breadcrumbs) passes through the redaction that the learning team's
quotes pass through, in case an exception's message carries a name, a number or an address.
"""

from typing import Any, cast

from flask import Flask

from app.services.redaction import redact

# Request fields kept: what was asked for, never what was sent or who sent it.
_REQUEST_KEPT = ("method", "url")


def init_app(app: Flask) -> None:
    """Start reporting if SENTRY_DSN is set."""
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        # Errors only: no performance tracing, which would send every route's timings.
        traces_sample_rate=0,
        # Sentry's Event type is a TypedDict; the scrubbers treat it as the plain dict it is.
        before_send=cast(Any, scrub),
        before_breadcrumb=cast(Any, scrub_breadcrumb),
        environment=app.config.get("SENTRY_ENVIRONMENT") or None,
    )


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Take out everything that could carry personal data, and redact the texts left."""
    event.pop("user", None)
    event.pop("server_name", None)
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in _REQUEST_KEPT if key in request}
        if "url" in kept:
            kept["url"] = str(kept["url"]).split("?", 1)[0]
        event["request"] = kept
    for exception in event.get("exception", {}).get("values", []) or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = redact(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = redact(logentry[key])
        logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = redact(event["message"])
    event.pop("extra", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            scrub_breadcrumb(crumb) for crumb in breadcrumbs.get("values", []) or []
        ]
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """A breadcrumb keeps its category and level; its message is redacted, its data dropped."""
    if isinstance(crumb.get("message"), str):
        crumb["message"] = redact(crumb["message"])
    crumb.pop("data", None)
    return crumb
