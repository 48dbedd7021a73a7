"""Public pages: the start page, the children's form, the adults' form and the audit form.

Each form is POST-redirect-GET: a valid post is stored through ingest(), its reference is kept
in the session, and the confirmation page reads it from there, so no reference or personal
data is ever in a URL.
"""

from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.database import utcnow
from app.extensions import csrf, limiter
from app.models import FeedbackItem, FeedbackKind
from app.services import audit_invitations, complaints, public_feedback
from app.services.audit_invitations import InvitationUnusable, TokenProblem
from app.services.ingestion import ingest
from app.web import equality
from app.web.forms import (
    AdultFeedbackForm,
    AuditFeedbackForm,
    ChildFeedbackForm,
    returned_form_status,
)
from channels import web_form

bp = Blueprint("public", __name__)

CHILD_SENT = "public.child_sent"
ADULT_SENT = "public.adult_sent"
AUDIT_SENT = "public.audit_sent"
# Tokens are 43 characters; anything far longer is not one of ours.
MAX_TOKEN_CHARS = 100

limit_posts = limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC"], methods=["POST"])

Page = str | tuple[str, int] | Response


@bp.before_request
def _refuse_unreadable_posts() -> None:
    """Werkzeug drops a form body that is not UTF-8 without a word; say what went wrong rather
    than show a form full of "this is missing" errors for answers the person did give."""
    if request.method == "POST" and request.content_length and not request.form:
        abort(400)


@bp.get("/")
def start() -> str:
    """The way in: children and young people one way, adults the other."""
    return render_template("public/start.html", title=_("Tell us what you think"))


@bp.route("/child", methods=["GET", "POST"])
@limit_posts
@csrf.exempt
def child_form() -> Page:
    """The children's form: shown, checked, and on success stored and confirmed."""
    form = ChildFeedbackForm()
    if form.validate_on_submit():
        result = ingest(web_form.child_message(form.data, received_at=utcnow()))
        item = result.feedback_item
        session[CHILD_SENT] = {
            "reference": item.reference,
            "topic": item.topic,
            "may_contact": bool(item.contact and item.contact.may_contact),
            "respond_by": _respond_by(item.kind, result.message.received_at),
            **_responder(item),
        }
        equality.invite(item.id, for_child=True)
        return redirect(url_for(".child_sent"), code=303)
    return _form_page("public/child_form.html", form, title=_("Send us a message"))


@bp.get("/child/sent")
def child_sent() -> Page:
    """The children's confirmation: reference, what happens next, and where to get help."""
    sent = session.get(CHILD_SENT)
    if not sent:
        return redirect(url_for(".child_form"))
    return render_template(
        "public/child_sent.html",
        title=_("Message sent"),
        sent=sent,
        respond_by=_date(sent.get("respond_by")),
    )


@bp.route("/adult", methods=["GET", "POST"])
@limit_posts
@csrf.exempt
def adult_form() -> Page:
    """The adults' form: shown, checked, and on success stored and confirmed."""
    form = AdultFeedbackForm()
    _offer_teams(form)
    if form.validate_on_submit():
        result = ingest(web_form.adult_message(form.data, received_at=utcnow()))
        item = result.feedback_item
        session[ADULT_SENT] = {
            "reference": item.reference,
            "kind": item.kind.value,
            "may_contact": bool(item.contact and item.contact.may_contact),
            "respond_by": _respond_by(item.kind, result.message.received_at),
            **_responder(item),
        }
        equality.invite(item.id, for_child=False)
        return redirect(url_for(".adult_sent"), code=303)
    return _form_page(
        "public/adult_form.html", form, title=_("Send a complaint, compliment or comment")
    )


