"""Measuring misses: the weekly sample of unflagged messages, reviewers' second look (fine or
flagged as a miss), and the miss and false-alarm rates on the queue page."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.jobs.alerts import draw_second_look_sample
from app.jobs.periodic import PERIODIC
from app.models import (
    AlertOutcome,
    AlertSource,
    AlertStatus,
    AuditEvent,
    ClassificationState,
    Direction,
    Message,
    SecondLook,
    SecondLookVerdict,
    StaffRole,
)
from app.services.safeguarding import alerts, misses
from tests.factories import SafeguardingAlertFactory

DONE = ClassificationState.DONE


@pytest.fixture
def reviewer(client, make_staff, sign_in):
    login = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
    assert sign_in(client, login).status_code == 302
    return login


def _sampled_texts():
    return set(
        db.session.execute(
            select(Message.text).join(SecondLook, SecondLook.message_id == Message.id)
        ).scalars()
    )


def _actions(user_id):
    return list(
        db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.staff_user_id == user_id)
            .order_by(AuditEvent.id)
        ).scalars()
    )


def test_the_sample_is_last_weeks_unflagged_checked_inbound_messages(app, add_item):
    now = utcnow()
    add_item("fine one", state=DONE)
    add_item("fine two", state=DONE, created_at=now - timedelta(days=6))
    add_item("too old", state=DONE, created_at=now - timedelta(days=8))
    add_item("not read yet", state=ClassificationState.PENDING)
    add_item("classifier failed", state=ClassificationState.FAILED)
    SafeguardingAlertFactory(feedback_item=add_item("flagged", state=DONE))
    SafeguardingAlertFactory(
        feedback_item=add_item("cleared", state=DONE), outcome=AlertOutcome.NOT_SAFEGUARDING
    )
    live = add_item("first message flagged", state=DONE)
    SafeguardingAlertFactory(feedback_item=live)
    db.session.add(
        Message(
            feedback_item=live,
            channel=live.messages[0].channel,
            direction=Direction.INBOUND,
            external_id="second-in-live-thread",
            sender="+447700900123",
            text="second message on a live item",
            raw_payload={},
            classification_state=DONE,
        )
    )
    reply = add_item("a reply we sent", state=DONE)
    reply.messages[0].direction = Direction.OUTBOUND
    db.session.commit()

    assert misses.draw_weekly_sample(now) == 2
    assert _sampled_texts() == {"fine one", "fine two"}
    assert {s.week_of for s in db.session.execute(select(SecondLook)).scalars()} == {
        misses.week_of(now)
    }


def test_one_sample_a_week_of_the_configured_size_never_the_same_message_twice(make_app, add_item):
    app = make_app(SAFEGUARDING_SECOND_LOOK_SAMPLE=3)
    with app.app_context():
        monday = datetime(2026, 6, 1, 9, tzinfo=UTC)
        for n in range(5):
            add_item(f"message {n}", state=DONE, created_at=monday - timedelta(hours=n + 1))
        assert misses.draw_weekly_sample(monday) == 3
        assert misses.draw_weekly_sample(monday + timedelta(hours=1)) == 0
        assert len(_sampled_texts()) == 3
        # Early next Monday, when all five are still within the last seven days.
        next_week = monday + timedelta(days=7, hours=-6)
        assert misses.draw_weekly_sample(next_week) == 2
        assert len(_sampled_texts()) == 5
        count = db.session.execute(select(func.count(SecondLook.id))).scalar_one()
        assert count == 5


def test_the_weekly_draw_is_a_periodic_job_that_runs_in_process_without_redis(app, add_item):
    assert any(p.job is draw_second_look_sample for p in PERIODIC)
    add_item("something ordinary", state=DONE)
    draw_second_look_sample.delay()
    assert _sampled_texts() == {"something ordinary"}


def test_a_complaints_officer_cannot_see_the_second_look(client, make_staff, sign_in, add_item):
    add_item("private words", state=DONE)
    misses.draw_weekly_sample()
    officer = make_staff(StaffRole.COMPLAINTS_OFFICER)
    sign_in(client, officer)
    sample = db.session.execute(select(SecondLook)).scalar_one()
    for response in (
        client.get("/staff/safeguarding/second-look"),
        client.post(f"/staff/safeguarding/second-look/{sample.id}/fine"),
        client.post(f"/staff/safeguarding/second-look/{sample.id}/flag", data={"reason": "x"}),
    ):
        assert response.status_code == 403
        assert "private words" not in response.text
    assert _actions(officer.user_id)[-3:] == ["safeguarding_refused"] * 3
    assert db.session.get(SecondLook, sample.id).verdict is None


def test_a_reviewer_marks_one_fine_and_flags_another_as_a_miss(client, reviewer, add_item):
    add_item("We had a lovely visit", state=DONE)
    add_item("he locks me in my room at night", state=DONE)
    misses.draw_weekly_sample()
    samples = {s.message.text: s for s in db.session.execute(select(SecondLook)).scalars()}
    fine, missed = samples["We had a lovely visit"], samples["he locks me in my room at night"]

    page = client.get("/staff/safeguarding/second-look")
    assert page.status_code == 200
    assert "We had a lovely visit" in page.text and "he locks me in my room" in page.text

    done = client.post(f"/staff/safeguarding/second-look/{fine.id}/fine")
    assert done.status_code == 302
    again = client.post(f"/staff/safeguarding/second-look/{fine.id}/fine", follow_redirects=True)
    assert "already had a second look" in again.text

    empty = client.post(f"/staff/safeguarding/second-look/{missed.id}/flag", data={"reason": " "})
    assert empty.status_code == 200 and "govuk-error-summary" in empty.text
    flagged = client.post(
        f"/staff/safeguarding/second-look/{missed.id}/flag",
        data={"reason": "Being locked in is a concern"},
    )
    assert flagged.status_code == 302

    db.session.expire_all()
    assert db.session.get(SecondLook, fine.id).verdict == SecondLookVerdict.FINE
    sample = db.session.get(SecondLook, missed.id)
    assert sample.verdict == SecondLookVerdict.MISSED
    assert sample.reviewed_by_id == reviewer.user_id
    alert = sample.alert
    assert alert.source == AlertSource.MANUAL and alert.status == AlertStatus.OPEN
    assert alert.message_id == sample.message_id
    assert "Being locked in is a concern" in alert.reason
    assert alerts.is_safeguarding_item(sample.feedback_item_id)
    assert _actions(reviewer.user_id).count("safeguarding_second_look_fine") == 1
    assert "safeguarding_second_look_missed" in _actions(reviewer.user_id)
    assert "safeguarding_view_second_look" in _actions(reviewer.user_id)

    queue = client.get("/staff/safeguarding").text
    assert "Estimated miss rate" in queue
    assert "1 of 2: 50.0% (95% interval 9.5% to 90.5%)" in queue
    assert "No classifier alerts closed yet" in queue


def test_a_miss_on_a_message_flagged_and_closed_before_reopens_that_alert(
    app, make_staff, add_item
):
    item = add_item("ambiguous words", state=DONE)
    misses.draw_weekly_sample()
    earlier = SafeguardingAlertFactory(
        feedback_item=item, source=AlertSource.MANUAL, outcome=AlertOutcome.ALREADY_KNOWN
    )
    sample = db.session.execute(select(SecondLook)).scalar_one()
    reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER).user
    raised = misses.mark_missed(sample, reviewer, "Read again: it is a disclosure")
    assert raised.id == earlier.id
    assert raised.status == AlertStatus.OPEN
    with pytest.raises(alerts.DecisionRefused):
        misses.mark_fine(sample, reviewer)


def test_false_alarms_count_classifier_alerts_closed_as_not_safeguarding(app, add_item):
    for n in range(3):
        SafeguardingAlertFactory(
            feedback_item=add_item(f"false alarm {n}"), outcome=AlertOutcome.NOT_SAFEGUARDING
        )
    SafeguardingAlertFactory(
        feedback_item=add_item("real"), outcome=AlertOutcome.REFERRED_TO_SOCIAL_WORKER
    )
    SafeguardingAlertFactory(feedback_item=add_item("still open"))
    SafeguardingAlertFactory(
        feedback_item=add_item("staff flag"),
        source=AlertSource.MANUAL,
        outcome=AlertOutcome.NOT_SAFEGUARDING,
    )
    rate = misses.false_alarm_rate()
    assert (rate.found, rate.out_of) == (3, 4)


def test_the_fine_button_needs_a_csrf_token(make_app, make_staff, sign_in, add_item):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_item("ordinary", state=DONE)
        misses.draw_weekly_sample()
        sample = db.session.execute(select(SecondLook)).scalar_one()
        client = app.test_client()
        login = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
        page = client.get("/staff/sign-in")
        token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/staff/sign-in",
            data={"email": login.email, "password": login.password, "csrf_token": token},
        )
        client.post("/staff/two-factor", data={"code": login.code(), "csrf_token": token})
        assert client.post(f"/staff/safeguarding/second-look/{sample.id}/fine").status_code == 400
        assert db.session.get(SecondLook, sample.id).verdict is None


@pytest.mark.parametrize("number", ["99999999999999", "2147483648", "0"])
def test_sample_ids_no_row_could_have_are_404(client, reviewer, number):
    assert client.post(f"/staff/safeguarding/second-look/{number}/fine").status_code == 404
    assert client.get(f"/staff/safeguarding/second-look/{number}/flag").status_code == 404


def test_an_overlong_reason_is_refused_with_a_reason(client, reviewer, add_item):
    add_item("ordinary", state=DONE)
    misses.draw_weekly_sample()
    sample = db.session.execute(select(SecondLook)).scalar_one()
    response = client.post(
        f"/staff/safeguarding/second-look/{sample.id}/flag", data={"reason": "x" * 20_000}
    )
    assert response.status_code in (200, 413)
    assert db.session.get(SecondLook, sample.id).verdict is None
