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
