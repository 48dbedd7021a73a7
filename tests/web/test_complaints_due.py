"""The officer's home: "Complaints due this week" across teams, overdue apart, filters by team
and owner, who may act on restricted items, and a fixed number of queries however long."""

import re
from datetime import date

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import AlertStatus, ComplaintOutcome, StaffRole
from app.services.complaints import deadlines as wd
from app.services.complaints import due as due_list
from app.services.complaints import stages as stages_service
from tests.factories import (
    ComplaintStageFactory,
    SafeguardingAlertFactory,
    StaffUserFactory,
    TeamFactory,
)

# The suite's frozen day is Wednesday 18 November 2026; its week ends on Sunday the 22nd.
TODAY = date(2026, 11, 18)


def _stage(due_on: date, team=None, manager=None, **fields):
    fields.setdefault("received_on", date(2026, 10, 1))
    return ComplaintStageFactory(due_on=due_on, team=team, manager=manager, **fields)


def _positions(text: str, *references: str) -> list[int]:
    return [text.index(r) for r in references]


def test_due_this_week_is_one_list_by_date_across_teams_with_overdue_apart(client, signed_in):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    friday = _stage(date(2026, 11, 20), north)
    thursday = _stage(date(2026, 11, 19), south)
    today = _stage(date(2026, 11, 18), north)
    next_week = _stage(date(2026, 11, 24), south)
    old = _stage(date(2026, 9, 1), south)
    recent = _stage(date(2026, 11, 17), north)
    answered = _stage(date(2026, 11, 19), north, responded_on=date(2026, 11, 16))
    db.session.commit()

    page = client.get("/staff/complaints/due").text
    refs = {s: s.feedback_item.reference for s in (friday, thursday, today, next_week, old)}
    assert "3 due by 22 November 2026." in page and "2 overdue." in page
    assert "Due this week (3)" in page and "Overdue (2), oldest first" in page
    due_part, overdue_part = page.split("Overdue (2)")
    assert _positions(due_part, refs[today], refs[thursday], refs[friday]) == sorted(
        _positions(due_part, refs[today], refs[thursday], refs[friday])
    )
    assert old.feedback_item.reference not in due_part
    assert _positions(overdue_part, refs[old], recent.feedback_item.reference)[0] < (
        overdue_part.index(recent.feedback_item.reference)
    )
    assert refs[next_week] not in page and answered.feedback_item.reference not in page
    assert "North" in page and "South" in page


def test_filters_by_team_and_owner(client, signed_in):
    north = TeamFactory(name="North")
    officer = StaffUserFactory(name="Nia Owner", role=StaffRole.MANAGER)
    owned = _stage(date(2026, 11, 19), north, officer)
    unowned = _stage(date(2026, 11, 19))
    db.session.commit()
    by_owner = client.get(f"/staff/complaints/due?owner={officer.id}").text
    assert owned.feedback_item.reference in by_owner
    assert unowned.feedback_item.reference not in by_owner
    nobody = client.get("/staff/complaints/due?owner=none").text
    assert unowned.feedback_item.reference in nobody
    assert owned.feedback_item.reference not in nobody
    by_team = client.get(f"/staff/complaints/due?team={north.id}&owner=").text
    assert owned.feedback_item.reference in by_team
    assert unowned.feedback_item.reference not in by_team


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("team=%27%3B--", "Choose a team from the list"),
        ("team=99999", "Choose a team from the list"),
        ("team=-1", "Choose a team from the list"),
        ("team=" + "9" * 5000, "Choose a team from the list"),
        ("team=%EF%BC%91", "Choose a team from the list"),  # a full-width digit one
        ("owner=%3Cscript%3E%22", "Choose an owner from the list"),
        ("owner=2147483648", "Choose an owner from the list"),
        ("owner=none%00", "Choose an owner from the list"),
    ],
)
def test_nonsense_filters_get_a_400_with_a_govuk_error(client, signed_in, query, message):
    listed = _stage(date(2026, 11, 19))
    db.session.commit()
    response = client.get(f"/staff/complaints/due?{query}")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text and message in response.text
    assert '<script>"' not in response.text
    assert listed.feedback_item.reference not in response.text


