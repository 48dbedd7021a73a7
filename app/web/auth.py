"""Staff sign-in state: who is fully signed in, who is half-way, and which roles see what.

Fully signed in means the (encrypted) session cookie holds the token of a live server-side
session (staff_sessions.py): Flask-Login asks for the user on each request and gets the
session's owner, or nobody. Half-way means the password was right but the second factor is
not yet done: only the account's id and the time sit in the session.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, session
from flask_babel import gettext
from flask_login import current_user

from app.extensions import login
from app.models import StaffRole, StaffSession, StaffUser
from app.services.staff import accounts, sessions

# Long enough to install an authenticator app during first sign-in, short enough that a
# password typed on a shared computer does not stay half-used for the day.
PENDING_SECONDS = 10 * 60
_PENDING_KEY = "staff_pending"

login.login_view = "staff.sign_in.sign_in"
login.login_message = "Sign in to see that page."
login.login_message_category = "info"
login.localize_callback = gettext
# The server-side session is the protection: an ended one signs nobody in, from any browser.
login.session_protection = None
SESSION_TOKEN = "staff_session"
# The one-time two-factor set-up link this browser opened, until it is used.
ENROLMENT_LINK = "staff_enrolment_link"

View = TypeVar("View", bound=Callable[..., Any])


@login.request_loader
def _load_user(_request: object) -> StaffUser | None:
    """The owner of the live server-side session the cookie names, or nobody."""
    found = sessions.find(session.get(SESSION_TOKEN))
    if found is None:
        return None
    g.staff_session = found
    return found.staff_user


def current_session() -> StaffSession | None:
    """The live server-side session of this request, once the user has been loaded."""
    return g.get("staff_session") if current_user.is_authenticated else None


def current_token() -> str | None:
    return session.get(SESSION_TOKEN)


def sign_in(user: StaffUser, ip_address: str | None, user_agent: str | None) -> None:
    """Both factors passed: a fresh cookie holding a new server-side session's token."""
    token = sessions.start(user, ip_address, user_agent)
    session.clear()
    session.permanent = True
    session[SESSION_TOKEN] = token
    forget_loaded_user()


def renew_session(token: str) -> None:
    """The cookie carries the session's new token from now on."""
    session[SESSION_TOKEN] = token


def sign_out() -> None:
    """End this session on the server, and forget the cookie's contents."""
    sessions.end(current_token())
    session.clear()
    forget_loaded_user()


def forget_loaded_user() -> None:
    """Make the next look at current_user load it afresh from the session. Each request starts
    so; an app context kept across requests (as tests keep one) would otherwise remember."""
    g.pop("_login_user", None)
    g.pop("staff_session", None)


def staff_required(*roles: StaffRole) -> Callable[[View], View]:
    """Only fully signed-in staff (password and second factor); with roles, only those roles."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def start_pending(user: StaffUser, next_path: str | None) -> None:
    """The password was right: remember who, for the second step, in a fresh session (which
    keeps a two-factor set-up link the person opened before signing in)."""
    link = session.get(ENROLMENT_LINK)
    session.clear()
    if link:
        session[ENROLMENT_LINK] = link
    session.permanent = True
    session[_PENDING_KEY] = {"id": user.id, "at": int(time.time()), "next": safe_next(next_path)}


def pending_user() -> StaffUser | None:
    """The account half-way through signing in, if the session has one that may still go on."""
    pending = session.get(_PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("id"), int):
        return None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        clear_pending()
        return None
    user = accounts.load_user(pending["id"])
    if not accounts.can_sign_in(user):
        clear_pending()
        return None
    return user


def pending_next() -> str | None:
    """Where the person was going before they were asked to sign in."""
    pending = session.get(_PENDING_KEY)
    return pending.get("next") if isinstance(pending, dict) else None


def clear_pending() -> None:
    """Forget a half-finished sign-in."""
    session.pop(_PENDING_KEY, None)


def safe_next(value: str | None) -> str | None:
    """A staff page path to return to, or None: never another site, never a public page."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value or not parts.path.startswith("/staff/"):
        return None
    if parts.path.startswith("//"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if len(path) <= 500 else None


def may_see_personal_details(user: StaffUser) -> bool:
    """Whether this account reads messages as written, with contact details, and may reply.
    The learning team reads them redacted: they study trends, not people."""
    return user.role != StaffRole.LEARNING_TEAM
