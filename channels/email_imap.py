"""Reading a mailbox over IMAP: each unprocessed message's raw bytes, marked only once stored.

The handler stores the message and commits before it returns; only then is the message
flagged \\Seen or moved to the processed folder. A poll killed half-way leaves the rest
unmarked, and the next poll fetches them again: dedupe on Message-ID makes that harmless.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags
from imap_tools.mailbox import BaseMailBox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    processed_folder: str = ""
    ssl: bool = True
    batch: int = 50
    timeout: int = 60


@dataclass(frozen=True)
class PollSummary:
    # New messages stored; messages already stored (through the webhook, or by a poll killed
    # before it could mark them), marked now; messages that could not be stored.
    stored: int = 0
    failed: int = 0
    already: int = 0


def poll(settings: ImapSettings, handle: Callable[[bytes], bool]) -> PollSummary:
    """Hand each waiting message to `handle` (which says whether it was new), then mark it; a
    message whose handler raises is left as it was, to be fetched again next time."""
    stored = failed = already = 0
    with _connect(settings) as mailbox:
        if settings.processed_folder and not mailbox.folder.exists(settings.processed_folder):
            mailbox.folder.create(settings.processed_folder)
        mailbox.folder.set(settings.folder)
        # With a processed folder everything left in the inbox is waiting, read or not: a
        # person opening the shared mailbox must not hide a message from Heard.
        criteria = "ALL" if settings.processed_folder else AND(seen=False)
        for uid in mailbox.uids(criteria)[: settings.batch]:
            raw = _fetch(mailbox, uid)
            if raw is None:
                continue
            try:
                new = handle(raw)
            except Exception:
                failed += 1
                log.exception(
                    "could not store IMAP message uid %s; it stays for the next poll", uid
                )
                continue
            _mark_done(mailbox, uid, settings.processed_folder)
            if new:
                stored += 1
            else:
                already += 1
    return PollSummary(stored=stored, failed=failed, already=already)


def _connect(settings: ImapSettings) -> BaseMailBox:
    if settings.ssl:
        mailbox: BaseMailBox = MailBox(settings.host, settings.port, timeout=settings.timeout)
    else:
        mailbox = MailBoxUnencrypted(settings.host, settings.port, timeout=settings.timeout)
    return mailbox.login(settings.user, settings.password, initial_folder=None)


def _fetch(mailbox: BaseMailBox, uid: str) -> bytes | None:
    """The message's exact bytes, without setting \\Seen (BODY.PEEK)."""
    status, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            body: bytes = part[1]
            return body
    return None


def _mark_done(mailbox: BaseMailBox, uid: str, processed_folder: str) -> None:
    if processed_folder:
        mailbox.move(uid, processed_folder)
    else:
        mailbox.flag(uid, MailMessageFlags.SEEN, True)
