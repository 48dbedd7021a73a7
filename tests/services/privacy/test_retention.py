"""The retention schedule over ten years of records: what the daily run anonymises, what it
keeps (newer records, open work, safeguarding, legal holds), that the annual report for an old
year counts the same before and after, and that two overlapping runs do each item once."""

import dataclasses
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AlertDecision,
    AlertOutcome,
    AuditEvent,
    Classification,
    ComplaintOutcome,
    Contact,
    ContactRole,
    EqualityResponse,
    FeedbackItem,
    FeedbackKind,
    Message,
    SignInThrottle,
    StaffRole,
    StaffSession,
    Team,
    ThemeCorrection,
)
from app.models.enums import Channel, Direction
from app.services.classification.themes import set_item_themes
from app.services.privacy import holds, retention
from app.services.reports.annual import build_report
from app.services.reports.periods import financial_year
from app.services.reports.tables import Report
from app.services.staff.audit_log import Action
from tests.factories import (
    ComplaintStageFactory,
    ContactFactory,
    FeedbackItemFactory,
    MessageFactory,
    SafeguardingAlertFactory,
    StaffUserFactory,
    TeamFactory,
)

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
SECRET = "Jo Bloggs of 12 Acacia Avenue says hello"


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


@dataclass
class Ten:
    """Named items from ten years of records."""

    team: Team
    old_complaints: list[FeedbackItem]
    recent_complaint: FeedbackItem
    old_compliment: FeedbackItem
    recent_compliment: FeedbackItem
    old_comment: FeedbackItem
    old_audit: FeedbackItem
    recent_audit: FeedbackItem
    safeguarding: FeedbackItem
    dismissed_alert: FeedbackItem
    still_open: FeedbackItem
    written_again: FeedbackItem
    held: FeedbackItem
    shared_contact: Contact
    shared_old: FeedbackItem
    shared_new: FeedbackItem


def _item(
    kind: FeedbackKind,
    at: datetime,
    team: Team,
    *,
    contact: Contact | None = None,
    channel: Channel = Channel.SMS,
    themes: tuple[str, ...] = ("communication",),
) -> FeedbackItem:
    contact = contact or ContactFactory(
        role=ContactRole.PARENT, name="Jo Bloggs", phone="+447700900123", email="jo@example.org"
    )
    item = FeedbackItemFactory(
        kind=kind,
        created_at=at,
        team=team,
        contact=contact,
        received_via=channel,
        case_reference="LS23P01234",
    )
    set_item_themes(item, themes)
    MessageFactory(feedback_item=item, channel=channel, text=SECRET, received_at=at)
    MessageFactory(
        feedback_item=item,
        channel=channel,
        direction=Direction.OUTBOUND,
        sender=None,
        recipient="+447700900123",
        text="Thank you, Jo",
        received_at=at + timedelta(hours=1),
    )
    return item


def _complaint(at: datetime, team: Team, responded: date | None, **fields: object) -> FeedbackItem:
    item = _item(FeedbackKind.COMPLAINT, at, team, **fields)  # type: ignore[arg-type]
    ComplaintStageFactory(
        feedback_item=item,
        team=team,
        received_on=at.date(),
        due_on=at.date() + timedelta(days=14),
        responded_on=responded,
        outcome=ComplaintOutcome.UPHELD if responded else None,
        outcome_reason="Jo was not called back" if responded else None,
    )
    return item


