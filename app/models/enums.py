"""Vocabularies of the domain, stored as their string values."""

from enum import StrEnum

from sqlalchemy import Enum


class ContactRole(StrEnum):
    CHILD = "child"
    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    CARER = "carer"
    GRANDPARENT = "grandparent"
    RELATIVE = "relative"
    CARE_LEAVER = "care_leaver"
    ADVOCATE = "advocate"
    PROFESSIONAL = "professional"
    MP = "mp"
    OTHER = "other"


class FeedbackKind(StrEnum):
    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    COMMENT = "comment"
    AUDIT = "audit"


class FeedbackStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    CLOSED = "closed"


class Channel(StrEnum):
    WEB_CHILD = "web_child"
    WEB_ADULT = "web_adult"
    WEB_AUDIT = "web_audit"
    SMS = "sms"
    EMAIL = "email"
    API = "api"
    # Recorded by staff from what came another way (see intake.recorded).
    PHONE = "phone"
    LETTER = "letter"
    IN_PERSON = "in_person"
    ADVOCATE = "advocate"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ClassificationState(StrEnum):
    PENDING = "pending"  # stored, classification queued or waiting for the sweeper
    UNAVAILABLE = "unavailable"  # the job ran but no classifier is installed: a person must read it
    DONE = "done"
    FAILED = "failed"  # gave up after retries: a person must read it


class DeliveryStatus(StrEnum):
    """Where an outbound message is: ours first, then what the provider reported, in order."""

    PENDING = "pending"  # stored, its send queued or waiting for the resend sweep
    SENT = "sent"  # the provider took it
    OPTED_OUT = "opted_out"  # the person asked for no more on this channel: never sent
    REFUSED = "refused"  # sending again cannot help (a bad number, no provider set up)
    # Replies given in the webhook's own response: the provider sends them, no job does.
    ANSWERED_IN_RESPONSE = "answered_in_response"
    # The provider's own statuses, reported by its callbacks.
    QUEUED = "queued"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELED = "canceled"


class StaffRole(StrEnum):
    SAFEGUARDING_REVIEWER = "safeguarding_reviewer"
    COMPLAINTS_OFFICER = "complaints_officer"
    MANAGER = "manager"
    LEARNING_TEAM = "learning_team"
    ADMIN = "admin"


# Who may do what, by role: one tuple each, read by the services and by the pages' guards.
SAFEGUARDING_ROLES = (StaffRole.SAFEGUARDING_REVIEWER, StaffRole.MANAGER, StaffRole.ADMIN)
COMPLAINTS_ROLES = (StaffRole.COMPLAINTS_OFFICER, StaffRole.MANAGER, StaffRole.ADMIN)
ANALYST_ROLES = (StaffRole.LEARNING_TEAM, StaffRole.MANAGER, StaffRole.ADMIN)
LEADERSHIP_ROLES = (StaffRole.MANAGER, StaffRole.ADMIN)
POPULATION_ROLES = (StaffRole.ADMIN, StaffRole.LEARNING_TEAM)
# Retention, legal holds, subject access, erasure and correction: people who may read any item.
PRIVACY_ROLES = (StaffRole.MANAGER, StaffRole.ADMIN)


class PreferredChannel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"


def enum_column(enum_cls: type[StrEnum]) -> Enum:
    """A portable string column for a StrEnum: no native enum type, so new values need no DDL."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class AlertSource(StrEnum):
    CLASSIFIER = "classifier"
    MANUAL = "manual"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"
