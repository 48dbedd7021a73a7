"""Learning point pages: the form from a closed stage, marking actions done, and the log per
team. Roles and hostile input included."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ComplaintOutcome, LearningPoint, StaffRole, Team
from app.services import complaints


@pytest.fixture
def closed(add_item, signed_in, monkeypatch):
    monkeypatch.setattr(complaints, "today", lambda: date(2026, 1, 20))
    team = Team(name="North")
    db.session.add(team)
    db.session.commit()
    item = add_item(
        "Nobody called me back",
        created_at=datetime(2025, 12, 19, 9, tzinfo=UTC),
        themes=["communication", "delay"],
        team_id=team.id,
    )
    stage = complaints.open_stage_one(item)
    complaints.record_outcome(
        stage, signed_in.user, ComplaintOutcome.UPHELD, None, date(2026, 1, 9)
    )
    return stage


def _form(**overrides):
    data = {
        "lesson": "Calls were not returned",
        "themes": ["communication"],
        "team": "",
        "action": "Return calls within a day",
        "owner": "",
        "due_on": ["1", "3", "2026"],
    }
    data.update(overrides)
    return data


def test_an_open_complaint_offers_no_learning_form(client, signed_in, add_item):
    item = add_item("The report is wrong", created_at=datetime(2025, 12, 19, 9, tzinfo=UTC))
    page = client.get(f"/staff/items/{item.id}")
    assert "Record a learning point" not in page.text
    stage = complaints.open_stage_one(item)
    refused = client.get(f"/staff/complaints/stages/{stage.id}/learning")
    assert refused.status_code == 302 and refused.location.endswith(f"/staff/items/{item.id}")


def test_recording_a_learning_point_and_marking_it_done(client, signed_in, closed):
    item_page = client.get(f"/staff/items/{closed.feedback_item_id}")
    assert "Record a learning point from Stage 1" in item_page.text
    form = client.get(f"/staff/complaints/stages/{closed.id}/learning")
    assert form.status_code == 200
    # The item's own themes and team are chosen to start with.
    assert 'value="communication" checked' in form.text and 'value="delay" checked' in form.text
    assert f'value="{closed.team_id}" selected' in form.text
    saved = client.post(
        f"/staff/complaints/stages/{closed.id}/learning",
        data=_form(team=str(closed.team_id), owner=str(signed_in.user_id)),
    )
    assert saved.status_code == 302
    point = db.session.execute(select(LearningPoint)).scalar_one()
    assert point.themes == ["communication"] and point.due_on == date(2026, 3, 1)
    page = client.get(f"/staff/items/{closed.feedback_item_id}")
    assert "Calls were not returned" in page.text and "Mark action as done" in page.text
    client.post(f"/staff/complaints/learning/{point.id}/done")
    db.session.expire_all()
    assert db.session.get(LearningPoint, point.id).done_on == date(2026, 1, 20)
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "complaint_learning_recorded" in actions and "complaint_learning_done" in actions


@pytest.mark.parametrize(
    "overrides",
    [
        {"lesson": ""},
        {"lesson": "x" * 2001},
        {"themes": ["communication", "made_up"]},
        {"team": "999999"},
        {"owner": "not-a-number"},
        {"due_on": ["31", "2", "2026"]},
        {"due_on": ["x" * 5000, "1", "2026"]},
        {"due_on": "1"},
        {"due_on": ["1", "3", "2026", "4"]},
        {"action": "", "due_on": ["1", "3", "2026"]},
        {"due_on": ["1", "1", "2026"]},
    ],
)
def test_hostile_learning_forms_come_back_with_errors(client, signed_in, closed, overrides):
    response = client.post(
        f"/staff/complaints/stages/{closed.id}/learning", data=_form(**overrides)
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert db.session.execute(select(LearningPoint)).first() is None


def test_the_log_lists_points_per_team_and_open_actions(client, signed_in, closed):
    south = Team(name="South")
    db.session.add(south)
    db.session.commit()
    url = f"/staff/complaints/stages/{closed.id}/learning"
    client.post(url, data=_form(lesson="North lesson", team=str(closed.team_id)))
    client.post(
        url, data=_form(lesson="South lesson", team=str(south.id), action="", due_on=["", "", ""])
    )
    everything = client.get("/staff/complaints/learning")
    assert "North lesson" in everything.text and "South lesson" in everything.text
    north = client.get(f"/staff/complaints/learning?team={closed.team_id}")
    assert "North lesson" in north.text and "South lesson" not in north.text
    open_only = client.get("/staff/complaints/learning?open=1")
    assert "North lesson" in open_only.text and "South lesson" not in open_only.text
    hostile = client.get("/staff/complaints/learning?team=" + "9" * 5000)
    assert hostile.status_code == 200


def test_the_learning_team_may_use_the_log_but_a_reviewer_may_not(client, make_staff, sign_in, app):
    reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
    sign_in(client, reviewer)
    assert client.get("/staff/complaints/learning").status_code == 403
    client.post("/staff/sign-out")
    learner = make_staff(StaffRole.LEARNING_TEAM)
    other = app.test_client()
    sign_in(other, learner)
    assert other.get("/staff/complaints/learning").status_code == 200