@bp.get("/adult/sent")
def adult_sent() -> Page:
    """The adults' confirmation, with the Stage 1 reply date for a complaint."""
    sent = session.get(ADULT_SENT)
    if not sent:
        return redirect(url_for(".adult_form"))
    titles = {
        "complaint": _("Complaint sent"),
        "compliment": _("Compliment sent"),
        "comment": _("Comment sent"),
    }
    return render_template(
        "public/adult_sent.html",
        title=titles.get(sent["kind"], _("Message sent")),
        sent=sent,
        respond_by=_date(sent.get("respond_by")),
    )


@bp.route("/how-did-we-do/<token>", methods=["GET", "POST"])
@limit_posts
@csrf.exempt
def audit_form(token: str) -> Page:
    """The audit form behind a single-use link, or a kind page if the link cannot be used."""
    if len(token) > MAX_TOKEN_CHARS:
        return _link_problem(TokenProblem.UNKNOWN)
    form = AuditFeedbackForm()
    if form.validate_on_submit():
        # ingest() looks for this submission before redeeming the token, so a double click
        # reaches the thank-you page rather than "this link has been used".
        try:
            ingest(web_form.audit_message(form.data, token=token, received_at=utcnow()))
        except InvitationUnusable as unusable:
            return _link_problem(unusable.problem)
        session[AUDIT_SENT] = True
        return redirect(url_for(".audit_sent"), code=303)
    try:
        audit_invitations.find_usable(token)
    except InvitationUnusable as unusable:
        return _link_problem(unusable.problem)
    return _form_page("public/audit_form.html", form, title=_("Tell us how we did"))


@bp.get("/how-did-we-do/thank-you")
def audit_sent() -> Page:
    """Thanks for audit feedback."""
    if not session.get(AUDIT_SENT):
        return redirect(url_for(".start"))
    return render_template("public/audit_sent.html", title=_("Thank you for telling us"))


def _form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """The form, blank or with its errors; it keeps its submission id if it has a good one.

    The forms check their own CSRF token (the global check is off for them) so that a form
    which timed out comes back with what the person wrote, not a dead end that loses it.
    """
    if web_form.parse_submission_id(form.submission_id.data) is None:
        form.submission_id.data = web_form.new_submission_id()
    status = returned_form_status(
        form,
        _(
            "Your form has expired, so nothing was saved yet. "
            "Check your answers, then send them again."
        ),
    )
    return render_template(template, form=form, **context), status


def _offer_teams(form: AdultFeedbackForm) -> None:
    """Offer every team, or leave the question out while there are none."""
    teams = public_feedback.team_names()
    if teams:
        form.team.offer(teams)
    else:
        del form.team


def _respond_by(kind: FeedbackKind, received_at: datetime) -> str | None:
    """The Stage 1 date for a complaint received then, as ISO text to keep in the session."""
    due = public_feedback.stage_one_due(
        kind, public_feedback.uk_date(received_at), current_app.config["HOLIDAY_CALENDAR"]
    )
    return due.isoformat() if due else None


def _responder(item: FeedbackItem) -> dict[str, str | None]:
    """Who will respond to a complaint, by name as far as is known, for the confirmation."""
    if item.kind != FeedbackKind.COMPLAINT:
        return {}
    who = complaints.responder(item)
    return {"responder_manager": who.manager, "responder_team": who.team}


def _date(value: str | None) -> date | None:
    """A date kept in the session, back as a date."""
    return date.fromisoformat(value) if value else None


def _link_problem(problem: TokenProblem) -> tuple[str, int]:
    """A page that says kindly why an audit link cannot be used: 410 if it was ours, else 404."""
    titles = {
        TokenProblem.USED: _("This link has already been used"),
        TokenProblem.EXPIRED: _("This link has expired"),
        TokenProblem.UNKNOWN: _("We cannot find this link"),
    }
    status = 404 if problem == TokenProblem.UNKNOWN else 410
    page = render_template(
        "public/audit_link_problem.html",
        title=titles[problem],
        problem=problem.value,
        days=current_app.config["AUDIT_TOKEN_DAYS"],
    )
    return page, status
