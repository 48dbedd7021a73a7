"""Complaint stage pages for complaints officers and managers: the panel on a complaint's
item page, the forms that move a stage on, what is due this week per team, and the learning
points of closed stages (the response feedback log).

URLs carry stage and team ids only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import (
    ComplaintCost,
    ComplaintOutcome,
    ComplaintRemedy,
    ComplaintStage,
    CostKind,
    FeedbackItem,
    LearningPoint,
    NotProgressedReason,
    RemedyKind,
    StaffRole,
    StaffUser,
    Team,
)
from app.services.classification import themes as classification_themes
from app.services.complaints import correspondence
from app.services.complaints import learning as complaint_learning
from app.services.complaints import remedies as complaint_remedies
from app.services.complaints import stages as complaint_stages
from app.services.complaints.stages import ComplaintRuleError, Deadline
from app.services.feedback_list import teams
from app.services.safeguarding import alerts
from app.web import auth, staff
from app.web.complaint_forms import (
    COST_LABELS,
    NOT_PROGRESSED_LABELS,
    OUTCOME_LABELS,
    REMEDY_LABELS,
    AcknowledgeForm,
    AdvocacyForm,
    CostForm,
    EscalateForm,
    ExtendForm,
    LearningDoneForm,
    LearningForm,
    NotProgressedForm,
    OutcomeForm,
    OwnerForm,
    RemedyForm,
    StageDateForm,
)

bp = Blueprint("complaints", __name__)
bp.context_processor(staff._staff_globals)

StageDateRecorder = Callable[[ComplaintStage, StaffUser, date, str | None], None]

ROLES = (StaffRole.COMPLAINTS_OFFICER, StaffRole.MANAGER, StaffRole.ADMIN)
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
    remedies: list[ComplaintRemedy]
    costs: list[ComplaintCost]


def panel_for(item: FeedbackItem) -> StagePanel | None:
    """The stage panel for a complaint's item page; opens Stage 1 if nobody has yet."""
    if complaint_stages.open_stage_one(item) is None:
        return None
    stages = complaint_stages.stages_of(item)
    current = stages[-1]
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
        remedies=complaint_remedies.remedies_of(item),
        costs=complaint_remedies.costs_of(item),
    )


@bp.app_context_processor
def _complaint_helpers() -> dict[str, Any]:
    """What the complaint panel include needs on the item page."""
    return {
        "complaint_panel_for": panel_for,
        "outcome_label": lambda value: OUTCOME_LABELS.get(value, value),
        "remedy_label": lambda value: REMEDY_LABELS.get(value, value),
        "cost_label": lambda value: COST_LABELS.get(value, value),
        "not_progressed_label": lambda value: NOT_PROGRESSED_LABELS.get(value, value),
        "pounds": pounds,
        "days_left_text": days_left_text,
        "theme_name": lambda value: classification_themes.taxonomy_themes().get(value, value),
    }


@bp.app_template_filter("uk_day")
def uk_day(value: date | None) -> str:
    """A date as people in the UK write it: 7 January 2026."""
    return f"{value.day} {value:%B %Y}" if value else ""


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
    return redirect(url_for("staff.item", item_id=stage.feedback_item_id))


def _stage_page(stage: ComplaintStage, form: FlaskForm, heading: str) -> str:
    return render_template(
        "staff/complaints/stage_form.html",
        title=heading,
        heading=heading,
        stage=stage,
        form=form,
    )


def _refused(form: FlaskForm, error: ComplaintRuleError) -> None:
    """Show a rule the regulations enforce as an error on the form's first field."""
    first = next(iter(form))
    first.errors = [*first.errors, str(error)]


