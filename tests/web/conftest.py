"""Staff fixtures: accounts with a known TOTP secret, and signing in through the real pages."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import (
    Channel,
    ClassificationState,
    FeedbackItem,
    FeedbackKind,
    StaffRole,
    StaffUser,
)
from app.services.staff import enrolment_links
from tests.factories import STAFF_PASSWORD, FeedbackItemFactory, StaffAccountFactory


@dataclass
class StaffLogin:
    user_id: int
    email: str
    password: str
    totp_secret: str | None
    # An account without two-factor gets the one-time set-up link an administrator would give.
    enrolment_token: str | None = None

    def code(self, steps_ahead: int = 0) -> str:
        """A current TOTP code; steps ahead give a code not yet used, inside the allowed window."""
        assert self.totp_secret
        return pyotp.TOTP(self.totp_secret).at(
            datetime.now(UTC) + timedelta(seconds=30 * steps_ahead)
        )

    @property
    def user(self) -> StaffUser:
        return db.session.get(StaffUser, self.user_id)


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., StaffLogin]:
    """Create a staff account; enrolled ones have a TOTP secret the test knows."""

    def factory(
        role: StaffRole = StaffRole.COMPLAINTS_OFFICER, enrolled: bool = True
    ) -> StaffLogin:
        user = StaffAccountFactory(role=role, **({} if enrolled else {"totp_secret": None}))
        token = None if enrolled else enrolment_links.create(user, None)
        db.session.commit()
        return StaffLogin(
            user_id=user.id,
            email=user.email,
            password=STAFF_PASSWORD,
            totp_secret=user.totp_secret,
            enrolment_token=token,
        )

    return factory


def _csrf_token(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _enter_password(
    client: FlaskClient, login: StaffLogin, password: str | None = None, **kw
) -> TestResponse:
    return client.post(
        "/staff/sign-in",
        data={"email": login.email, "password": password or login.password, **kw},
    )


def _sign_in(client: FlaskClient, login: StaffLogin, steps_ahead: int = 0) -> TestResponse:
    """Password, then a TOTP code, through the real pages."""
    first = _enter_password(client, login)
    assert first.status_code == 302 and first.location.endswith("/staff/two-factor"), first.text
    return client.post("/staff/two-factor", data={"code": login.code(steps_ahead)})


@pytest.fixture
def signed_in(client: FlaskClient, make_staff: Callable[..., StaffLogin]) -> StaffLogin:
    """A complaints officer signed in on `client`."""
    login = make_staff()
    response = _sign_in(client, login)
    assert response.status_code == 302 and response.location.endswith("/staff/")
    return login


def _add_item(
    text: str = "A message",
    kind: FeedbackKind = FeedbackKind.COMPLAINT,
    created_at: datetime | None = None,
    state: ClassificationState = ClassificationState.PENDING,
    themes: list[str] | None = None,
    channel: Channel = Channel.SMS,
    **fields,
) -> FeedbackItem:
    """A feedback item with one inbound message (FeedbackItemFactory, said positionally)."""
    if created_at is not None:
        fields["created_at"] = created_at
    return FeedbackItemFactory(
        kind=kind,
        themes=themes or [],
        received_via=channel,
        message=text,
        message__sender="+447700900123",
        message__classification_state=state,
        **fields,
    )


@pytest.fixture
def csrf_token() -> Callable[[TestResponse], str]:
    """Read the CSRF token from a rendered form."""
    return _csrf_token


@pytest.fixture
def enter_password() -> Callable[..., TestResponse]:
    """Post the sign-in form (the first factor only)."""
    return _enter_password


@pytest.fixture
def sign_in() -> Callable[..., TestResponse]:
    """Sign in through the real pages: password, then a TOTP code."""
    return _sign_in


@pytest.fixture
def add_item(app: Flask) -> Callable[..., FeedbackItem]:
    """Make a feedback item with one inbound message."""
    return _add_item
