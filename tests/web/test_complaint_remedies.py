"""Remedies, the costs of independent people at Stages 2 and 3, advocacy offered and taken up,
and a Stage 2 request that did not go ahead: recorded on a complaint's pages, audited, checked,
and a child's request for an advocate from the children's form."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    ComplaintCost,
    ComplaintRemedy,
    ComplaintStage,
    CostKind,
    FeedbackItem,
    NotProgressedReason,
    RemedyKind,
)
from app.services.complaints import remedies, stages
from app.services.complaints.stages import ComplaintRuleError


@pytest.fixture
def answered(add_item, client, signed_in, monkeypatch):
    """A complaint whose Stage 1 was answered on 9 January 2026; today is 1 March 2026."""
    monkeypatch.setattr(stages, "today", lambda: date(2026, 3, 1))
    item = add_item(
        "The report got my name wrong", created_at=datetime(2025, 12, 19, 9, tzinfo=UTC)
    )
    stages.open_stage_one(item)  # as the job after ingest does; pages only read
    stage = _stage(item.id)
    outcome = {"outcome": "upheld", "responded_on": ["9", "1", "2026"], "reason": ""}
    assert (
        client.post(f"/staff/complaints/stages/{stage.id}/outcome", data=outcome).status_code == 302
    )
    return item


def _stage(item_id: int, number: int = 1) -> ComplaintStage:
    db.session.expire_all()
    return db.session.execute(
        select(ComplaintStage).where(
            ComplaintStage.feedback_item_id == item_id, ComplaintStage.stage == number
        )
    ).scalar_one()


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize(
    ("pounds", "pence"),
    [("250", 25000), ("£1,250.50", 125050), (" 0.5 ", 50), ("", None), (None, None)],
)
def test_pounds_become_pence(pounds, pence):
    assert remedies.pence(pounds) == pence


@pytest.mark.parametrize("bad", ["abc", "-5", "1.234", "1e9", "NaN", "Infinity", "10000000.01"])
def test_what_is_not_money_is_refused(bad):
    with pytest.raises(ComplaintRuleError):
        remedies.pence(bad)


def test_a_remedy_with_a_payment_is_recorded_shown_and_audited(client, answered):
    stage = _stage(answered.id)
    page = client.get(f"/staff/items/{answered.id}")
    assert f"/staff/complaints/stages/{stage.id}/remedy" in page.text
    missing = client.post(
        f"/staff/complaints/stages/{stage.id}/remedy", data={"kind": "financial_payment"}
    )
    assert missing.status_code == 200 and "Enter the amount paid" in missing.text
    for data in (
        {"kind": "apology", "note": "Written apology from the service manager"},
        {"kind": "financial_payment", "amount": "£250.00"},
    ):
        done = client.post(f"/staff/complaints/stages/{stage.id}/remedy", data=data)
        assert done.status_code == 302
    rows = db.session.scalars(select(ComplaintRemedy).order_by(ComplaintRemedy.id)).all()
    assert [(r.kind, r.amount_pence) for r in rows] == [
        (RemedyKind.APOLOGY, None),
        (RemedyKind.FINANCIAL_PAYMENT, 25000),
    ]
    page = client.get(f"/staff/items/{answered.id}")
    assert "Financial payment £250.00" in page.text and "Written apology" in page.text
    assert _actions().count("complaint_remedy_recorded") == 2


def test_an_amount_on_an_apology_is_refused(client, answered):
    stage = _stage(answered.id)
    page = client.post(
        f"/staff/complaints/stages/{stage.id}/remedy", data={"kind": "apology", "amount": "10"}
    )
    assert "Only a financial payment has an amount" in page.text
    assert db.session.scalars(select(ComplaintRemedy)).first() is None


def test_costs_belong_to_stages_2_and_3(client, answered):
    stage1 = _stage(answered.id)
    assert client.get(f"/staff/complaints/stages/{stage1.id}/cost").status_code == 404
    client.post(
        f"/staff/complaints/stages/{stage1.id}/escalate", data={"requested_on": ["12", "1", "2026"]}
    )
    stage2 = _stage(answered.id, 2)
    assert (
        f"/staff/complaints/stages/{stage2.id}/cost"
        in client.get(f"/staff/items/{answered.id}").text
    )
    early = client.post(
        f"/staff/complaints/stages/{stage2.id}/cost",
        data={
            "kind": "independent_investigator",
            "amount": "900",
            "incurred_on": ["1", "1", "2026"],
        },
    )
    assert "before the stage was received" in early.text
    for kind, amount in (("independent_investigator", "1,800"), ("independent_person", "450.50")):
        done = client.post(
            f"/staff/complaints/stages/{stage2.id}/cost",
            data={"kind": kind, "amount": amount, "incurred_on": ["20", "2", "2026"]},
        )
        assert done.status_code == 302
    costs = db.session.scalars(select(ComplaintCost).order_by(ComplaintCost.id)).all()
    assert [(c.kind, c.amount_pence) for c in costs] == [
        (CostKind.INVESTIGATOR, 180000),
        (CostKind.INDEPENDENT_PERSON, 45050),
    ]
    assert "£1,800.00" in client.get(f"/staff/items/{answered.id}").text
    assert _actions().count("complaint_cost_recorded") == 2


def test_advocacy_offered_and_taken_up(client, answered):
    stage = _stage(answered.id)
    assert (
        "Not recorded whether an advocate was offered"
        in client.get(f"/staff/items/{answered.id}").text
    )
    empty = client.post(f"/staff/complaints/stages/{stage.id}/advocacy", data={})
    assert "Say whether an advocate was offered" in empty.text
    client.post(
        f"/staff/complaints/stages/{stage.id}/advocacy", data={"offered": "yes", "taken_up": "yes"}
    )
    item = db.session.get(FeedbackItem, answered.id)
    assert (item.advocacy_offered, item.advocacy_taken_up) == (True, True)
    assert "taken up" in client.get(f"/staff/items/{answered.id}").text
    assert "complaint_advocacy_recorded" in _actions()


def test_a_stage_2_request_that_did_not_go_ahead(client, answered):
    stage = _stage(answered.id)
    bad = client.post(
        f"/staff/complaints/stages/{stage.id}/not-progressed",
        data={"requested_on": ["5", "1", "2026"], "reason": "out_of_time"},
    )
    assert "before this stage" in bad.text and "response" in bad.text
    done = client.post(
        f"/staff/complaints/stages/{stage.id}/not-progressed",
        data={"requested_on": ["15", "1", "2026"], "reason": "legal_proceedings"},
    )
    assert done.status_code == 302
    stage = _stage(answered.id)
    assert stage.next_stage_declined == NotProgressedReason.LEGAL_PROCEEDINGS
    assert stage.next_stage_requested_on == date(2026, 1, 15)
    assert "The matter is before a court" in client.get(f"/staff/items/{answered.id}").text


@pytest.mark.parametrize("path", ["remedy", "advocacy", "not-progressed"])
def test_hostile_input_is_refused_politely(client, answered, path):
    stage = _stage(answered.id)
    page = client.post(
        f"/staff/complaints/stages/{stage.id}/{path}",
        data={
            "kind": "<script>",
            "amount": "9" * 500,
            "note": "x" * 5000,
            "offered": "maybe",
            "taken_up": "\x00",
            "requested_on": ["99", "99", "99999"],
            "reason": "' OR 1=1 --",
        },
    )
    assert page.status_code == 200 and "govuk-error-summary" in page.text


def test_a_child_can_ask_for_an_advocate_on_the_form(client, app):
    from tests.web.test_public_forms import _child_answers

    page = client.get("/child")
    assert "Would you like an advocate to help you?" in page.text
    assert "you have the right to an advocate" in page.text
    answers = _child_answers(client, topic="complain", text="Nobody listens", advocate="yes")
    assert client.post("/child", data=answers).status_code == 303
    item = db.session.scalars(select(FeedbackItem)).one()
    assert item.advocate_requested is True


def test_a_complaints_officer_only(client, make_staff, sign_in, answered):
    from app.models import StaffRole

    client.post("/staff/sign-out")
    other = make_staff(StaffRole.SAFEGUARDING_REVIEWER)
    sign_in(client, other)
    stage = _stage(answered.id)
    assert client.get(f"/staff/complaints/stages/{stage.id}/remedy").status_code == 403


def test_a_learning_point_carries_the_action_plans_outcome_and_update(client, answered):
    stage = _stage(answered.id)
    data = {
        "lesson": "Calls were not returned",
        "team": "",
        "owner": "",
        "action": "Call parents back within a day",
        "intended_outcome": "Parents know the next step",
        "progress_update": "Done in two of five teams",
    }
    assert (
        client.post(f"/staff/complaints/stages/{stage.id}/learning", data=data).status_code == 302
    )
    from app.models import LearningPoint

    point = db.session.scalars(select(LearningPoint)).one()
    assert point.intended_outcome == "Parents know the next step"
    assert (point.progress_update, point.progress_updated_on) == (
        "Done in two of five teams",
        date(2026, 3, 1),
    )
    page = client.get(f"/staff/items/{answered.id}")
    assert "Intended outcome" in page.text and "Done in two of five teams" in page.text
    no_action = client.post(
        f"/staff/complaints/stages/{stage.id}/learning",
        data={"lesson": "Another", "team": "", "owner": "", "intended_outcome": "Something"},
    )
    assert "Say what the action is before its outcome" in no_action.text


def test_the_reports_own_words_are_kept_with_the_period(client, make_staff, sign_in):
    from app.models import ReportNarrative, StaffRole

    client.post("/staff/sign-out")
    sign_in(client, make_staff(StaffRole.LEARNING_TEAM))
    url = "/staff/reports/complaints/text?period=2025-26"
    form = client.get(url)
    assert form.status_code == 200 and "{complaints}" in form.text
    assert db.session.scalars(select(ReportNarrative)).first() is None  # a GET writes nothing
    saved = client.post(
        url,
        data={
            "executive_summary": "We had {complaints} complaints. {unknown} stays.",
            "introduction": "",
            "conclusion": "The board thanks the teams.",
        },
    )
    assert saved.status_code == 302
    page = client.get("/staff/reports/complaints?period=2025-26")
    assert "We had 0 complaints. {unknown} stays." in page.text
    assert "The board thanks the teams." in page.text
    assert "as the regulations require" in page.text  # the draft introduction stands in
    assert "complaints_report_text_saved" in _actions()
    other_year = client.get("/staff/reports/complaints?period=2024-25")
    assert "We had" not in other_year.text
    too_long = client.post(url, data={"executive_summary": "x" * 10_001})
    assert too_long.status_code == 200 and "govuk-error-summary" in too_long.text
    assert client.post("/staff/reports/complaints/text?period=bad", data={}).status_code == 400
