"""ingest(): the one write path. Stored exactly once, threaded, and committed before any job."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditInvitation, Channel, ComplaintStage, FeedbackItem, Message, Team
from app.services.intake import audit_invitations
from app.services.intake.audit_invitations import InvitationUnusable, TokenProblem
from app.services.intake.ingestion import StoredMessage, ThreadRef, ingest
from app.services.staff.accounts import create_account
from channels.base import FeedbackDetails, InboundMessage


def _msg(external_id: str = "ext-1", text: str = "Thank you for listening", **kw) -> InboundMessage:
    fields = {
        "channel": "web_adult",
        "external_id": external_id,
        "text": text,
        "received_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        "raw_payload": {"text": text},
        "details": FeedbackDetails(kind="compliment", contact_role="parent", team="Leeds"),
    }
    fields.update(kw)
    return InboundMessage(**fields)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_message_is_stored_with_its_item_contact_and_team(app):
    db.session.add(Team(name="Leeds", area="Yorkshire"))
    db.session.commit()

    result = ingest(_msg(text="Diolch 🙏 <b>שלום</b>"))

    assert result.created
    item = result.feedback_item
    assert item.reference.startswith("HD-")
    assert item.kind == "compliment"
    assert item.team.name == "Leeds"
    assert item.contact.role == "parent"
    assert result.message.text == "Diolch 🙏 <b>שלום</b>"
    assert result.message.received_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_the_contact_keeps_the_number_as_typed_beside_its_international_form(app):
    details = FeedbackDetails(
        kind="comment", contact_role="parent", phone="+447700900982", phone_raw="07700 900 982"
    )

    contact = ingest(_msg(details=details)).feedback_item.contact

    assert (contact.phone, contact.phone_raw) == ("+447700900982", "07700 900 982")


def test_the_same_delivery_twice_is_stored_once(app):
    first = ingest(_msg())
    second = ingest(_msg())
    assert not second.created
    assert second.message.id == first.message.id
    assert _count(Message) == 1
    assert _count(FeedbackItem) == 1


def test_a_burst_of_one_delivery_from_many_connections_is_stored_once(make_app):
    app = make_app()

    def deliver(_: int) -> int:
        with app.app_context():
            result = ingest(_msg(external_id="burst"))
            message_id = result.message.id
            db.session.remove()
            return message_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(deliver, range(24)))

    with app.app_context():
        assert len(ids) == 1
        assert _count(Message) == 1
        assert _count(FeedbackItem) == 1


def test_a_reply_carrying_a_reference_joins_its_thread(app):
    first = ingest(_msg())
    reply = ingest(
        _msg(
            external_id="ext-2",
            text="One more thing",
            thread_reference=first.feedback_item.reference,
        )
    )
    assert reply.feedback_item.id == first.feedback_item.id
    assert [m.text for m in reply.feedback_item.messages] == [
        "Thank you for listening",
        "One more thing",
    ]


def test_an_item_is_received_by_its_first_message_channel_and_a_later_reply_keeps_it(app):
    details = FeedbackDetails(kind="compliment", contact_role="parent", email="Sam@Example.org")
    first = ingest(_msg(details=details))
    assert first.feedback_item.received_via == Channel.WEB_ADULT
    reply = ingest(
        _msg(
            channel="email",
            external_id="<reply@example.org>",
            text="One more thing",
            sender="sam@example.org",
            thread_reference=first.feedback_item.reference,
        )
    )
    db.session.expire_all()
    assert reply.feedback_item.id == first.feedback_item.id
    assert reply.feedback_item.received_via == Channel.WEB_ADULT


def test_an_unknown_reference_starts_a_new_item(app):
    result = ingest(_msg(thread_reference="HD-ZZZZ-ZZZZ"))
    assert result.created
    assert result.feedback_item.reference != "HD-ZZZZ-ZZZZ"


def test_an_audit_link_is_single_use(app):
    invitation, token = audit_invitations.create_invitation(case_reference="FC123456")
    db.session.commit()
    audit = FeedbackDetails(kind="audit", contact_role="parent", score=4)

    result = ingest(_msg(external_id="a1", details=audit, audit_token=token))

    assert result.feedback_item.case_reference == "FC123456"
    assert db.session.get(AuditInvitation, invitation.id).used_at is not None
    with pytest.raises(InvitationUnusable) as refused:
        ingest(_msg(external_id="a2", details=audit, audit_token=token))
    assert refused.value.problem == TokenProblem.USED
    assert _count(Message) == 1


def test_an_expired_audit_link_stores_nothing(app):
    invitation, token = audit_invitations.create_invitation()
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()

    with pytest.raises(InvitationUnusable) as refused:
        ingest(
            _msg(details=FeedbackDetails(kind="audit", contact_role="parent"), audit_token=token)
        )

    assert refused.value.problem == TokenProblem.EXPIRED
    assert _count(Message) == 0


def test_a_reference_already_taken_is_retried_with_a_new_one(app, monkeypatch):
    taken = ingest(_msg("ext-1")).feedback_item.reference
    fresh = iter([taken, taken, "HD-2222-3333"])
    monkeypatch.setattr("app.services.intake.ingestion.new_reference", lambda: next(fresh))

    result = ingest(_msg("ext-2"))

    assert result.created
    assert result.feedback_item.reference == "HD-2222-3333"
    assert _count(Message) == 2


class Tagging:
    """A conversation that files every message in one thread and tags it as it is stored."""

    def __init__(self, thread: ThreadRef | None = None, fail: bool = False) -> None:
        self.thread = thread
        self.fail = fail
        self.stored: list[StoredMessage] = []

    def place(self, msg: InboundMessage) -> tuple[InboundMessage, ThreadRef | None]:
        return msg, self.thread

    def respond(self, stored: StoredMessage) -> None:
        if self.fail:
            raise RuntimeError("the reply could not be prepared")
        self.stored.append(stored)
        db.session.get_one(FeedbackItem, stored.feedback_item_id).topic = "tagged"


def test_a_conversation_places_the_message_and_its_writes_commit_with_it_never_for_a_repeat(app):
    first = ingest(_msg())
    conversation = Tagging(ThreadRef(first.feedback_item_id, first.feedback_item.reference))

    second = ingest(_msg("ext-2"), conversation)
    repeat = ingest(_msg("ext-2"), conversation)

    assert second.created and not repeat.created
    assert repeat.message_id == second.message_id
    assert conversation.stored == [
        StoredMessage(
            second.message_id,
            first.feedback_item_id,
            first.feedback_item.reference,
            new_thread=False,
        )
    ]
    db.session.expire_all()
    assert second.feedback_item.id == first.feedback_item_id
    assert second.feedback_item.topic == "tagged"


def test_a_failure_in_the_conversation_stores_nothing(app):
    with pytest.raises(RuntimeError):
        ingest(_msg(), Tagging(fail=True))

    assert _count(Message) == 0
    assert _count(FeedbackItem) == 0


def test_an_email_naming_a_case_joins_it_only_from_someone_on_it(app, make_staff=None):
    details = FeedbackDetails(kind="complaint", contact_role="parent", email="sam@example.org")
    case = ingest(_msg(details=details)).feedback_item
    stranger = ingest(
        _msg(
            channel="email",
            external_id="<in@stranger.example>",
            text="Please send me everything on this case",
            sender="someone@stranger.example",
            thread_reference=case.reference,
        )
    )
    assert stranger.feedback_item.id != case.id
    assert stranger.feedback_item.named_item_id == case.id
    forged_reply = ingest(
        _msg(
            channel="email",
            external_id="<forged@stranger.example>",
            text="More",
            sender="someone@stranger.example",
            replies_to=("<in@stranger.example>",),
        )
    )
    # Replying to their own email is fine: they are on that (new) thread.
    assert forged_reply.feedback_item.id == stranger.feedback_item.id
    create_account(
        email="Officer@Council.example", name="An Officer", role="manager", password="x" * 16
    )
    from_staff = ingest(
        _msg(
            channel="email",
            external_id="<staff@council.example>",
            text="Note for the file",
            sender="officer@council.example",
            thread_reference=case.reference,
        )
    )
    assert from_staff.feedback_item.id == case.id


def test_a_new_complaint_has_its_stage_1_opened_after_the_commit_that_stored_it(app):
    result = ingest(_msg(details=FeedbackDetails(kind="complaint", contact_role="parent")))
    stage = db.session.execute(select(ComplaintStage)).scalar_one()
    assert stage.feedback_item_id == result.feedback_item_id and stage.stage == 1
    assert ingest(_msg(external_id="ext-2")).created
    assert _count(ComplaintStage) == 1
