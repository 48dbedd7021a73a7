"""Staff pages: two-step sign-in, roles, the feedback list, an item's thread, the audit log."""

import re
import time
from datetime import UTC, datetime, timedelta
from html import unescape
from types import SimpleNamespace

import pyotp
from sqlalchemy import event, select

from app.extensions import db
from app.models import (
    AuditEvent,
    Channel,
    ClassificationState,
    Direction,
    FeedbackKind,
    FeedbackStatus,
    Message,
    StaffRole,
)
from app.services import feedback_list as listing
from app.services.staff.audit_log import Action
from app.web import auth
from tests.factories import ComplaintStageFactory, TeamFactory


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def _error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary__body">(.*?)</div>', html, re.S)
    assert match, "no error summary on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(match.group(1))).split())


def _references(html: str) -> list[str]:
    return re.findall(r'href="/staff/items/\d+">(HD-[^<]+)</a>', html)


# Signing in


def test_staff_pages_send_a_signed_out_person_to_sign_in(client):
    for path in ["/staff/", "/staff/items/1", "/staff/audit-log"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/staff/sign-in")


def test_the_sign_in_page_has_email_password_and_no_personal_data_in_its_address(client):
    response = client.get("/staff/sign-in")
    assert response.status_code == 200
    assert 'autocomplete="username"' in response.text
    assert 'autocomplete="current-password"' in response.text


def test_signing_in_takes_a_password_then_a_code(client, make_staff, sign_in):
    login = make_staff()
    response = sign_in(client, login)
    assert response.status_code == 302
    assert response.location == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert [e.staff_user_id for e in _events(Action.SIGN_IN)] == [login.user_id]
    assert login.user.last_login_at is not None


def test_a_password_alone_does_not_sign_anyone_in(client, make_staff, enter_password, add_item):
    login = make_staff()
    item = add_item()
    response = enter_password(client, login)
    assert response.location == "/staff/two-factor"
    for path in ["/staff/", f"/staff/items/{item.id}", "/staff/audit-log"]:
        followed = client.get(path)
        assert followed.status_code == 302
        assert followed.location.startswith("/staff/sign-in")
    assert _events(Action.SIGN_IN) == []
    assert _events(Action.VIEW_ITEM) == []


def test_a_wrong_code_is_refused_and_says_so(client, make_staff, enter_password):
    login = make_staff()
    enter_password(client, login)
    wrong = "000000" if login.code() != "000000" else "111111"
    response = client.post("/staff/two-factor", data={"code": wrong})
    assert response.status_code == 200
    assert "The code is wrong" in _error_summary(response.text)
    assert client.get("/staff/").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_message(client, make_staff, enter_password):
    login = make_staff()
    wrong_password = enter_password(client, login, password="not the password at all")
    login.email = "nobody@example.org"
    unknown = enter_password(client, login)
    assert wrong_password.status_code == unknown.status_code == 200
    assert _error_summary(wrong_password.text) == _error_summary(unknown.text)
    assert "email address or password is wrong" in _error_summary(unknown.text)
    assert "nobody@example.org" not in str([e.detail for e in _events(Action.SIGN_IN_FAILED)])


def _password_from(client, login, address: str, password: str | None = None):
    data = {"email": login.email, "password": password or login.password}
    return client.post("/staff/sign-in", data=data, environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_slow_that_address_but_never_lock_out_the_owner(client, make_staff, clock):
    login = make_staff()
    for _ in range(5):
        wrong = _password_from(client, login, "203.0.113.9", "guess-guess-guess")
        assert wrong.status_code == 200
    # The sixth try from that address must wait: even the right password is not checked.
    waiting = _password_from(client, login, "203.0.113.9")
    assert "email address or password is wrong" in _error_summary(waiting.text)
    assert _events(Action.SIGN_IN_FAILED)[-1].detail == {"reason": "waiting"}
    # The account's owner, elsewhere, signs in as usual.
    owner = _password_from(client, login, "198.51.100.4")
    assert owner.location == "/staff/two-factor"
    # After the wait, the attacker's address may try again (and is slowed for longer next).
    clock.shift(timedelta(minutes=2))
    assert _password_from(client, login, "203.0.113.9").location == "/staff/two-factor"


def test_wrong_codes_make_the_next_wait_and_a_right_password_does_not_forgive_them(
    client, make_staff, enter_password, clock
):
    login = make_staff()
    for _ in range(3):
        enter_password(client, login)
        assert client.post("/staff/two-factor", data={"code": "12345x"}).status_code == 200
    enter_password(client, login)  # the right password again
    held = client.post("/staff/two-factor", data={"code": login.code()})
    assert held.status_code == 200
    assert "Too many wrong codes. Wait 1 minute" in _error_summary(held.text)
    assert client.get("/staff/").status_code == 302
    clock.shift(timedelta(seconds=61))
    assert client.post("/staff/two-factor", data={"code": login.code(1)}).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_guessing_codes_with_the_right_password_gets_at_most_ten_tries_an_hour(
    client, make_staff, enter_password, clock
):
    login = make_staff()
    admin = make_staff(StaffRole.ADMIN)
    wrong = "000000" if login.code() != "000000" else "111111"
    checked = 0
    for _ in range(360):  # an hour, a try every ten seconds, as fast as the pages allow
        enter_password(client, login)
        client.post("/staff/two-factor", data={"code": wrong})
        reason = _events(Action.SIGN_IN_FAILED)[-1].detail["reason"]
        checked += reason == "wrong_code"
        clock.shift(timedelta(seconds=10))
    assert checked <= 10, checked
    # The administrator was told, once, that someone who knows the password is guessing.
    alerts = list(db.session.scalars(select(Message).where(Message.purpose == "security_alert")))
    assert [a.recipient for a in alerts] == [admin.email]
    assert login.email in alerts[0].text and "knows its password" in alerts[0].text


def test_a_code_cannot_be_used_twice(client, make_staff, sign_in, enter_password):
    login = make_staff()
    code = login.code()
    enter_password(client, login)
    assert client.post("/staff/two-factor", data={"code": code}).status_code == 302
    client.post("/staff/sign-out")

    enter_password(client, login)
    replayed = client.post("/staff/two-factor", data={"code": code})
    assert replayed.status_code == 200
    assert "used already" in _error_summary(replayed.text)
    assert client.get("/staff/").status_code == 302
    assert _events(Action.SIGN_IN_FAILED)[-1].detail == {"reason": "reused_code"}


def test_sign_in_returns_to_the_page_asked_for(client, make_staff, sign_in, add_item):
    item = add_item()
    asked = client.get(f"/staff/items/{item.id}")
    client.get(asked.location)
    login = make_staff()
    first = client.post(asked.location, data={"email": login.email, "password": login.password})
    assert first.location == "/staff/two-factor"
    response = client.post("/staff/two-factor", data={"code": login.code()})
    assert response.location == f"/staff/items/{item.id}"


def test_sign_in_never_sends_anyone_to_another_site(client, make_staff):
    login = make_staff()
    for target in ["https://evil.example/", "//evil.example/staff/", "/\\evil.example", "/"]:
        client.post(
            "/staff/sign-in?" + f"next={target}",
            data={"email": login.email, "password": login.password},
        )
        response = client.post("/staff/two-factor", data={"code": login.code(len(target) % 2)})
        assert response.location == "/staff/", target
        client.post("/staff/sign-out")
        db.session.get(type(login.user), login.user_id).totp_last_timestep = None
        db.session.commit()


def test_no_personal_data_in_any_address_during_sign_in(client, make_staff, enter_password):
    login = make_staff(enrolled=False)
    client.get(f"/staff/enrol/{login.enrolment_token}")
    locations = [enter_password(client, login).location]
    page = client.get("/staff/two-factor/setup")
    secret = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    done = client.post("/staff/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    locations.append(client.post("/staff/sign-out").location)
    assert done.status_code == 200
    for location in locations:
        assert login.email not in location
        assert "example.org" not in location


def test_the_sign_in_form_rejects_hostile_input_with_a_clear_error(client):
    cases = [
        {"email": "", "password": ""},
        {"email": "a" * 5000 + "@example.org", "password": "x"},
        {"email": "someone@example.org", "password": "p" * 5000},
        {"email": "nul\x00@example.org", "password": "whatever"},
        {"email": "<script>alert(1)</script>", "password": "' OR 1=1 --"},
    ]
    for data in cases:
        response = client.post("/staff/sign-in", data=data)
        assert response.status_code == 200, data
        assert "govuk-error-summary" in response.text
        assert "<script>alert(1)</script>" not in response.text


def test_sign_in_attempts_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="3 per minute")
    client = app.test_client()
    data = {"email": "someone@example.org", "password": "a guess at it"}
    for _ in range(3):
        assert client.post("/staff/sign-in", data=data).status_code == 200
    assert client.post("/staff/sign-in", data=data).status_code == 429
    assert client.get("/staff/sign-in").status_code == 200


def test_a_disabled_account_is_signed_out_at_once(client, signed_in):
    signed_in.user.active = False
    db.session.commit()
    assert client.get("/staff/").status_code == 302


# First sign-in: two-factor set-up and recovery codes


def _enrol(client, login, enter_password) -> list[str]:
    client.get(f"/staff/enrol/{login.enrolment_token}")
    assert enter_password(client, login).location == "/staff/two-factor/setup"
    page = client.get("/staff/two-factor/setup")
    assert page.status_code == 200
    grouped = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page.text).group(1)
    assert all(len(group) == 4 for group in grouped.split())
    secret = grouped.replace(" ", "")
    assert f"secret={secret}" in unescape(page.text)
    assert "otpauth://totp/" in unescape(page.text)
    assert "<svg" in page.text
    assert client.get("/staff/").status_code == 302

    wrong = client.post("/staff/two-factor/setup", data={"code": "000000"})
    if pyotp.TOTP(secret).verify("000000", valid_window=1):
        wrong = None
    else:
        assert "The code is wrong" in _error_summary(wrong.text)
        again = client.get("/staff/two-factor/setup")
        assert grouped in again.text, "the secret must not change while setting up"

    done = client.post("/staff/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    login.totp_secret = secret
    return re.findall(r"<code>((?:[A-Z0-9]{4}-){5}[A-Z0-9]{4})</code>", done.text)


def test_first_sign_in_sets_up_two_factor_and_shows_ten_recovery_codes(
    client, make_staff, enter_password
):
    login = make_staff(enrolled=False)
    codes = _enrol(client, login, enter_password)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    user = login.user
    assert user.totp_secret == login.totp_secret
    assert all(code not in user.recovery_codes for code in codes)
    assert len(_events(Action.TWO_FACTOR_ENROLLED)) == 1
    assert len(_events(Action.SIGN_IN)) == 1


def test_an_enrolled_account_cannot_set_up_two_factor_again(client, make_staff, enter_password):
    login = make_staff()
    enter_password(client, login)
    response = client.get("/staff/two-factor/setup")
    assert response.location == "/staff/two-factor"
    posted = client.post("/staff/two-factor/setup", data={"code": login.code()})
    assert posted.location == "/staff/two-factor"
    assert client.get("/staff/").status_code == 302


def test_a_recovery_code_works_once(client, make_staff, enter_password):
    login = make_staff(enrolled=False)
    codes = _enrol(client, login, enter_password)
    client.post("/staff/sign-out")
    assert codes and all(len(code.replace("-", "")) == 24 for code in codes)

    enter_password(client, login)
    used = client.post("/staff/recovery", data={"code": codes[3].lower().replace("-", " ")})
    assert used.location == "/staff/"
    assert "9 left" in client.get("/staff/").text
    client.post("/staff/sign-out")

    enter_password(client, login)
    again = client.post("/staff/recovery", data={"code": codes[3]})
    assert again.status_code == 200
    assert "wrong or has been used" in _error_summary(again.text)
    assert client.get("/staff/").status_code == 302
    assert _events(Action.RECOVERY_CODE_USED)[0].detail == {"remaining": 9}


def test_a_half_finished_sign_in_expires(client, make_staff, enter_password, monkeypatch):
    login = make_staff()
    enter_password(client, login)
    assert client.get("/staff/two-factor").status_code == 200
    later = time.time() + auth.PENDING_SECONDS + 1
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: later))
    response = client.post("/staff/two-factor", data={"code": login.code()})
    assert response.location == "/staff/sign-in"
    assert client.get("/staff/").status_code == 302


