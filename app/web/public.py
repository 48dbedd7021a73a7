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
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app import language, sessions
from app.database import utcnow
from app.extensions import csrf, db, limiter
from app.models import FeedbackItem, FeedbackKind
from app.services.complaints import stages
from app.services.intake import audit_invitations, public_feedback, receiving
from app.services.intake.audit_invitations import InvitationUnusable, TokenProblem
from app.services.safeguarding import crisis
from app.services.safeguarding.crisis import Audience
from app.web import equality, errors
from app.web.forms import (
    AdultFeedbackForm,
    AuditFeedbackForm,
    ChildFeedbackForm,
    ChildFollowUpForm,
    returned_form_status,
)
from channels import web_form

bp = Blueprint("public", __name__)

CHILD_SENT = "public.child_sent"
CHILD_MORE = "public.child_more"
ADULT_SENT = "public.adult_sent"
AUDIT_SENT = "public.audit_sent"
# Tokens are 43 characters; anything far longer is not one of ours.
MAX_TOKEN_CHARS = 100
# How long after sending a child may still say who they are on the confirmation page.
FOLLOW_UP_SECONDS = 2 * 3600

limit_posts = limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC"], methods=["POST"])

Page = str | tuple[str, int] | tuple[Response | str, int] | Response


@bp.before_request
def _refuse_unreadable_posts() -> None:
    """Werkzeug drops a form body that is not UTF-8 without a word; say what went wrong rather
    than show a form full of "this is missing" errors for answers the person did give."""
    if request.method == "POST" and request.content_length and not request.form:
        abort(400)


@bp.errorhandler(429)
def _too_many_posts(error: HTTPException) -> Page:
    """Too many posts from one address (a school, a care home, or a spammer): the form comes
    back with everything that was written, and says to send it again in a few minutes."""
    pages: dict[str, tuple[type[FlaskForm], str, str]] = {
        "public.child_form": (ChildFeedbackForm, "public/child_form.html", _("Send us a message")),
        "public.adult_form": (
            AdultFeedbackForm,
            "public/adult_form.html",
            _("Send a complaint, compliment or comment"),
        ),
    }
    if request.method != "POST" or request.endpoint not in pages:
        return errors.http_error(error)
    form_class, template, title = pages[request.endpoint]
    form = form_class()
    if isinstance(form, AdultFeedbackForm):
        _offer_teams(form)
    form.text.errors = [
        _(
            "A lot has been sent from this connection in a short time. Nothing was saved "
            "yet: what you wrote is still here. Wait a few minutes, then send it again."
        )
    ]
    return render_template(template, form=form, title=title), 429


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
        # The rules read the words in the request, so the answer fits what was written.
        safety = crisis.assess(form.text.data, Audience.CHILD)
        message = web_form.child_message(
            form.data, received_at=utcnow(), language=language.current()
        )
        receipt = receiving.receive_message(message)
        details = message.details
        assert details is not None
        session[CHILD_SENT] = {
            "reference": receipt.reference,
            "topic": details.topic,
            "may_contact": details.may_contact,
            "respond_by": _respond_by(FeedbackKind(details.kind), message.received_at),
            "concern": safety.concern,
            "subtypes": list(safety.subtypes),
        }
        # No questions about themselves after someone has told us they are not safe.
        item_id = receipt.feedback_item_id
        if receipt.stored and item_id and not safety.concern and details.topic != "worrying":
            equality.invite(item_id, for_child=True)
        return redirect(url_for(".child_sent"), code=303)
    return _form_page("public/child_form.html", form, title=_("Send us a message"))


@bp.get("/child/sent")
def child_sent() -> Page:
    """The children's confirmation, shown once: help first when the words called for it,
    then the reference and what happens next."""
    sent = session.pop(CHILD_SENT, None)
    if not isinstance(sent, dict):
        return redirect(url_for(".child_form"))
    safety = crisis.restore(bool(sent.get("concern")), sent.get("subtypes") or [], Audience.CHILD)
    follow_up = None
    if (safety.concern or sent.get("topic") == "worrying") and sent.get("reference"):
        follow_up = ChildFollowUpForm(formdata=None)
        follow_up.token.data = _follow_up_token(sent["reference"])
    return render_template(
        "public/child_sent.html",
        title=_("You did the right thing telling us") if safety.concern else _("Message sent"),
        sent=sent,
        safety=safety,
        follow_up=follow_up,
        respond_by=_date(sent.get("respond_by")),
    )


@bp.post("/child/more")
@limit_posts
@csrf.exempt
def child_follow_up() -> Page:
    """A child who told us something worrying says who they are or which school: it joins
    their message's thread."""
    form = ChildFollowUpForm()
    token = sessions.unseal(current_app, form.token.data or "", FOLLOW_UP_SECONDS)
    if token is None:
        return _follow_up_page(form, expired=True)
    if not form.validate_on_submit():
        return _follow_up_page(form)
    receiving.receive_message(
        web_form.child_follow_up(
            form.who.data,
            token["reference"],
            token["id"],
            received_at=utcnow(),
            language=language.current(),
        )
    )
    session[CHILD_MORE] = True
    return redirect(url_for(".child_follow_up_sent"), code=303)


