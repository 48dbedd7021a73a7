"""A member of staff's own account: their sessions (and signing out the others), changing
their password, and proving again who they are before an administrator's change."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.services.staff import accounts, audit_log
from app.services.staff import sessions as staff_sessions
from app.services.staff.accounts import AccountError
from app.web import auth
from app.web.refusals import show_refusal
from app.web.routing import client_ip
from app.web.staff_forms import ChangePasswordForm, ConfirmIdentityForm, SignOutForm

bp = Blueprint("own_account", __name__)


# What someone signed in with a temporary password may open before choosing their own.
_BEFORE_A_NEW_PASSWORD = {"staff.own_account.change_password", "staff.sign_in.sign_out", "static"}


@bp.before_app_request
def _choose_a_password_first() -> Response | None:
    """A temporary password lets its holder do one thing: choose their own."""
    if (
        request.path.startswith("/staff")
        and current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _BEFORE_A_NEW_PASSWORD
    ):
        return redirect(url_for("staff.own_account.change_password"))
    return None


@bp.get("/")
@auth.staff_required()
def page() -> str:
    """Your account: who you are, your sessions, your password."""
    sessions = staff_sessions.live_sessions(current_user.id)
    return render_template(
        "staff/own/account.html",
        title=_("Your account"),
        sessions=sessions,
        is_current=lambda found: staff_sessions.is_current(found, auth.current_token()),
        end_others_form=SignOutForm(),
    )


@bp.post("/sessions/end-others")
@auth.staff_required()
def end_other_sessions() -> Response:
    """Sign out everywhere but here."""
    if not SignOutForm().validate_on_submit():
        return redirect(url_for(".page"))
    ended = staff_sessions.end_all(current_user.id, "signed_out_elsewhere", auth.current_token())
    audit_log.record(
        audit_log.Action.SESSIONS_ENDED,
        current_user,
        "staff_user",
        current_user.id,
        {"ended": ended},
        client_ip(),
    )
    flash(_("You are signed out everywhere else."), "success")
    return redirect(url_for(".page"))


@bp.route("/password", methods=["GET", "POST"])
@auth.staff_required()
def change_password() -> str | Response:
    """Change your own password: the current one and a code prove it is you; every other
    session of yours ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # The passwords first, so a code is not used up on a change that cannot be made.
        refusal = accounts.password_change_refusal(
            current_user, form.current.data, form.new.data, client_ip()
        )
        if refusal is not None:
            field = form.current if "current" in str(refusal) else form.new
            field.errors.append(str(refusal))
        elif not accounts.check_totp(current_user, form.code.data, client_ip()):
            form.code.errors.append(_("The code is wrong or has been used already"))
        else:
            try:
                accounts.change_password(
                    current_user,
                    form.current.data,
                    form.new.data,
                    auth.current_token(),
                    client_ip(),
                )
            except AccountError as error:
                show_refusal(form, error, form.new)
            else:
                found = auth.current_session()
                if found is not None:  # a new token, as after signing in
                    auth.renew_session(staff_sessions.reauthenticated(found))
                flash(_("Your password is changed. You are signed out everywhere else."), "success")
                return redirect(url_for("staff.feedback.feedback_list"))
    return render_template(
        "staff/own/password.html",
        title=_("Change your password"),
        form=form,
        forced=current_user.must_change_password,
    )


@bp.route("/confirm", methods=["GET", "POST"])
@auth.staff_required()
def confirm_identity() -> str | Response:
    """Prove again who you are (password and a code) before an administrator's change."""
    form = ConfirmIdentityForm()
    next_path = auth.safe_next(request.args.get("next")) or url_for("staff.feedback.feedback_list")
    found = auth.current_session()
    if form.validate_on_submit() and found is not None:
        password_ok = accounts.verify_password(current_user.email, form.password.data, client_ip())
        if password_ok is None:
            form.password.errors.append(_("The password is wrong"))
        elif not accounts.check_totp(current_user, form.code.data, client_ip()):
            form.code.errors.append(_("The code is wrong or has been used already"))
        else:
            auth.renew_session(staff_sessions.reauthenticated(found))
            audit_log.record(audit_log.Action.REAUTHENTICATED, current_user, ip_address=client_ip())
            return redirect(next_path)
    return render_template(
        "staff/own/confirm.html", title=_("Confirm it is you"), form=form, next_path=next_path
    )
