"""Triage: the feedback list, an item's thread, replies and theme corrections.

URLs carry item ids and filter values only: never a name, an email or a phone number.
"""

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from app.models import (
    Channel,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
)
from app.services import feedback_list as listing
from app.services import redaction
from app.services.classification import corrections
from app.services.classification import themes as classification_themes
from app.services.outbound import replies
from app.services.safeguarding import alerts
from app.services.staff import audit_log
from app.web import auth, labels
from app.web.correction_forms import ThemesForm
from app.web.refusals import show_refusal
from app.web.routing import client_ip
from app.web.staff_forms import FeedbackFilterForm, ReplyForm

bp = Blueprint("feedback", __name__)


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
    kept: dict[str, Any] = {k: v for k, v in args.items() if v}
    return url_for("staff.feedback.feedback_list", **kept, page=page)


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
        audit_log.Action.VIEW_ITEM, current_user, "feedback_item", item_id, ip_address=client_ip()
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
                ip_address=client_ip(),
            )
            done = (
                _("Your text message is being sent.")
                if channel == "sms"
                else _("Your email is being sent.")
            )
            flash(done, "success")
            return redirect(url_for("staff.feedback.item", item_id=item_id))
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
                item, current_user, form.themes.data, form.reason.data, client_ip()
            )
        except corrections.CorrectionRefused as error:
            show_refusal(form, error, form.themes)
        else:
            flash(_("The themes are saved."), "success")
            return redirect(url_for("staff.feedback.item", item_id=item_id))
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