def test_the_second_step_expires_without_the_first(client, make_staff):
    assert client.get("/staff/two-factor").location == "/staff/sign-in"
    assert client.post("/staff/recovery", data={"code": "ABCDE-23456"}).location == (
        "/staff/sign-in"
    )


# Signing out, sessions and CSRF


def test_sign_out_ends_the_session_and_is_recorded(client, signed_in):
    response = client.post("/staff/sign-out")
    assert response.location == "/staff/sign-in"
    assert client.get("/staff/").status_code == 302
    assert [e.staff_user_id for e in _events(Action.SIGN_OUT)] == [signed_in.user_id]


def test_sign_out_by_get_is_not_possible(client, signed_in):
    assert client.get("/staff/sign-out").status_code == 405
    assert client.get("/staff/").status_code == 200


def test_sign_in_and_sign_out_need_the_csrf_token(make_app, make_staff, csrf_token):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login = make_staff()
    credentials = {"email": login.email, "password": login.password}

    assert client.post("/staff/sign-in", data=credentials).status_code == 400
    token = csrf_token(client.get("/staff/sign-in"))
    assert (
        client.post("/staff/sign-in", data={**credentials, "csrf_token": token}).status_code == 302
    )
    token = csrf_token(client.get("/staff/two-factor"))
    signed = client.post("/staff/two-factor", data={"code": login.code(), "csrf_token": token})
    assert signed.location == "/staff/"

    assert client.post("/staff/sign-out").status_code == 400
    assert client.get("/staff/").status_code == 200
    page = client.get("/staff/")
    assert client.post("/staff/sign-out", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_a_session_slides_with_activity_and_ends_when_idle(make_app, make_staff, sign_in, clock):
    app = make_app(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30))
    client = app.test_client()
    sign_in(client, make_staff())
    for _ in range(3):
        clock.shift(timedelta(minutes=20))
        assert client.get("/staff/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


def test_a_short_session_lifetime_applies(make_app, make_staff, sign_in):
    app = make_app(PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    client = app.test_client()
    sign_in(client, make_staff())
    time.sleep(2.1)
    assert client.get("/staff/").location.startswith("/staff/sign-in")


# Roles


def test_only_admins_see_the_audit_log(client, make_staff, sign_in):
    officer = make_staff(StaffRole.COMPLAINTS_OFFICER)
    sign_in(client, officer)
    forbidden = client.get("/staff/audit-log")
    assert forbidden.status_code == 403
    assert "permission" in forbidden.text
    assert "Audit log" not in client.get("/staff/").text
    client.post("/staff/sign-out")

    admin = make_staff(StaffRole.ADMIN)
    sign_in(client, admin)
    page = client.get("/staff/audit-log")
    assert page.status_code == 200
    # The search form lists every action; the table holds only what happened.
    table = page.text[page.text.index("<table") :]
    assert "Sign in failed" not in table
    assert "Sign in" in table and "Sign out" in table and "Password accepted" in table
    assert "Staff Member" in table


def test_every_role_can_read_the_list(client, make_staff, sign_in):
    for role in StaffRole:
        login = make_staff(role)
        sign_in(client, login)
        assert client.get("/staff/").status_code == 200, role
        client.post("/staff/sign-out")


# The feedback list


def test_the_list_is_newest_first_with_themes_and_not_checked_yet(client, signed_in, add_item):
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    old = add_item(
        created_at=now - timedelta(days=3),
        state=ClassificationState.DONE,
        themes=["communication", "delay"],
    )
    middle = add_item(created_at=now - timedelta(days=2), state=ClassificationState.UNAVAILABLE)
    new = add_item(
        created_at=now - timedelta(hours=1),
        state=ClassificationState.FAILED,
        kind=FeedbackKind.COMPLIMENT,
        channel=Channel.EMAIL,
    )

    page = client.get("/staff/").text
    assert _references(page) == [new.reference, middle.reference, old.reference]
    rows = page.split("<tbody")[1].split("</tr>")
    assert "Not checked yet" in rows[0] and "Not checked yet" in rows[1]
    assert "Not checked yet" not in rows[2]
    assert "Communication" in rows[2] and "Delay" in rows[2]
    assert "Email" in rows[0] and "Compliment" in rows[0]
    assert "Text message" in rows[2] and "Complaint" in rows[2]


def test_an_outbound_message_alone_does_not_mark_an_item_unchecked(client, signed_in, add_item):
    item = add_item(state=ClassificationState.DONE)
    db.session.add(
        Message(
            feedback_item=item,
            channel=Channel.SMS,
            direction=Direction.OUTBOUND,
            external_id="out-1",
            text="Thank you",
            raw_payload={},
            received_at=datetime.now(UTC),
        )
    )
    db.session.commit()
    assert "Not checked yet" not in client.get("/staff/").text.split("<tbody")[1]


def test_the_list_filters_by_kind_channel_status_and_team(client, signed_in, add_item):
    leeds = TeamFactory(name="Leeds")
    complaint = add_item(kind=FeedbackKind.COMPLAINT, team_id=leeds.id)
    compliment = add_item(
        kind=FeedbackKind.COMPLIMENT, channel=Channel.EMAIL, status=FeedbackStatus.CLOSED
    )

    assert _references(client.get("/staff/?kind=complaint").text) == [complaint.reference]
    assert _references(client.get("/staff/?channel=email").text) == [compliment.reference]
    assert _references(client.get("/staff/?status=closed").text) == [compliment.reference]
    assert _references(client.get(f"/staff/?team={leeds.id}").text) == [complaint.reference]
    assert _references(client.get("/staff/?kind=compliment&channel=sms").text) == []


def test_bad_filters_get_a_clear_error_not_a_crash(client, signed_in, add_item):
    add_item()
    for query, message in [
        ("kind=bogus", "Choose a kind"),
        ("channel=%00", "Choose a channel"),
        ("status=' OR 1=1", "Choose a status"),
        ("team=99999", "Choose a team"),
        ("team=abc", "Choose a team"),
    ]:
        response = client.get(f"/staff/?{query}")
        assert response.status_code == 200, query
        assert message in _error_summary(response.text), query
    for page in ["abc", "-1", "0", "²", "99999999999999999999", "1e9"]:
        assert client.get(f"/staff/?page={page}").status_code == 200, page


def test_the_list_has_fifty_a_page(client, signed_in, add_item):
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    items = [add_item(created_at=now - timedelta(minutes=i)) for i in range(51)]
    first = client.get("/staff/?kind=complaint").text
    assert len(_references(first)) == 50
    assert "page=2" in first and "kind=complaint" in first
    second = client.get("/staff/?kind=complaint&page=2").text
    assert _references(second) == [items[-1].reference]
    assert _references(client.get("/staff/?page=7").text) == [items[-1].reference]


def test_a_long_list_is_counted_only_so_far_and_still_pages_with_filters(
    client, signed_in, add_item, monkeypatch
):
    """The list counts no further than COUNT_UP_TO (here 3, with 2 a page): beyond that it
    says "more than", and offers a next page while one more row than a page was found."""
    monkeypatch.setattr(listing, "COUNT_UP_TO", 3)
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    now = datetime(2026, 11, 18, 10, tzinfo=UTC)
    complaints = [add_item(created_at=now - timedelta(minutes=i)) for i in range(7)]
    add_item(kind=FeedbackKind.COMPLIMENT, created_at=now)
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        first = client.get("/staff/?kind=complaint").text
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "More than 3 items, page 1" in first
    assert _references(first) == [c.reference for c in complaints[:2]]
    assert "kind=complaint&amp;page=2" in first and "page=3" not in first
    counting = [s for s in statements if "count(" in s and "FROM feedback_item" in s]
    assert len(counting) == 1 and "LIMIT" in counting[0]
    last = client.get("/staff/?kind=complaint&page=4").text
    assert _references(last) == [complaints[6].reference]
    assert "page=5" not in last and "kind=complaint&amp;page=3" in last
    # Past the end of the list: counted in full once, and the last page shown.
    past = client.get("/staff/?kind=complaint&page=9").text
    assert "7 items, page 4 of 4" in past
    assert _references(past) == [complaints[6].reference]
    short = client.get("/staff/?kind=compliment").text
    assert "1 item" in short and "More than" not in short


def test_a_closed_item_with_a_stage_still_open_is_listed_as_open(client, signed_in, add_item):
    closed = add_item(status=FeedbackStatus.CLOSED)
    ComplaintStageFactory(feedback_item=closed)
    answered = add_item(status=FeedbackStatus.CLOSED)
    ComplaintStageFactory(feedback_item=answered, responded_on=answered.created_at.date())
    db.session.commit()
    page = client.get("/staff/").text
    rows = {ref: row for ref, row in re.findall(r">(HD-[^<]+)</a>(.*?)</tr>", page, re.S)}
    assert ">Open<" in rows[closed.reference] and ">Closed<" in rows[answered.reference]


# An item's thread


def test_the_item_page_shows_the_whole_thread_in_order_and_escaped(client, signed_in, add_item):
    start = datetime.now(UTC) - timedelta(hours=3)
    item = add_item(text="<script>alert(1)</script>\nSecond line", created_at=start)
    db.session.add_all(
        [
            Message(
                feedback_item=item,
                channel=Channel.SMS,
                direction=Direction.OUTBOUND,
                external_id="out-1",
                sender="Heard",
                text="We have your message",
                raw_payload={},
                received_at=start + timedelta(hours=1),
                classification_state=ClassificationState.PENDING,
            ),
            Message(
                feedback_item=item,
                channel=Channel.EMAIL,
                direction=Direction.INBOUND,
                external_id="in-2",
                sender="parent@example.org",
                text="Any news? <b>bold</b>",
                raw_payload={},
                received_at=start + timedelta(hours=2),
                classification_state=ClassificationState.DONE,
            ),
        ]
    )
    db.session.commit()

    response = client.get(f"/staff/items/{item.id}")
    assert response.status_code == 200
    page = response.text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nSecond line" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    first = page.index("Second line")
    reply = page.index("We have your message")
    later = page.index("Any news?")
    assert first < reply < later
    assert page.count('class="heard-thread__message heard-thread__message--outbound"') == 1
    assert page.count("heard-thread__text") == 3
    assert "+447700900123" in page and "parent@example.org" in page
    assert item.reference in page
    assert "Not checked yet" in page


def test_viewing_an_item_is_recorded(client, signed_in, add_item):
    item = add_item()
    client.get(f"/staff/items/{item.id}")
    (event,) = _events(Action.VIEW_ITEM)
    assert event.staff_user_id == signed_in.user_id
    assert (event.object_type, event.object_id) == ("feedback_item", str(item.id))
    assert event.ip_address == "127.0.0.1"


def test_a_missing_item_is_a_404(client, signed_in):
    assert client.get("/staff/items/999999").status_code == 404
    assert client.get("/staff/items/99999999999999999999").status_code == 404
    assert _events(Action.VIEW_ITEM) == []
