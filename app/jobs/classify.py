"""Classification jobs."""

import logging

from rq import Retry

from app.jobs import job
from app.services.classification import pipeline

log = logging.getLogger(__name__)


@job("urgent", retry=Retry(max=3, interval=[10, 60, 300]))
def classify_message(message_id: int) -> str | None:
    """Classify one message by id."""
    state = pipeline.classify_message(message_id)
    return state.value if state else None


@job("periodic", timeout=600)
def sweep_unclassified() -> int:
    """Re-enqueue messages whose classification was lost or never happened."""
    due = pipeline.messages_to_sweep()
    for message_id in due:
        classify_message.delay_or_run(message_id)
    if due:
        log.info("re-enqueued %d unclassified messages", len(due))
    return len(due)
