"""Staff sign-in state: who is fully signed in, who is half-way, and which roles see what.

Half-way means the password was right but the second factor is not yet done. Such a person
is not logged in with Flask-Login at all: only their id and the time sit in the session.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, session
from flask_babel import gettext
from flask_login import current_user

from app.extensions import login
from app.models import StaffRole, StaffUser
from app.services import staff_accounts

# Long enough to install an authenticator app during first sign-in, short enough that a
# password typed on a shared computer does not stay half-used for the day.
PENDING_SECONDS = 10 * 60
_PENDING_KEY = "staff_pending"

login.login_view = "staff.sign_in"
login.login_message = "Sign in to see that page."
login.login_message_category = "info"
login.localize_callback = gettext
login.session_protection = "strong"

View = TypeVar("View", bound=Callable[..., Any])


@login.user_loader
def _load_user(user_id: str) -> StaffUser | None:
    """The signed-in account from the session's "id.version"; an older version is signed out."""
    account_id, _, version = user_id.partition(".")
    numbers = (account_id, version)
    if not all(n.isascii() and n.isdigit() and len(n) < 12 for n in numbers):
        return None
    user = staff_accounts.load_user(int(account_id))
    return user if user is not None and user.session_version == int(version) else None


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
    """The password was right: remember who, for the second step, in a fresh session."""
    session.clear()
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
    user = staff_accounts.load_user(pending["id"])
    if not staff_accounts.can_sign_in(user):
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
