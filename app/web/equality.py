"""Equality monitoring pages: the optional questions after a submission, and the staff page
for the service-user population the answers are set beside.

The submission the answers belong to is known from the signed session only, put there when
the form was sent; nothing in a URL says who answered or for which message.
"""

from typing import Any

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
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.extensions import csrf, limiter
from app.models import POPULATION_ROLES
from app.services.reports import equality
from app.services.reports.equality import AlreadyAnswered, PopulationError, Unit
from app.services.reports.equality_questions import BY_COLUMN, CHILD, QUESTIONS, Question, asked
from app.web import auth
from app.web.equality_forms import (
    FIELD_PREFIX,
    PopulationForm,
    about_you_form,
    population_form,
    radio_groups,
)
from app.web.forms import returned_form_status
from app.web.refusals import show_refusal

bp = Blueprint("equality", __name__)
staff_bp = Blueprint("equality", __name__)

INVITED = "equality_item"
THANKED = "equality_thanked"
# Six radio answers and a token fit in well under 1 KiB; nothing bigger is an answer.
MAX_ANSWER_BYTES = 4096

limit_posts = limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC"], methods=["POST"])

Page = str | tuple[str, int] | Response


def invite(feedback_item_id: int, for_child: bool) -> None:
    """Offer the questions for a submission just stored, in this session only."""
    session[INVITED] = {"id": feedback_item_id, "child": for_child}


def _invitation() -> dict[str, Any] | None:
    """The submission this session may answer for, if it still may."""
    invited = session.get(INVITED)
    if not isinstance(invited, dict) or not isinstance(invited.get("id"), int):
        return None
    return invited


@bp.app_context_processor
def _invitation_helpers() -> dict[str, Any]:
    """Lets a confirmation page offer the questions while they can still be answered."""
    return {"equality_invited": lambda: _invitation() is not None}


@bp.before_request
def _refuse_oversized_or_unreadable_posts() -> None:
    if request.method != "POST":
        return
    if (request.content_length or 0) > MAX_ANSWER_BYTES:
        abort(413)
    if request.content_length and not request.form:
        abort(400)


@bp.route("/about-you", methods=["GET", "POST"])
@limit_posts
@csrf.exempt
def about_you() -> Page:
    """The optional questions; answers are stored against the submission in the session."""
    invited = _invitation()
    if invited is None:
        status = 400 if request.method == "POST" else 200
        return render_template(
            "public/about_you_nothing.html", title=_("No questions to answer")
        ), status
    for_child = bool(invited.get("child"))
    form = about_you_form(for_child)
    if form.validate_on_submit():
        answers = {question.column: form[question.column].data for question in asked(for_child)}
        try:
            saved = equality.record_answers(invited["id"], answers)
        except AlreadyAnswered:
            saved = True
        session.pop(INVITED, None)
        session[THANKED] = {"child": for_child, "saved": saved}
        return redirect(url_for(".thanks"), code=303)
    return _questions_page(form, for_child)


@bp.get("/about-you/thank-you")
def thanks() -> Page:
    """Thanks for answering, or for looking."""
    thanked = session.get(THANKED)
    if not isinstance(thanked, dict):
        return redirect(url_for("public.start"))
    return render_template(
        "public/about_you_thanks.html",
        title=_("Thank you"),
        for_child=bool(thanked.get("child")),
        saved=bool(thanked.get("saved")),
    )


def _questions_page(form: FlaskForm, for_child: bool) -> tuple[str, int]:
    """The questions, blank or with their errors. Like the other public forms, this one checks
    its own CSRF token, so an expired page comes back with the answers chosen."""
    status = returned_form_status(
        form,
        _(
            "This page has expired, so nothing was saved yet. "
            "Check your answers, then send them again."
        ),
    )
    questions = asked(for_child)
    first_about_child = next((q for q in questions if q.about == CHILD), None)
    shown = [
        {
            "field": form[question.column],
            "groups": radio_groups(question, form[question.column], for_child),
            "child_heading": question is first_about_child,
        }
        for question in questions
    ]
    page = render_template(
        "public/about_you.html",
        title=_("Questions about you") if for_child else _("Equality monitoring questions"),
        form=form,
        asked=shown,
        for_child=for_child,
    )
    return page, status


@staff_bp.route("/population", methods=["GET", "POST"])
@auth.staff_required(*POPULATION_ROLES)
def population() -> str | Response:
    """The service-user population for one question, as percentages or numbers of people."""
    question = BY_COLUMN.get(request.args.get("question") or QUESTIONS[0].column)
    if question is None:
        abort(404)
    form = population_form(question)
    if request.method == "GET":
        _fill(form, question)
    elif form.validate_on_submit():
        try:
            equality.set_population(
                question, form.figures(), Unit(form.unit.data), current_user, request.remote_addr
            )
        except PopulationError as error:
            show_refusal(form, error, form[FIELD_PREFIX + question.options[0].code])
        else:
            flash(
                _("The population for %(question)s is saved.", question=question.title), "success"
            )
            return redirect(url_for(".population", question=question.column))
    return render_template(
        "staff/equality/population.html",
        title=_("Service-user population"),
        form=form,
        question=question,
        questions=QUESTIONS,
        set_for=equality.populated_questions(),
    )


def _fill(form: PopulationForm, question: Question) -> None:
    """The figures as stored, as percentages."""
    form.unit.data = Unit.PERCENT.value
    for option, percent in equality.population(question).items():
        form[FIELD_PREFIX + option].data = f"{percent.normalize():f}"
