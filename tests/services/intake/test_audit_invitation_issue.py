"""Audit feedback links for closed cases: which cases are closed in a period, one invitation
per case however often (or however many at once) they are issued, opt-outs respected, the
email through a real SMTP server, and a form that says which service it is about."""

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditInvitation,
    Channel,
    ComplaintOutcome,
    Contact,
    ContactRole,
    FeedbackKind,
    FeedbackStatus,
    Message,
    PreferredChannel,
    Team,
)
from app.services.intake import audit_invitations as invitations
from tests.factories import (
    ComplaintStageFactory,
    ContactFactory,
    FeedbackItemFactory,
    SafeguardingAlertFactory,
    TeamFactory,
)

START, END = date(2026, 11, 1), date(2026, 11, 17)


def _north() -> Team:
    found = db.session.scalars(select(Team).where(Team.name == "North Family Court Team")).first()
    return found or TeamFactory(name="North Family Court Team")


def _closed_complaint(responded_on=date(2026, 11, 10), team=None, **contact):
    contact.setdefault("email", "parent@example.org")
    contact.setdefault("may_contact", True)
    item = FeedbackItemFactory(
        team=team or _north(),
        contact=ContactFactory(role=ContactRole.PARENT, **contact),
        received_via=Channel.WEB_ADULT,
    )
    ComplaintStageFactory(
        feedback_item=item,
        received_on=date(2026, 10, 20),
        due_on=date(2026, 11, 3),
        responded_on=responded_on,
        outcome=ComplaintOutcome.UPHELD,
    )
    db.session.commit()
    return item


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditInvitation))


def test_cases_closed_in_the_period_are_listed(app):
    closed = _closed_complaint()
    _closed_complaint(responded_on=date(2026, 10, 31))  # before the period
    escalated = _closed_complaint()
    ComplaintStageFactory(
        feedback_item=escalated,
        stage=2,
        received_on=date(2026, 11, 11),
        due_on=date(2026, 12, 16),
    )
    marked = FeedbackItemFactory(kind=FeedbackKind.COMMENT, status=FeedbackStatus.CLOSED)
    marked.updated_at = datetime(2026, 11, 5, 12, tzinfo=UTC)
    FeedbackItemFactory(kind=FeedbackKind.AUDIT, status=FeedbackStatus.CLOSED)
    db.session.commit()
    found = invitations.closed_cases(START, END)
    assert [c.item.id for c in found] == [marked.id, closed.id]
    assert found[1].closed_on == date(2026, 11, 10) and found[0].closed_on == date(2026, 11, 5)
    assert invitations.closed_case(escalated) is None
    assert invitations.closed_case(closed).channels == ["email"]


def test_a_link_by_email_through_smtp_names_the_service_and_opens_its_form(make_app, smtp_server):
    captured, config = smtp_server
    app = make_app(PUBLIC_BASE_URL="https://heard.example", **config)
    with app.app_context():
        item = _closed_complaint()
        message = invitations.issue(invitations.closed_case(item), "email")
        assert message is not None
        (mail,) = captured.messages
        assert captured.envelopes[0][1] == ["parent@example.org"]
        body = mail.get_body(("plain",)).get_content()
        assert "your time with North Family Court Team has ended" in body
        link = next(w for w in body.split() if w.startswith("https://heard.example/"))
        assert item.reference not in body
        form = app.test_client().get(link.removeprefix("https://heard.example"))
        assert form.status_code == 200
        assert "This is about North Family Court Team." in form.text
        invitation = db.session.scalars(select(AuditInvitation)).one()
        assert invitation.case_item_id == item.id and invitation.channel == "email"
        assert invitation.team_id == item.team_id and invitation.contact_id == item.contact_id


def test_one_invitation_per_case_however_often_it_is_run(app):
    item = _closed_complaint()
    first = invitations.issue_for_period(START, END)
    again = invitations.issue_for_period(START, END)
    assert first == invitations.BulkSummary(issued=1)
    assert again == invitations.BulkSummary(already=1)
    assert invitations.issue(invitations.closed_case(item), "email") is None
    assert _count() == 1


def test_two_runs_at_once_issue_one_invitation_per_case(app):
    items = [_closed_complaint(email=f"p{n}@example.org") for n in range(6)]
    barrier = threading.Barrier(2)
    results: list[invitations.BulkSummary] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                cases = invitations.closed_cases(START, END)
                barrier.wait()
                for case in cases:
                    invitations.issue(case, "email")
                results.append(invitations.issue_for_period(START, END))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert _count() == len(items)
    emails = db.session.scalar(
        select(func.count()).select_from(Message).where(Message.purpose == invitations.PURPOSE)
    )
    assert emails == len(items)


def test_opt_outs_preferences_and_safeguarding_are_respected(app):
    texted = _closed_complaint(
        email=None, phone="+447700900111", preferred_channel=PreferredChannel.SMS
    )
    opted_out = _closed_complaint(email="gone@example.org")
    db.session.add(
        Contact(
            role=ContactRole.PARENT, email="gone@example.org", opted_out_at=opted_out.created_at
        )
    )
    anonymous = _closed_complaint(email=None, may_contact=False)
    flagged = _closed_complaint()
    SafeguardingAlertFactory(feedback_item=flagged)
    db.session.commit()
    summary = invitations.issue_for_period(START, END)
    assert summary == invitations.BulkSummary(issued=1, unreachable=2, held_back=1)
    (sent,) = db.session.scalars(select(Message).where(Message.purpose == invitations.PURPOSE))
    assert sent.channel == Channel.SMS and sent.recipient == "+447700900111"
    assert sent.feedback_item_id == texted.id and "Text STOP" in sent.text
    with pytest.raises(invitations.InvitationRefused):
        invitations.issue(invitations.closed_case(opted_out), "email")
    with pytest.raises(invitations.InvitationRefused):
        invitations.issue(invitations.closed_case(flagged), "email")
    assert invitations.closed_case(anonymous).channels == []


def test_the_command_sends_the_period_and_refuses_a_backwards_one(app):
    _closed_complaint()
    runner = app.test_cli_runner()
    sent = runner.invoke(
        args=["audit-invitations", "send", "--from", "2026-11-01", "--to", "2026-11-17"]
    )
    assert sent.exit_code == 0, sent.output
    assert "issued 1, already had one 0" in sent.output
    again = runner.invoke(
        args=["audit-invitations", "send", "--from", "2026-11-01", "--to", "2026-11-17"]
    )
    assert "issued 0, already had one 1" in again.output
    backwards = runner.invoke(
        args=["audit-invitations", "send", "--from", "2026-11-17", "--to", "2026-11-01"]
    )
    assert backwards.exit_code != 0
    nonsense = runner.invoke(args=["audit-invitations", "send", "--from", "yesterday", "--to", "x"])
    assert nonsense.exit_code != 0
    assert _count() == 1
