"""The complaints report as last built, kept so that a download made after the page (or the
page seen again) reuses the build rather than counting a million rows a second time.

A kept report is found by its dates, nation, language and today's date, and by the version of
the data in `app.cache`: moved on by every commit that writes anything but reading's own
records (a report view writes an audit event, a staff session its last-seen time). So a kept
report is never older than the data Heard wrote, and expires with the cache's entries in any
case (a net for a write made outside the ORM, such as a migration or psql). With
`REDIS_URL` set the reports are in Redis, shared by the web workers and the job workers whose
writes move the version on; without it, in the app's own process. If Redis cannot be reached
the report is simply built afresh. `REPORT_KEPT_SECONDS=0` turns keeping off.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from flask_babel import get_locale

from app import cache
from app.services.reports.tables import Report

DEFAULT_SECONDS = cache.TTL_SECONDS
# Reports are made by this package's code: a new version of it never reads an old one's.
CODE_VERSION = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py")))
).hexdigest()[:16]


def init_app(app: Flask) -> None:
    """Keep reports for this app unless REPORT_KEPT_SECONDS says 0."""
    app.config.setdefault("REPORT_KEPT_SECONDS", DEFAULT_SECONDS)


def report_for(
    start: date, end: date, nation: str | None, build: Callable[[], Report], today: date
) -> Report:
    """The report for these dates, kept from an earlier build while the data are unchanged,
    else built now by `build` and kept."""
    if not current_app.config.get("REPORT_KEPT_SECONDS", DEFAULT_SECONDS):
        return build()
    parts = (CODE_VERSION, str(start), str(end), nation, str(get_locale()), str(today))
    return cache.cached("complaints-report", parts, build)


def forget(app: Flask) -> None:
    """Drop every kept report of this app (benchmarks time the build itself)."""
    with app.app_context():
        cache.bump()
