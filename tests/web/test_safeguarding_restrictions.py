"""Safeguarding items outside the safeguarding pages: restricted rows in the staff list, and the
complaint stage pages closed to non-reviewers while the item has a live alert."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AlertOutcome,
    AuditEvent,
    ClassificationState,
    StaffRole,
)
from app.services import feedback_list as listing
from app.services.complaints import stages
from app.services.safeguarding import alerts
from tests.factories import SafeguardingAlertFactory, TeamFactory


def _signed_in(client, make_staff, sign_in, role):
    login = make_staff(role)
    assert sign_in(client, login).status_code == 302
    return login


def _refusals():
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "safeguarding_refused")
        ).scalars()
    )


@pytest.fixture
def flagged(add_item):
    team = TeamFactory(name="Ashcroft Fostering Team")
    item = add_item(
        "He hits me", state=ClassificationState.DONE, themes=["contact_arrangements"], team=team
    )
    SafeguardingAlertFactory(feedback_item=item)
    return item


@pytest.mark.parametrize("role", [StaffRole.COMPLAINTS_OFFICER, StaffRole.LEARNING_TEAM])
def test_the_list_shows_other_roles_a_restricted_row_without_details(
    client, make_staff, sign_in, flagged, add_item, role
):
    ordinary = add_item("Thank you for the help", themes=["communication"])
    _signed_in(client, make_staff, sign_in, role)
    page = client.get("/staff/").text
    table = page[page.index("<table") :]
    assert "Safeguarding item — restricted" in table
    assert flagged.reference in page
    assert f'href="/staff/items/{flagged.id}"' not in page
    assert "Ashcroft Fostering Team" not in table
    assert "Contact arrangements" not in table
    assert f'href="/staff/items/{ordinary.id}"' in page
    assert "2 items" in page


@pytest.mark.parametrize("role", [StaffRole.SAFEGUARDING_REVIEWER, StaffRole.MANAGER])
def test_reviewers_see_the_row_marked_safeguarding(client, make_staff, sign_in, flagged, role):
    _signed_in(client, make_staff, sign_in, role)
    page = client.get("/staff/").text
    table = page[page.index("<table") :]
    assert "restricted" not in table
    assert f'href="/staff/items/{flagged.id}"' in table
    assert "Ashcroft Fostering Team" in table
    assert "govuk-tag--red" in table


def test_an_alert_closed_as_not_safeguarding_lifts_the_restriction(
    client, make_staff, sign_in, add_item
):
    item = add_item("My nan bakes a killer cake")
    SafeguardingAlertFactory(feedback_item=item, outcome=AlertOutcome.NOT_SAFEGUARDING)
    _signed_in(client, make_staff, sign_in, StaffRole.COMPLAINTS_OFFICER)
    page = client.get("/staff/").text
    assert "restricted" not in page
    assert f'href="/staff/items/{item.id}"' in page


def test_the_list_and_the_item_guard_agree(app, add_item):
    open_alert = add_item("one")
    SafeguardingAlertFactory(feedback_item=open_alert)
    referred = add_item("two")
    SafeguardingAlertFactory(feedback_item=referred, outcome=AlertOutcome.ALREADY_KNOWN)
    cleared = add_item("three")
    SafeguardingAlertFactory(feedback_item=cleared, outcome=AlertOutcome.NOT_SAFEGUARDING)
    plain = add_item("four")
    rows = listing.find_feedback(listing.FeedbackFilters()).rows
    for row in rows:
        assert row.restricted == alerts.is_safeguarding_item(row.item.id)
    assert {r.item.id for r in rows if r.restricted} == {open_alert.id, referred.id}
    assert plain.id in {r.item.id for r in rows}
    reviewer_rows = listing.find_feedback(listing.FeedbackFilters(), may_see_safeguarding=True)
    assert not any(r.restricted for r in reviewer_rows.rows)
    assert {r.item.id for r in reviewer_rows.rows if r.safeguarding} == {
        open_alert.id,
        referred.id,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "acknowledge"),
        ("get", "extend"),
        ("post", "extend"),
        ("get", "owner"),
        ("get", "outcome"),
        ("post", "outcome"),
        ("get", "escalate"),
        ("get", "panel"),
        ("get", "recommendations"),
    ],
)
def test_complaint_stage_pages_refuse_a_complaints_officer_and_log_it(
    client, make_staff, sign_in, flagged, method, path
):
    stage = stages.open_stage_one(flagged)
    officer = _signed_in(client, make_staff, sign_in, StaffRole.COMPLAINTS_OFFICER)
    response = getattr(client, method)(
        f"/staff/complaints/stages/{stage.id}/{path}", data={"reason": "Social worker away"}
    )
    assert response.status_code == 403
    assert "He hits me" not in response.text
    db.session.expire_all()
    assert stage.acknowledged_at is None and stage.extended_due_on is None
    [refusal] = _refusals()
    assert refusal.staff_user_id == officer.user_id
    assert (refusal.object_type, refusal.object_id) == ("feedback_item", str(flagged.id))
    assert refusal.ip_address == "127.0.0.1"


def test_a_manager_may_still_act_on_the_stage(client, make_staff, sign_in, flagged):
    stage = stages.open_stage_one(flagged)
    _signed_in(client, make_staff, sign_in, StaffRole.MANAGER)
    assert client.get(f"/staff/complaints/stages/{stage.id}/extend").status_code == 200
    done = client.post(f"/staff/complaints/stages/{stage.id}/acknowledge")
    assert done.status_code == 302
    assert _refusals() == []


def test_complaint_stages_of_ordinary_items_stay_open_to_officers(
    client, make_staff, sign_in, add_item
):
    stage = stages.open_stage_one(add_item("The report got my name wrong"))
    _signed_in(client, make_staff, sign_in, StaffRole.COMPLAINTS_OFFICER)
    assert client.get(f"/staff/complaints/stages/{stage.id}/extend").status_code == 200
    assert _refusals() == []


@pytest.mark.parametrize("number", ["99999999999999", "2147483648", "0"])
def test_stage_ids_no_row_could_have_are_404(client, make_staff, sign_in, number):
    _signed_in(client, make_staff, sign_in, StaffRole.COMPLAINTS_OFFICER)
    assert client.get(f"/staff/complaints/stages/{number}/extend").status_code == 404


@pytest.mark.parametrize("query", ["?team={team}", "?kind=complaint", "?channel=sms"])
def test_a_filtered_list_leaves_restricted_items_out_for_other_roles(
    client, make_staff, sign_in, flagged, add_item, query
):
    ordinary = add_item("Nobody rang me back", team=flagged.team)
    _signed_in(client, make_staff, sign_in, StaffRole.COMPLAINTS_OFFICER)
    page = client.get("/staff/" + query.format(team=flagged.team_id)).text
    assert flagged.reference not in page
    assert "restricted" not in page[page.index("<table") :]
    assert ordinary.reference in page
    assert "1 item" in page
    assert "Safeguarding items are not shown in a filtered list." in page


def test_reviewers_still_find_safeguarding_items_by_filter(client, make_staff, sign_in, flagged):
    _signed_in(client, make_staff, sign_in, StaffRole.SAFEGUARDING_REVIEWER)
    page = client.get(f"/staff/?team={flagged.team_id}").text
    assert f'href="/staff/items/{flagged.id}"' in page
    assert "not shown in a filtered list" not in page


@pytest.mark.parametrize(
    ("role", "may_open"),
    [(StaffRole.COMPLAINTS_OFFICER, False), (StaffRole.MANAGER, True)],
)
def test_due_this_week_keeps_a_safeguarding_complaint_but_not_its_link(
    client, make_staff, sign_in, add_item, role, may_open
):
    item = add_item("He hits me", created_at=datetime.now(UTC) - timedelta(days=14))
    SafeguardingAlertFactory(feedback_item=item)
    stages.open_missing_stage_ones()
    _signed_in(client, make_staff, sign_in, role)
    page = client.get("/staff/complaints/due").text
    # The statutory clock runs whoever may read the item, so the stage is always listed.
    assert item.reference in page
    assert (f'href="/staff/items/{item.id}"' in page) is may_open
    assert ("Safeguarding item — restricted" in page) is not may_open
