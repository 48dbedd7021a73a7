"""MP and councillor enquiries are chased like complaint stages: a nudge within 5 working days
of the 10 working-day target, an overdue warning after it, weekly, to the owner and the head of
service, on a fixed date and sent as real emails to a local SMTP server."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import (
    ElectedMember,
    FeedbackKind,
    MemberEnquiry,
    StaffRole,
)
from app.services.complaints import stages
from app.services.complaints.reminders import send_reminders
from tests.factories import FeedbackItemFactory, StaffUserFactory, TeamFactory

HEAD = "head.of.service@council.example"
WORDS = "Writing on behalf of my constituent about her son's placement"


def _enquiry(kind: FeedbackKind = FeedbackKind.COMMENT, reference: str = "HD-8888-TEST"):
    """An MP's enquiry received on 19 December 2025, so due on 7 January 2026."""
    item = FeedbackItemFactory(
        reference=reference,
        kind=kind,
        created_at=datetime(2025, 12, 19, 10, tzinfo=UTC),
        team=TeamFactory(name=f"Team {reference}"),
    )
    enquiry = MemberEnquiry(
        feedback_item=item,
        member=ElectedMember.MP,
        received_on=date(2025, 12, 19),
        due_on=date(2026, 1, 7),
    )
    db.session.add(enquiry)
    db.session.commit()
    return enquiry


@pytest.fixture
def mail(make_app, smtp_server):
    captured, smtp = smtp_server
    app = make_app(HEAD_OF_SERVICE_EMAIL=HEAD, **smtp)
    with app.app_context():
        yield captured


def test_an_enquiry_with_no_owner_goes_to_the_head_of_service_weekly_then_overdue(mail):
    enquiry = _enquiry()
    assert send_reminders(date(2025, 12, 24)) == 0  # 6 working days left
    assert send_reminders(date(2025, 12, 30)) == 1  # 5 left
    [nudge] = mail.messages
    assert nudge["To"] == HEAD
    assert nudge["Subject"] == "Due soon: MP enquiry HD-8888-TEST, response"
    body = nudge.get_body(("plain",)).get_content()
    assert "7 January 2026" in body and "5 working day(s) left" in body
    assert f"/staff/items/{enquiry.feedback_item_id}" in body
    assert "Responding manager: nobody yet" in body
    assert "constituent" not in body and "placement" not in body

    assert send_reminders(date(2026, 1, 5)) == 0  # within the week since the nudge
    assert send_reminders(date(2026, 1, 6)) == 1  # a week on, still not answered
    assert send_reminders(date(2026, 1, 8)) == 1
    assert mail.messages[-1]["Subject"] == "Overdue: MP enquiry HD-8888-TEST, response"
    assert "1 working day(s) overdue" in mail.messages[-1].get_body(("plain",)).get_content()
    assert send_reminders(date(2026, 1, 14)) == 0
    assert send_reminders(date(2026, 1, 15)) == 1
    assert len(mail.messages) == 4


def test_the_complaints_manager_owns_an_enquiry_about_a_complaint(mail):
    manager = StaffUserFactory(
        email="manager@council.example", name="Morgan Manager", role=StaffRole.MANAGER
    )
    enquiry = _enquiry(FeedbackKind.COMPLAINT)
    stage = stages.open_stage_one(enquiry.feedback_item)
    stage.manager_id = manager.id
    db.session.commit()

    # The complaint's Stage 1 and the MP's enquiry are both due on 7 January: two of each.
    assert send_reminders(date(2025, 12, 30)) == 4
    enquiry_mail = [m for m in mail.messages if "MP enquiry" in m["Subject"]]
    assert sorted(m["To"] for m in enquiry_mail) == [HEAD, "manager@council.example"]
    copy = next(m for m in enquiry_mail if m["To"] == HEAD).get_body(("plain",)).get_content()
    assert copy.startswith("Copy for the head of service.")
    assert "Responding manager: Morgan Manager" in copy


def test_answered_enquiries_and_weekends_get_nothing(mail):
    enquiry = _enquiry()
    assert send_reminders(date(2026, 1, 10)) == 0  # a Saturday
    enquiry.responded_on = date(2026, 1, 6)
    db.session.commit()
    assert send_reminders(date(2026, 1, 12)) == 0
    assert mail.messages == []


def test_nobody_to_send_to_stores_nothing_and_does_not_fail(make_app, smtp_server):
    captured, smtp = smtp_server
    app = make_app(HEAD_OF_SERVICE_EMAIL="", **smtp)
    with app.app_context():
        enquiry = _enquiry()
        assert send_reminders(date(2026, 1, 8)) == 0
        assert enquiry.reminder_kind is None
    assert captured.messages == []
