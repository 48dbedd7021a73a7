"""Staff accounts, for administrators: the list, adding an account, and changes to one account.

Every change is a POST with a CSRF token from a page that says what it will do. URLs carry
account ids only, never a name or an email address.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from app.models import StaffRole, StaffUser
from app.services.staff import accounts as staff_accounts
from app.services.staff import admin, sessions, sign_in_throttle
from app.web import auth
from app.web.account_forms import AddAccountForm, ConfirmForm, PhoneForm, RoleForm
from app.web.refusals import show_refusal
from app.web.routing import client_ip

bp = Blueprint("accounts", __name__)


@bp.before_request
def _confirm_identity_first() -> Response | None:
    """Administrators' pages ask for the password and a code again if it has been a while."""
    if not current_user.is_authenticated or current_user.role != StaffRole.ADMIN:
        return None  # the view refuses anyone else
    found = auth.current_session()
    if found is not None and sessions.recently_authenticated(found):
        return None
    return redirect(
        url_for("staff.own_account.confirm_identity", next=request.full_path.rstrip("?"))
    )


admin_required = auth.staff_required(StaffRole.ADMIN)


@dataclass(frozen=True)
class Change:
    """A one-button change to an account, with the words on its confirmation page."""

    # What it returns: the account, or a secret to show once (a set-up link's token, or a
    # temporary password).
    apply: Callable[[StaffUser, int, str | None], StaffUser | str]
    title: str
    explanation: str
    button: str
    done: str


CHANGES = {
    "reset-two-factor": Change(
        admin.reset_two_factor,
        _l("Reset two-factor sign-in"),
        _l(
            "Their authenticator app and recovery codes will stop working, and they will be "
            "signed out everywhere. You will be given a one-time link: they need it, with their "
            "password, to set up two-factor again."
        ),
        _l("Reset two-factor"),
        _l("Two-factor sign-in is reset."),
    ),
    "reset-password": Change(
        admin.reset_password,
        _l("Give them a temporary password"),
        _l(
            "For someone who has forgotten their password. Their password stops working and "
            "they are signed out everywhere. You will be given a temporary password that works "
            "once, within 72 hours; they then choose their own."
        ),
        _l("Give a temporary password"),
        _l("They have a temporary password."),
    ),
    "unlock": Change(
        admin.unlock,
        _l("Unlock account"),
        _l("Wrong attempts are forgotten and they can sign in again straight away."),
        _l("Unlock account"),
        _l("The account is unlocked."),
    ),
    "deactivate": Change(
        admin.deactivate,
        _l("Deactivate account"),
        _l(
            "They will be signed out everywhere and cannot sign in until an administrator "
            "reactivates the account. What they did stays in the audit log."
        ),
        _l("Deactivate account"),
        _l("The account is deactivated."),
    ),
    "reactivate": Change(
        admin.reactivate,
        _l("Reactivate account"),
        _l("They can sign in again with their password and two-factor sign-in."),
        _l("Reactivate account"),
        _l("The account is reactivated."),
    ),
}


def _titled(title: str, refusal: str | None) -> str:
    """The page title, starting "Error:" when the change was refused, as GOV.UK pages do."""
    return f"{_('Error:')} {title}" if refusal else title


