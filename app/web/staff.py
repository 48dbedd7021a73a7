"""Staff pages: sign-in with two-factor, the feedback list, an item's thread and the audit log.

URLs carry item ids and filter values only: never a name, an email or a phone number.
"""

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from app.database import utcnow
from app.extensions import db, limiter
from app.models import (
    Channel,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    StaffRole,
    StaffUser,
)
from app.services import feedback_list as listing
from app.services import redaction
from app.services.classification import corrections
from app.services.classification import themes as classification_themes
from app.services.outbound import replies
from app.services.safeguarding import alerts, rota
from app.services.staff import accounts, audit_log, enrolment_links
from app.web import auth, labels
from app.web.audit_forms import AuditSearchForm
from app.web.correction_forms import ThemesForm
from app.web.staff_forms import (
    CodeForm,
    FeedbackFilterForm,
    RecoveryForm,
    ReplyForm,
    SignInForm,
    SignOutForm,
)

bp = Blueprint("staff", __name__)

LONDON = ZoneInfo("Europe/London")


def _sign_in_limit() -> str:
    """The same allowance as the public forms, read per request so tests can change it."""
    return current_app.config["RATELIMIT_PUBLIC"]


# Lockout stops guessing at one account; this stops one client trying many accounts.
_limit_posts = limiter.limit(_sign_in_limit, methods=["POST"])


def _ip() -> str | None:
    """The client address, for the audit log."""
    return request.remote_addr


@bp.app_template_filter("london_time")
def london_time(value: datetime | None) -> str:
    """A stored UTC time as people in England read it: 3 March 2026, 2:05pm."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    meridiem = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y}, {local.hour % 12 or 12}:{local:%M}{meridiem}"


@bp.before_app_request
def _load_the_user_afresh() -> None:
    """Who is signed in is decided by this request's cookie and the session on the server."""
    auth.forget_loaded_user()


@bp.context_processor
def _staff_globals() -> dict[str, Any]:
    """Labels and sign-out for every staff template."""
    return {
        "channel_label": lambda v: labels.label(labels.CHANNEL_LABELS, v),
        "kind_label": lambda v: labels.label(labels.KIND_LABELS, v),
        "status_label": lambda v: labels.label(labels.STATUS_LABELS, v),
        "role_label": lambda v: labels.label(labels.ROLE_LABELS, v),
        "contact_role_label": lambda v: labels.label(labels.CONTACT_ROLE_LABELS, v),
        "topic_label": lambda v: labels.label(labels.TOPIC_LABELS, v),
        "score_label": lambda v: labels.label(labels.SCORE_LABELS, v),
        "theme_label": labels.humanise,
        "action_label": labels.humanise,
        "sign_out_form": SignOutForm() if current_user.is_authenticated else None,
        # Read only when a page shows the banner: whether a new alert would reach a person.
        "safety_chain": rota.chain_status,
        "is_admin": current_user.is_authenticated and current_user.role == StaffRole.ADMIN,
    }


def _wrong_credentials() -> str:
    """One message for every refusal, so it reveals nothing about the account."""
    return _("The email address or password is wrong, or the account is locked for a while")


