"""Email jobs: polling the feedback mailbox."""

from app.jobs import job
from app.services import inbound_email


@job("periodic", timeout=300)
def poll_mailbox() -> int:
    """Fetch and store the waiting emails; returns how many were stored."""
    return inbound_email.poll_mailbox().stored