@pytest.fixture
def ten(app: Flask) -> Ten:
    team = TeamFactory(name="North")
    old_complaints = []
    for year in range(2016, 2021):
        item = _complaint(_noon(date(year, 5, 10)), team, date(year, 5, 20))
        db.session.add(EqualityResponse(feedback_item_id=item.id, gender="female"))
        old_complaints.append(item)
    recent = _complaint(_noon(date(2021, 6, 1)), team, date(2021, 6, 10))
    still_open = _complaint(_noon(date(2017, 3, 1)), team, None)
    written_again = _complaint(_noon(date(2018, 1, 5)), team, date(2018, 1, 20))
    MessageFactory(
        feedback_item=written_again, text="Me again", received_at=_noon(date(2024, 2, 1))
    )
    held = _complaint(_noon(date(2017, 9, 1)), team, date(2017, 9, 15))
    old_compliment = _item(FeedbackKind.COMPLIMENT, _noon(date(2024, 10, 1)), team)
    recent_compliment = _item(FeedbackKind.COMPLIMENT, _noon(date(2025, 1, 10)), team)
    old_comment = _item(FeedbackKind.COMMENT, _noon(date(2023, 2, 2)), team)
    old_audit = _item(FeedbackKind.AUDIT, _noon(date(2022, 8, 8)), team, channel=Channel.WEB_AUDIT)
    recent_audit = _item(FeedbackKind.AUDIT, _noon(date(2025, 8, 8)), team)
    safeguarding = _item(FeedbackKind.COMMENT, _noon(date(2016, 4, 4)), team)
    reviewer = StaffUserFactory(role=StaffRole.SAFEGUARDING_REVIEWER)
    alert = SafeguardingAlertFactory(
        feedback_item=safeguarding,
        message=safeguarding.messages[0],
        created_at=_noon(date(2016, 4, 4)),
        outcome=AlertOutcome.REFERRED_TO_SOCIAL_WORKER,
        closed_at=_noon(date(2016, 4, 5)),
        evidence=["Jo Bloggs"],
        rationale="Referred Jo to her social worker",
    )
    db.session.add(
        AlertDecision(
            alert=alert,
            staff_user_id=reviewer.id,
            action="close",
            rationale="Called Jo",
            at=_noon(date(2016, 4, 5)),
        )
    )
    dismissed = _item(FeedbackKind.COMMENT, _noon(date(2017, 4, 4)), team)
    dismissed_alert = SafeguardingAlertFactory(
        feedback_item=dismissed,
        message=dismissed.messages[0],
        created_at=_noon(date(2017, 4, 4)),
        outcome=AlertOutcome.NOT_SAFEGUARDING,
        closed_at=_noon(date(2017, 4, 5)),
        evidence=["hits"],
    )
    db.session.add(
        Classification(
            message_id=dismissed.messages[0].id,
            model_version="test",
            scores={"safeguarding": 0.9},
            themes=[],
            safeguarding=True,
            evidence=["Jo Bloggs"],
        )
    )
    shared = ContactFactory(role=ContactRole.CARER, name="Sam Shared", phone="+447700900555")
    shared_old = _item(FeedbackKind.COMPLIMENT, _noon(date(2019, 2, 2)), team, contact=shared)
    shared_new = _complaint(_noon(date(2026, 1, 5)), team, None, contact=shared)
    db.session.commit()
    staff = StaffUserFactory(role=StaffRole.ADMIN)
    holds.set_hold(held.id, "Claim issued in the county court", staff, None)
    assert dismissed_alert.id
    return Ten(
        team,
        old_complaints,
        recent,
        old_compliment,
        recent_compliment,
        old_comment,
        old_audit,
        recent_audit,
        safeguarding,
        dismissed,
        still_open,
        written_again,
        held,
        shared,
        shared_old,
        shared_new,
    )


def _anonymised(item: FeedbackItem) -> bool:
    db.session.refresh(item)
    return item.anonymised_at is not None


def _texts(item: FeedbackItem) -> list[str]:
    query = select(Message.text).where(Message.feedback_item_id == item.id)
    return list(db.session.execute(query).scalars())


def _without_quotes(report: Report) -> dict[str, object]:
    """Everything the report counts: the compliments' quotes are words, not counts."""
    counted = dataclasses.replace(
        report, compliments=dataclasses.replace(report.compliments, quotes=())
    )
    return dataclasses.asdict(counted)


def test_the_schedule_defaults_are_the_issues(app: Flask) -> None:
    years = {rule.key: rule.years for rule in retention.schedule()}
    assert years == {
        "complaint": 6,
        "compliment": 2,
        "comment": 2,
        "audit": 2,
        "safeguarding": 25,
    }


def test_the_schedule_is_set_by_config(make_app) -> None:
    app = make_app(RETENTION_YEARS={**_defaults(), "complaint": 8})
    with app.app_context():
        assert {r.key: r.years for r in retention.schedule()}["complaint"] == 8


def _defaults() -> dict[str, int]:
    return {"complaint": 6, "compliment": 2, "comment": 2, "audit": 2, "safeguarding": 25}


