"""Channel adapters: each verifies a request and turns it into an InboundMessage."""

from channels.base import Attachment, FeedbackDetails, InboundMessage, clean_text

__all__ = ["Attachment", "FeedbackDetails", "InboundMessage", "clean_text"]
