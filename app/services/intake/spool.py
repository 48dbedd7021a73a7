"""A durable spool on local disk for what arrives while the database cannot be reached.

One file per message, written to a temporary name, fsync'd, renamed into place and the folder
fsync'd: once the person has been answered, a power cut cannot lose what they sent. Names
start with the arrival time in nanoseconds, so replaying in name order is arrival order.
Replaying hands each entry back to the same service the request would have called, and only
then deletes the file; a replay cut short repeats entries already stored, which the
(channel, external id) deduplication in ingest() makes harmless.
"""

import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

_SUFFIX = ".json"


def spool_dir() -> Path:
    """The spool folder from the configuration, made if it is missing."""
    path = Path(current_app.config["SPOOL_DIR"])
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write(door: str, payload: dict[str, Any]) -> str:
    """Keep one received message on disk for later; returns the entry's name."""
    folder = spool_dir()
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex}{_SUFFIX}"
    temporary = folder / f".{name}.tmp"
    body = json.dumps({"door": door, "payload": payload}, ensure_ascii=False).encode()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, body)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.rename(temporary, folder / name)
    _fsync_folder(folder)
    log.warning("database unavailable: kept a %s message in the spool", door)
    return name


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def waiting() -> list[Path]:
    """Entries not yet replayed, oldest first."""
    folder = Path(current_app.config["SPOOL_DIR"])
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == _SUFFIX and not p.name.startswith("."))


def oldest_age_seconds(now: float | None = None) -> float | None:
    """How long the oldest waiting entry has waited, or None when the spool is empty."""
    entries = waiting()
    if not entries:
        return None
    arrived_ns = int(entries[0].name.split("-", 1)[0])
    return max(0.0, (now if now is not None else time.time()) - arrived_ns / 1e9)


@dataclass(frozen=True)
class ReplaySummary:
    replayed: int = 0
    waiting: int = 0
    busy: bool = False


@dataclass(frozen=True)
class Door:
    """How one door's entries are read back (a payload this version cannot read is set aside)
    and stored (an error there means: try again later)."""

    read: Callable[[dict[str, Any]], Any]
    store: Callable[[Any], object]


@contextmanager
def _exclusive(folder: Path) -> Iterator[bool]:
    """One replayer per machine: True if this process holds the spool, False if another does."""
    with open(folder / ".replay.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def replay(doors: dict[str, Door]) -> ReplaySummary:
    """Hand every waiting entry, oldest first, to its door's handler, deleting each once stored.

    Stops at the first entry that fails (the database is likely still down), so the rest keep
    their order and wait for the next pass.
    """
    entries = waiting()
    if not entries:
        return ReplaySummary()
    replayed = 0
    with _exclusive(spool_dir()) as mine:
        if not mine:
            return ReplaySummary(waiting=len(entries), busy=True)
        for path in waiting():
            try:
                entry = json.loads(path.read_bytes())
                door = doors[entry["door"]]
                received = door.read(entry["payload"])
            except (ValueError, KeyError, TypeError) as error:
                _set_aside(path, error)
                continue
            try:
                door.store(received)
            except Exception:
                log.exception("spool replay stopped; %s will be tried again", path.name)
                break
            path.unlink()
            replayed += 1
    if replayed:
        log.info("replayed %d spooled messages", replayed)
    return ReplaySummary(replayed=replayed, waiting=len(waiting()))


def _set_aside(path: Path, error: Exception) -> None:
    """An entry this version cannot read is kept, renamed, for a person: never deleted."""
    log.error("spool entry %s cannot be read (%s); kept as .unreadable", path.name, error)
    path.rename(path.with_suffix(".unreadable"))