def _account_or_404(user_id: int) -> StaffUser:
    user = admin.account(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
@admin_required
def list_accounts() -> str:
    """Every staff account, with its role, team and sign-in state."""
    return render_template(
        "staff/accounts/list.html",
        title=_("Staff accounts"),
        accounts=admin.accounts(),
        waiting_until=sign_in_throttle.waiting_until,
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def add_account() -> str | Response:
    """Add an account; its temporary password is shown on the response to this post only."""
    form = AddAccountForm()
    form.set_teams(admin.teams())
    if form.validate_on_submit():
        try:
            created = admin.add_account(
                current_user,
                form.email.data,
                form.name.data,
                form.role.data,
                form.team_id,
                client_ip(),
            )
        except staff_accounts.AccountError as error:
            show_refusal(form, error, form.email)
        else:
            page = render_template(
                "staff/accounts/created.html",
                title=_("Account added"),
                created=created,
                enrolment_url=_enrolment_url(created.enrolment_token or ""),
            )
            response = make_response(page)
            # The password must not be kept by the browser or anything in between.
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("staff/accounts/new.html", title=_("Add a staff account"), form=form)


def _shown_once(user: StaffUser, change_name: str, secret: str) -> Response:
    """A set-up link or a temporary password, on a page no browser or proxy keeps."""
    is_link = change_name == "reset-two-factor"
    page = render_template(
        "staff/accounts/shown_once.html",
        title=_("Give them this now"),
        account=user,
        enrolment_url=_enrolment_url(secret) if is_link else None,
        temporary_password=None if is_link else secret,
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _enrolment_url(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}{url_for('staff.sign_in.enrolment_link', token=token)}"


@bp.get("/<int:user_id>")
@admin_required
def account(user_id: int) -> str:
    """One account and the changes an administrator can make to it."""
    user = _account_or_404(user_id)
    return render_template(
        "staff/accounts/account.html",
        title=user.name,
        account=user,
        locked=sign_in_throttle.waiting_until(user),
        own=user.id == current_user.id,
    )


@bp.route("/<int:user_id>/role", methods=["GET", "POST"])
@admin_required
def change_role(user_id: int) -> str | Response:
    """Choose another role for the account."""
    user = _account_or_404(user_id)
    form = RoleForm(role=user.role.value)
    refusal = None
    if form.validate_on_submit():
        try:
            admin.change_role(current_user, user_id, form.role.data, client_ip())
        except admin.ChangeRefused as error:
            refusal = str(error)
        else:
            flash(_("The role is changed."), "success")
            return redirect(url_for("staff.accounts.account", user_id=user_id))
    return render_template(
        "staff/accounts/role.html",
        title=_titled(_("Change role"), refusal),
        account=user,
        form=form,
        refusal=refusal,
    )


@bp.route("/<int:user_id>/phone", methods=["GET", "POST"])
@admin_required
def change_phone(user_id: int) -> str | Response:
    """Set or remove the mobile number urgent alerts are texted to."""
    user = _account_or_404(user_id)
    form = PhoneForm(phone=user.phone or "")
    refusal = None
    if form.validate_on_submit():
        try:
            admin.change_phone(current_user, user_id, form.phone.data, client_ip())
        except admin.ChangeRefused as error:
            refusal = str(error)
        else:
            flash(_("The mobile number is saved."), "success")
            return redirect(url_for("staff.accounts.account", user_id=user_id))
    return render_template(
        "staff/accounts/phone.html",
        title=_titled(_("Mobile number for urgent alerts"), refusal),
        account=user,
        form=form,
        refusal=refusal,
    )


@bp.route("/<int:user_id>/<change_name>", methods=["GET", "POST"])
@admin_required
def confirm_change(user_id: int, change_name: str) -> str | Response:
    """Say what the change will do; the button posts it."""
    change = CHANGES.get(change_name)
    if change is None:
        abort(404)
    user = _account_or_404(user_id)
    form = ConfirmForm()
    refusal = None
    if form.validate_on_submit():
        try:
            result = change.apply(current_user, user_id, client_ip())
        except admin.ChangeRefused as error:
            refusal = str(error)
        else:
            if isinstance(result, str):
                return _shown_once(user, change_name, result)
            flash(str(change.done), "success")
            return redirect(url_for("staff.accounts.account", user_id=user_id))
    return render_template(
        "staff/accounts/confirm.html",
        title=_titled(str(change.title), refusal),
        account=user,
        change=change,
        change_name=change_name,
        form=form,
        refusal=refusal,
    )
