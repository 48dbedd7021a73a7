"""Results of read-only work kept between requests: the trends page's tables and charts, and
the complaints report (so its downloads reuse the page's build).

Two kinds of key:

- **by data version**: `cached(...)` keys on `data_version()`, a counter moved on after every
  commit that changed anything but reading's own records and bookkeeping (seen by
  SQLAlchemy session events: the ORM's flushes, and UPDATE/DELETE/INSERT statements run
  through a session). The counter moves *after* the commit, so whatever is computed under a
  version read before computing is at least as new as that version: a cache entry is never
  older than its key says. A write made outside a session (psql, COPY) is not seen, nor one
  from a process that died between committing and moving the counter: entries also expire
  after `TTL_SECONDS`, which bounds how stale such a page can be.
- **by content**: `by_content(...)` keys on a digest of everything the result is made from
  (a chart's numbers, words and language), so it can never be stale and needs no version.

With REDIS_URL set the counter and the entries live in Redis, shared by every web process and
moved by the workers too; without it (the embedded default, one process) they live in this
process, the entries in a small LRU. A GET may write a cache entry to Redis, never to the
database: the entry is a copy of what the request read, and losing Redis loses only speed.
Entries are pickled: this Redis is trusted as much as RQ's queues in it, whose jobs are
pickled too. Anything failing in Redis counts as a miss, and the result is computed afresh.
"""

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.elements import TextClause

from app.extensions import queues
from app.models.enums import Direction

log = logging.getLogger(__name__)
T = TypeVar("T")

# Tables whose rows never change what a page or report counts: reading's own records (a view
# writes an audit event, a staff session its last-seen time) and the service's bookkeeping.
# A change to any other table moves the version on. Messages count only as they come in or
# have their words changed (anonymised): a delivery receipt for an outbound text changes
# nothing.
UNCOUNTED_TABLES = frozenset(
    {
        "audit_event",
        "staff_session",
        "sign_in_throttle",
        "enrolment_link",
        "periodic_run",
        "scheduler_beat",
    }
)
VERSION_KEY = "heard:data-version"
PREFIX = "heard:cache:"
TTL_SECONDS = 15 * 60
LOCAL_ENTRIES = 256
_CHANGED = "heard.data_changed"
_EXTENSION = "heard.cache"
_listening = False
_listening_lock = threading.Lock()


class _Local:
    """The counter and entries of one process, for an app without Redis."""

    def __init__(self) -> None:
        self.version = 0
        self.entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, Any]:
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] < time.monotonic():
                return False, None
            self.entries.move_to_end(key)
            return True, found[1]

    def put(self, key: str, value: Any, ttl: int) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + ttl, value)
            self.entries.move_to_end(key)
            while len(self.entries) > LOCAL_ENTRIES:
                self.entries.popitem(last=False)


def init_app(app: Flask) -> None:
    """Give the app its in-process store, and watch every session for data changes."""
    app.extensions[_EXTENSION] = _Local()
    global _listening
    with _listening_lock:
        if not _listening:
            event.listen(Session, "after_flush", _after_flush)
            event.listen(Session, "do_orm_execute", _on_execute)
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _forget)
            _listening = True


def _local() -> _Local:
    store: _Local = current_app.extensions[_EXTENSION]
    return store


def _table(instance: object) -> str | None:
    table = getattr(type(instance), "__tablename__", None)
    return table if isinstance(table, str) else None


def _matters(session: Session, instance: object, new_or_deleted: bool) -> bool:
    table = _table(instance)
    if table in UNCOUNTED_TABLES:
        return False
    if table == "message":
        if new_or_deleted:
            return bool(getattr(instance, "direction", None) == Direction.INBOUND)
        return bool(inspect(instance).attrs.text.history.has_changes())
    return new_or_deleted or session.is_modified(instance)


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    if session.info.get(_CHANGED):
        return
    if any(_matters(session, o, True) for o in [*session.new, *session.deleted]) or any(
        _matters(session, o, False) for o in session.dirty
    ):
        session.info[_CHANGED] = True


def _on_execute(state: ORMExecuteState) -> None:
    """A bulk UPDATE, DELETE or INSERT, or SQL text that writes, on a counted table."""
    statement = state.statement
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(getattr(statement, "table", None), "name", None)
        if table not in UNCOUNTED_TABLES:
            state.session.info[_CHANGED] = True
    elif isinstance(statement, TextClause):
        sql = statement.text.lstrip().lower()
        if not sql.startswith(("select", "with", "show", "explain", "set")) and not any(
            table in sql for table in UNCOUNTED_TABLES
        ):
            state.session.info[_CHANGED] = True


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def _after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        bump()


def bump() -> None:
    """Move the data version on: every entry cached by version is out of date."""
    redis = queues.connection
    if redis is None:
        store = _local()
        with store.lock:
            store.version += 1
        return
    try:
        redis.incr(VERSION_KEY)
    except Exception:  # the commit stands; entries expire after TTL_SECONDS
        log.warning("could not move the data version on in Redis", exc_info=True)


def data_version() -> str:
    """The current data version (an error if Redis is set and does not answer)."""
    redis = queues.connection
    if redis is None:
        return f"local-{_local().version}"
    value = redis.get(VERSION_KEY)
    return f"redis-{int(value) if value else 0}"


def digest(*parts: object) -> str:
    """A stable digest of plain values (strings, numbers, None, tuples and lists of them)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _get(key: str) -> tuple[bool, Any]:
    redis = queues.connection
    if redis is None:
        return _local().get(key)
    try:
        raw = redis.get(PREFIX + key)
        if not isinstance(raw, bytes):
            return False, None
        # Trusted as RQ's pickled jobs are: see the docstring.
        return True, pickle.loads(raw)
    except Exception:  # a cache that fails is a miss
        log.warning("could not read a cache entry from Redis", exc_info=True)
        return False, None


def _put(key: str, value: Any, ttl: int) -> None:
    redis = queues.connection
    if redis is None:
        _local().put(key, value, ttl)
        return
    try:
        redis.set(PREFIX + key, pickle.dumps(value), ex=ttl)
    except Exception:  # a cache that fails is a miss
        log.warning("could not write a cache entry to Redis", exc_info=True)


def cached(name: str, parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """`compute()`'s result for the data as it is now, computed at most once per data version
    for the same name and parts (the caller's arguments: filters, month, who may see what)."""
    try:
        version = data_version()
    except Exception:  # Redis down: compute, and cache nothing
        log.warning("could not read the data version from Redis", exc_info=True)
        return compute()
    return by_content(f"{name}:{version}", parts, compute, TTL_SECONDS)


def by_content(name: str, parts: tuple[object, ...], compute: Callable[[], T], ttl: int) -> T:
    """`compute()`'s result for exactly these inputs, computed once while it stays cached."""
    key = f"{name}:{digest(*parts)}"
    found, value = _get(key)
    if found:
        result: T = value
        return result
    value = compute()
    _put(key, value, ttl)
    return value
