"""Learning point pages: the form from a closed stage, marking actions done, and the log per
team. Roles and hostile input included."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditEvent, ComplaintOutcome, LearningPoint, StaffRole
from app.services.complaints import learning as complaint_learning
from app.services.complaints import stages
from tests.factories import TeamFactory


@pytest.fixture
def closed(add_item, signed_in, monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))
    team = TeamFactory(name="North")
    item = add_item(
        "Nobody called me back",
        created_at=datetime(2025, 12, 19, 9, tzinfo=UTC),
        themes=["communication", "delay"],
        team_id=team.id,
    )
    stage = stages.open_stage_one(item)
    stages.record_outcome(stage, signed_in.user, ComplaintOutcome.UPHELD, None, date(2026, 1, 9))
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
    stage = stages.open_stage_one(item)
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
    south = TeamFactory(name="South")
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


def test_changing_a_learning_point(client, signed_in, closed):
    client.post(f"/staff/complaints/stages/{closed.id}/learning", data=_form())
    point = db.session.execute(select(LearningPoint)).scalar_one()
    page = client.get(f"/staff/items/{closed.feedback_item_id}")
    assert f'href="/staff/complaints/learning/{point.id}/change"' in page.text
    form = client.get(f"/staff/complaints/learning/{point.id}/change")
    assert form.status_code == 200
    assert "Calls were not returned" in form.text and 'value="communication" checked' in form.text

    changed = client.post(
        f"/staff/complaints/learning/{point.id}/change",
        data=_form(lesson="Calls went unanswered for weeks", themes=["communication", "delay"]),
    )
    assert changed.status_code == 302
    db.session.expire_all()
    point = db.session.get(LearningPoint, point.id)
    assert point.lesson == "Calls went unanswered for weeks"
    assert point.themes == ["communication", "delay"]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "complaint_learning_amended")
    ).scalar_one()
    assert event.detail["changed"] == ["lesson", "themes"]
    assert "weeks" not in str(event.detail)  # ids and field names only, never the words


def test_a_change_is_checked_like_a_new_point(client, signed_in, closed):
    client.post(f"/staff/complaints/stages/{closed.id}/learning", data=_form())
    point = db.session.execute(select(LearningPoint)).scalar_one()
    url = f"/staff/complaints/learning/{point.id}/change"
    for data in (
        _form(lesson=""),
        _form(lesson="x" * 10_001),
        _form(themes=["not_a_theme"]),
        _form(action="", owner=str(signed_in.user_id)),
    ):
        refused = client.post(url, data=data)
        assert refused.status_code == 200 and "govuk-error-summary" in refused.text
    db.session.expire_all()
    assert db.session.get(LearningPoint, point.id).lesson == "Calls were not returned"
    assert client.get("/staff/complaints/learning/999999/change").status_code == 404


def test_a_done_action_cannot_be_taken_away(client, signed_in, closed):
    client.post(f"/staff/complaints/stages/{closed.id}/learning", data=_form())
    point = db.session.execute(select(LearningPoint)).scalar_one()
    client.post(f"/staff/complaints/learning/{point.id}/done")
    refused = client.post(
        f"/staff/complaints/learning/{point.id}/change", data=_form(action="", due_on=["", "", ""])
    )
    assert "This action is done, so it cannot be taken away" in refused.text
    db.session.expire_all()
    assert db.session.get(LearningPoint, point.id).action == "Return calls within a day"


def test_staff_outside_the_learning_roles_cannot_change_a_point(
    client, signed_in, closed, make_staff, sign_in
):
    client.post(f"/staff/complaints/stages/{closed.id}/learning", data=_form())
    point = db.session.execute(select(LearningPoint)).scalar_one()
    client.post("/staff/sign-out")
    assert sign_in(client, make_staff(StaffRole.SAFEGUARDING_REVIEWER)).status_code == 302
    assert client.get(f"/staff/complaints/learning/{point.id}/change").status_code == 403


def test_the_log_is_paged_and_reads_no_more_for_more_points(client, signed_in, closed, monkeypatch):
    monkeypatch.setattr(complaint_learning, "PER_PAGE", 4)
    url = f"/staff/complaints/stages/{closed.id}/learning"

    def statements_for(path: str) -> tuple[int, str]:
        counted: list[str] = []
        listener = lambda *args: counted.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            page = client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert page.status_code == 200
        return len(counted), page.text

    for n in range(3):
        client.post(url, data=_form(lesson=f"Lesson {n}", action="", due_on=["", "", ""]))
    few, _ = statements_for("/staff/complaints/learning")
    for n in range(3, 10):
        client.post(url, data=_form(lesson=f"Lesson {n}", action="", due_on=["", "", ""]))
    many, first = statements_for("/staff/complaints/learning")

    assert many == few
    assert "Lesson 9" in first and "Lesson 5" not in first
    assert 'rel="next"' in first and "page=2" in first
    third = client.get("/staff/complaints/learning?page=3").text
    assert "Lesson 0" in third and "Lesson 9" not in third and 'rel="next"' not in third
    beyond = client.get("/staff/complaints/learning?page=99999999999")
    assert beyond.status_code == 200 and "There are no more learning points" in beyond.text
