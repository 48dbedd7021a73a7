"""The complaints report as last built, kept so that a download made after the page (or the
page seen again) reuses the build rather than counting a million rows a second time.

A kept report is found by its dates, nation, language and today's date, and by the version of
the data: a number that every commit writing to the database raises, whatever it writes but
reading's own records (a report view writes an audit event, and a staff session its last-seen
time). So a kept report is never older
than the data Heard wrote, and is dropped after `REPORT_KEPT_SECONDS` in any case (a net for a
write made outside the ORM, such as a migration or psql).

With `REDIS_URL` set, the version and the reports are in Redis, shared by the web workers and
the job workers whose writes raise the version; without it, in the app's own process (jobs
then run in-process, so every write is seen). Writes raise the version even when the report
is not used, as a Redis INCR after the commit; if Redis cannot be reached the report is simply
built afresh.
"""

import contextlib
import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import get_locale
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.extensions import queues
from app.services.reports.tables import Report

log = logging.getLogger(__name__)

VERSION_KEY = "heard:reports:data-version"
KEPT_PREFIX = "heard:reports:kept:"
# Writes to these tables do not change what the report counts: reading's own records.
UNCOUNTED_TABLES = frozenset({"audit_event", "staff_session"})
_CHANGED = "heard_report_data_changed"
_STORE = "heard.kept_reports"
DEFAULT_SECONDS = 900


class _LocalStore:
    """The version and kept reports in this process, for an app without Redis."""

    def __init__(self) -> None:
        self.version = 0
        self.reports: dict[str, tuple[float, bytes]] = {}


def init_app(app: Flask) -> None:
    """Keep reports for this app; the write watch is set once for every session."""
    app.config.setdefault("REPORT_KEPT_SECONDS", DEFAULT_SECONDS)
    app.extensions[_STORE] = _LocalStore()
    if not event.contains(Session, "after_flush", _note_flush):
        event.listen(Session, "after_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "after_commit", _raise_version)


def _note_flush(session: Session, flush_context: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(instance), "__tablename__", None)
        if table not in UNCOUNTED_TABLES:
            session.info[_CHANGED] = True
            return


def _note_statement(state: ORMExecuteState) -> None:
    """Bulk UPDATE, DELETE and INSERT through the session, and SQL text that writes."""
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table not in UNCOUNTED_TABLES:
            state.session.info[_CHANGED] = True
    elif not state.is_select:
        words = str(state.statement).lstrip().split(None, 1)
        if words and words[0].upper() not in {"SELECT", "WITH", "SHOW", "EXPLAIN", "SET"}:
            state.session.info[_CHANGED] = True


def _raise_version(session: Session) -> None:
    if not session.info.pop(_CHANGED, False) or not has_app_context():
        return
    store = current_app.extensions.get(_STORE)
    if store is None:
        return
    redis = queues.connection
    if redis is None:
        store.version += 1
        store.reports.clear()
        return
    try:
        redis.incr(VERSION_KEY)
    except RedisError:
        log.warning("report data version not raised: Redis unreachable")


def report_for(
    start: date, end: date, nation: str | None, build: Callable[[], Report], today: date
) -> Report:
    """The report for these dates, kept from an earlier build while the data are unchanged,
    else built now by `build` and kept."""
    store: _LocalStore | None = current_app.extensions.get(_STORE)
    seconds = current_app.config.get("REPORT_KEPT_SECONDS", DEFAULT_SECONDS)
    if store is None or not seconds:
        return build()
    redis = queues.connection
    version = _version(store, redis)
    if version is None:
        return build()
    key = _key(start, end, nation, today, version)
    found = _found(store, redis, key)
    if found is not None:
        return found
    report = build()
    _keep(store, redis, key, report, seconds)
    return report


def forget(app: Flask) -> None:
    """Drop every kept report of this app (benchmarks time the build itself)."""
    store: _LocalStore | None = app.extensions.get(_STORE)
    if store is not None:
        store.version += 1
        store.reports.clear()
    with app.app_context():
        redis = queues.connection
        if redis is not None:
            with contextlib.suppress(RedisError):
                redis.incr(VERSION_KEY)


def _version(store: _LocalStore, redis: Redis | None) -> int | None:
    if redis is None:
        return store.version
    try:
        value = redis.get(VERSION_KEY)
    except RedisError:
        return None
    return int(value or 0)


def _key(start: date, end: date, nation: str | None, today: date, version: int) -> str:
    parts = f"{start}|{end}|{nation}|{get_locale()}|{today}|{version}"
    return KEPT_PREFIX + hashlib.sha256(parts.encode()).hexdigest()[:32]


def _found(store: _LocalStore, redis: Redis | None, key: str) -> Report | None:
    if redis is None:
        kept = store.reports.get(key)
        if kept is None or kept[0] < time.monotonic():
            return None
        data: bytes | None = kept[1]
    else:
        try:
            found = redis.get(key)
        except RedisError:
            return None
        data = found if isinstance(found, bytes) else None
    if data is None:
        return None
    # Only Heard writes these keys, from a Report it built (as RQ keeps its jobs).
    report: Any = pickle.loads(data)
    return report if isinstance(report, Report) else None


def _keep(store: _LocalStore, redis: Redis | None, key: str, report: Report, seconds: int) -> None:
    data = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
    if redis is None:
        now = time.monotonic()
        store.reports = {k: v for k, v in store.reports.items() if v[0] >= now}
        store.reports[key] = (now + seconds, data)
        return
    try:
        redis.set(key, data, ex=seconds)
    except RedisError:
        log.warning("complaints report not kept: Redis unreachable")
