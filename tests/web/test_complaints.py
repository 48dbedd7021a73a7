"""Complaint stage pages: the panel on a complaint, the forms that move a stage on, and the
week's due list. Roles, CSRF and hostile input included."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs.complaints import open_complaint_stage
from app.models import AuditEvent, ComplaintStage, FeedbackKind, StaffRole
from app.services.complaints import stages
from tests.factories import TeamFactory


@pytest.fixture
def complaint(add_item):
    item = add_item(
        "The report got my name wrong", created_at=datetime(2025, 12, 19, 9, tzinfo=UTC)
    )
    # What ingest() enqueues after the commit that stored a complaint.
    open_complaint_stage(item.id)
    return item


def stage_of(item_id: int, number: int = 1) -> ComplaintStage:
    db.session.expire_all()
    return db.session.execute(
        select(ComplaintStage).where(
            ComplaintStage.feedback_item_id == item_id, ComplaintStage.stage == number
        )
    ).scalar_one()


def test_a_complaints_stage_1_clock_shows_on_its_page(client, signed_in, complaint):
    page = client.get(f"/staff/items/{complaint.id}")
    assert page.status_code == 200
    assert "Complaint: Stage 1" in page.text
    assert "7 January 2026" in page.text
    assert "working days overdue" in page.text
    assert "Mark as acknowledged" in page.text
    assert 'href="/staff/complaints/due"' in page.text
    assert stage_of(complaint.id).due_on == date(2026, 1, 7)


def test_a_compliment_has_no_stage_panel(client, signed_in, add_item):
    item = add_item("Thank you", kind=FeedbackKind.COMPLIMENT)
    page = client.get(f"/staff/items/{item.id}")
    assert "Complaint: Stage" not in page.text
    assert db.session.execute(select(ComplaintStage)).first() is None


def test_acknowledge_extend_outcome_and_escalate_through_the_forms(
    client, signed_in, complaint, monkeypatch
):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 3, 1))
    client.get(f"/staff/items/{complaint.id}")
    stage = stage_of(complaint.id)
    done = client.post(f"/staff/complaints/stages/{stage.id}/acknowledge")
    assert done.status_code == 302 and done.location.endswith(f"/staff/items/{complaint.id}")
    assert stage_of(complaint.id).acknowledged_at is not None

    empty = client.post(f"/staff/complaints/stages/{stage.id}/extend", data={"reason": " "})
    assert empty.status_code == 200 and "Say why the stage needs more time" in empty.text
    assert "govuk-error-summary" in empty.text
    past = client.post(
        f"/staff/complaints/stages/{stage.id}/extend", data={"reason": "Social worker away"}
    )
    assert "which has passed: the new date must be today or later" in past.text
    assert "govuk-error-summary" in past.text
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 8))
    client.post(
        f"/staff/complaints/stages/{stage.id}/extend", data={"reason": "Social worker away"}
    )
    assert stage_of(complaint.id).extended_due_on == date(2026, 1, 21)
    monkeypatch.setattr(stages, "today", lambda: date(2026, 3, 1))

    outcome = {"outcome": "partially_upheld", "responded_on": ["9", "1", "2026"], "reason": ""}
    assert (
        client.post(f"/staff/complaints/stages/{stage.id}/outcome", data=outcome).status_code == 302
    )
    late = client.post(
        f"/staff/complaints/stages/{stage.id}/escalate", data={"requested_on": ["10", "2", "2026"]}
    )
    assert "within 20 working days" in late.text
    client.post(
        f"/staff/complaints/stages/{stage.id}/escalate", data={"requested_on": ["10", "1", "2026"]}
    )
    assert stage_of(complaint.id, 2).due_on == date(2026, 2, 13)
    page = client.get(f"/staff/items/{complaint.id}")
    assert "Complaint: Stage 2" in page.text and "Partially upheld" in page.text
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    for action in ("complaint_acknowledged", "complaint_extended", "complaint_outcome_recorded"):
        assert action in actions


@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "deleted", "responded_on": ["1", "1", "2026"]},
        {"outcome": "upheld", "responded_on": ["31", "2", "2026"]},
        {"outcome": "upheld", "responded_on": ["x" * 5000, "1", "2026"]},
        {"outcome": "upheld", "responded_on": "5"},
        {"outcome": "upheld", "responded_on": ["5", "1", "2026", "7"]},
        {"outcome": "withdrawn", "responded_on": ["5", "1", "2026"], "reason": ""},
        {"outcome": "upheld", "responded_on": ["5", "1", "2026"], "reason": "x" * 2001},
        {},
    ],
)
def test_hostile_outcomes_come_back_as_form_errors(client, signed_in, complaint, data):
    client.get(f"/staff/items/{complaint.id}")
    stage = stage_of(complaint.id)
    response = client.post(f"/staff/complaints/stages/{stage.id}/outcome", data=data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert stage_of(complaint.id).responded_on is None


def test_stage_2_extension_days_are_bounded(client, signed_in, complaint, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 10))
    client.get(f"/staff/items/{complaint.id}")
    stage = stage_of(complaint.id)
    client.post(
        f"/staff/complaints/stages/{stage.id}/outcome",
        data={"outcome": "not_upheld", "responded_on": ["9", "1", "2026"]},
    )
    client.post(
        f"/staff/complaints/stages/{stage.id}/escalate", data={"requested_on": ["9", "1", "2026"]}
    )
    second = stage_of(complaint.id, 2)
    url = f"/staff/complaints/stages/{second.id}/extend"
    refused = client.post(url, data={"reason": "Investigator ill", "working_days": "99"})
    assert "Enter a number of working days from 26 to 65" in refused.text
    client.post(url, data={"reason": "Investigator ill", "working_days": "40"})
    assert stage_of(complaint.id, 2).extended_due_on is not None


def test_only_complaints_roles_may_act_and_unknown_stages_are_404(
    client, make_staff, sign_in, complaint
):
    reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
    sign_in(client, reviewer)
    page = client.get(f"/staff/items/{complaint.id}")
    assert "Complaint: Stage 1" in page.text and "Mark as acknowledged" not in page.text
    stage = stage_of(complaint.id)
    assert client.post(f"/staff/complaints/stages/{stage.id}/acknowledge").status_code == 403
    assert client.get("/staff/complaints/due").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, complaint):
    response = client.get("/staff/complaints/stages/1/extend")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_unknown_stage_is_404(client, signed_in):
    assert client.get("/staff/complaints/stages/999999/extend").status_code == 404


def test_csrf_is_required_on_stage_forms(app, client, signed_in, complaint):
    client.get(f"/staff/items/{complaint.id}")
    stage = stage_of(complaint.id)
    # Signed in with CSRF off; the check is read per request, so turning it on now is enough.
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/staff/complaints/stages/{stage.id}/acknowledge")
    assert response.status_code == 400
    assert stage_of(complaint.id).acknowledged_at is None


def test_due_this_week_lists_open_stages_by_team(client, signed_in, add_item):
    north = TeamFactory(name="North")
    now = datetime.now(UTC)
    due_soon = add_item("Due soon", created_at=now - timedelta(days=14), team_id=north.id)
    later = add_item("Later", created_at=now)
    stages.open_missing_stage_ones()
    page = client.get("/staff/complaints/due")
    assert page.status_code == 200
    assert "North" in page.text and due_soon.reference in page.text
    assert later.reference not in page.text
    filtered = client.get(f"/staff/complaints/due?team={north.id + 1}")
    assert due_soon.reference not in filtered.text
    hostile = client.get("/staff/complaints/due?team=%27%3B--")
    assert hostile.status_code == 400 and "Choose a team from the list" in hostile.text
