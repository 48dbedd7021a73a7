"""Correspondence the reports count: MP and councillor enquiries on a 10 working-day clock,
Ombudsman referrals and findings, and compliments credited to a team or worker."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ContactRole,
    ElectedMember,
    FeedbackKind,
    OmbudsmanFinding,
    Team,
)
from app.services.complaints import correspondence, stages
from app.services.complaints.stages import ComplaintRuleError
from tests.factories import FeedbackItemFactory, StaffUserFactory


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(stages, "today", lambda: date(2026, 1, 20))


def audited() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_an_mp_enquiry_is_due_in_10_working_days_over_christmas(app):
    item = FeedbackItemFactory()
    item.submitter_role = ContactRole.MP
    db.session.commit()
    assert correspondence.suggested_member(item) == ElectedMember.MP
    officer = StaffUserFactory()
    enquiry = correspondence.record_member_enquiry(
        item, officer, ElectedMember.MP, date(2025, 12, 19)
    )
    # Skips both weekends, Christmas Day, Boxing Day and New Year's Day.
    assert enquiry.due_on == date(2026, 1, 7)
    assert correspondence.member_days_left(enquiry, date(2026, 1, 6)) == 1
    with pytest.raises(ComplaintRuleError, match="already"):
        correspondence.record_member_enquiry(item, officer, ElectedMember.MP, date(2025, 12, 19))
    with pytest.raises(ComplaintRuleError, match="before"):
        correspondence.record_member_response(enquiry, officer, date(2025, 12, 18))
    with pytest.raises(ComplaintRuleError, match="future"):
        correspondence.record_member_response(enquiry, officer, date(2026, 1, 21))
    correspondence.record_member_response(enquiry, officer, date(2026, 1, 8))
    assert enquiry.responded_on == date(2026, 1, 8)
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [e.action for e in events][-2:] == [
        "member_enquiry_recorded",
        "member_enquiry_responded",
    ]
    assert events[-1].detail["on_time"] is False


def test_a_councillor_is_not_suggested_but_can_be_recorded(app):
    item = FeedbackItemFactory(kind=FeedbackKind.COMMENT)
    assert correspondence.suggested_member(item) is None
    enquiry = correspondence.record_member_enquiry(
        item, StaffUserFactory(), ElectedMember.COUNCILLOR, date(2026, 1, 19)
    )
    assert enquiry.member == ElectedMember.COUNCILLOR and enquiry.due_on == date(2026, 2, 2)
    with pytest.raises(ComplaintRuleError, match="future"):
        correspondence.record_member_enquiry(
            FeedbackItemFactory(), StaffUserFactory(), ElectedMember.MP, date(2026, 2, 1)
        )


def test_an_ombudsman_referral_then_its_finding(app):
    item = FeedbackItemFactory()
    officer = StaffUserFactory()
    referral = correspondence.save_ombudsman_referral(
        item, officer, date(2026, 1, 5), "  LGSCO 25 012 345 ", None, None, None
    )
    assert referral.ombudsman_reference == "LGSCO 25 012 345" and referral.finding is None
    again = correspondence.save_ombudsman_referral(
        item,
        officer,
        date(2026, 1, 5),
        "LGSCO 25 012 345",
        OmbudsmanFinding.MALADMINISTRATION,
        date(2026, 1, 19),
        "Apologise and pay £300 for the distress caused",
    )
    assert again.id == referral.id and again.finding == OmbudsmanFinding.MALADMINISTRATION
    assert audited().count("ombudsman_referral_saved") == 2


@pytest.mark.parametrize(
    ("referred", "reference", "finding", "finding_on", "remedy", "message"),
    [
        (date(2026, 2, 1), None, None, None, None, "future"),
        (date(2026, 1, 5), "x" * 65, None, None, None, "64 characters"),
        (date(2026, 1, 5), None, OmbudsmanFinding.UPHELD, None, None, "together"),
        (date(2026, 1, 5), None, None, date(2026, 1, 6), None, "together"),
        (date(2026, 1, 5), None, OmbudsmanFinding.UPHELD, date(2026, 1, 4), None, "before"),
        (date(2026, 1, 5), None, None, None, "Pay £100", "finding"),
        (date(2026, 1, 5), None, OmbudsmanFinding.UPHELD, date(2026, 1, 6), "y" * 2001, "2000"),
    ],
)
def test_bad_ombudsman_referrals_are_refused(
    app, referred, reference, finding, finding_on, remedy, message
):
    with pytest.raises(ComplaintRuleError, match=message):
        correspondence.save_ombudsman_referral(
            FeedbackItemFactory(),
            StaffUserFactory(),
            referred,
            reference,
            finding,
            finding_on,
            remedy,
        )


def test_only_complaints_go_to_the_ombudsman_and_only_compliments_are_credited(app):
    officer = StaffUserFactory()
    team = Team(name="North")
    db.session.add(team)
    with pytest.raises(ComplaintRuleError, match="Only a complaint"):
        correspondence.save_ombudsman_referral(
            FeedbackItemFactory(kind=FeedbackKind.COMPLIMENT),
            officer,
            date(2026, 1, 5),
            None,
            None,
            None,
            None,
        )
    with pytest.raises(ComplaintRuleError, match="Only a compliment"):
        correspondence.credit_compliment(FeedbackItemFactory(), officer, team)


def test_a_compliment_is_credited_to_a_team_and_a_worker(app):
    officer = StaffUserFactory()
    north, south = Team(name="North"), Team(name="South")
    db.session.add_all([north, south])
    item = FeedbackItemFactory(kind=FeedbackKind.COMPLIMENT)
    credit = correspondence.credit_compliment(item, officer, north, "  Sam   Jones ")
    assert credit.team_id == north.id and credit.worker_name == "Sam Jones"
    moved = correspondence.credit_compliment(item, officer, south, "")
    assert moved.id == credit.id and moved.team_id == south.id and moved.worker_name is None
    with pytest.raises(ComplaintRuleError, match="200 characters"):
        correspondence.credit_compliment(item, officer, south, "z" * 201)
    event = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "compliment_credited"))
        .scalars()
        .first()
    )
    assert "Sam" not in str(event.detail)
    recorded = correspondence.of(item)
    assert recorded.credit.id == credit.id and recorded.enquiry is None
    assert recorded.referral is None
