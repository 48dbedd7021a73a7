"""Audit feedback invitations for complaints officers and managers: one from a closed case's
page, or every case closed in a period at once (as `heard audit-invitations` does).

URLs carry item ids only; the period is in the query string as dates.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.validators import InputRequired

from app.models import COMPLAINTS_ROLES, FeedbackItem
from app.services.common import get_by_id, uk_today
from app.services.intake import audit_invitations
from app.services.intake.audit_invitations import ClosedCase, InvitationRefused
from app.web import auth
from app.web.date_fields import UkDateField

bp = Blueprint("audit_invitations", __name__, cli_group="audit-invitations")

# The longest period one page lists: a year and a day, so a financial year fits.
MAX_PERIOD_DAYS = 366
CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("Text message")}


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    start = UkDateField(_l("Closed from"), validators=[InputRequired(_l("Enter the first day"))])
    end = UkDateField(_l("Closed to"), validators=[InputRequired(_l("Enter the last day"))])


class BulkForm(FlaskForm):
    start = HiddenField()
    end = HiddenField()
    submit = SubmitField(_l("Send the links"), widget=GovSubmitInput())


class IssueForm(FlaskForm):
    channel = RadioField(
        _l("Send the link by"),
        widget=GovRadioInput(),
        validate_choice=True,
        validators=[InputRequired(_l("Choose how to send the link"))],
    )
    submit = SubmitField(_l("Send the audit feedback link"), widget=GovSubmitInput())

    def offer(self, channels: list[str]) -> None:
        self.channel.choices = [(c, CHANNEL_LABELS[c]) for c in channels]


@dataclass(frozen=True)
class Panel:
    closed: ClosedCase
    issued_by: str | None
    form: IssueForm


def template_helpers() -> dict[str, Any]:
    """The item page's audit invitation panel (given by the staff shell)."""
    return {"audit_invitation_panel_for": panel_for}


def panel_for(item: FeedbackItem) -> Panel | None:
    """The audit invitation panel on a closed case's page, for those who may issue one."""
    if not current_user.is_authenticated or current_user.role not in COMPLAINTS_ROLES:
        return None
    closed = audit_invitations.closed_case(item)
    if closed is None:
        return None
    invitation = audit_invitations.invitation_of(item) if closed.invited else None
    form = IssueForm()
    form.offer(closed.channels)
    if closed.channels:
        form.channel.data = closed.channels[0]
    return Panel(closed, invitation.channel if invitation else None, form)


def _to_item(item: FeedbackItem) -> Response:
    return redirect(url_for("staff.feedback.item", item_id=item.id))


@bp.post("/cases/<int:item_id>")
@auth.staff_required(*COMPLAINTS_ROLES)
def issue(item_id: int) -> Response:
    """Send a closed case its audit feedback link, by the channel chosen."""
    item = get_by_id(FeedbackItem, item_id)
    if item is None:
        abort(404)
    closed = audit_invitations.closed_case(item)
    if closed is None:
        flash(_("Only a closed case can be sent an audit feedback link."), "info")
        return _to_item(item)
    form = IssueForm()
    form.offer(closed.channels)
    if not form.validate_on_submit():
        flash(_("Choose how to send the link."), "info")
        return _to_item(item)
    try:
        sent = audit_invitations.issue(closed, form.channel.data, current_user, request.remote_addr)
    except InvitationRefused as refused:
        flash(str(refused), "info")
        return _to_item(item)
    if sent is None:
        flash(_("This case has had its audit feedback link already."), "info")
    else:
        flash(_("The audit feedback link is on its way."), "success")
    return _to_item(item)


def _period(form: PeriodForm) -> tuple[date, date] | None:
    """The period asked for, if it is one: start before end, not in the future, not too long."""
    if not form.validate():
        return None
    start, end = form.start.data, form.end.data
    if end < start:
        form.end.errors = [_("The last day must be the same as or after the first")]
    elif end > uk_today():
        form.end.errors = [_("The last day must be today or in the past")]
    elif (end - start).days >= MAX_PERIOD_DAYS:
        form.end.errors = [_("Choose a period of a year or less")]
    else:
        return start, end
    return None


@bp.get("/")
@auth.staff_required(*COMPLAINTS_ROLES)
def cases() -> str | tuple[str, int]:
    """Cases closed in a period, and whether each has its link; send the rest at once."""
    asked = "start" in request.args or "end" in request.args
    form = PeriodForm(formdata=request.args if asked else None)
    period = _period(form) if asked else None
    if not asked:
        form.start.data, form.end.data = uk_today() - timedelta(days=30), uk_today()
    closed = audit_invitations.closed_cases(*period) if period else []
    bulk = BulkForm(start=period[0].isoformat(), end=period[1].isoformat()) if period else None
    page = render_template(
        "staff/audit_invitations.html",
        title=_("Audit feedback links"),
        form=form,
        period=period,
        cases=closed,
        bulk=bulk,
        channel_labels=CHANNEL_LABELS,
    )
    return (page, 400) if form.errors else page


@bp.post("/")
@auth.staff_required(*COMPLAINTS_ROLES)
def send_all() -> Response:
    """Send every case closed in the period that has no link yet its link."""
    bulk = BulkForm()
    try:
        start, end = (
            date.fromisoformat(bulk.start.data or ""),
            date.fromisoformat(bulk.end.data or ""),
        )
    except ValueError:
        abort(400)
    if not bulk.validate_on_submit() or end < start or (end - start).days >= MAX_PERIOD_DAYS:
        abort(400)
    summary = audit_invitations.issue_for_period(start, end, current_user)
    flash(
        _(
            "Links sent: %(issued)d. Cases that had one already: %(already)d. Cases that "
            "cannot be reached: %(unreachable)d. Held back for safeguarding: %(held)d.",
            issued=summary.issued,
            already=summary.already,
            unreachable=summary.unreachable,
            held=summary.held_back,
        ),
        "success",
    )
    return redirect(
        url_for(
            ".cases", start=[start.day, start.month, start.year], end=[end.day, end.month, end.year]
        )
    )


@bp.cli.command("send")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
def send_command(start: Any, end: Any) -> None:
    """Send an audit feedback link to every case closed from --from to --to (both included)
    that has none yet, by the person's preferred channel; safe to run again."""
    first, last = start.date(), end.date()
    if last < first:
        raise click.BadParameter("--to must be on or after --from")
    summary = audit_invitations.issue_for_period(first, last)
    click.echo(
        f"issued {summary.issued}, already had one {summary.already}, "
        f"unreachable {summary.unreachable}, held back for safeguarding {summary.held_back}"
    )