def test_an_owner_who_is_not_a_complaints_owner_is_refused(client, signed_in):
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    db.session.commit()
    assert client.get(f"/staff/complaints/due?owner={reviewer.id}").status_code == 400


def test_a_restricted_item_names_who_may_act(client, signed_in):
    reviewer = StaffUserFactory(name="Rae Reviewer", role=StaffRole.SAFEGUARDING_REVIEWER)
    taken = _stage(date(2026, 11, 19))
    waiting = _stage(date(2026, 11, 20))
    SafeguardingAlertFactory(
        feedback_item=taken.feedback_item,
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by_id=reviewer.id,
        acknowledged_at=taken.feedback_item.created_at,
    )
    SafeguardingAlertFactory(feedback_item=waiting.feedback_item)
    db.session.commit()
    page = client.get("/staff/complaints/due").text
    assert page.count("Safeguarding item — restricted") == 2
    assert "Rae Reviewer (safeguarding reviewer) has this item" in page
    assert "Only a safeguarding reviewer or a manager can open it." in page
    assert f'href="/staff/items/{taken.feedback_item_id}"' not in page


def _queries_for(client, path: str) -> int:
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_takes_the_same_number_of_queries_however_long(client, signed_in):
    owner = StaffUserFactory(role=StaffRole.MANAGER)
    _stage(date(2026, 11, 19), TeamFactory(), owner)
    db.session.commit()
    short = _queries_for(client, "/staff/complaints/due")
    for n in range(15):
        _stage(date(2026, 11, 2 + n), TeamFactory(), StaffUserFactory(role=StaffRole.MANAGER))
    db.session.commit()
    assert _queries_for(client, "/staff/complaints/due") == short


@pytest.mark.parametrize(
    ("role", "has_menu"),
    [
        (StaffRole.COMPLAINTS_OFFICER, True),
        (StaffRole.MANAGER, True),
        (StaffRole.LEARNING_TEAM, False),
        (StaffRole.SAFEGUARDING_REVIEWER, False),
    ],
)
def test_complaints_menu_entry(client, make_staff, sign_in, role, has_menu):
    sign_in(client, make_staff(role))
    page = client.get("/staff/").text
    menu = re.search(
        r'href="/staff/complaints/due"[^>]*>\s*(<strong[^>]*>\s*)?Complaints\s*<', page
    )
    assert (menu is not None) is has_menu


def test_stage_three_deadlines_are_found_in_sql_as_deadline_reckons_them(app):
    after_panel = _stage(date(2026, 10, 1), stage=3, panel_held_on=date(2026, 11, 13))
    too_late = _stage(date(2026, 10, 1), stage=3, panel_held_on=date(2026, 11, 16))
    responding = _stage(
        date(2026, 10, 1),
        stage=3,
        panel_held_on=date(2026, 10, 20),
        recommendations_on=date(2026, 10, 30),
    )
    db.session.commit()
    week = due_list.due_this_week(TODAY)
    found = {r.item.id: r for r in week.due + week.overdue}
    # 5 working days after Friday 13 November is Friday 20th; after Monday 16th, the 23rd.
    assert found[after_panel.feedback_item_id].due == date(2026, 11, 20)
    assert found[after_panel.feedback_item_id].what == "recommendations"
    assert too_late.feedback_item_id not in found
    # 15 working days after Friday 30 October is Friday 20 November.
    assert found[responding.feedback_item_id].what == "final response"
    assert found[responding.feedback_item_id].due == date(2026, 11, 20)


def test_the_panel_dates_around_the_week_end_as_the_calendar_counts_them():
    """What the Stage 3 test above relies on, and what the stored next deadline is worked out
    with: 5 working days from Friday 13 November 2026 end on the 20th (in the week), from
    Monday the 16th on the 23rd (after it); Friday 1 January 2027 is a bank holiday."""
    assert wd.add_working_days(date(2026, 11, 13), 5, "ENG") == date(2026, 11, 20)
    assert wd.add_working_days(date(2026, 11, 16), 5, "ENG") == date(2026, 11, 23)
    assert wd.add_working_days(date(2026, 12, 31), 1, "ENG") == date(2027, 1, 4)


