"""Staff change what kind of feedback an item is (a texted comment into a complaint, a
complaint withdrawn into a comment), and record complaints that came by phone, letter, in
person or through an advocate; GOV.UK date wording, and a status that never says closed while
a stage is open."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ComplaintOutcome,
    ComplaintStage,
    Direction,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    Message,
    StaffRole,
)
from app.services.complaints import kinds, stages
from app.services.complaints.stages import ComplaintRuleError
from app.services.reports.annual import build_report
from tests.factories import FeedbackItemFactory, StaffUserFactory

# A Friday evening text: received on the next working day, Monday 16 November 2026.
TEXTED = datetime(2026, 11, 13, 18, tzinfo=UTC)


def stages_of(item_id: int) -> list[ComplaintStage]:
    db.session.expire_all()
    query = select(ComplaintStage).where(ComplaintStage.feedback_item_id == item_id)
    return list(db.session.scalars(query.order_by(ComplaintStage.stage)))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_texted_comment_becomes_a_complaint_clocked_from_its_first_message(
    client, signed_in, add_item
):
    item = add_item(
        "Nobody has rung me back in six weeks", kind=FeedbackKind.COMMENT, created_at=TEXTED
    )
    page = client.get(f"/staff/items/{item.id}")
    assert f'href="/staff/complaints/items/{item.id}/kind"' in page.text
    form = client.get(f"/staff/complaints/items/{item.id}/kind")
    assert "Complaint" in form.text and "first message was received" in form.text

    missing = client.post(f"/staff/complaints/items/{item.id}/kind", data={"kind": "complaint"})
    assert missing.status_code == 200 and "Say why the kind is changing" in missing.text
    done = client.post(
        f"/staff/complaints/items/{item.id}/kind",
        data={"kind": "complaint", "reason": "She said on the phone it is a complaint"},
    )
    assert done.status_code == 302
    [stage] = stages_of(item.id)
    assert stage.received_on == date(2026, 11, 16)
    assert stage.due_on == date(2026, 11, 30)
    [event] = audit("feedback_kind_changed")
    assert event.detail["from"] == "comment" and event.detail["to"] == "complaint"
    shown = client.get(f"/staff/items/{item.id}")
    assert "Complaint: Stage 1" in shown.text and "30 November 2026" in shown.text


def test_a_withdrawn_complaint_is_kept_as_a_comment(client, signed_in, add_item):
    item = add_item("The report has my name wrong", created_at=TEXTED)
    stages.open_stage_one(item)
    refused = client.post(
        f"/staff/complaints/items/{item.id}/kind", data={"kind": "complaint", "reason": "x"}
    )
    assert refused.status_code == 200 and "govuk-error-summary" in refused.text
    client.post(
        f"/staff/complaints/items/{item.id}/kind",
        data={"kind": "comment", "reason": "Resolved on the phone; she withdrew it"},
    )
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).kind == FeedbackKind.COMMENT
    [stage] = stages_of(item.id)
    assert stage.outcome == ComplaintOutcome.WITHDRAWN
    assert stage.outcome_reason == "Resolved on the phone; she withdrew it"


def test_only_complaints_staff_change_kinds_and_audit_feedback_keeps_its_kind(
    client, make_staff, sign_in, add_item
):
    item = add_item("Fine", kind=FeedbackKind.COMMENT)
    sign_in(client, make_staff(StaffRole.LEARNING_TEAM))
    assert client.get(f"/staff/complaints/items/{item.id}/kind").status_code == 403
    assert 'kind"' not in client.get(f"/staff/items/{item.id}").text.split("Kind")[0]


def test_a_phone_complaint_is_recorded_through_ingest_and_counted_as_received_by_phone(
    client, signed_in, clock
):
    page = client.get("/staff/complaints/record")
    assert page.status_code == 200 and "Phone call" in page.text
    data = {
        "how": "phone",
        "received_on": ["16", "11", "2026"],
        "contact_role": "grandparent",
        "name": "Pat Example",
        "phone": "07700 900456",
        "email": "",
        "postal_address": "",
        "team": "",
        "text": "Nobody told us the hearing had moved.",
    }
    done = client.post("/staff/complaints/record", data=data)
    assert done.status_code == 302
    item = db.session.scalars(select(FeedbackItem)).one()
    assert item.kind == FeedbackKind.COMPLAINT and item.received_via == "phone"
    assert item.contact.phone == "+447700900456" and item.submitter_role == "grandparent"
    message = db.session.scalars(
        select(Message).where(Message.direction == Direction.INBOUND)
    ).one()
    assert message.text == "Nobody told us the hearing had moved."
    [stage] = stages_of(item.id)
    assert stage.received_on == date(2026, 11, 16) and stage.due_on == date(2026, 11, 30)
    assert audit("complaint_recorded")[0].detail["how"] == "phone"
    report = build_report(date(2026, 4, 1), date(2027, 3, 31))
    phone = next(r for r in report.channels.rows if r.key == "phone")
    assert phone.label == "Phone" and phone.current == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"received_on": ["31", "2", "2026"]}, "Date received must be a real date"),
        ({"received_on": ["1", "1", "2030"]}, "today or in the past"),
        ({"received_on": ["", "", ""]}, "Enter the date received"),
        ({"how": "sms"}, "Not a valid choice"),
        ({"text": "  "}, "Enter what the complaint is about"),
        ({"email": "not an address"}, "correct format"),
        ({"text": "x" * 20_001}, "20000 characters or fewer"),
        ({"received_on": ["a", "b", "c"]}, "Date received must be a real date"),
        ({"received_on": ["1", "2"]}, "Enter the date as day, month and year"),
        ({"contact_role": "queen"}, "Not a valid choice"),
        ({"postal_address": "y" * 501}, "500 characters or fewer"),
    ],
)
def test_bad_recordings_come_back_with_govuk_errors(client, signed_in, change, error):
    data = {
        "how": "letter",
        "received_on": ["16", "11", "2026"],
        "contact_role": "parent",
        "team": "",
        "text": "A letter about the report.",
        **change,
    }
    page = client.post("/staff/complaints/record", data=data)
    assert page.status_code == 200 and "govuk-error-summary" in page.text
    assert error in page.text
    assert "Not a valid date value" not in page.text
    assert db.session.scalars(select(FeedbackItem)).first() is None


def test_an_item_with_an_open_stage_never_shows_closed(client, signed_in, add_item):
    item = add_item("Still waiting", created_at=TEXTED)
    stages.open_stage_one(item)
    item.status = FeedbackStatus.CLOSED
    db.session.commit()
    page = client.get(f"/staff/items/{item.id}")
    assert "Closed" not in page.text and "Open" in page.text
    listing = client.get("/staff/").text
    assert 'govuk-table__cell">Open<' in listing and 'govuk-table__cell">Closed<' not in listing


def test_kinds_staff_may_choose_follow_the_item(app):
    officer = StaffUserFactory()
    compliment = FeedbackItemFactory(kind=FeedbackKind.COMPLIMENT, created_at=TEXTED)
    assert kinds.kinds_for(compliment) == (FeedbackKind.COMPLAINT,)
    audit_item = FeedbackItemFactory(kind=FeedbackKind.AUDIT)
    assert kinds.kinds_for(audit_item) == ()
    with pytest.raises(ComplaintRuleError):
        kinds.change_kind(audit_item, officer, FeedbackKind.COMPLAINT, "reason")
    with pytest.raises(ComplaintRuleError, match="Say why"):
        kinds.change_kind(compliment, officer, FeedbackKind.COMPLAINT, "  ")
    kinds.change_kind(compliment, officer, FeedbackKind.COMPLAINT, "It was a complaint")
    [stage] = stages_of(compliment.id)
    assert stage.received_on == date(2026, 11, 16)


def test_a_kind_not_offered_is_refused(client, signed_in, add_item):
    item = add_item("Thanks", kind=FeedbackKind.COMMENT)
    page = client.post(
        f"/staff/complaints/items/{item.id}/kind", data={"kind": "audit", "reason": "x"}
    )
    assert page.status_code == 200 and "govuk-error-summary" in page.text
    assert client.post("/staff/complaints/items/999999999999/kind").status_code == 404


def test_a_future_date_is_shown_on_the_date_field(client, signed_in):
    data = {
        "how": "in_person",
        "received_on": ["1", "1", "2030"],
        "contact_role": "child",
        "team": "",
        "text": "I came in to say nobody listens to me.",
    }
    page = client.post("/staff/complaints/record", data=data)
    assert 'href="#received_on' in page.text
