"""Open MP and councillor enquiries on the due-this-week page, beside complaint stages."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.models import ElectedMember, FeedbackKind, MemberEnquiry
from app.services.complaints import stages
from tests.factories import TeamFactory


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 6))  # a Tuesday


def _enquiry(item, due_on: date, member=ElectedMember.MP, responded_on=None) -> MemberEnquiry:
    enquiry = MemberEnquiry(
        feedback_item_id=item.id,
        member=member,
        received_on=date(2025, 12, 19),
        due_on=due_on,
        responded_on=responded_on,
    )
    db.session.add(enquiry)
    db.session.commit()
    return enquiry


def test_open_enquiries_due_this_week_are_listed_and_filtered_by_team(client, signed_in, add_item):
    north = TeamFactory(name="North")
    created = datetime(2025, 12, 19, 9, tzinfo=UTC)
    due = add_item("On behalf of a constituent", FeedbackKind.COMMENT, created, team_id=north.id)
    overdue = add_item("A councillor asks", FeedbackKind.COMMENT, created)
    later = add_item("Next month", FeedbackKind.COMMENT, created)
    answered = add_item("Answered", FeedbackKind.COMMENT, created)
    _enquiry(due, date(2026, 1, 9))
    _enquiry(overdue, date(2026, 1, 2), ElectedMember.COUNCILLOR)
    _enquiry(later, date(2026, 1, 20))
    _enquiry(answered, date(2026, 1, 7), responded_on=date(2026, 1, 5))

    page = client.get("/staff/complaints/due")
    assert page.status_code == 200
    assert "MP enquiry: reply" in page.text
    assert due.reference in page.text and overdue.reference in page.text
    assert later.reference not in page.text and answered.reference not in page.text
    assert "Councillor enquiry: reply" in page.text and "overdue" in page.text
    assert "On behalf of a constituent" not in page.text

    filtered = client.get(f"/staff/complaints/due?team={north.id}")
    assert due.reference in filtered.text and overdue.reference not in filtered.text


def test_no_enquiries_says_so(client, signed_in):
    page = client.get("/staff/complaints/due")
    assert "Nothing else is due this week." in page.text and "Nothing is overdue." in page.text
