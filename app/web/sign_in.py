"""Signing in: email and password, then a second factor (an authenticator code, a recovery
code, or setting one up from an administrator's link), and signing out. Apart from the pages
it guards, so the way in can be read and reviewed on its own."""

import math
from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.database import utcnow
from app.extensions import limiter
from app.models import StaffUser
from app.services.staff import accounts, audit_log, enrolment_links
from app.web import auth
from app.web.routing import client_ip
from app.web.staff_forms import CodeForm, RecoveryForm, SignInForm

bp = Blueprint("sign_in", __name__)


def _sign_in_limit() -> str:
    """The same allowance as the public forms, read per request so tests can change it."""
    return current_app.config["RATELIMIT_PUBLIC"]


# Lockout stops guessing at one account; this stops one client trying many accounts.
_limit_posts = limiter.limit(_sign_in_limit, methods=["POST"])


def _wrong_credentials() -> str:
    """One message for every refusal, so it reveals nothing about the account."""
    return _("The email address or password is wrong, or the account is locked for a while")


@bp.route("/sign-in", methods=["GET", "POST"])
@_limit_posts
def sign_in() -> str | Response:
    """First factor: email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.feedback.feedback_list"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.verify_password(form.email.data, form.password.data, client_ip())
        if user is not None:
            auth.start_pending(user, request.args.get("next"))
            target = (
                "staff.sign_in.two_factor" if user.totp_secret else "staff.sign_in.two_factor_setup"
            )
            return redirect(url_for(target))
        form.email.errors.append(_wrong_credentials())
    return render_template("staff/sign_in.html", title=_("Sign in"), form=form)


def _start_again() -> Response:
    """Send someone whose half-finished sign-in has lapsed back to the start."""
    flash(_("Sign in again to continue."), "info")
    return redirect(url_for("staff.sign_in.sign_in"))


def _complete_sign_in(user: StaffUser) -> str:
    """Both factors passed: a new server-side session in a fresh cookie. Returns where to go
    next: the password page first, if the password was a temporary one."""
    next_path = auth.pending_next()
    auth.sign_in(user, client_ip(), request.headers.get("User-Agent"))
    accounts.record_sign_in(user, client_ip())
    if user.must_change_password:
        return url_for("staff.own_account.change_password")
    return next_path or url_for("staff.feedback.feedback_list")


def _wait_words(until: datetime) -> str:
    minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
    return ngettext(
        "Too many wrong codes. Wait %(num)d minute, then try again",
        "Too many wrong codes. Wait %(num)d minutes, then try again",
        minutes,
    )


@bp.route("/two-factor", methods=["GET", "POST"])
@_limit_posts
def two_factor() -> str | Response:
    """Second factor: a code from the authenticator app."""
    user = auth.pending_user()
    if user is None:
        return _start_again()
    if not user.totp_secret:
        return redirect(url_for("staff.sign_in.two_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.check_totp(user, form.code.data, client_ip()):
            return redirect(_complete_sign_in(user))
        waiting = accounts.code_wait(user)
        form.code.errors.append(
            _wait_words(waiting)
            if waiting
            else _("The code is wrong or has been used already. Wait for a new code and try again")
        )
    return render_template("staff/two_factor.html", title=_("Enter your code"), form=form)


@bp.get("/enrol/<token>")
def enrolment_link(token: str) -> Response:
    """The one-time link an administrator gave: keep it in this browser's session, then sign
    in with the password to set up two-factor."""
    if enrolment_links.find(token[:100]) is None:
        flash(_("That set-up link has expired or been used. Ask an administrator for a new one."))
        return redirect(url_for("staff.sign_in.sign_in"))
    session[auth.ENROLMENT_LINK] = token
    flash(_("Sign in with your password to set up two-factor sign-in."), "info")
    return redirect(url_for("staff.sign_in.sign_in"))


def _enrolment_token(user: StaffUser) -> str | None:
    """This browser's set-up link, if it is in date and for this account."""
    token = session.get(auth.ENROLMENT_LINK)
    link = enrolment_links.find(token)
    return token if link is not None and link.staff_user_id == user.id else None


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@_limit_posts
def two_factor_setup() -> str | Response:
    """Setting up two-factor: only with the one-time link from an administrator, then a code
    from the new authenticator app."""
    user = auth.pending_user()
    if user is None:
        return _start_again()
    if user.totp_secret:
        # Set-up is only for an account without two-factor: never a way round the second factor.
        return redirect(url_for("staff.sign_in.two_factor"))
    token = _enrolment_token(user)
    if token is None:
        return render_template(
            "staff/two_factor_link_needed.html", title=_("Ask for a set-up link")
        )
    enrolment = accounts.new_enrolment(user, accounts.enrolment_secret(token))
    form = CodeForm()
    if form.validate_on_submit():
        codes = accounts.complete_enrolment(user, enrolment.secret, form.code.data, client_ip())
        if codes is not None:
            enrolment_links.use(token)
            session.pop(auth.ENROLMENT_LINK, None)
            return render_template(
                "staff/recovery_codes.html",
                title=_("Save your recovery codes"),
                codes=codes,
                next_url=_complete_sign_in(user),
            )
        waiting = accounts.code_wait(user)
        form.code.errors.append(
            _wait_words(waiting)
            if waiting
            else _("The code is wrong. Check the app and try the newest code")
        )
    return render_template(
        "staff/two_factor_setup.html",
        title=_("Set up two-factor sign-in"),
        form=form,
        enrolment=enrolment,
    )


@bp.route("/recovery", methods=["GET", "POST"])
@_limit_posts
def recovery() -> str | Response:
    """Second factor without the phone: a single-use recovery code."""
    user = auth.pending_user()
    if user is None:
        return _start_again()
    if not user.totp_secret:
        return redirect(url_for("staff.sign_in.two_factor_setup"))
    form = RecoveryForm()
    if form.validate_on_submit():
        if accounts.use_recovery_code(user, form.code.data, client_ip()):
            remaining = len(user.recovery_codes)
            destination = _complete_sign_in(user)
            flash(
                _(
                    "You used a recovery code. You have %(count)d left; each works only once.",
                    count=remaining,
                ),
                "info",
            )
            return redirect(destination)
        waiting = accounts.code_wait(user)
        form.code.errors.append(
            _wait_words(waiting)
            if waiting
            else _("That recovery code is wrong or has been used already")
        )
    return render_template("staff/recovery.html", title=_("Use a recovery code"), form=form)


@bp.post("/sign-out")
def sign_out() -> Response:
    """End the session, on the server too, and record it."""
    # CSRFProtect has already refused a post without this form's token.
    if current_user.is_authenticated:
        audit_log.record(audit_log.Action.SIGN_OUT, current_user, ip_address=client_ip())
    auth.sign_out()
    flash(_("You have signed out."), "success")
    return redirect(url_for("staff.sign_in.sign_in"))
