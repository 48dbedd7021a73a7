"""Sending jobs: everything Heard sends goes out through these."""

import logging

from rq import Retry

from app.jobs import job
from app.services.outbound import delivery

log = logging.getLogger(__name__)


@job("outbound", retry=Retry(max=5, interval=[10, 30, 120, 600, 1800]), timeout=60)
def send_message(message_id: int) -> str | None:
    """Send one stored outbound message by id."""
    return delivery.send(message_id)


@job("periodic", timeout=300)
def sweep_unsent() -> int:
    """Re-enqueue outbound messages whose send was lost or failed without a retry."""
    due = delivery.messages_to_resend()
    for message_id in due:
        send_message.delay_or_run(message_id)
    if due:
        log.info("re-enqueued %d unsent messages", len(due))
    return len(due)
