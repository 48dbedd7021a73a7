"""Email jobs: polling the feedback mailbox."""

from app.jobs import job
from app.services.intake import email_conversations


@job("periodic", timeout=300)
def poll_mailbox() -> int:
    """Fetch and store the waiting emails; returns how many were stored."""
    return email_conversations.poll_mailbox().stored
