"""Correspondence forms on the item page: an MP's enquiry and its reply, an Ombudsman referral,
a compliment credited to a team. Roles and hostile input included."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ComplimentCredit,
    ContactRole,
    FeedbackKind,
    MemberEnquiry,
    OmbudsmanReferral,
    StaffRole,
)
from app.services.complaints import stages
from tests.factories import TeamFactory


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))


@pytest.fixture
def from_mp(add_item):
    return add_item(
        "Writing on behalf of my constituent",
        created_at=datetime(2025, 12, 19, 9, tzinfo=UTC),
        submitter_role=ContactRole.MP,
    )


def test_an_mp_enquiry_is_suggested_recorded_and_answered(client, signed_in, from_mp):
    page = client.get(f"/staff/items/{from_mp.id}")
    assert "Record as an MP's or councillor's enquiry" in page.text
    assert "(this came from an MP)" in page.text
    form = client.get(f"/staff/correspondence/items/{from_mp.id}/member-enquiry")
    assert 'value="mp" checked' in form.text and 'value="19"' in form.text
    saved = client.post(
        f"/staff/correspondence/items/{from_mp.id}/member-enquiry",
        data={"member": "mp", "received_on": ["19", "12", "2025"]},
    )
    assert saved.status_code == 302
    enquiry = db.session.execute(select(MemberEnquiry)).scalar_one()
    assert enquiry.due_on == date(2026, 1, 7)
    page = client.get(f"/staff/items/{from_mp.id}")
    assert "Enquiry from an MP" in page.text
    assert "7 January 2026" in page.text and "working days overdue" in page.text
    client.post(
        f"/staff/correspondence/enquiries/{enquiry.id}/response",
        data={"responded_on": ["8", "1", "2026"]},
    )
    db.session.expire_all()
    assert db.session.get(MemberEnquiry, enquiry.id).responded_on == date(2026, 1, 8)
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "member_enquiry_recorded" in actions and "member_enquiry_responded" in actions


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"member": "senator", "received_on": ["19", "12", "2025"]},
        {"member": "mp", "received_on": ["31", "2", "2026"]},
        {"member": "mp", "received_on": ["1", "2", "2026"]},
        {"member": "mp", "received_on": ["x" * 5000, "1", "2026"]},
        {"member": "mp", "received_on": "19"},
        {"member": "mp", "received_on": ["19", "12", "2025", "1"]},
        {"member": "mp"},
    ],
)
def test_hostile_enquiries_come_back_with_errors(client, signed_in, from_mp, data):
    response = client.post(f"/staff/correspondence/items/{from_mp.id}/member-enquiry", data=data)
    assert response.status_code == 200 and "govuk-error-summary" in response.text
    assert db.session.execute(select(MemberEnquiry)).first() is None


def test_an_ombudsman_referral_and_its_finding_through_the_form(client, signed_in, add_item):
    item = add_item("The report is wrong")
    url = f"/staff/correspondence/items/{item.id}/ombudsman"
    assert "Record an Ombudsman referral" in client.get(f"/staff/items/{item.id}").text
    client.post(url, data={"referred_on": ["5", "1", "2026"], "reference": "LG-1", "finding": ""})
    referral = db.session.execute(select(OmbudsmanReferral)).scalar_one()
    assert referral.finding is None
    again = client.get(url)
    assert 'value="LG-1"' in again.text
    bad = client.post(
        url, data={"referred_on": ["5", "1", "2026"], "finding": "upheld", "remedy": "Pay"}
    )
    assert "together" in bad.text and "govuk-error-summary" in bad.text
    client.post(
        url,
        data={
            "referred_on": ["5", "1", "2026"],
            "reference": "LG-1",
            "finding": "maladministration",
            "finding_on": ["19", "1", "2026"],
            "remedy": "Apologise",
        },
    )
    page = client.get(f"/staff/items/{item.id}")
    assert "Maladministration, 19 January 2026" in page.text and "Apologise" in page.text
    hostile = client.post(url, data={"referred_on": ["5", "1", "2026"], "finding": "lost"})
    assert hostile.status_code == 200 and "govuk-error-summary" in hostile.text


def test_a_compliment_is_credited_and_other_kinds_cannot_be(client, signed_in, add_item):
    team = TeamFactory(name="North")
    compliment = add_item("Sam was brilliant", kind=FeedbackKind.COMPLIMENT)
    url = f"/staff/correspondence/items/{compliment.id}/credit"
    missing = client.post(url, data={"team": "", "worker_name": "Sam"})
    assert "Choose the team to credit" in missing.text
    assert client.post(url, data={"team": "99999"}).status_code == 200
    long = client.post(url, data={"team": str(team.id), "worker_name": "x" * 201})
    assert "govuk-error-summary" in long.text
    client.post(url, data={"team": str(team.id), "worker_name": "Sam"})
    credit = db.session.execute(select(ComplimentCredit)).scalar_one()
    assert credit.team_id == team.id and credit.worker_name == "Sam"
    assert "Compliment credited to" in client.get(f"/staff/items/{compliment.id}").text
    complaint = add_item("Not happy")
    assert client.get(f"/staff/correspondence/items/{complaint.id}/credit").status_code == 404
    assert client.get(f"/staff/correspondence/items/{compliment.id}/ombudsman").status_code == 404
    assert client.get("/staff/correspondence/items/999999/credit").status_code == 404
    assert client.get("/staff/correspondence/enquiries/999999/response").status_code == 404


def test_a_reviewer_sees_no_forms_and_may_not_post(client, make_staff, sign_in, from_mp):
    sign_in(client, make_staff(StaffRole.SAFEGUARDING_REVIEWER))
    page = client.get(f"/staff/items/{from_mp.id}")
    assert "Record as an MP" not in page.text
    refused = client.post(
        f"/staff/correspondence/items/{from_mp.id}/member-enquiry",
        data={"member": "mp", "received_on": ["19", "12", "2025"]},
    )
    assert refused.status_code == 403
    assert db.session.execute(select(MemberEnquiry)).first() is None


def test_a_compliment_is_credited_to_its_suggested_team_in_one_click(client, signed_in, add_item):
    """At triage the item's own team is suggested; one click confirms it, and it is audited."""
    team = TeamFactory(name="North")
    compliment = add_item("Thank you all", kind=FeedbackKind.COMPLIMENT, team_id=team.id)
    page = client.get(f"/staff/items/{compliment.id}")
    assert "Suggested from the item's team: North." in page.text
    assert "Credit to North" in page.text and "Credit another team, or name a worker" in page.text
    confirmed = client.post(f"/staff/correspondence/items/{compliment.id}/credit/confirm")
    assert confirmed.status_code == 302
    credit = db.session.execute(select(ComplimentCredit)).scalar_one()
    assert credit.team_id == team.id and credit.worker_name is None
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "compliment_credited")
    ).scalar_one()
    assert event.staff_user_id is not None
    assert event.detail["confirmed_suggestion"] is True
    assert event.detail["feedback_item_id"] == compliment.id
    page = client.get(f"/staff/items/{compliment.id}")
    assert "Compliment credited to" in page.text and "Credit to North" not in page.text
    # Confirmed already: nothing left to confirm, so the full form is offered instead.
    again = client.post(f"/staff/correspondence/items/{compliment.id}/credit/confirm")
    assert again.status_code == 302 and again.location.endswith(f"/items/{compliment.id}/credit")


