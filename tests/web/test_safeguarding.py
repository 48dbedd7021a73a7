"""Safeguarding pages: who may open them, the queue, decisions, manual flags, and the audit."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import (
    AlertDecision,
    AlertOutcome,
    AlertSource,
    AlertStatus,
    AuditEvent,
    Channel,
    ClassificationState,
    SafeguardingAlert,
    SafeguardingCorrection,
    StaffRole,
)
from app.services.safeguarding import alerts
from tests.factories import SafeguardingAlertFactory, StaffUserFactory


@pytest.fixture
def reviewer(client, make_staff, sign_in):
    """A safeguarding reviewer signed in on `client`."""
    login = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
    assert sign_in(client, login).status_code == 302
    return login


@pytest.fixture
def officer(client, make_staff, sign_in):
    """A complaints officer signed in on `client`."""
    login = make_staff(StaffRole.COMPLAINTS_OFFICER)
    assert sign_in(client, login).status_code == 302
    return login


def _actions(user_id=None):
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if user_id:
        query = query.where(AuditEvent.staff_user_id == user_id)
    return list(db.session.execute(query).scalars())


@pytest.mark.parametrize(
    "path", ["/staff/safeguarding", "/staff/safeguarding/{alert}", "/staff/items/{item}"]
)
def test_a_complaints_officer_is_refused_and_the_refusal_is_logged(client, officer, add_item, path):
    item = add_item("He hits me", state=ClassificationState.DONE)
    alert = SafeguardingAlertFactory(feedback_item=item)
    response = client.get(path.format(alert=alert.id, item=item.id))
    assert response.status_code == 403
    assert "He hits me" not in response.text
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "safeguarding_refused")
    ).scalar_one()
    assert event.staff_user_id == officer.user_id
    assert event.ip_address == "127.0.0.1"


def test_decisions_by_a_non_reviewer_are_refused(client, officer, add_item):
    alert = SafeguardingAlertFactory(feedback_item=add_item("He hits me"))
    assert client.post(f"/staff/safeguarding/{alert.id}/acknowledge").status_code == 403
    assert db.session.get(SafeguardingAlert, alert.id).status == AlertStatus.OPEN


def test_an_item_with_only_a_not_safeguarding_alert_is_open_to_all(client, officer, add_item):
    item = add_item("I was hit by a bus timetable change", state=ClassificationState.DONE)
    alert = SafeguardingAlertFactory(feedback_item=item)
    alert.status, alert.outcome = AlertStatus.CLOSED, AlertOutcome.NOT_SAFEGUARDING
    db.session.commit()
    assert client.get(f"/staff/items/{item.id}").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client, add_item):
    alert = SafeguardingAlertFactory(feedback_item=add_item("He hits me"))
    response = client.get(f"/staff/safeguarding/{alert.id}")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_the_queue_puts_the_most_overdue_first_the_newest_on_top_and_marks_triggers_safely(
    client, reviewer, add_item, clock, sign_in
):
    # 1pm on a Wednesday: in office hours, the review target is an hour.
    clock.move_to(datetime(2026, 11, 18, 13, 0, tzinfo=UTC), tick=False)
    sign_in(client, reviewer, steps_ahead=1)  # three idle hours ended the morning's session
    now = datetime.now(UTC)
    done = ClassificationState.DONE
    newer = SafeguardingAlertFactory(
        feedback_item=add_item(
            "Newer: he hits me", created_at=now - timedelta(minutes=5), state=done
        )
    )
    older = SafeguardingAlertFactory(
        feedback_item=add_item(
            "<script>alert(1)</script> my stepdad hits me & I'm scared",
            created_at=now - timedelta(minutes=125),
            state=ClassificationState.DONE,
        ),
        evidence=["<script>alert(1)</script> my stepdad hits me & I'm scared"],
    )
    ancient = SafeguardingAlertFactory(
        feedback_item=add_item(
            "he hit me", created_at=now - timedelta(days=355, hours=5), state=done
        )
    )
    add_item("Nobody has read me yet", state=ClassificationState.FAILED)
    page = client.get("/staff/safeguarding")
    assert page.status_code == 200
    text = page.text
    listed = text[text.index("Alerts, most overdue first") :]
    positions = [listed.index(f"Alert {a.id} ") for a in (ancient, older, newer)]
    assert positions == sorted(positions)
    newest = text[text.index(">Newest<") : text.index("Alerts, most overdue first")]
    assert newest.index(f"Alert {newer.id} ") < newest.index(f"Alert {older.id} ")
    assert "<script>alert(1)" not in text
    # The exact words the rules matched are marked, not the whole sentence.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; my stepdad <mark>hits me</mark> &amp; I" in text
    assert "Overdue by 355 days 1 hour" in text
    assert "Overdue by 1 hour 5 minutes" in text and "Due in 55 minutes" in text
    assert "3 waiting for a reviewer" in text and "2 overdue" in text
    assert "Not checked yet — read these (1)" in text
    assert "Nobody has read me yet" in text
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "safeguarding_view_queue")
    ).one()
    assert event.detail["alerts_shown"] == sorted([ancient.id, older.id, newer.id])


def _statements_for(client, path: str) -> int:
    """How many SQL statements one fetch of `path` runs."""
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _alerts(add_item, how_many: int) -> None:
    """Alerts of every kind the queue draws: waiting ones, ones each acknowledged by its own
    reviewer, one from a child's form, a manual flag with no message; and messages nobody's
    classifier has read, each on its own item."""
    for n in range(how_many):
        if n % 3 == 1:
            reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
            SafeguardingAlertFactory(
                status=AlertStatus.ACKNOWLEDGED,
                acknowledged_by_id=reviewer.id,
                acknowledged_at=datetime(2026, 11, 18, 10, tzinfo=UTC),
            )
        elif n % 5 == 2:
            from_a_child = add_item("He hits me", channel=Channel.WEB_CHILD)
            SafeguardingAlertFactory(feedback_item=from_a_child)
        elif n % 5 == 3:
            SafeguardingAlertFactory(message=None, source=AlertSource.MANUAL)
        else:
            SafeguardingAlertFactory()
        add_item(f"Not read yet {n}", state=ClassificationState.FAILED)
    db.session.commit()


@pytest.mark.parametrize("path", ["/staff/safeguarding", "/staff/safeguarding?status=all"])
def test_the_queue_takes_as_many_queries_for_50_alerts_as_for_5(client, reviewer, add_item, path):
    _alerts(add_item, 5)
    few = _statements_for(client, path)
    _alerts(add_item, 45)
    assert _statements_for(client, path) == few


def test_the_queue_answers_with_and_without_a_slash_and_refreshes_itself(client, reviewer):
    for path in ("/staff/safeguarding", "/staff/safeguarding/"):
        page = client.get(path)
        assert page.status_code == 200
        assert '<meta name="heard-refresh" content="60">' in page.text
    stopped = client.get("/staff/safeguarding?refresh=0")
    assert 'name="heard-refresh"' not in stopped.text


def test_the_queue_filters_by_channel_children_and_concern_with_counts(client, reviewer, add_item):
    child = add_item(
        "my mums boyfriend hits me", channel=Channel.WEB_CHILD, state=ClassificationState.DONE
    )
    SafeguardingAlertFactory(feedback_item=child, subtypes=["physical_abuse"])
    said = add_item("he says he will kill himself", state=ClassificationState.DONE)
    SafeguardingAlertFactory(feedback_item=said, subtypes=["self_harm"])
    page = client.get("/staff/safeguarding?children=1").text
    listed = page[page.index("Alerts, most overdue first") :]
    assert "Alerts, most overdue first (1)" in page
    assert child.reference in listed
    assert "From children and young people only (1)" in page
    assert "Self harm (1)" in page and "Physical abuse (1)" in page
    only_self_harm = client.get("/staff/safeguarding?concern=self_harm").text
    assert "Alerts, most overdue first (1)" in only_self_harm
    assert child.reference not in only_self_harm[only_self_harm.index("Alerts, most") :]
    nonsense = client.get("/staff/safeguarding?channel=fax&concern=%00&status=" + "x" * 999)
    assert nonsense.status_code == 200


def test_an_alert_page_shows_the_message_and_the_childs_answers_before_the_decision(
    client, reviewer, add_item
):
    item = add_item(
        "I want to complain. my mums boyfriend hits me when she is at work",
        channel=Channel.WEB_CHILD,
        topic="complain",
        score=1,
        worker_or_team="Sam from the north team",
    )
    alert = SafeguardingAlertFactory(
        feedback_item=item, evidence=["my mums boyfriend hits me when she is at work"]
    )
    text = client.get(f"/staff/safeguarding/{alert.id}").text
    assert text.index("What they wrote") < text.index("Their own answers")
    assert text.index("Their own answers") < text.index("Acknowledge")
    assert "I want to complain" in text and "Very sad (1 of 5)" in text
    assert "Sam from the north team" in text
    assert "boyfriend <mark>hits me</mark> when" in text


def test_highlight_merges_overlaps_and_escapes():
    marked = alerts.highlight("a <b> he hits me hits", ["hits me", "he hits", "", "zz"])
    assert str(marked) == "a &lt;b&gt; <mark>he hits me</mark> hits"


def test_acknowledge_then_close_with_outcome_and_rationale(client, reviewer, add_item):
    alert = SafeguardingAlertFactory(feedback_item=add_item("My foster carer locks me in"))
    page = client.get(f"/staff/safeguarding/{alert.id}")
    assert page.status_code == 200 and "My foster carer <mark>locks me in</mark>" in page.text
    assert client.post(f"/staff/safeguarding/{alert.id}/acknowledge").status_code == 302
    db.session.expire_all()
    found = db.session.get(SafeguardingAlert, alert.id)
    assert found.status == AlertStatus.ACKNOWLEDGED
    assert found.acknowledged_by_id == reviewer.user_id and found.acknowledged_at
    response = client.post(
        f"/staff/safeguarding/{alert.id}/close",
        data={"outcome": "referred_to_social_worker", "rationale": "Called the duty SW."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    found = db.session.get(SafeguardingAlert, alert.id)
    assert found.status == AlertStatus.CLOSED
    assert found.outcome == AlertOutcome.REFERRED_TO_SOCIAL_WORKER
    assert found.rationale == "Called the duty SW."
    assert [d.action for d in found.decisions] == ["acknowledged", "closed"]
    actions = _actions(reviewer.user_id)
    for action in ("safeguarding_view_alert", "safeguarding_acknowledged", "safeguarding_closed"):
        assert action in actions


@pytest.mark.parametrize(
    "data, error",
    [
        ({"outcome": "referred_to_social_worker", "rationale": "   "}, "Give the reasons"),
        ({"rationale": "Because"}, "Choose an outcome"),
        ({"outcome": "made_up", "rationale": "Because"}, "Not a valid choice"),
        ({"outcome": "already_known", "rationale": "x" * 5001}, "5000 characters or fewer"),
    ],
)
def test_an_alert_is_never_closed_without_outcome_and_rationale(
    client, reviewer, add_item, data, error
):
    alert = SafeguardingAlertFactory(feedback_item=add_item("He hits me"))
    client.post(f"/staff/safeguarding/{alert.id}/acknowledge")
    response = client.post(f"/staff/safeguarding/{alert.id}/close", data=data)
    assert response.status_code == 200
    assert error in response.text and "govuk-error-summary" in response.text
    db.session.expire_all()
    assert db.session.get(SafeguardingAlert, alert.id).status == AlertStatus.ACKNOWLEDGED


def test_an_open_alert_must_be_acknowledged_before_it_is_closed(client, reviewer, add_item):
    alert = SafeguardingAlertFactory(feedback_item=add_item("He hits me"))
    response = client.post(
        f"/staff/safeguarding/{alert.id}/close",
        data={"outcome": "already_known", "rationale": "Known"},
    )
    assert (
        response.status_code == 200 and "Acknowledge the alert before closing it" in response.text
    )
    assert "safeguarding_decision_refused" in _actions(reviewer.user_id)


@pytest.mark.parametrize("where", ["text", "worker_or_team"])
def test_a_reviewer_cannot_close_an_alert_about_feedback_that_names_them(
    client, reviewer, add_item, where
):
    name = reviewer.user.name
    if where == "text":
        item = add_item(f"{name.upper()} shouted at my son and hurt him")
    else:
        item = add_item("Hurt my son", worker_or_team=f"social worker {name}")
    alert = SafeguardingAlertFactory(feedback_item=item)
    client.post(f"/staff/safeguarding/{alert.id}/acknowledge")
    response = client.post(
        f"/staff/safeguarding/{alert.id}/close",
        data={"outcome": "not_safeguarding", "rationale": "Nothing in it"},
    )
    assert "This feedback names you" in response.text
    db.session.expire_all()
    assert db.session.get(SafeguardingAlert, alert.id).status == AlertStatus.ACKNOWLEDGED


def test_not_safeguarding_is_kept_as_a_correction_and_reopening_is_recorded(
    client, reviewer, add_item
):
    alert = SafeguardingAlertFactory(
        feedback_item=add_item("This service is killing me, three weeks and no reply")
    )
    client.post(f"/staff/safeguarding/{alert.id}/acknowledge")
    client.post(
        f"/staff/safeguarding/{alert.id}/close",
        data={"outcome": "not_safeguarding", "rationale": "An idiom about delay."},
    )
    correction = db.session.execute(select(SafeguardingCorrection)).scalar_one()
    assert correction.message_id == alert.message_id and correction.label is False
    assert correction.staff_user_id == reviewer.user_id and correction.at
    refused = client.post(f"/staff/safeguarding/{alert.id}/reopen", data={"rationale": ""})
    assert refused.status_code == 200 and "Give the reasons for reopening" in refused.text
    response = client.post(
        f"/staff/safeguarding/{alert.id}/reopen", data={"rationale": "Second message worries me"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    found = db.session.get(SafeguardingAlert, alert.id)
    assert found.status == AlertStatus.OPEN and found.outcome is None
    decisions = db.session.execute(
        select(AlertDecision.action, AlertDecision.rationale).order_by(AlertDecision.id)
    ).all()
    assert [d.action for d in decisions] == ["acknowledged", "closed", "reopened"]
    assert decisions[1].rationale == "An idiom about delay."
    assert "safeguarding_reopened" in _actions(reviewer.user_id)


def test_any_staff_member_can_flag_an_item_with_a_reason(client, officer, add_item):
    item = add_item("Mum says she will leave me at the station", state=ClassificationState.DONE)
    page = client.get(f"/staff/items/{item.id}")
    assert "Flag this item for safeguarding review" in page.text
    empty = client.post(f"/staff/safeguarding/flag/{item.id}", data={"reason": " "})
    assert empty.status_code == 200 and "Say why this is a safeguarding concern" in empty.text
    response = client.post(
        f"/staff/safeguarding/flag/{item.id}", data={"reason": "Threat of abandonment"}
    )
    assert response.status_code == 302
    alert = db.session.execute(select(SafeguardingAlert)).scalar_one()
    assert alert.source == AlertSource.MANUAL and alert.raised_by_id == officer.user_id
    assert alert.reason == "Threat of abandonment" and alert.status == AlertStatus.OPEN
    assert "safeguarding_flagged" in _actions(officer.user_id)
    # Once flagged, the item is a safeguarding item: closed to a complaints officer.
    assert client.get(f"/staff/items/{item.id}").status_code == 403


def test_flagging_a_missing_item_is_404(client, officer):
    assert client.get("/staff/safeguarding/flag/999999").status_code == 404
    assert client.get("/staff/safeguarding/999999").status_code == 403


def test_a_missing_alert_is_404_for_a_reviewer(client, reviewer):
    assert client.get("/staff/safeguarding/999999").status_code == 404


def test_decisions_need_a_csrf_token(make_app, make_staff, sign_in, add_item):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        login = make_staff(StaffRole.MANAGER)
        client.post("/staff/sign-in", data={"email": login.email, "password": login.password})
        alert = SafeguardingAlertFactory(feedback_item=add_item("He hits me"))
        assert client.post(f"/staff/safeguarding/{alert.id}/acknowledge").status_code == 400


@pytest.mark.parametrize("number", ["99999999999999", "2147483648"])
def test_ids_too_big_for_any_row_are_404_not_500(client, reviewer, number):
    assert client.get(f"/staff/safeguarding/{number}").status_code == 404
    assert client.get(f"/staff/safeguarding/flag/{number}").status_code == 404
    assert client.get(f"/staff/items/{number}").status_code == 404


def test_an_admin_sets_the_rota_and_bad_times_are_refused(client, make_staff, sign_in):
    admin = make_staff(StaffRole.ADMIN)
    reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
    sign_in(client, admin)
    good = {
        "reviewer": str(reviewer.user_id),
        "starts_at": "2026-11-25 09:00",
        "ends_at": "2026-11-25 17:00",
        "kind": "day",
        "order": "0",
        "phone": "+447700900100",
    }
    bad = client.post(
        "/staff/safeguarding/rota", data={**good, "ends_at": "2026-11-25 08:00", "kind": "x"}
    )
    assert bad.status_code == 200 and "The end must be after the start" in bad.text
    assert (
        client.post("/staff/safeguarding/rota", data={**good, "reviewer": "999"}).status_code == 200
    )
    assert client.post("/staff/safeguarding/rota", data=good).status_code == 302
    page = client.get("/staff/safeguarding/rota")
    assert reviewer.user.name in page.text
    assert "safeguarding_rota_changed" in _actions(admin.user_id)


def test_a_reviewer_cannot_change_the_rota(client, reviewer):
    assert client.get("/staff/safeguarding/rota").status_code == 403
