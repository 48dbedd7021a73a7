"""The admin audit log: search by who, action, object and days; CSV export safe to open in a
spreadsheet; searching and exporting are themselves recorded."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, StaffRole
from app.services.common import safe_cell, uk_midnight
from app.services.staff import audit_log
from app.services.staff.audit_log import AuditSearch


@pytest.fixture
def admin(client, make_staff, sign_in):
    login = make_staff(StaffRole.ADMIN)
    assert sign_in(client, login).status_code == 302
    return login


def _event(action, user=None, object_type=None, object_id=None, at=None, **detail):
    """An event as record() makes it; rows cannot be changed, so a past time is set on insert."""
    event = AuditEvent(
        staff_user_id=user.id if user else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        ip_address="10.0.0.1",
        detail=detail,
        **({"at": at} if at else {}),
    )
    db.session.add(event)
    db.session.commit()
    return event


def _table(page: str) -> str:
    return page[page.index("<table") :]


def _own_events(user_id, action):
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.staff_user_id == user_id, AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).scalars()
    )


def test_search_by_staff_action_object_and_days(client, admin, make_staff):
    reviewer = make_staff(StaffRole.SAFEGUARDING_REVIEWER).user
    officer = make_staff(StaffRole.COMPLAINTS_OFFICER).user
    _event(
        "view_feedback_item", reviewer, "feedback_item", 41, at=datetime(2026, 3, 2, 9, tzinfo=UTC)
    )
    _event(
        "view_feedback_item", officer, "feedback_item", 42, at=datetime(2026, 3, 3, 9, tzinfo=UTC)
    )
    _event(
        "safeguarding_refused", officer, "feedback_item", 43, at=datetime(2026, 3, 4, 9, tzinfo=UTC)
    )

    by_staff = _table(client.get(f"/staff/audit-log?staff={officer.id}").text)
    assert "Feedback item 42" in by_staff and "Feedback item 43" in by_staff
    assert "Feedback item 41" not in by_staff

    by_action = _table(client.get("/staff/audit-log?action=safeguarding_refused").text)
    assert "Feedback item 43" in by_action and "Feedback item 42" not in by_action

    by_object = _table(client.get("/staff/audit-log?object_type=feedback_item&object_id=41").text)
    assert "Feedback item 41" in by_object and "Feedback item 42" not in by_object

    days = "since=3&since=3&since=2026&until=3&until=3&until=2026"
    by_days = _table(client.get(f"/staff/audit-log?{days}").text)
    assert "Feedback item 42" in by_days
    assert "Feedback item 41" not in by_days and "Feedback item 43" not in by_days


def test_days_are_english_calendar_days():
    # 23:30 UTC on 31 May 2026 is 00:30 on 1 June in London (BST).
    criteria = AuditSearch(since=date(2026, 6, 1), until=date(2026, 6, 1))
    conditions = audit_log._conditions(criteria)
    assert len(conditions) == 2
    assert uk_midnight(date(2026, 6, 1)) == datetime(2026, 5, 31, 23, tzinfo=UTC)
    assert uk_midnight(date(2026, 1, 1)) == datetime(2026, 1, 1, 0, tzinfo=UTC)


def test_viewing_and_searching_are_recorded(client, admin):
    client.get("/staff/audit-log")
    client.get("/staff/audit-log?action=sign_in&object_id=7")
    viewed = _own_events(admin.user_id, "audit_log_viewed")
    assert [e.detail for e in viewed] == [{}, {"action": "sign_in", "object_id": "7"}]
    assert viewed[0].ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    "query",
    [
        "object_id=" + "9" * 65,
        "object_type=feedback_item%27%3B--",
        "object_id=%3Cscript%3E",
        "staff=999999",
        "staff=abc",
        "action=" + "x" * 500,
        "since=31&since=2&since=2026",
        "since=a&since=b&since=c",
        "since=2&since=3&since=2026&until=1&until=3&until=2026",
    ],
)
def test_bad_searches_come_back_with_errors_not_500(client, admin, query):
    response = client.get(f"/staff/audit-log?{query}")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "<script>" not in response.text[response.text.index('main-content"') :]
    export = client.get(f"/staff/audit-log/export.csv?{query}")
    assert export.status_code == 400
    assert _own_events(admin.user_id, "audit_log_exported") == []


def test_export_is_csv_with_formulas_neutralised_and_is_recorded(client, admin, make_staff):
    hostile = make_staff(StaffRole.COMPLAINTS_OFFICER).user
    hostile.name = '=HYPERLINK("http://evil.example","click")'
    db.session.commit()
    _event("sign_in_failed", hostile, "staff_user", "-1+2", reason="@SUM(A1)")
    _event("view_feedback_item", hostile, "feedback_item", 5)

    response = client.get("/staff/audit-log/export.csv?action=sign_in_failed")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(audit_log.CSV_HEADER)
    [row] = rows[1:]
    record = dict(zip(rows[0], row, strict=True))
    assert record["action"] == "sign_in_failed"
    assert record["staff_name"] == "'" + hostile.name
    assert record["object_id"] == "'-1+2"
    assert record["detail"] == '{"reason": "@SUM(A1)"}'
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

    [exported] = _own_events(admin.user_id, "audit_log_exported")
    assert exported.detail == {"action": "sign_in_failed", "rows": 1}
    assert exported.object_type == "audit_log"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("role", [StaffRole.SAFEGUARDING_REVIEWER, StaffRole.MANAGER])
def test_only_admins_search_or_export(client, make_staff, sign_in, role):
    login = make_staff(role)
    assert sign_in(client, login).status_code == 302
    assert client.get("/staff/audit-log?action=sign_in").status_code == 403
    assert client.get("/staff/audit-log/export.csv").status_code == 403
    assert _own_events(login.user_id, "audit_log_exported") == []


def test_signed_out_export_goes_to_sign_in(client):
    response = client.get("/staff/audit-log/export.csv")
    assert response.status_code == 302 and "/staff/sign-in" in response.location