@bp.post("/stages/<int:stage_id>/acknowledge")
@auth.staff_required(*ROLES)
def acknowledge(stage_id: int) -> Response:
    """Record that the complainant has been told who will respond and by when."""
    stage = _load(stage_id)
    if AcknowledgeForm().validate_on_submit():
        try:
            complaint_stages.acknowledge(stage, current_user, ip=request.remote_addr)
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
    if stage.stage != 2:
        del form.working_days
    if form.validate_on_submit():
        days = form.working_days.data if stage.stage == 2 else None
        try:
            due = complaint_stages.extend(
                stage, current_user, form.reason.data, days, request.remote_addr
            )
            flash(
                _("Stage %(n)d is now due on %(due)s.", n=stage.stage, due=uk_day(due)), "success"
            )
            return _to_item(stage)
        except ComplaintRuleError as error:
            _refused(form, error)
    return _stage_page(stage, form, _("Extend Stage %(n)d", n=stage.stage))


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
            complaint_stages.set_owner(stage, current_user, team, manager, request.remote_addr)
            flash(_("The owner of Stage %(n)d is saved.", n=stage.stage), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            _refused(form, error)
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
                request.remote_addr,
            )
            flash(_("The outcome of Stage %(n)d is recorded.", n=stage.stage), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            _refused(form, error)
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
                request.remote_addr,
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
                request.remote_addr,
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
            stage, current_user, form.offered.data == "yes", taken, request.remote_addr
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
                request.remote_addr,
            )
            flash(_("Saved: Stage %(n)d did not go ahead.", n=stage.stage + 1), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            _refused(form, error)
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
                stage, current_user, form.requested_on.data, request.remote_addr
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
            _refused(form, error)
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
            record(stage, current_user, form.on.data, request.remote_addr)
            flash(_("Saved."), "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            _refused(form, error)
    return _stage_page(stage, form, heading)


def _team_filter() -> int | None:
    value = request.args.get("team", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.get("/due")
@auth.staff_required(*ROLES)
def due() -> str:
    """Open stages due by the end of this week, overdue ones first, grouped by team, and the
    MP and councillor enquiries due by then."""
    today = complaint_stages.today()
    week_ends = today + timedelta(days=6 - today.weekday())
    team_id = _team_filter()
    stages = complaint_stages.due_by(week_ends, team_id)
    rows = [(s, complaint_stages.deadline(s), complaint_stages.days_left(s, today)) for s in stages]
    by_team = groupby(
        sorted(rows, key=lambda r: (r[0].team.name if r[0].team else "", r[1].due)),
        key=lambda r: r[0].team,
    )
    enquiries = [
        (e, correspondence.enquiry_owner(e), correspondence.member_days_left(e, today))
        for e in correspondence.enquiries_due_by(week_ends, team_id)
    ]
    item_ids = [s.feedback_item_id for s in stages] + [
        e.feedback_item_id for e, _o, _d in enquiries
    ]
    return render_template(
        "staff/complaints/due.html",
        title=_("Complaints due this week"),
        groups=[(team, list(group)) for team, group in by_team],
        enquiries=enquiries,
        restricted=alerts.restricted_for(current_user, item_ids),
        week_ends=week_ends,
        team_id=team_id,
        teams=teams(),
    )


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
                request.remote_addr,
                intended_outcome=form.intended_outcome.data,
                progress_update=form.progress_update.data,
            )
            flash(saved, "success")
            return _to_item(stage)
        except ComplaintRuleError as error:
            db.session.rollback()
            _refused(form, error)
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
            complaint_learning.mark_done(point, current_user, ip=request.remote_addr)
            flash(_("The action is marked as done."), "success")
        except ComplaintRuleError as error:
            flash(str(error), "info")
    if request.form.get("next") == "log":
        return redirect(url_for(".learning_log", team=point.team_id))
    return redirect(url_for("staff.item", item_id=point.feedback_item_id))


@bp.get("/learning")
@auth.staff_required(*LEARNING_ROLES)
def learning_log() -> str:
    """The response feedback log: learning points and actions per team."""
    team_id = _team_filter()
    open_only = request.args.get("open") == "1"
    points = complaint_learning.log(team_id, open_only)
    return render_template(
        "staff/complaints/learning.html",
        title=_("Learning from complaints"),
        points=points,
        restricted=alerts.restricted_for(current_user, {p.feedback_item_id for p in points}),
        team_id=team_id,
        open_only=open_only,
        teams=teams(),
        done_form=LearningDoneForm(),
        today=complaint_stages.today(),
    )
