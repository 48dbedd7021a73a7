"""Locks that last until the current transaction ends, for work that reads, then writes on
what it read (two texts from one number must not both find no thread and both open one)."""

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import bindparam, func, select

from app.extensions import db

_ADVISORY_LOCK = select(func.pg_advisory_xact_lock(bindparam("key")))
# SQLite is the one-process embedded default: a lock per stripe within the process is enough.
_LOCAL_STRIPES = [threading.Lock() for _ in range(64)]


def _key_number(key: str) -> int:
    """A stable signed 64-bit number for the key (Python's hash() changes per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), signed=True)


@contextmanager
def transaction_lock(key: str) -> Iterator[None]:
    """Hold a lock on `key` for the rest of the session's transaction; commit or roll back
    inside the block.

    On PostgreSQL it is an advisory lock, so every web process waits on it and the database
    releases it at commit or rollback; at READ COMMITTED, PostgreSQL's default, statements
    after it see what the previous holder committed. On SQLite only threads of this process
    wait.
    """
    number = _key_number(key)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(_ADVISORY_LOCK, {"key": number})
        yield
        return
    with _LOCAL_STRIPES[number % len(_LOCAL_STRIPES)]:
        yield


_LOCAL_JOB_LOCKS: dict[str, threading.Lock] = {}
_LOCAL_JOB_LOCKS_GUARD = threading.Lock()


@contextmanager
def try_job_lock(name: str) -> Iterator[bool]:
    """Hold a lock on `name` for as long as the block runs, across commits, if no one else
    holds it: yields True if this run holds it, False if another run (in any process) does.

    On PostgreSQL it is a session advisory lock on a connection of its own, so the work inside
    may commit as often as it likes and a process that dies releases it with its connection.
    On SQLite only this process's threads are kept apart.
    """
    number = _key_number(f"job:{name}")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            held = connection.execute(select(func.pg_try_advisory_lock(number))).scalar()
            connection.commit()
            try:
                yield bool(held)
            finally:
                if held:
                    connection.execute(select(func.pg_advisory_unlock(number)))
                    connection.commit()
        return
    with _LOCAL_JOB_LOCKS_GUARD:
        lock = _LOCAL_JOB_LOCKS.setdefault(name, threading.Lock())
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            lock.release()