def test_no_suggestion_without_a_team_and_none_for_other_kinds(client, signed_in, add_item):
    teamless = add_item("Lovely people", kind=FeedbackKind.COMPLIMENT)
    assert "Credit to " not in client.get(f"/staff/items/{teamless.id}").text
    refused = client.post(f"/staff/correspondence/items/{teamless.id}/credit/confirm")
    assert refused.status_code == 302 and refused.location.endswith("/credit")
    assert db.session.execute(select(ComplimentCredit)).first() is None
    complaint = add_item("Not happy", team_id=TeamFactory().id)
    url = f"/staff/correspondence/items/{complaint.id}/credit/confirm"
    assert client.post(url).status_code == 404
    assert client.post("/staff/correspondence/items/999999/credit/confirm").status_code == 404
    assert client.get(url).status_code == 405


def test_a_reviewer_may_not_confirm_a_credit(client, make_staff, sign_in, add_item):
    sign_in(client, make_staff(StaffRole.SAFEGUARDING_REVIEWER))
    team = TeamFactory(name="North")
    compliment = add_item("Thank you", kind=FeedbackKind.COMPLIMENT, team_id=team.id)
    assert "Credit to North" not in client.get(f"/staff/items/{compliment.id}").text
    refused = client.post(f"/staff/correspondence/items/{compliment.id}/credit/confirm")
    assert refused.status_code == 403
    assert db.session.execute(select(ComplimentCredit)).first() is None
