"""Audit feedback links from staff pages: one from a closed case's page, all of a period's at
once; roles, CSRF and hostile input refused."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, AuditInvitation, ComplaintStage, Message, StaffRole
from app.services.intake import audit_invitations as invitations
from tests.factories import FeedbackItemFactory, SafeguardingAlertFactory
from tests.services.intake.test_audit_invitation_issue import _closed_complaint


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditInvitation))


def test_a_closed_cases_page_sends_its_link_once(client, signed_in):
    item = _closed_complaint()
    page = client.get(f"/staff/items/{item.id}").text
    assert "Audit feedback" in page and "This case closed on 10 November 2026." in page
    assert "Send the link by" in page  # the radios' legend
    assert _count() == 0  # reading the page writes nothing
    sent = client.post(f"/staff/audit-invitations/cases/{item.id}", data={"channel": "email"})
    assert sent.status_code == 302
    again = client.post(
        f"/staff/audit-invitations/cases/{item.id}",
        data={"channel": "email"},
        follow_redirects=True,
    )
    assert "had its audit feedback link already" in again.text
    assert _count() == 1
    assert "Its audit feedback link has been sent by email." in again.text
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "audit_invitation_issued")
    ).one()
    assert event.object_id == str(item.id) and event.staff_user_id == signed_in.user_id


@pytest.mark.parametrize(
    "channel", ["", "post", "sms", "EMAIL", "email\x00", "<script>", "e" * 5000, "\uff45mail"]
)
def test_a_channel_that_cannot_be_used_sends_nothing(client, signed_in, channel):
    item = _closed_complaint()
    response = client.post(f"/staff/audit-invitations/cases/{item.id}", data={"channel": channel})
    assert response.status_code == 302
    assert _count() == 0


def test_an_open_case_or_an_unknown_one_gets_no_link(client, signed_in):
    open_item = FeedbackItemFactory()
    db.session.commit()
    assert "Audit feedback" not in client.get(f"/staff/items/{open_item.id}").text
    client.post(f"/staff/audit-invitations/cases/{open_item.id}", data={"channel": "email"})
    assert _count() == 0
    assert client.post("/staff/audit-invitations/cases/2147483648").status_code == 404


def test_a_safeguarding_case_is_refused_to_officers_and_held_back_for_reviewers(
    client, make_staff, sign_in
):
    item = _closed_complaint()
    SafeguardingAlertFactory(feedback_item=item)
    db.session.commit()
    sign_in(client, make_staff(StaffRole.MANAGER))
    page = client.get(f"/staff/items/{item.id}").text
    assert "No audit feedback link is sent while the case has a safeguarding alert" in page
    client.post(f"/staff/audit-invitations/cases/{item.id}", data={"channel": "email"})
    assert _count() == 0


def test_the_period_page_lists_and_sends_every_case_once(client, signed_in):
    first = _closed_complaint(email="one@example.org")
    second = _closed_complaint(email="two@example.org")
    query = "start=1&start=11&start=2026&end=17&end=11&end=2026"
    page = client.get(f"/staff/audit-invitations/?{query}")
    assert page.status_code == 200
    assert first.reference in page.text and second.reference in page.text
    assert "Not sent: will go by email" in page.text
    data = {"start": "2026-11-01", "end": "2026-11-17"}
    done = client.post("/staff/audit-invitations/", data=data, follow_redirects=True)
    assert "Links sent: 2. Cases that had one already: 0." in done.text
    again = client.post("/staff/audit-invitations/", data=data, follow_redirects=True)
    assert "Links sent: 0. Cases that had one already: 2." in again.text
    assert _count() == 2


@pytest.mark.parametrize(
    "query",
    [
        "start=1&start=11&start=2026&end=1&end=10&end=2026",  # backwards
        "start=1&start=11&start=2026&end=1&end=1&end=2030",  # the future
        "start=1&start=1&start=2020&end=17&end=11&end=2026",  # too long
        "start=31&start=2&start=2026&end=17&end=11&end=2026",  # no such day
        "start=%3Cscript%3E&start=x&start=y&end=17&end=11&end=2026",
        "start=1&end=17&end=11&end=2026",  # one box of three
        "start=" + "9" * 3000 + "&start=1&start=2026&end=17&end=11&end=2026",
    ],
)
def test_a_nonsense_period_gets_a_400_with_a_govuk_error(client, signed_in, query):
    response = client.get(f"/staff/audit-invitations/?{query}")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert "<script>" not in response.text.split("</head>")[1].replace("<script>document.body", "")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"start": "2026-11-17", "end": "2026-11-01"},
        {"start": "2020-01-01", "end": "2026-11-17"},
        {"start": "yesterday", "end": "2026-11-17"},
        {"start": "2026-11-01", "end": "2026-11-17\x00"},
        {"start": "9" * 5000, "end": "2026-11-17"},
    ],
)
def test_a_nonsense_bulk_post_is_a_400(client, signed_in, data):
    _closed_complaint()
    assert client.post("/staff/audit-invitations/", data=data).status_code == 400
    assert _count() == 0


def test_roles_and_csrf(app, client, make_staff, sign_in):
    item = _closed_complaint()
    sign_in(client, make_staff(StaffRole.LEARNING_TEAM))
    assert client.get("/staff/audit-invitations/").status_code == 403
    assert (
        client.post(
            f"/staff/audit-invitations/cases/{item.id}", data={"channel": "email"}
        ).status_code
        == 403
    )
    officer = make_staff(StaffRole.COMPLAINTS_OFFICER)
    other = app.test_client()
    sign_in(other, officer)
    app.config["WTF_CSRF_ENABLED"] = True
    other.post(f"/staff/audit-invitations/cases/{item.id}", data={"channel": "email"})
    refused = other.post(
        "/staff/audit-invitations/", data={"start": "2026-11-01", "end": "2026-11-17"}
    )
    assert refused.status_code == 400
    assert _count() == 0
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    assert invitations.closed_case(item) is not None
    assert date(2026, 11, 10) == invitations.closed_case(item).closed_on


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in ("staff_session", "audit_event")
    }


def test_reading_the_new_pages_writes_nothing(client, make_staff, sign_in):
    sign_in(client, make_staff(StaffRole.MANAGER))
    item = _closed_complaint(postal_address="1 High Street")
    stage = db.session.scalars(select(ComplaintStage)).one()
    db.session.commit()
    before = _row_counts()
    for path in (
        "/staff/complaints/due",
        "/staff/complaints/due?owner=none",
        "/staff/complaints/owners",
        f"/staff/complaints/owners/{item.team_id}",
        f"/staff/complaints/stages/{stage.id}/letter",
        "/staff/audit-invitations/",
        "/staff/audit-invitations/?start=1&start=11&start=2026&end=17&end=11&end=2026",
    ):
        assert client.get(path).status_code == 200, path
    db.session.expire_all()
    assert _row_counts() == before
