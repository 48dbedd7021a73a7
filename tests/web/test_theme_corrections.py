"""The page for correcting an item's themes: who may use it, what it refuses, what it keeps, and
how the item page shows a correction."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AlertSource,
    AuditEvent,
    ClassificationState,
    FeedbackItem,
    SafeguardingAlert,
    StaffRole,
    ThemeCorrection,
)
from app.services.classification.themes import set_item_themes


@pytest.fixture
def item(add_item):
    found = add_item("Nobody called me back for six weeks", state=ClassificationState.DONE)
    set_item_themes(found, ["bias", "delay"])
    db.session.commit()
    return found


def _signed_in(client, make_staff, sign_in, role):
    login = make_staff(role)
    assert sign_in(client, login).status_code == 302
    return login


def _stored() -> list[ThemeCorrection]:
    return list(db.session.execute(select(ThemeCorrection)).scalars())


@pytest.mark.parametrize(
    "role",
    [
        StaffRole.COMPLAINTS_OFFICER,
        StaffRole.MANAGER,
        StaffRole.LEARNING_TEAM,
        StaffRole.ADMIN,
        StaffRole.SAFEGUARDING_REVIEWER,
    ],
)
def test_staff_change_themes_and_the_item_page_says_who_and_when(
    client, make_staff, sign_in, item, role
):
    login = _signed_in(client, make_staff, sign_in, role)
    page = client.get(f"/staff/items/{item.id}")
    assert f'href="/staff/items/{item.id}/themes"' in page.text
    form = client.get(f"/staff/items/{item.id}/themes")
    assert form.status_code == 200
    assert 'value="bias" checked' in form.text and 'value="delay" checked' in form.text
    assert 'value="communication" checked' not in form.text
    assert "Records and reports wrong" in form.text  # the taxonomy's names

    response = client.post(
        f"/staff/items/{item.id}/themes",
        data={"themes": ["delay", "communication"], "reason": "Not about bias"},
    )
    assert response.status_code == 302 and response.location.endswith(f"/staff/items/{item.id}")
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).themes == ["communication", "delay"]
    (correction,) = _stored()
    assert correction.staff_user_id == login.user_id
    assert correction.themes_before == ["bias", "delay"]
    assert correction.reason == "Not about bias"
    page = client.get(f"/staff/items/{item.id}")
    assert "The themes are saved." in page.text
    assert f"Corrected by {login.user.name} on " in page.text
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "themes_corrected")
    ).scalars()
    (event,) = list(events)
    assert event.staff_user_id == login.user_id and event.object_id == str(item.id)
    assert event.ip_address == "127.0.0.1"


def test_unticking_every_theme_leaves_none(client, signed_in, item):
    response = client.post(f"/staff/items/{item.id}/themes", data={"reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).themes == []
    assert _stored()[0].themes_after == [] and _stored()[0].reason is None


def test_the_page_lists_earlier_changes(client, signed_in, item):
    client.post(f"/staff/items/{item.id}/themes", data={"themes": ["delay"], "reason": "No bias"})
    page = client.get(f"/staff/items/{item.id}/themes")
    assert "Earlier changes" in page.text
    assert "Bias or unfair treatment" in page.text and "No bias" in page.text


@pytest.mark.parametrize(
    "data, error",
    [
        ({"themes": ["delay", "not_a_theme"]}, "Choose themes from the list"),
        ({"themes": ["safeguarding"]}, "Choose themes from the list"),
        ({"themes": ["<script>alert(1)</script>"]}, "Choose themes from the list"),
        ({"themes": ["delay"], "reason": "x" * 10_000}, "2000 characters or fewer"),
    ],
)
def test_bad_input_gets_an_error_summary_and_changes_nothing(client, signed_in, item, data, error):
    response = client.post(f"/staff/items/{item.id}/themes", data=data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text and error in response.text
    assert "<script>alert(1)" not in response.text
    assert response.text.count("Error:") >= 1
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).themes == ["bias", "delay"]
    assert _stored() == []


def test_a_post_without_the_form_token_is_refused(app, make_app, make_staff, csrf_token, item):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    # Requests run outside any app context: inside one they would share one `g`, and its token.
    client = csrf_app.test_client()
    login = make_staff()
    page = client.get("/staff/sign-in")
    credentials = {"email": login.email, "password": login.password}
    client.post("/staff/sign-in", data={**credentials, "csrf_token": csrf_token(page)})
    page = client.get("/staff/two-factor")
    client.post("/staff/two-factor", data={"code": login.code(), "csrf_token": csrf_token(page)})
    page = client.get(f"/staff/items/{item.id}/themes")
    assert page.status_code == 200

    refused = client.post(f"/staff/items/{item.id}/themes", data={"themes": ["delay"]})
    assert refused.status_code == 400
    assert _stored() == []
    accepted = client.post(
        f"/staff/items/{item.id}/themes",
        data={"themes": ["delay"], "csrf_token": csrf_token(page)},
    )
    assert accepted.status_code == 302
    assert len(_stored()) == 1


def test_unknown_items_are_404(client, signed_in):
    assert client.get("/staff/items/999999/themes").status_code == 404
    assert client.get(f"/staff/items/{2**40}/themes").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, item):
    response = client.post(f"/staff/items/{item.id}/themes", data={"themes": ["delay"]})
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    assert _stored() == []


def test_a_safeguarding_item_stays_closed_to_those_who_may_not_review_it(
    client, make_staff, sign_in, item
):
    db.session.add(
        SafeguardingAlert(
            feedback_item=item,
            message=item.messages[0],
            source=AlertSource.CLASSIFIER,
            subtypes=[],
            evidence=[],
        )
    )
    db.session.commit()
    _signed_in(client, make_staff, sign_in, StaffRole.LEARNING_TEAM)
    assert client.get(f"/staff/items/{item.id}/themes").status_code == 403
    response = client.post(f"/staff/items/{item.id}/themes", data={"themes": ["delay"]})
    assert response.status_code == 403
    assert _stored() == []
    refused = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "safeguarding_refused")
    ).scalars()
    assert len(list(refused)) == 2


def test_a_reviewer_may_correct_a_safeguarding_items_themes(client, make_staff, sign_in, item):
    db.session.add(
        SafeguardingAlert(
            feedback_item=item,
            message=item.messages[0],
            source=AlertSource.CLASSIFIER,
            subtypes=[],
            evidence=[],
        )
    )
    db.session.commit()
    _signed_in(client, make_staff, sign_in, StaffRole.SAFEGUARDING_REVIEWER)
    response = client.post(f"/staff/items/{item.id}/themes", data={"themes": ["delay"]})
    assert response.status_code == 302
    assert len(_stored()) == 1


def test_saving_unchanged_themes_shows_as_confirmed(client, signed_in, item):
    client.post(f"/staff/items/{item.id}/themes", data={"themes": ["bias", "delay"]})
    page = client.get(f"/staff/items/{item.id}")
    assert "Confirmed by " in page.text and "Corrected by " not in page.text


def test_reviewers_are_told_their_flag_teaches_the_classifier(client, make_staff, sign_in, item):
    _signed_in(client, make_staff, sign_in, StaffRole.SAFEGUARDING_REVIEWER)
    assert "this should have been flagged" in client.get(f"/staff/items/{item.id}").text
    assert "correction for training" in client.get(f"/staff/safeguarding/flag/{item.id}").text
