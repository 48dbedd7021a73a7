"""Test data, made directly with the models: teams, contacts, staff, feedback items and the
messages in their threads, complaint stages and safeguarding alerts.

Every factory adds its row to the app's session and commits, as ingest() does: the code under
test reads it in a fresh transaction, and browser and worker tests from other connections.
Use them inside an app context; tests/conftest.py empties the tables after each test.

    item = FeedbackItemFactory(message="He hits me", message__classification_state=DONE)
    SafeguardingAlertFactory(feedback_item=item)  # on the item's first message
"""

from datetime import datetime, timedelta
from typing import Any

import factory
import pyotp
from argon2 import PasswordHasher
from factory.alchemy import SQLAlchemyModelFactory

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertSource,
    AlertStatus,
    Channel,
    ComplaintStage,
    Contact,
    ContactRole,
    Direction,
    FeedbackItem,
    FeedbackKind,
    Message,
    SafeguardingAlert,
    StaffRole,
    StaffUser,
    Team,
)
from app.services.staff.accounts import create_account

# Argon2 at its production cost takes most of a second a hash on a small machine; every test
# hashes with this instead (tests/conftest.py), and the rules are alike.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# The password of every account StaffAccountFactory makes.
STAFF_PASSWORD = "correct horse battery staple"


def _a_minute_ago() -> datetime:
    return utcnow() - timedelta(minutes=1)


class _Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session = db.session
        sqlalchemy_session_persistence = "commit"


class TeamFactory(_Factory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class ContactFactory(_Factory):
    class Meta:
        model = Contact

    role = ContactRole.PARENT


class StaffUserFactory(_Factory):
    """An account for tests of what staff do, not of signing in: its password hash is a dummy."""

    class Meta:
        model = StaffUser

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    name = factory.Sequence(lambda n: f"Staff Member {n}")
    role = StaffRole.COMPLAINTS_OFFICER
    password_hash = "not-used"


class StaffAccountFactory(StaffUserFactory):
    """An account made as an administrator makes one, through create_account (so the password
    is really hashed, and the creation audited), with STAFF_PASSWORD. It has a TOTP secret the
    test knows unless made with `totp_secret=None`, as before two-factor is set up."""

    class Meta:
        exclude = ("password_hash",)

    password = STAFF_PASSWORD
    totp_secret = factory.LazyFunction(pyotp.random_base32)

    @classmethod
    def _create(cls, model_class: type[StaffUser], **fields: Any) -> StaffUser:
        role = fields.pop("role")
        totp_secret = fields.pop("totp_secret")
        user = create_account(role=StaffRole(role).value, **fields)
        user.totp_secret = totp_secret
        db.session.commit()
        return user


class FeedbackItemFactory(_Factory):
    """A complaint made a minute ago, with no messages unless `message="text"` asks for one
    inbound message, received when the item was made (`message__<field>` sets its others)."""

    class Meta:
        model = FeedbackItem

    reference = factory.Sequence(lambda n: f"HD-{n:04d}-TEST")
    kind = FeedbackKind.COMPLAINT
    themes = factory.LazyFunction(list)
    created_at = factory.LazyFunction(_a_minute_ago)

    @factory.post_generation
    def message(item: FeedbackItem, create: bool, text: str | None, **fields: Any) -> None:
        if text is None:
            return
        fields.setdefault("channel", item.received_via or Channel.SMS)
        fields.setdefault("received_at", item.created_at)
        MessageFactory(feedback_item=item, text=text, **fields)


class MessageFactory(_Factory):
    """An inbound text, in the thread of a new item unless given one. Its sender is a phone
    number for a text, an address for an email, and nobody for a form."""

    class Meta:
        model = Message

    feedback_item = factory.SubFactory(FeedbackItemFactory)
    channel = Channel.SMS
    direction = Direction.INBOUND
    external_id = factory.Sequence(lambda n: f"test-{n}")
    sender = factory.LazyAttribute(
        lambda message: {Channel.SMS: "+447700900123", Channel.EMAIL: "parent@example.org"}.get(
            message.channel
        )
    )
    text = "A message"
    raw_payload = factory.LazyFunction(dict)
    received_at = factory.LazyFunction(_a_minute_ago)


class ComplaintStageFactory(_Factory):
    """Stage 1 of a complaint, received the day the item was made and due that day unless
    told otherwise (a test of the clocks opens stages with the complaints service instead)."""

    class Meta:
        model = ComplaintStage

    feedback_item = factory.SubFactory(FeedbackItemFactory)
    stage = 1
    received_on = factory.LazyAttribute(lambda stage: stage.feedback_item.created_at.date())
    due_on = factory.SelfAttribute("received_on")


class SafeguardingAlertFactory(_Factory):
    """An alert from the classifier on an item's first message: by default a new item's, made
    as the alert is raised. Open, unless given an outcome: then it is closed."""

    class Meta:
        model = SafeguardingAlert

    created_at = factory.LazyFunction(utcnow)
    feedback_item = factory.SubFactory(
        FeedbackItemFactory, message="He hits me", created_at=factory.SelfAttribute("..created_at")
    )
    message = factory.LazyAttribute(
        lambda alert: alert.feedback_item.messages[0] if alert.feedback_item.messages else None
    )
    source = AlertSource.CLASSIFIER
    subtypes = factory.LazyFunction(lambda: ["physical_harm"])
    evidence = factory.LazyFunction(list)
    score = factory.LazyAttribute(
        lambda alert: 0.9 if alert.source == AlertSource.CLASSIFIER else None
    )
    outcome = None
    status = factory.LazyAttribute(
        lambda alert: AlertStatus.CLOSED if alert.outcome else AlertStatus.OPEN
    )
