"""Complaint stage pages for complaints officers and managers: the panel on a complaint's
item page, the forms that move a stage on, what is due this week per team, and the learning
points of closed stages (the response feedback log).

URLs carry stage and team ids only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import (
    COMPLAINTS_ROLES,
    LEADERSHIP_ROLES,
    Channel,
    ComplaintCost,
    ComplaintOutcome,
    ComplaintRemedy,
    ComplaintStage,
    ContactRole,
    CostKind,
    FeedbackItem,
    FeedbackKind,
    LearningPoint,
    NotProgressedReason,
    RemedyKind,
    StaffRole,
    StaffUser,
    Team,
)
from app.services.classification import themes as classification_themes
from app.services.common import Refusal, get_by_id
from app.services.complaints import acknowledgements, kinds, regimes
from app.services.complaints import due as due_list
from app.services.complaints import learning as complaint_learning
from app.services.complaints import owners as default_owners
from app.services.complaints import remedies as complaint_remedies
from app.services.complaints import stages as complaint_stages
from app.services.complaints.stages import ComplaintRuleError, Deadline
from app.services.feedback_list import teams
from app.services.intake import recorded
from app.services.intake.recorded import RecordedComplaint, RecordingRefused
from app.services.safeguarding import alerts
from app.templating import uk_day
from app.web import auth, labels
from app.web.complaint_forms import (
    COST_LABELS,
    NOT_PROGRESSED_LABELS,
    OUTCOME_LABELS,
    REMEDY_LABELS,
    AcknowledgeForm,
    AdvocacyForm,
    CostForm,
    DefaultOwnerForm,
    EscalateForm,
    ExtendForm,
    KindForm,
    LearningDoneForm,
    LearningForm,
    NotProgressedForm,
    OutcomeForm,
    OwnerForm,
    RecordComplaintForm,
    RemedyForm,
    StageDateForm,
)
from app.web.refusals import show_refusal
from app.web.routing import client_ip

bp = Blueprint("complaints", __name__)

StageDateRecorder = Callable[[ComplaintStage, StaffUser, date, str | None], None]

ROLES = COMPLAINTS_ROLES
MANAGER_ROLES = LEADERSHIP_ROLES
LEARNING_ROLES = (*ROLES, StaffRole.LEARNING_TEAM)


@dataclass(frozen=True)
class StagePanel:
    stages: list[ComplaintStage]
    current: ComplaintStage
    deadline: Deadline
    days_left: int
    escalation_closes: date | None
    can_extend: bool
    may_act: bool
    acknowledge_form: AcknowledgeForm
    learning: list[LearningPoint]
    learning_stage: ComplaintStage | None
    may_record_learning: bool
    done_form: LearningDoneForm
    # From the regime in force: the stage's name, whether it is a review panel, when a
    # deadline counts as near, and who comes after the last stage once it has answered.
    stage_name: str
    is_panel: bool
    near_within: int
    next_step: str | None
    acknowledgement_sent: str | None  # the channel it went by, if it went
    needs_letter: bool
    remedies: list[ComplaintRemedy]
    costs: list[ComplaintCost]


def panel_for(item: FeedbackItem) -> StagePanel | None:
    """The stage panel for a complaint's item page; None until its Stage 1 is open (a job
    opens it after the commit that made the item a complaint: reading the page never does)."""
    stages = complaint_stages.stages_of(item)
    if not stages:
        return None
    current = stages[-1]
    regime = regimes.current()
    rule = complaint_stages.rule_of(current)
    return StagePanel(
        stages=stages,
        current=current,
        deadline=complaint_stages.deadline(current),
        days_left=complaint_stages.days_left(current),
        escalation_closes=complaint_stages.escalation_closes(current),
        can_extend=complaint_stages.can_extend(current),
        may_act=current_user.is_authenticated and current_user.role in ROLES,
        acknowledge_form=AcknowledgeForm(),
        learning=complaint_learning.points_of(item),
        learning_stage=next((s for s in reversed(stages) if s.outcome is not None), None),
        may_record_learning=current_user.is_authenticated and current_user.role in LEARNING_ROLES,
        done_form=LearningDoneForm(),
        acknowledgement_sent=_sent_by(item),
        needs_letter=acknowledgements.channel_for(item) == acknowledgements.By.LETTER,
        stage_name=rule.name,
        is_panel=rule.panel is not None,
        near_within=regime.reminder_within_working_days,
        next_step=regime.after_last_stage
        if current.stage == regime.last_stage and current.responded_on is not None
        else None,
        remedies=complaint_remedies.remedies_of(item),
        costs=complaint_remedies.costs_of(item),
    )


def _sent_by(item: FeedbackItem) -> str | None:
    message = acknowledgements.sent(item)
    return message.channel.value if message is not None else None


def template_helpers() -> dict[str, Any]:
    """What the complaint panel include needs on the item page (given by the staff shell)."""
    return {
        "may_handle_complaints": current_user.is_authenticated and current_user.role in ROLES,
        "complaint_panel_for": panel_for,
        "shown_status": complaint_stages.shown_status,
        "may_change_kind": lambda item: (
            current_user.is_authenticated
            and current_user.role in ROLES
            and bool(kinds.kinds_for(item))
        ),
        "outcome_label": lambda value: OUTCOME_LABELS.get(value, value),
        "remedy_label": lambda value: REMEDY_LABELS.get(value, value),
        "cost_label": lambda value: COST_LABELS.get(value, value),
        "not_progressed_label": lambda value: NOT_PROGRESSED_LABELS.get(value, value),
        "pounds": pounds,
        "days_left_text": days_left_text,
        "theme_name": lambda value: classification_themes.taxonomy_themes().get(value, value),
    }


def pounds(amount_pence: int | None) -> str:
    """Whole pence as money: £1,250.50."""
    if amount_pence is None:
        return ""
    return f"£{amount_pence // 100:,}.{amount_pence % 100:02d}"


def days_left_text(days: int) -> str:
    """Working days left, in words."""
    if days == 0:
        return _("Due today")
    if days < 0:
        return _("%(n)d working days overdue", n=-days) if days < -1 else _("1 working day overdue")
    return _("%(n)d working days left", n=days) if days > 1 else _("1 working day left")


def _load(stage_id: int) -> ComplaintStage:
    stage = complaint_stages.load_stage(stage_id)
    if stage is None:
        abort(404)
    return stage


def _to_item(stage: ComplaintStage) -> Response:
    return redirect(url_for("staff.feedback.item", item_id=stage.feedback_item_id))


def _stage_page(stage: ComplaintStage, form: FlaskForm, heading: str) -> str:
    return render_template(
        "staff/complaints/stage_form.html",
        title=heading,
        heading=heading,
        stage=stage,
        form=form,
    )


@bp.post("/stages/<int:stage_id>/acknowledge")
@auth.staff_required(*ROLES)
def acknowledge(stage_id: int) -> Response:
    """Record that the complainant has been told who will respond and by when."""
    stage = _load(stage_id)
    if AcknowledgeForm().validate_on_submit():
        try:
            complaint_stages.acknowledge(stage, current_user, ip=client_ip())
            flash(_("Stage %(n)d is acknowledged.", n=stage.stage), "success")
        except ComplaintRuleError as error:
            flash(str(error), "info")
    return _to_item(stage)


@bp.route("/stages/<int:stage_id>/extend", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def extend(stage_id: int) -> str | Response:
    """Give a stage more time, with a reason."""
    stage = _load(stage_id)
    form = ExtendForm()
    choice = complaint_stages.extension_choice(stage)
    if choice is None:
        del form.working_days
    else:
        form.working_days.description = _extension_hint(stage.stage, *choice)
    if form.validate_on_submit():
        days = form.working_days.data if choice is not None else None
        try:
            due = complaint_stages.extend(stage, current_user, form.reason.data, days, client_ip())
            flash(
                _("Stage %(n)d is now due on %(due)s.", n=stage.stage, due=uk_day(due)), "success"
            )
            return _to_item(stage)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _stage_page(stage, form, _("Extend Stage %(n)d", n=stage.stage))


def _extension_hint(number: int, fewest: int, most: int | None) -> str:
    """What the regime in force allows, for the working days field."""
    if most is None:
        return _(
            "At least %(fewest)d. The rules set no upper limit: tell the complainant why and "
            "by when.",
            fewest=fewest,
        )
    return _(
        "From %(fewest)d to %(most)d: Stage %(n)d can run to at most %(most)d working days",
        fewest=fewest,
        most=most,
        n=number,
    )


@bp.route("/stages/<int:stage_id>/owner", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def owner(stage_id: int) -> str | Response:
    """Choose the team and manager who must respond."""
    stage = _load(stage_id)
    form = OwnerForm(team=str(stage.team_id or ""), manager=str(stage.manager_id or ""))
    form.set_choices(teams(), complaint_stages.owners())
    if form.validate_on_submit():
        team = db.session.get(Team, int(form.team.data)) if form.team.data else None
        manager = db.session.get(StaffUser, int(form.manager.data)) if form.manager.data else None
        try:
            complaint_stages.set_owner(stage, current_user, team, manager, client_ip())
            flash(_("The owner of Stage %(n)d is saved.", n=stage.stage), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _stage_page(stage, form, _("Who responds to Stage %(n)d", n=stage.stage))


@bp.route("/stages/<int:stage_id>/outcome", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def outcome(stage_id: int) -> str | Response:
    """Record the stage's response and outcome."""
    stage = _load(stage_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            complaint_stages.record_outcome(
                stage,
                current_user,
                ComplaintOutcome(form.outcome.data),
                form.reason.data,
                form.responded_on.data,
                client_ip(),
            )
            flash(_("The outcome of Stage %(n)d is recorded.", n=stage.stage), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _stage_page(stage, form, _("Record the outcome of Stage %(n)d", n=stage.stage))


@bp.route("/stages/<int:stage_id>/remedy", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def remedy(stage_id: int) -> str | Response:
    """Record what the stage's response did to put things right."""
    stage = _load(stage_id)
    form = RemedyForm()
    if form.validate_on_submit():
        try:
            complaint_remedies.record_remedy(
                stage,
                current_user,
                RemedyKind(form.kind.data),
                complaint_remedies.pence(form.amount.data),
                form.note.data,
                client_ip(),
            )
            flash(_("The remedy is recorded."), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, str(error)]
    return _stage_page(stage, form, _("Record a remedy at Stage %(n)d", n=stage.stage))


@bp.route("/stages/<int:stage_id>/cost", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def cost(stage_id: int) -> str | Response:
    """Record what an independent investigator or independent person cost (Stages 2 and 3)."""
    stage = _load(stage_id)
    if stage.stage not in complaint_remedies.COSTED_STAGES:
        abort(404)
    form = CostForm()
    if form.validate_on_submit():
        try:
            complaint_remedies.record_cost(
                stage,
                current_user,
                CostKind(form.kind.data),
                complaint_remedies.pence(form.amount.data),
                form.incurred_on.data,
                form.note.data,
                client_ip(),
            )
            flash(_("The cost is recorded."), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, str(error)]
    return _stage_page(stage, form, _("Record a cost of Stage %(n)d", n=stage.stage))


@bp.route("/stages/<int:stage_id>/advocacy", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def advocacy(stage_id: int) -> str | Response:
    """Record whether the complainant was offered an advocate and took one up."""
    stage = _load(stage_id)
    item = stage.feedback_item
    answers = {True: "yes", False: "no", None: "unknown"}
    form = AdvocacyForm(
        offered=None if item.advocacy_offered is None else answers[item.advocacy_offered],
        taken_up=None if item.advocacy_offered is None else answers[item.advocacy_taken_up],
    )
    if form.validate_on_submit():
        taken = {"yes": True, "no": False}.get(form.taken_up.data)
        complaint_remedies.record_advocacy(
            stage, current_user, form.offered.data == "yes", taken, client_ip()
        )
        flash(_("Advocacy is recorded."), "success")
        return _to_item(stage)
    return _stage_page(stage, form, _("Advocacy"))


@bp.route("/stages/<int:stage_id>/not-progressed", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def not_progressed(stage_id: int) -> str | Response:
    """Record a request for the next stage that did not go ahead, and why."""
    stage = _load(stage_id)
    form = NotProgressedForm()
    if form.validate_on_submit():
        try:
            complaint_remedies.record_not_progressed(
                stage,
                current_user,
                form.requested_on.data,
                NotProgressedReason(form.reason.data),
                client_ip(),
            )
            flash(_("Saved: Stage %(n)d did not go ahead.", n=stage.stage + 1), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _stage_page(
        stage, form, _("Stage %(n)d was asked for but did not go ahead", n=stage.stage + 1)
    )


@bp.route("/stages/<int:stage_id>/escalate", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def escalate(stage_id: int) -> str | Response:
    """Open the next stage at the complainant's request."""
    stage = _load(stage_id)
    form = EscalateForm()
    if form.validate_on_submit():
        try:
            following = complaint_stages.escalate(
                stage, current_user, form.requested_on.data, client_ip()
            )
            flash(
                _(
                    "Stage %(n)d is open, due on %(due)s.",
                    n=following.stage,
                    due=uk_day(following.due_on),
                ),
                "success",
            )
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _stage_page(stage, form, _("Escalate to Stage %(n)d", n=stage.stage + 1))


@bp.route("/stages/<int:stage_id>/panel", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def panel(stage_id: int) -> str | Response:
    """Stage 3: record the date the review panel met."""
    return _stage_three_date(stage_id, complaint_stages.record_panel, _("When did the panel meet?"))


@bp.route("/stages/<int:stage_id>/recommendations", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def recommendations(stage_id: int) -> str | Response:
    """Stage 3: record the date the panel's recommendations arrived."""
    return _stage_three_date(
        stage_id, complaint_stages.record_recommendations, _("When did the recommendations arrive?")
    )


def _stage_three_date(stage_id: int, record: StageDateRecorder, heading: str) -> str | Response:
    stage = _load(stage_id)
    form = StageDateForm()
    if form.validate_on_submit():
        try:
            record(stage, current_user, form.on.data, client_ip())
            flash(_("Saved."), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _stage_page(stage, form, heading)


@bp.route("/items/<int:item_id>/kind", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def change_kind(item_id: int) -> str | Response:
    """Make a comment a complaint (its clock starts from its first message), or record a
    complaint as withdrawn and keep it as a comment; with a reason, audited."""
    item = get_by_id(FeedbackItem, item_id)
    if item is None:
        abort(404)
    options = kinds.kinds_for(item)
    if not options:
        flash(_("Audit feedback keeps its kind."), "info")
        return redirect(url_for("staff.feedback.item", item_id=item.id))
    form = KindForm()
    form.set_choices([(k.value, _kind_choice(k)) for k in options])
    if form.validate_on_submit():
        try:
            kinds.change_kind(
                item, current_user, FeedbackKind(form.kind.data), form.reason.data, client_ip()
            )
            flash(
                _(
                    "It is now a %(kind)s.",
                    kind=labels.label(labels.KIND_LABELS, item.kind).lower(),
                ),
                "success",
            )
            return redirect(url_for("staff.feedback.item", item_id=item.id))
        except ComplaintRuleError as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_template(
        "staff/complaints/item_form.html",
        title=_("Change what kind of feedback this is"),
        heading=_("Change what kind of feedback this is"),
        item=item,
        form=form,
        lead=_(
            "A complaint's clock starts from the day its first message was received, not "
            "from today."
        ),
    )


def _kind_choice(kind: FeedbackKind) -> str:
    if kind == FeedbackKind.COMMENT:
        return _("A comment: the complaint is withdrawn")
    return str(labels.label(labels.KIND_LABELS, kind.value))


@bp.route("/record", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def record() -> str | Response:
    """Record a complaint that came by phone, letter, in person or through an advocate."""
    form = RecordComplaintForm()
    form.set_choices(
        {c.value: labels.label(labels.CHANNEL_LABELS, c.value) for c in recorded.RECORDED_CHANNELS},
        {r.value: labels.label(labels.CONTACT_ROLE_LABELS, r.value) for r in ContactRole},
        teams(),
    )
    if form.validate_on_submit():
        complaint = RecordedComplaint(
            how=Channel(form.how.data),
            received_on=form.received_on.data or complaint_stages.today(),
            contact_role=ContactRole(form.contact_role.data),
            text=form.text.data,
            name=form.name.data,
            phone=form.phone.data,
            email=form.email.data,
            postal_address=form.postal_address.data,
            team=form.team.data,
        )
        try:
            result = recorded.record(complaint, current_user, client_ip())
            flash(
                _("The complaint is recorded as %(ref)s.", ref=result.feedback_item.reference),
                "success",
            )
            return redirect(url_for("staff.feedback.item", item_id=result.feedback_item_id))
        except RecordingRefused as error:
            field = form[error.field]
            field.errors = [*field.errors, str(error)]
    return render_template(
        "staff/complaints/item_form.html",
        title=_("Record a complaint"),
        heading=_("Record a complaint received by phone, letter, in person or through an advocate"),
        item=None,
        form=form,
        lead=None,
    )


def _team_filter() -> int | None:
    value = request.args.get("team", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@dataclass(frozen=True)
class DueQuery:
    """The due list's filters as asked for, and the errors found in them."""

    team: str
    owner: str
    filters: due_list.DueFilters
    errors: dict[str, str]


def _due_query(team_ids: set[int], owner_ids: set[int]) -> DueQuery:
    """Read the team and owner filters from the query string; an unknown value is an error,
    never a silent "all"."""
    team = request.args.get("team", "")[:20]
    owner = request.args.get("owner", "")[:20]
    errors: dict[str, str] = {}
    team_id = _known_id(team, team_ids)
    if team and team_id is None:
        errors["team"] = _("Choose a team from the list")
    owner_id = _known_id(owner, owner_ids)
    unowned = owner == due_list.OwnerFilter.NOBODY
    if owner and owner_id is None and not unowned:
        errors["owner"] = _("Choose an owner from the list")
    return DueQuery(team, owner, due_list.DueFilters(team_id, owner_id, unowned), errors)


def _known_id(value: str, known: set[int]) -> int | None:
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        return None
    return int(value) if int(value) in known else None


@bp.get("/due")
@auth.staff_required(*ROLES)
def due() -> str | tuple[str, int]:
    """The officer's home: what is due by the end of this week across every team, soonest
    first, and what is overdue, oldest first; filtered by team and owner."""
    all_teams = teams()
    owners = complaint_stages.owners()
    asked = _due_query({t.id for t in all_teams}, {o.id for o in owners})
    today = complaint_stages.today()
    week = (
        due_list.DueWeek(today, due_list.week_ends(today), [], [])
        if asked.errors
        else due_list.due_this_week(
            today, asked.filters, _page_number("page"), _page_number("overdue_page")
        )
    )
    item_ids = [r.item.id for r in week.due + week.overdue]
    restricted = alerts.restricted_for(current_user, item_ids)
    page = render_template(
        "staff/complaints/due.html",
        title=_("Complaints due this week"),
        week=week,
        restricted=restricted,
        reviewers=alerts.reviewers_of(restricted),
        asked=asked,
        teams=all_teams,
        owners=owners,
        owner_ids={o.id for o in owners},
        due_url=_due_url,
    )
    return (page, 400) if asked.errors else page


def _page_number(name: str) -> int:
    """A page asked for; anything that is not a small whole number means page 1."""
    value = request.args.get(name, "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


def _due_url(**changes: object) -> str:
    """The due list's address with some of its filters or pages changed (None drops one)."""
    kept = {k: v for k, v in request.args.items() if k in {"team", "owner", "page", "overdue_page"}}
    kept.update({k: str(v) for k, v in changes.items() if v is not None})
    for name in [k for k, v in changes.items() if v is None]:
        kept.pop(name, None)
    values: dict[str, Any] = {k: v for k, v in kept.items() if v}
    return url_for("staff.complaints.due", **values)


@bp.route("/stages/<int:stage_id>/learning", methods=["GET", "POST"])
@auth.staff_required(*LEARNING_ROLES)
def learning(stage_id: int) -> str | Response:
    """Record what a closed stage taught, and the action that follows."""
    stage = _load(stage_id)
    if stage.outcome is None:
        flash(_("Record the stage's outcome before its learning points."), "info")
        return _to_item(stage)
    form = LearningForm(
        themes=complaint_learning.default_themes(stage.feedback_item),
        team=str(stage.team_id or stage.feedback_item.team_id or ""),
    )
    return _learning_page(
        stage,
        form,
        partial(complaint_learning.record, stage),
        _("The learning point is saved."),
        _("Record a learning point from Stage %(n)d", n=stage.stage),
    )


@bp.route("/learning/<int:point_id>/change", methods=["GET", "POST"])
@auth.staff_required(*LEARNING_ROLES)
def learning_change(point_id: int) -> str | Response:
    """Change a learning point: a lesson said better, an owner who has moved on, a new date."""
    point = complaint_learning.load(point_id)
    if point is None:
        abort(404)
    stage = db.session.get_one(ComplaintStage, point.stage_id)
    form = LearningForm(
        lesson=point.lesson,
        action=point.action,
        intended_outcome=point.intended_outcome,
        progress_update=point.progress_update,
        owner=str(point.owner_id or ""),
        due_on=point.due_on,
        themes=point.themes,
        team=str(point.team_id or ""),
    )
    return _learning_page(
        stage,
        form,
        partial(complaint_learning.amend, point),
        _("The learning point is changed."),
        _("Change a learning point from Stage %(n)d", n=stage.stage),
    )


def _learning_page(
    stage: ComplaintStage,
    form: LearningForm,
    save: Callable[..., object],
    saved: str,
    heading: str,
) -> str | Response:
    """The learning point form: on a valid post, `save` it under the service's rules."""
    form.set_choices(
        classification_themes.taxonomy_themes(), teams(), complaint_learning.action_owners()
    )
    if form.validate_on_submit():
        team = db.session.get(Team, int(form.team.data)) if form.team.data else None
        owner = db.session.get(StaffUser, int(form.owner.data)) if form.owner.data else None
        try:
            save(
                current_user,
                form.lesson.data,
                form.action.data,
                owner,
                form.due_on.data,
                form.themes.data,
                team,
                client_ip(),
                intended_outcome=form.intended_outcome.data,
                progress_update=form.progress_update.data,
            )
            flash(saved, "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            show_refusal(form, error)
    return _stage_page(stage, form, heading)


@bp.post("/learning/<int:point_id>/done")
@auth.staff_required(*LEARNING_ROLES)
def learning_done(point_id: int) -> Response:
    """Mark a learning point's action as done today."""
    point = complaint_learning.load(point_id)
    if point is None:
        abort(404)
    if LearningDoneForm().validate_on_submit():
        try:
            complaint_learning.mark_done(point, current_user, ip=client_ip())
            flash(_("The action is marked as done."), "success")
        except ComplaintRuleError as error:
            flash(str(error), "info")
    if request.form.get("next") == "log":
        return redirect(url_for(".learning_log", team=point.team_id))
    return redirect(url_for("staff.feedback.item", item_id=point.feedback_item_id))


# A page number beyond this is taken as this: an offset the database can still skip quickly.
MAX_LOG_PAGE = 10_000


@bp.get("/learning")
@auth.staff_required(*LEARNING_ROLES)
def learning_log() -> str:
    """The response feedback log: learning points and actions per team."""
    team_id = _team_filter()
    open_only = request.args.get("open") == "1"
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_LOG_PAGE)
    found = complaint_learning.log_page(team_id, open_only, page)
    points = found.points
    return render_template(
        "staff/complaints/learning.html",
        title=_("Learning from complaints"),
        points=points,
        log=found,
        restricted=alerts.restricted_for(current_user, {p.feedback_item_id for p in points}),
        team_id=team_id,
        open_only=open_only,
        teams=teams(),
        done_form=LearningDoneForm(),
        today=complaint_stages.today(),
    )


@bp.get("/owners")
@auth.staff_required(*ROLES)
def default_owners_page() -> str:
    """Each team's default owner of new complaints; managers change them."""
    return render_template(
        "staff/complaints/owners.html",
        title=_("Who owns new complaints"),
        rows=default_owners.teams_with_owners(),
        may_change=current_user.role in MANAGER_ROLES,
        may_own=default_owners.may_own,
    )


@bp.route("/owners/<int:team_id>", methods=["GET", "POST"])
@auth.staff_required(*MANAGER_ROLES)
def default_owner(team_id: int) -> str | Response:
    """Choose who owns new complaints about one team."""
    team = get_by_id(Team, team_id)
    if team is None:
        abort(404)
    form = DefaultOwnerForm(owner=str(team.default_owner_id or ""))
    form.set_choices(complaint_stages.owners())
    if form.validate_on_submit():
        owner = get_by_id(StaffUser, int(form.owner.data)) if form.owner.data else None
        try:
            default_owners.set_default_owner(team, owner, current_user, client_ip())
            flash(
                _("The default owner for %(team)s is saved.", team=team.name),
                "success",
            )
            return redirect(url_for(".default_owners_page"))
        except Refusal as error:
            db.session.rollback()
            show_refusal(form, error)
    return render_template(
        "staff/complaints/owner_form.html",
        title=_("Who owns new complaints about %(team)s", team=team.name),
        team=team,
        form=form,
    )


@bp.get("/stages/<int:stage_id>/letter")
@auth.staff_required(*ROLES)
def letter(stage_id: int) -> str:
    """The acknowledgement letter to print and post, for someone with no email or mobile."""
    stage = _load(stage_id)
    item = stage.feedback_item
    if alerts.restricted_for(current_user, [item.id]):
        abort(403)
    contact = item.contact
    who = complaint_stages.responder_words(complaint_stages.responder(item))
    return render_template(
        "staff/complaints/letter.html",
        title=_("Acknowledgement letter"),
        stage=stage,
        name=contact.name if contact else None,
        address=contact.postal_address if contact else None,
        lines=acknowledgements.letter_lines(item.reference, who, stage.due_on),
        today=complaint_stages.today(),
    )