@bp.route("/sign-in", methods=["GET", "POST"])
@_limit_posts
def sign_in() -> str | Response:
    """First factor: email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.feedback_list"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.verify_password(form.email.data, form.password.data, _ip())
        if user is not None:
            auth.start_pending(user, request.args.get("next"))
            target = "staff.two_factor" if user.totp_secret else "staff.two_factor_setup"
            return redirect(url_for(target))
        form.email.errors.append(_wrong_credentials())
    return render_template("staff/sign_in.html", title=_("Sign in"), form=form)


def _start_again() -> Response:
    """Send someone whose half-finished sign-in has lapsed back to the start."""
    flash(_("Sign in again to continue."), "info")
    return redirect(url_for("staff.sign_in"))


def _complete_sign_in(user: StaffUser) -> str:
    """Both factors passed: a new server-side session in a fresh cookie. Returns where to go
    next: the password page first, if the password was a temporary one."""
    next_path = auth.pending_next()
    auth.sign_in(user, _ip(), request.headers.get("User-Agent"))
    accounts.record_sign_in(user, _ip())
    if user.must_change_password:
        return url_for("own_account.change_password")
    return next_path or url_for("staff.feedback_list")


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
        return redirect(url_for("staff.two_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.check_totp(user, form.code.data, _ip()):
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
        return redirect(url_for("staff.sign_in"))
    session[auth.ENROLMENT_LINK] = token
    flash(_("Sign in with your password to set up two-factor sign-in."), "info")
    return redirect(url_for("staff.sign_in"))


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
        return redirect(url_for("staff.two_factor"))
    token = _enrolment_token(user)
    if token is None:
        return render_template(
            "staff/two_factor_link_needed.html", title=_("Ask for a set-up link")
        )
    enrolment = accounts.new_enrolment(user, accounts.enrolment_secret(token))
    form = CodeForm()
    if form.validate_on_submit():
        codes = accounts.complete_enrolment(user, enrolment.secret, form.code.data, _ip())
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
        return redirect(url_for("staff.two_factor_setup"))
    form = RecoveryForm()
    if form.validate_on_submit():
        if accounts.use_recovery_code(user, form.code.data, _ip()):
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
        audit_log.record(audit_log.Action.SIGN_OUT, current_user, ip_address=_ip())
    auth.sign_out()
    flash(_("You have signed out."), "success")
    return redirect(url_for("staff.sign_in"))


def _filters(form: FeedbackFilterForm) -> listing.FeedbackFilters:
    """Filters from a valid form; an invalid one shows its errors and filters nothing."""
    if not form.validate():
        return listing.FeedbackFilters()
    return listing.FeedbackFilters(
        kind=FeedbackKind(form.kind.data) if form.kind.data else None,
        channel=Channel(form.channel.data) if form.channel.data else None,
        status=FeedbackStatus(form.status.data) if form.status.data else None,
        team_id=int(form.team.data) if form.team.data else None,
    )


def _page_number() -> int:
    """The page asked for; anything that is not a small whole number means page 1."""
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


def _page_url(page: int) -> str:
    """The list's address for another page, keeping the filters."""
    args = {k: v for k, v in request.args.items() if k in {"kind", "channel", "status", "team"}}
    return url_for("staff.feedback_list", **{k: v for k, v in args.items() if v}, page=page)


@bp.get("/")
@auth.staff_required()
def feedback_list() -> str:
    """All feedback, newest first, 50 a page, with filters."""
    form = FeedbackFilterForm(formdata=request.args)
    form.set_teams(listing.teams())
    filters = _filters(form)
    may_see_safeguarding = alerts.may_review(current_user)
    result = listing.find_feedback(filters, _page_number(), may_see_safeguarding)
    return render_template(
        "staff/feedback_list.html",
        title=_("Feedback"),
        form=form,
        hides_safeguarding=filters != listing.FeedbackFilters() and not may_see_safeguarding,
        result=result,
        page_url=_page_url,
    )


@bp.get("/items/<int:item_id>")
@auth.staff_required()
def item(item_id: int) -> str:
    """One item and its whole thread; reading it is recorded."""
    thread = listing.load_thread(item_id)
    if thread is None:
        raise NotFound()
    audit_log.record(
        audit_log.Action.VIEW_ITEM, current_user, "feedback_item", item_id, ip_address=_ip()
    )
    return _item_page(thread, _reply_form(thread.item))


def _reply_form(item: FeedbackItem) -> ReplyForm:
    """The reply form, set to the contact's preferred channel that staff can use; a post that
    names no channel means that one."""
    channels = replies.reply_channels(item)
    return ReplyForm(channel=channels[0] if channels else "sms")


_REPLY_LABELS = {
    "sms": (_l("Reply by text message"), _l("Send text message")),
    "email": (_l("Reply by email"), _l("Send email")),
}
_REPLY_HINTS = {
    "sms": _l("Do not repeat what they wrote: someone else may read their phone."),
    "email": _l("Do not repeat what they wrote: someone else may read their email."),
}


def _item_page(thread: listing.Thread, reply_form: ReplyForm) -> str:
    """The item page, with a reply form on each channel the contact can be reached by. The
    learning team reads it redacted, without contact details, and cannot reply."""
    personal = auth.may_see_personal_details(current_user)
    channels = replies.reply_channels(thread.item) if personal else []
    if len(channels) == 1:
        reply_form.text.label.text, reply_form.submit.label.text = _REPLY_LABELS[channels[0]]
    return render_template(
        "staff/item.html",
        title=_("Feedback %(reference)s", reference=thread.item.reference),
        thread=thread,
        reply_form=reply_form if channels else None,
        reply_channels=channels,
        reply_hint=_REPLY_HINTS[channels[0]]
        if len(channels) == 1
        else _l("Do not repeat what they wrote: someone else may read their phone or email."),
        attachments=listing.attachments_by_message(thread.messages),
        originals=listing.originals_by_message(thread.messages) if personal else {},
        theme_correction=corrections.latest(thread.item.id),
        form=reply_form,
        personal=personal,
        shown_text=(lambda m: m.text) if personal else _redacted_text(thread.item),
    )


