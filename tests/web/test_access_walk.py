"""Every staff route, for every role, against a safeguarding item and an ordinary one: nobody
but reviewers, managers and admins ever reads a word of the safeguarding item, by any id or
any door; no route answers 500; and a route with an id kind the guard cannot resolve fails."""

import io
import zipfile
from datetime import date

import pytest
from werkzeug.routing import Rule

from app.extensions import db
from app.models import (
    AlertSource,
    ClassificationState,
    ComplaintOutcome,
    ComplaintStage,
    ElectedMember,
    FeedbackKind,
    LearningPoint,
    MemberEnquiry,
    SafeguardingAlert,
    StaffRole,
)
from app.services.safeguarding import alerts
from app.web import safeguarding as safeguarding_pages
from tests.web.conftest import _add_item

SECRET = "MARKER my stepdad hits me and I am scared MARKER"
ORDINARY = "The report was late and nobody rang back."
# Arguments that are not ids of a row: what to put in their place.
OTHER_ARGS = {"change_name": "unlock", "token": "not-a-real-token", "job_id": "classify_message-1"}


def _case(text: str) -> dict[str, int]:
    """An item with a closed Stage 1, a learning point and an MP's enquiry."""
    item = _add_item(text, kind=FeedbackKind.COMPLAINT, state=ClassificationState.DONE)
    stage = ComplaintStage(
        feedback_item_id=item.id,
        stage=1,
        received_on=date(2026, 11, 2),
        due_on=date(2026, 11, 16),
        outcome=ComplaintOutcome.UPHELD,
        responded_on=date(2026, 11, 10),
    )
    db.session.add(stage)
    db.session.flush()
    point = LearningPoint(
        feedback_item_id=item.id, stage_id=stage.id, lesson=f"Lesson about {text}", themes=[]
    )
    enquiry = MemberEnquiry(
        feedback_item_id=item.id,
        member=ElectedMember.MP,
        received_on=date(2026, 11, 2),
        due_on=date(2026, 11, 16),
    )
    db.session.add_all([point, enquiry])
    db.session.commit()
    return {
        "item_id": item.id,
        "stage_id": stage.id,
        "point_id": point.id,
        "enquiry_id": enquiry.id,
    }


@pytest.fixture
def cases(app, make_staff):
    secret = _case(SECRET)
    alert = SafeguardingAlert(
        feedback_item_id=secret["item_id"],
        source=AlertSource.CLASSIFIER,
        subtypes=["physical_abuse"],
        evidence=["hits me"],
    )
    db.session.add(alert)
    db.session.commit()
    ordinary = _case(ORDINARY)
    other = make_staff(StaffRole.COMPLAINTS_OFFICER)
    shared = {
        "alert_id": alert.id,
        "sample_id": 1,
        "shift_id": 1,
        "user_id": other.user_id,
        "team_id": 1,
    }
    return {"safeguarding": {**secret, **shared}, "ordinary": {**ordinary, **shared}}


def _staff_rules(app) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith("/staff")),
        key=lambda r: r.rule,
    )


def test_every_id_a_staff_route_takes_is_one_the_guard_knows(app):
    known = {*safeguarding_pages._ITEM_OF, *safeguarding_pages.ID_ARGS_WITHOUT_AN_ITEM}
    for rule in _staff_rules(app):
        unknown = set(rule.arguments) - known - set(OTHER_ARGS)
        assert not unknown, f"{rule.rule}: the safeguarding guard cannot resolve {unknown}"


def _url(rule: Rule, values: dict[str, int]) -> str:
    filled = {name: values.get(name, OTHER_ARGS.get(name)) for name in rule.arguments}
    return rule.build(filled)[1]


@pytest.mark.parametrize("role", list(StaffRole))
def test_no_role_but_reviewers_reads_a_safeguarding_item_through_any_route(
    app, client, make_staff, sign_in, cases, role
):
    login = make_staff(role)
    assert sign_in(client, login).status_code == 302
    reviewer = alerts.may_review(login.user)
    seen_ordinary = False
    for rule in _staff_rules(app):
        if rule.endpoint in ("staff.sign_in.sign_out", "static"):
            continue
        for target in ("safeguarding", "ordinary"):
            url = _url(rule, cases[target])
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = client.open(url, method=method, data={})
                where = f"{role.value} {method} {url}"
                assert response.status_code < 500, where
                text = _readable(response)
                if not reviewer:
                    assert "MARKER" not in text, f"{where} shows the safeguarding item"
                    assert "Lesson about MARKER" not in text, where
                seen_ordinary |= target == "ordinary" and ORDINARY in text
        if not sign_in_still_valid(client):
            assert sign_in(client, login, steps_ahead=1).status_code == 302
    assert seen_ordinary or role == StaffRole.LEARNING_TEAM


def _readable(response) -> str:
    """A response's text, and for a download (CSV zip, XLSX) the text of every file in it."""
    data = response.get_data()
    if not data.startswith(b"PK"):
        return data.decode("utf-8", "replace")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def sign_in_still_valid(client) -> bool:
    """A posted admin change may end the session (deactivating oneself is refused, but
    resetting another's two-factor is not); the walk signs in again if so."""
    response = client.get("/staff/")
    return response.status_code == 200