@bp.get("/child/more/sent")
def child_follow_up_sent() -> Page:
    """Thanks for saying who they are; shown once."""
    if not session.pop(CHILD_MORE, None):
        return redirect(url_for(".start"))
    safety = crisis.restore(True, [], Audience.CHILD)
    return render_template(
        "public/child_follow_up_sent.html", title=_("Thank you for telling us"), safety=safety
    )


def _follow_up_token(reference: str) -> str:
    """What the follow-up form carries, sealed: the reference, and the follow-up's own id."""
    return sessions.seal(current_app, {"reference": reference, "id": web_form.new_submission_id()})


def _follow_up_page(form: ChildFollowUpForm, expired: bool = False) -> tuple[str, int]:
    status = returned_form_status(
        form, _("This page has expired, so nothing was saved yet. Write it again and send it.")
    )
    if expired:
        form.who.errors = [
            _("This page has expired. If you still want help, call Childline on 0800 1111.")
        ]
        status = 400
    return render_template(
        "public/child_follow_up.html",
        title=_("Tell us who you are"),
        form=form,
        safety=crisis.restore(True, [], Audience.CHILD),
    ), status


@bp.route("/adult", methods=["GET", "POST"])
@limit_posts
@csrf.exempt
def adult_form() -> Page:
    """The adults' form: shown, checked, and on success stored and confirmed."""
    form = AdultFeedbackForm()
    _offer_teams(form)
    if form.validate_on_submit():
        safety = crisis.assess(form.text.data, Audience.ADULT)
        message = web_form.adult_message(
            form.data, received_at=utcnow(), language=language.current()
        )
        receipt = receiving.receive_message(message)
        details = message.details
        assert details is not None
        kind = FeedbackKind(details.kind)
        session[ADULT_SENT] = {
            "reference": receipt.reference,
            "kind": kind.value,
            "may_contact": details.may_contact,
            "respond_by": _respond_by(kind, message.received_at),
            "concern": safety.concern,
            "subtypes": list(safety.subtypes),
            **_responder(receipt, kind),
        }
        if receipt.stored and receipt.feedback_item_id and not safety.concern:
            equality.invite(receipt.feedback_item_id, for_child=False)
        return redirect(url_for(".adult_sent"), code=303)
    return _form_page(
        "public/adult_form.html", form, title=_("Send a complaint, compliment or comment")
    )


@bp.get("/adult/sent")
def adult_sent() -> Page:
    """The adults' confirmation, shown once: help first when the words called for it, then
    the Stage 1 reply date for a complaint."""
    sent = session.pop(ADULT_SENT, None)
    if not isinstance(sent, dict):
        return redirect(url_for(".adult_form"))
    safety = crisis.restore(bool(sent.get("concern")), sent.get("subtypes") or [], Audience.ADULT)
    titles = {
        "complaint": _("Complaint sent"),
        "compliment": _("Compliment sent"),
        "comment": _("Comment sent"),
    }
    return render_template(
        "public/adult_sent.html",
        title=_("Thank you for telling us")
        if safety.concern
        else titles.get(sent.get("kind", ""), _("Message sent")),
        sent=sent,
        safety=safety,
        respond_by=_date(sent.get("respond_by")),
        respond_within=public_feedback.stage_one_days(),
    )


@bp.get("/hide-your-visit")
def hide_your_visit() -> str:
    """How to leave no trace of a visit on a shared phone or computer, in plain words."""
    return render_template("public/hide_your_visit.html", title=_("Hide your visit"))


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
            receiving.receive_message(
                web_form.audit_message(
                    form.data, token=token, received_at=utcnow(), language=language.current()
                )
            )
        except InvitationUnusable as unusable:
            return _link_problem(unusable.problem)
        session[AUDIT_SENT] = True
        return redirect(url_for(".audit_sent"), code=303)
    try:
        invitation = audit_invitations.find_usable(token)
    except InvitationUnusable as unusable:
        return _link_problem(unusable.problem)
    service = invitation.team.name if invitation.team is not None else None
    return _form_page(
        "public/audit_form.html", form, title=_("Tell us how we did"), service=service
    )


@bp.get("/how-did-we-do/thank-you")
def audit_sent() -> Page:
    """Thanks for audit feedback."""
    if not session.pop(AUDIT_SENT, None):
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
    """Offer every team, or leave the question out while there are none (or while the
    database cannot be reached: the form still works, and what is sent is kept)."""
    try:
        teams = public_feedback.team_names()
    except Exception as error:
        if not receiving.database_unreachable(error):
            raise
        db.session.rollback()
        teams = []
    if teams:
        form.team.offer(teams)
    else:
        del form.team


def _respond_by(kind: FeedbackKind, received_at: datetime) -> str | None:
    """The Stage 1 date for a complaint received then, as ISO text to keep in the session."""
    due = public_feedback.stage_one_due(
        kind, public_feedback.received_on(received_at), current_app.config["NATION"]
    )
    return due.isoformat() if due else None


def _responder(receipt: receiving.Receipt, kind: FeedbackKind) -> dict[str, str | None]:
    """Who will respond to a complaint, by name as far as is known, for the confirmation; not
    known yet for a message kept on disk while the database was down."""
    if kind != FeedbackKind.COMPLAINT or receipt.feedback_item_id is None:
        return {}
    item = db.session.get_one(FeedbackItem, receipt.feedback_item_id)
    who = stages.responder(item)
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
