"""Correspondence on an item page: MP and councillor enquiries and their 10 working-day clock,
Ombudsman referrals and findings, and compliments credited to a team or worker.

URLs carry item and enquiry ids only.
"""

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import ElectedMember, FeedbackItem, FeedbackKind, OmbudsmanFinding, Team
from app.services.common import uk_date
from app.services.complaints import correspondence
from app.services.complaints.stages import ComplaintRuleError
from app.services.feedback_list import teams
from app.templating import uk_day
from app.web import auth
from app.web.complaints import ROLES
from app.web.correspondence_forms import (
    FINDING_LABELS,
    ComplimentCreditForm,
    ConfirmCreditForm,
    MemberEnquiryForm,
    MemberResponseForm,
    OmbudsmanForm,
)
from app.web.refusals import show_refusal

bp = Blueprint("correspondence", __name__)


@dataclass(frozen=True)
class CorrespondencePanel:
    item: FeedbackItem
    recorded: correspondence.Correspondence
    member_days_left: int | None
    may_act: bool
    confirm_credit_form: ConfirmCreditForm | None = None


def panel_for(item: FeedbackItem) -> CorrespondencePanel:
    """What the correspondence include shows on an item page."""
    recorded = correspondence.of(item)
    enquiry = recorded.enquiry
    may_act = current_user.is_authenticated and current_user.role in ROLES
    return CorrespondencePanel(
        item=item,
        recorded=recorded,
        member_days_left=(
            correspondence.member_days_left(enquiry)
            if enquiry and enquiry.responded_on is None
            else None
        ),
        may_act=may_act,
        confirm_credit_form=ConfirmCreditForm() if may_act and recorded.suggested_team else None,
    )


def template_helpers() -> dict[str, Any]:
    """What the correspondence include needs on the item page (given by the staff shell)."""
    return {
        "correspondence_panel_for": panel_for,
        "finding_label": lambda value: FINDING_LABELS.get(value, value),
    }


def _item(item_id: int) -> FeedbackItem:
    item = db.session.get(FeedbackItem, item_id)
    if item is None:
        abort(404)
    return item


def _to_item(item_id: int) -> Response:
    return redirect(url_for("staff.feedback.item", item_id=item_id))


def _page(item: FeedbackItem, form: FlaskForm, heading: str) -> str:
    return render_template(
        "staff/correspondence/form.html", title=heading, heading=heading, item=item, form=form
    )


@bp.route("/items/<int:item_id>/member-enquiry", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def member_enquiry(item_id: int) -> str | Response:
    """Count an item as an MP's or councillor's enquiry and start its clock."""
    item = _item(item_id)
    suggested = correspondence.suggested_member(item)
    form = MemberEnquiryForm(member=suggested.value if suggested else None)
    if request.method == "GET":
        form.received_on.data = uk_date(item.created_at)
    if form.validate_on_submit():
        try:
            enquiry = correspondence.record_member_enquiry(
                item,
                current_user,
                ElectedMember(form.member.data),
                form.received_on.data,
                request.remote_addr,
            )
            flash(_("The reply is due by %(day)s.", day=uk_day(enquiry.due_on)), "success")
            return _to_item(item.id)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _page(item, form, _("Record an MP's or councillor's enquiry"))


@bp.route("/enquiries/<int:enquiry_id>/response", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def member_response(enquiry_id: int) -> str | Response:
    """Record the reply to an MP's or councillor's enquiry."""
    enquiry = correspondence.load_enquiry(enquiry_id)
    if enquiry is None:
        abort(404)
    form = MemberResponseForm()
    if form.validate_on_submit():
        try:
            correspondence.record_member_response(
                enquiry, current_user, form.responded_on.data, request.remote_addr
            )
            flash(_("The reply is recorded."), "success")
            return _to_item(enquiry.feedback_item_id)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _page(enquiry.feedback_item, form, _("Record the reply to the enquiry"))


@bp.route("/items/<int:item_id>/ombudsman", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def ombudsman(item_id: int) -> str | Response:
    """Record a complaint's referral to the Ombudsman and, later, the finding."""
    item = _item(item_id)
    if item.kind != FeedbackKind.COMPLAINT:
        abort(404)
    existing = correspondence.of(item).referral
    form = OmbudsmanForm(obj=existing) if existing else OmbudsmanForm()
    if request.method == "GET" and existing:
        form.reference.data = existing.ombudsman_reference
        form.finding.data = existing.finding.value if existing.finding else ""
    if form.validate_on_submit():
        try:
            correspondence.save_ombudsman_referral(
                item,
                current_user,
                form.referred_on.data,
                form.reference.data,
                OmbudsmanFinding(form.finding.data) if form.finding.data else None,
                form.finding_on.data,
                form.remedy.data,
                request.remote_addr,
            )
            flash(_("The Ombudsman referral is saved."), "success")
            return _to_item(item.id)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _page(item, form, _("Ombudsman referral"))


@bp.post("/items/<int:item_id>/credit/confirm")
@auth.staff_required(*ROLES)
def confirm_credit(item_id: int) -> Response:
    """Credit a compliment to the team suggested for it (its own), in one click; audited."""
    item = _item(item_id)
    if item.kind != FeedbackKind.COMPLIMENT:
        abort(404)
    if not ConfirmCreditForm().validate_on_submit():
        abort(400)
    try:
        credit = correspondence.confirm_suggested_credit(item, current_user, request.remote_addr)
        flash(_("The compliment is credited to %(team)s.", team=credit.team.name), "success")
    except ComplaintRuleError:
        db.session.rollback()
        flash(_("There is no team to confirm for this compliment: choose one."), "error")
        return redirect(url_for("staff.correspondence.credit", item_id=item.id))
    db.session.commit()
    return _to_item(item.id)


@bp.route("/items/<int:item_id>/credit", methods=["GET", "POST"])
@auth.staff_required(*ROLES)
def credit(item_id: int) -> str | Response:
    """Credit a compliment to a team and, if it names one, a worker."""
    item = _item(item_id)
    if item.kind != FeedbackKind.COMPLIMENT:
        abort(404)
    existing = correspondence.of(item).credit
    team_id = existing.team_id if existing else item.team_id
    form = ComplimentCreditForm(
        team=str(team_id or ""), worker_name=existing.worker_name if existing else None
    )
    form.set_choices(teams())
    if form.validate_on_submit():
        team = db.session.get(Team, int(form.team.data))
        if team is None:  # removed since the page was drawn
            abort(404)
        try:
            correspondence.credit_compliment(
                item, current_user, team, form.worker_name.data, request.remote_addr
            )
            flash(_("The compliment is credited."), "success")
            return _to_item(item.id)
        except ComplaintRuleError as error:
            show_refusal(form, error)
    return _page(item, form, _("Credit the compliment"))