def _redacted_text(item: FeedbackItem) -> Any:
    """What the learning team reads of a message: its text with personal details taken out,
    the contact's own name, email and phone among them."""
    contact = item.contact
    known = [contact.name, contact.email, contact.phone] if contact else []
    return lambda message: redaction.redact(message.text, known=[k for k in known if k])


_CANNOT_REACH = {
    "sms": _l("This person cannot be texted: no number, or they opted out"),
    "email": _l(
        "This person cannot be emailed: no address, an automatic sender, or they opted out"
    ),
}


@bp.post("/items/<int:item_id>/reply")
@auth.staff_required()
def reply(item_id: int) -> str | Response:
    """Send a reply to the item's contact by text or email; the form comes back with errors if
    it cannot go."""
    thread = listing.load_thread(item_id)
    if thread is None:
        raise NotFound()
    if not auth.may_see_personal_details(current_user):
        abort(403)
    form = _reply_form(thread.item)
    if form.validate_on_submit():
        channel = form.channel.data
        sent = replies.send_reply(channel, thread.item, form.text.data, current_user)
        if sent is not None:
            audit_log.record(
                audit_log.Action.STAFF_REPLY,
                current_user,
                "feedback_item",
                item_id,
                {"channel": channel, "message_id": sent.id},
                ip_address=_ip(),
            )
            done = (
                _("Your text message is being sent.")
                if channel == "sms"
                else _("Your email is being sent.")
            )
            flash(done, "success")
            return redirect(url_for("staff.item", item_id=item_id))
        form.text.errors.append(_CANNOT_REACH[channel])
    return _item_page(thread, form)


@bp.route("/items/<int:item_id>/themes", methods=["GET", "POST"])
@auth.staff_required(*corrections.THEME_CORRECTION_ROLES)
def item_themes(item_id: int) -> str | Response:
    """Correct an item's themes, with an optional reason; the form comes back with errors."""
    item = alerts.load_item(item_id)
    if item is None:
        raise NotFound()
    form = ThemesForm(themes=list(item.themes or []))
    form.set_choices(classification_themes.taxonomy_themes())
    if form.validate_on_submit():
        try:
            corrections.correct_themes(
                item, current_user, form.themes.data, form.reason.data, _ip()
            )
        except corrections.CorrectionRefused as error:
            db.session.rollback()
            form.themes.errors = [*form.themes.errors, str(error)]
        else:
            flash(_("The themes are saved."), "success")
            return redirect(url_for("staff.item", item_id=item_id))
    return render_template(
        "staff/item_themes.html",
        title=_("Change themes for %(reference)s", reference=item.reference),
        item=item,
        form=form,
        history=corrections.history(item_id),
        theme_name=lambda value: classification_themes.taxonomy_themes().get(
            value, labels.humanise(value)
        ),
    )


def _audit_search() -> tuple[AuditSearchForm, audit_log.AuditSearch]:
    """The audit log search from the query string; an invalid one shows its errors and
    searches for everything."""
    form = AuditSearchForm(formdata=request.args)
    form.set_choices(audit_log.staff_users(), audit_log.actions())
    return form, form.criteria() if form.validate() else audit_log.AuditSearch()


@bp.get("/audit-log")
@auth.staff_required(StaffRole.ADMIN)
def audit_log_page() -> str:
    """Search the audit log, for administrators; the search itself is recorded."""
    form, criteria = _audit_search()
    audit_log.record(
        audit_log.Action.AUDIT_LOG_VIEWED,
        current_user,
        "audit_log",
        detail=criteria.as_detail(),
        ip_address=_ip(),
    )
    return render_template(
        "staff/audit_log.html",
        title=_("Audit log"),
        form=form,
        events=audit_log.search(criteria),
        total=audit_log.count(criteria),
        export_url=url_for("staff.audit_log_export", **request.args.to_dict(flat=False)),
    )


@bp.get("/audit-log/export.csv")
@auth.staff_required(StaffRole.ADMIN)
def audit_log_export() -> Response:
    """The matching events as a CSV file; the export is recorded with how many rows it held."""
    form, criteria = _audit_search()
    if form.errors:
        abort(400, _("The search has errors: correct them on the audit log page first"))
    events = audit_log.search(criteria, limit=audit_log.EXPORT_LIMIT)
    audit_log.record(
        audit_log.Action.AUDIT_LOG_EXPORTED,
        current_user,
        "audit_log",
        detail={**criteria.as_detail(), "rows": len(events)},
        ip_address=_ip(),
    )
    stamp = datetime.now(LONDON).strftime("%Y%m%d-%H%M")
    return Response(
        audit_log.to_csv(events),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="heard-audit-log-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