def test_ten_years_what_goes_and_what_stays(ten: Ten) -> None:
    summary = retention.apply_retention(NOW)

    for item in ten.old_complaints:
        assert _anonymised(item)
        assert set(_texts(item)) == {retention.REMOVED}
        assert item.contact_id is None and item.case_reference is None
        assert item.submitter_role == ContactRole.PARENT
        assert item.themes == ["communication"]
    for kept in (
        ten.recent_complaint,
        ten.recent_compliment,
        ten.recent_audit,
        ten.safeguarding,
        ten.still_open,
        ten.written_again,
        ten.held,
        ten.shared_new,
    ):
        assert not _anonymised(kept), kept.reference
        assert SECRET in _texts(kept)
    for gone in (ten.old_compliment, ten.old_comment, ten.old_audit, ten.dismissed_alert):
        assert _anonymised(gone), gone.reference
    assert summary.anonymised == {"complaint": 5, "compliment": 2, "comment": 2, "audit": 1}
    assert summary.held == 1

    # Evidence and reasons written about the person go; the flag and scores stay.
    classification = db.session.execute(select(Classification)).scalar_one()
    assert classification.evidence == [] and classification.safeguarding is True
    assert ten.dismissed_alert.contact_id is None
    # The kept safeguarding record keeps its words.
    decision = db.session.execute(select(AlertDecision)).scalar_one()
    assert decision.rationale == "Called Jo"
    # Equality answers stay, so the equality table still counts them.
    assert db.session.execute(select(func.count(EqualityResponse.id))).scalar_one() == 5
    # The shared contact is still needed by its newer complaint; the others' contacts went.
    assert db.session.get(Contact, ten.shared_contact.id) is not None
    outbound = db.session.execute(
        select(Message).where(Message.feedback_item_id == ten.old_complaints[0].id)
    ).scalars()
    assert all(m.recipient is None and m.sender is None and m.raw_payload == {} for m in outbound)


def test_the_run_is_logged_without_personal_data(ten: Ten, caplog) -> None:
    caplog.set_level("INFO", logger="app.services.privacy.retention")
    retention.apply_retention(NOW)
    assert "retention: anonymised" in caplog.text
    for personal in ("Jo", "Bloggs", "07700", "+44", "@", "LS23", "Acacia"):
        assert personal not in caplog.text
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == Action.RETENTION_APPLIED.value)
    ).scalar_one()
    assert event.detail["anonymised"]["complaint"] == 5
    assert ten.old_complaints[0].id in event.detail["items"]
    written = repr(event.detail)
    for personal in ("Jo", "Bloggs", "07700", "+44", "@", "LS23"):
        assert personal not in written


def test_an_old_years_report_counts_the_same_after(ten: Ten) -> None:
    years = [financial_year(year) for year in (2016, 2017, 2018, 2019, 2023)]
    before = [_without_quotes(build_report(p.start, p.end, "ENG")) for p in years]
    summary = retention.apply_retention(NOW)
    assert sum(summary.anonymised.values()) == 10
    db.session.expire_all()
    after = [_without_quotes(build_report(p.start, p.end, "ENG")) for p in years]
    assert after == before
    assert before[0]["stages"]["rows"], "the fixture puts complaints in the year"


def test_a_legal_hold_keeps_an_item_until_it_is_cleared(ten: Ten) -> None:
    retention.apply_retention(NOW)
    assert not _anonymised(ten.held)
    hold = holds.holds_for(ten.held.id)[0]
    staff = StaffUserFactory(role=StaffRole.ADMIN)
    holds.clear_hold(hold.id, "Claim settled", staff, None)
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
    assert [a for a in actions if a.startswith("legal_hold")] == [
        Action.LEGAL_HOLD_SET.value,
        Action.LEGAL_HOLD_CLEARED.value,
    ]
    retention.apply_retention(NOW + timedelta(days=1))
    assert _anonymised(ten.held)


def test_a_hold_cannot_be_set_on_what_is_gone(ten: Ten) -> None:
    retention.apply_retention(NOW)
    staff = StaffUserFactory(role=StaffRole.ADMIN)
    with pytest.raises(holds.HoldRefused):
        holds.set_hold(ten.old_complaints[0].id, "Too late", staff, None)
    with pytest.raises(holds.HoldRefused):
        holds.set_hold(ten.recent_complaint.id, "   ", staff, None)


def test_a_second_run_finds_nothing_to_do(ten: Ten) -> None:
    retention.apply_retention(NOW)
    again = retention.apply_retention(NOW)
    assert sum(again.anonymised.values()) == 0


def test_two_overlapping_runs_do_each_item_once(make_app, ten: Ten) -> None:
    """Two runs in two app instances (two workers), started together: every due item is done
    by exactly one of them, and the other skips it."""
    due = {d.feedback_item_id for d in retention.due_items(NOW)}
    db.session.remove()
    results: list[retention.RunSummary] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        other = make_app()
        with other.app_context():
            try:
                start.wait()
                results.append(retention.apply_retention(NOW))
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    done = [item_id for summary in results for item_id in summary.item_ids]
    assert sorted(done) == sorted(due)
    assert len(results) == 2


def test_the_daily_job_is_on_the_periodic_list() -> None:
    from app.jobs.periodic import PERIODIC

    daily = [p for p in PERIODIC if p.job.__name__ == "apply_retention"]
    assert [p.every_seconds for p in daily] == [24 * 3600]


