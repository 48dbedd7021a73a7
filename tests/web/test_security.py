"""Issue 15's findings, one test each: sessions that end, re-authentication, what the learning
team reads, refusals audited, headers, ids, logs and hostile input that cannot cost a message."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DataError

from app.database import utcnow
from app.extensions import db
from app.models import AuditEvent, Channel, ClassificationState, FeedbackItem, StaffRole
from app.services.intake.ingestion import ingest
from app.services.staff import admin as staff_admin
from app.services.staff.audit_log import Action
from channels import html_text
from channels.base import InboundMessage
from tests.factories import ContactFactory, FeedbackItemFactory

SECRET_WORDS = "my stepdad hits me, Sam Rivers, 07700 900123"


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client, signed_in, make_app):
    cookie = client.get_cookie("session")
    assert client.get("/staff/").status_code == 200
    client.post("/staff/sign-out")
    thief = client.application.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    response = thief.get("/staff/")
    assert response.status_code == 302 and "/staff/sign-in" in response.location


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client, signed_in, clock):
    for _ in range(30):
        clock.shift(timedelta(minutes=29))
        if client.get("/staff/").status_code != 200:
            break
    else:
        pytest.fail("the session outlived twelve hours")
    signed_in_for = utcnow() - signed_in.user.last_login_at
    assert timedelta(hours=11.5) < signed_in_for <= timedelta(hours=12.5)


def test_signing_out_the_other_sessions_leaves_this_one(client, make_staff, sign_in):
    login = make_staff()
    other = client.application.test_client()
    sign_in(other, login)
    sign_in(client, login, steps_ahead=1)
    page = client.get("/staff/account/")
    assert "Sign out my other sessions" in page.text and "this one" in page.text
    assert client.post("/staff/account/sessions/end-others").status_code == 302
    assert client.get("/staff/").status_code == 200
    assert other.get("/staff/").status_code == 302


def test_admin_pages_ask_for_the_password_and_a_code_again_after_a_while(
    client, make_staff, sign_in, clock
):
    admin = make_staff(StaffRole.ADMIN)
    sign_in(client, admin)
    assert client.get("/staff/accounts/").status_code == 200
    clock.shift(timedelta(minutes=11))
    asked = client.get("/staff/accounts/")
    assert asked.status_code == 302 and "/staff/account/confirm" in asked.location
    wrong = client.post(asked.location, data={"password": "nope", "code": admin.code(1)})
    assert "The password is wrong" in wrong.text
    before = client.get_cookie("session")
    done = client.post(asked.location, data={"password": admin.password, "code": admin.code(1)})
    assert done.status_code == 302 and done.location.endswith("/staff/accounts/")
    assert client.get("/staff/accounts/").status_code == 200
    assert len(_events(Action.REAUTHENTICATED)) == 1
    # Proving it again gave the session a new token: a cookie copied before it is no use.
    copied = client.application.test_client()
    copied.set_cookie(before.key, before.value)
    assert copied.get("/staff/").status_code == 302


def test_a_temporary_password_leads_straight_to_choosing_a_new_one(
    client, make_staff, sign_in, app
):
    admin = make_staff(StaffRole.ADMIN)
    person = make_staff()
    temporary = staff_admin.reset_password(admin.user, person.user_id)
    person.password = temporary
    sign_in(client, person)
    assert client.get("/staff/").location.endswith("/staff/account/password")
    weak = client.post(
        "/staff/account/password",
        data={
            "current": temporary,
            "new": "Password1234",
            "confirm": "Password1234",
            "code": person.code(1),
        },
    )
    assert "harder to guess" in weak.text
    before = client.get_cookie("session")
    done = client.post(
        "/staff/account/password",
        data={
            "current": temporary,
            "new": "plum lantern brisk otter",
            "confirm": "plum lantern brisk otter",
            # The refused change did not use the code up.
            "code": person.code(1),
        },
    )
    assert done.status_code == 302
    assert client.get("/staff/").status_code == 200
    copied = client.application.test_client()
    copied.set_cookie(before.key, before.value)
    assert copied.get("/staff/").status_code == 302  # the change gave the session a new token


@pytest.fixture
def disclosure(app) -> FeedbackItem:
    return FeedbackItemFactory(
        reference="HD-AAAA-BBBB",
        contact=ContactFactory(name="Sam Rivers", phone="+447700900123", may_contact=True),
        received_via=Channel.SMS,
        message=SECRET_WORDS + " \u202eexe.elif",
        message__classification_state=ClassificationState.DONE,
    )


def test_the_learning_team_reads_redacted_text_without_contact_details_and_cannot_reply(
    client, make_staff, sign_in, disclosure
):
    sign_in(client, make_staff(StaffRole.LEARNING_TEAM))
    page = client.get(f"/staff/items/{disclosure.id}").text
    assert "stepdad hits me" in page
    assert "Sam Rivers" not in page and "07700 900123" not in page and "+447700900123" not in page
    assert "Reply by" not in page
    refused = client.post(f"/staff/items/{disclosure.id}/reply", data={"text": "hello"})
    assert refused.status_code == 403
    assert _events(Action.ACCESS_REFUSED)[-1].detail["path"].endswith("/reply")


def test_direction_changing_characters_are_shown_not_obeyed(client, signed_in, disclosure):
    page = client.get(f"/staff/items/{disclosure.id}").text
    assert "\u202e" not in page and "[U+202E]exe.elif" in page


def test_every_refusal_and_each_look_at_trends_is_audited(client, make_staff, sign_in):
    sign_in(client, make_staff(StaffRole.COMPLAINTS_OFFICER))
    assert client.get("/staff/audit-log").status_code == 403
    assert _events(Action.ACCESS_REFUSED)[0].detail == {"path": "/staff/audit-log", "method": "GET"}
    client.post("/staff/sign-out")
    sign_in(client, make_staff(StaffRole.LEARNING_TEAM))
    assert client.get("/staff/trends/").status_code == 200
    assert len(_events(Action.TRENDS_VIEWED)) == 1


def test_ids_beyond_the_database_are_404_on_every_route(app, client, signed_in):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or not rule.arguments & {
            "item_id",
            "stage_id",
            "point_id",
            "enquiry_id",
            "alert_id",
            "user_id",
            "sample_id",
            "shift_id",
        }:
            continue
        values = {name: 2**31 for name in rule.arguments}
        values.update({"change_name": "unlock"} if "change_name" in rule.arguments else {})
        url = rule.build(values, append_unknown=False)[1]
        for method in rule.methods & {"GET", "POST"}:
            assert client.open(url, method=method).status_code == 404, url


def test_https_means_hsts_and_a_secure_host_only_cookie(make_app, make_staff, sign_in):
    app = make_app(PUBLIC_BASE_URL="https://heard.example.org")
    client = app.test_client()
    with app.app_context():
        response = client.get("/")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        sign_in(client, make_staff())
        cookie = client.get_cookie("__Host-session")
        assert cookie is not None and cookie.secure and cookie.path == "/"
        assert client.get_cookie("session") is None


@pytest.mark.parametrize("path", ["/", "/child", "/staff/sign-in", "/healthz", "/nowhere"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain http: no promise


def test_the_session_cookie_is_http_only_and_same_site(client, make_staff, sign_in):
    sign_in(client, make_staff())
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_a_database_error_never_logs_what_someone_wrote(app, caplog):
    too_long = SECRET_WORDS + "!" * 400
    with caplog.at_level(logging.DEBUG), pytest.raises(DataError) as failed:
        db.session.execute(
            text("INSERT INTO contact (role, name, may_contact) VALUES ('parent', :name, false)"),
            {"name": too_long},
        )
    db.session.rollback()
    assert "stepdad" not in str(failed.value) and "stepdad" not in caplog.text


def test_a_400_character_sender_costs_nothing_of_the_message(app):
    sender = "x" * 390 + "@example.org"
    result = ingest(
        InboundMessage(
            channel="email",
            external_id="<long@example.org>",
            text=SECRET_WORDS,
            received_at=utcnow(),
            raw_payload={},
            sender=sender,
        )
    )
    assert result.message.text == SECRET_WORDS
    assert len(result.message.sender) == 320


def test_words_inside_noscript_or_svg_in_an_html_email_are_kept():
    html = (
        "<p>Hello</p><noscript>he hits me</noscript>"
        "<svg><text>please help</text></svg><script>alert(1)</script>"
    )
    words = html_text.html_to_text(html)
    assert "he hits me" in words and "please help" in words and "alert" not in words