def test_each_list_comes_a_page_at_a_time_with_totals_by_day_and_by_owner(app):
    nia = StaffUserFactory(name="Nia Owner", role=StaffRole.MANAGER)
    ali = StaffUserFactory(name="Ali Owner", role=StaffRole.MANAGER)
    thursday = [_stage(date(2026, 11, 19), manager=nia) for _ in range(3)]
    friday = [_stage(date(2026, 11, 20), manager=ali) for _ in range(2)]
    overdue = [_stage(date(2026, 11, d), manager=nia) for d in (2, 3, 4)]
    db.session.commit()

    def refs(rows):
        return [r.item.reference for r in rows]

    first = due_list.due_this_week(TODAY, per_page=2)
    assert (first.due_total, first.overdue_total) == (5, 3)
    assert (first.due_pages, first.overdue_pages) == (3, 2)
    everything = sorted(s.feedback_item.reference for s in thursday) + sorted(
        s.feedback_item.reference for s in friday
    )
    assert refs(first.due) == everything[:2]
    assert refs(first.overdue) == [s.feedback_item.reference for s in overdue[:2]]
    second = due_list.due_this_week(TODAY, page=2, overdue_page=2, per_page=2)
    assert refs(second.due) == everything[2:4]
    assert refs(second.overdue) == [overdue[2].feedback_item.reference]
    past_the_end = due_list.due_this_week(TODAY, page=99, per_page=2)
    assert past_the_end.due_page == 3 and refs(past_the_end.due) == everything[4:]
    assert first.by_day == [(date(2026, 11, 19), 3), (date(2026, 11, 20), 2)]
    assert [(s.owner, s.due, s.overdue) for s in first.by_owner] == [(nia, 3, 3), (ali, 2, 0)]


def test_the_page_links_its_pages_and_keeps_the_filters(client, signed_in, monkeypatch):
    monkeypatch.setattr(due_list, "PER_PAGE", 2)
    officer = StaffUserFactory(name="Nia Owner", role=StaffRole.MANAGER)
    stages = [_stage(date(2026, 11, d), manager=officer) for d in (2, 3, 4, 5, 6)]
    db.session.commit()
    page = client.get(f"/staff/complaints/due?owner={officer.id}").text
    assert "5 overdue." in page and "Overdue (5), oldest first" in page
    assert f"/staff/complaints/due?owner={officer.id}&amp;overdue_page=2" in page
    assert stages[2].feedback_item.reference not in page
    later = client.get(f"/staff/complaints/due?owner={officer.id}&overdue_page=3").text
    assert stages[4].feedback_item.reference in later
    assert stages[0].feedback_item.reference not in later
    assert "By owner" in page and f'href="/staff/complaints/due?owner={officer.id}"' in page


def test_the_list_follows_each_change_of_a_deadline(client, signed_in, monkeypatch):
    """The list reads each stage's stored next deadline: were it left stale by an extension,
    a panel's date or a response, these would show the wrong stages."""
    officer = signed_in.user
    monkeypatch.setattr(stages_service, "today", lambda: TODAY)
    friday = _stage(date(2026, 11, 20), received_on=date(2026, 11, 6))
    panel = _stage(date(2026, 12, 18), stage=3)
    answered = _stage(date(2026, 11, 19))
    db.session.commit()
    before = client.get("/staff/complaints/due").text
    assert friday.feedback_item.reference in before
    assert panel.feedback_item.reference not in before
    stages_service.extend(friday, officer, "Waiting for the court")  # 20 working days
    stages_service.record_panel(panel, officer, date(2026, 11, 13))  # recommendations by 20th
    stages_service.record_outcome(answered, officer, ComplaintOutcome.UPHELD, None)
    after = client.get("/staff/complaints/due").text
    assert friday.feedback_item.reference not in after
    assert panel.feedback_item.reference in after and "Stage 3: recommendations" in after
    assert answered.feedback_item.reference not in after