def test_the_daily_run_is_claimed_once_a_day_however_many_schedulers(app: Flask) -> None:
    from app.jobs import scheduler

    claimed: list[str] = []

    def record(job: object, run_id: int) -> None:
        claimed.append(job.__name__)

    day = datetime(2026, 11, 18, 0, 0, 5, tzinfo=UTC)
    for hours in (0, 3, 9, 23):
        for runner in ("worker:1", "worker:2", "web:3"):
            scheduler.tick(runner, record, now=day + timedelta(hours=hours))
    assert claimed.count("apply_retention") == 1
    scheduler.tick("worker:2", record, now=day + timedelta(days=1))
    assert claimed.count("apply_retention") == 2


def test_the_command_says_what_is_due_and_changes_nothing_without_apply(ten: Ten) -> None:
    from app.cli import retention_command

    result = _invoke(retention_command, [])
    assert "complaint: 6 years" in result and "due now:" in result
    assert not _anonymised(ten.old_complaints[0])
    assert "anonymised" in _invoke(retention_command, ["--apply"])
    assert _anonymised(ten.old_complaints[0])


def _invoke(command: object, args: list[str]) -> str:
    from flask import current_app

    result = current_app.test_cli_runner().invoke(command, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_staff_reason_for_changing_themes_goes_with_the_item(ten: Ten) -> None:
    old, kept = ten.old_complaints[0], ten.recent_complaint
    staff = StaffUserFactory()
    for item in (old, kept):
        db.session.add(
            ThemeCorrection(
                feedback_item_id=item.id,
                staff_user_id=staff.id,
                themes_before=["communication"],
                themes_after=["delay"],
                reason=f"{SECRET}: it is about the wait",
            )
        )
    db.session.commit()

    retention.apply_retention(NOW)

    reasons = {
        row.feedback_item_id: row.reason
        for row in db.session.execute(select(ThemeCorrection)).scalars()
    }
    assert reasons[old.id] == retention.REMOVED
    assert SECRET in (reasons[kept.id] or "")


def test_old_sign_in_records_go_and_recent_ones_stay(app: Flask) -> None:
    staff = StaffUserFactory()
    days = timedelta(days=app.config["SIGN_IN_RECORDS_DAYS"])

    def session(created: datetime, ended: datetime | None) -> StaffSession:
        row = StaffSession(
            token_hash=f"{created.timestamp()}-{ended}"[:64],
            staff_user_id=staff.id,
            created_at=created,
            last_seen_at=created + timedelta(minutes=5),
            authenticated_at=created,
            ended_at=ended,
            ip_address="198.51.100.7",
            browser="Firefox on Linux",
        )
        db.session.add(row)
        return row

    long_ended = session(NOW - days - timedelta(days=2), NOW - days - timedelta(days=1))
    never_ended = session(NOW - days - timedelta(days=3), None)  # idled out long ago
    lately_ended = session(NOW - days, NOW - days + timedelta(days=1))
    live = session(NOW - timedelta(minutes=10), None)
    old_throttle = SignInThrottle(
        scope="password",
        key="198.51.100.7 at 1",
        failures=6,
        window_started_at=NOW - days - timedelta(days=1),
        wait_until=NOW - days,
    )
    recent_throttle = SignInThrottle(
        scope="password",
        key="198.51.100.8 at 1",
        failures=6,
        window_started_at=NOW - timedelta(days=1),
        wait_until=NOW - timedelta(hours=20),
    )
    db.session.add_all([old_throttle, recent_throttle])
    db.session.commit()
    ids = {name: row.id for name, row in locals().items() if isinstance(row, StaffSession)}
    throttle_ids = (old_throttle.id, recent_throttle.id)

    summary = retention.apply_retention(NOW)

    left = set(db.session.execute(select(StaffSession.id)).scalars())
    assert left == {ids["lately_ended"], ids["live"]}
    assert ids["long_ended"] not in left and ids["never_ended"] not in left
    throttles = set(db.session.execute(select(SignInThrottle.id)).scalars())
    assert throttles == {throttle_ids[1]}
    assert summary.sign_in_records == 3
    assert long_ended and never_ended and lately_ended and live


def test_a_theme_correction_is_still_append_only_apart_from_its_reason(ten: Ten) -> None:
    staff = StaffUserFactory()
    correction = ThemeCorrection(
        feedback_item_id=ten.recent_complaint.id,
        staff_user_id=staff.id,
        themes_before=["communication"],
        themes_after=["delay"],
        reason="about the wait",
    )
    db.session.add(correction)
    db.session.commit()
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    table = ThemeCorrection.__table__
    for change in ({"themes_after": ["bias"]}, {"reason": "something else"}):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
            connection.execute(table.update().where(table.c.id == correction.id).values(**change))
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
        connection.execute(table.delete().where(table.c.id == correction.id))
