"""Safeguarding pages: the urgent queue, an alert and its decisions, manual flags, the rota.

Only reviewers, managers and admins open alerts or items that carry one; anyone else gets 403
and the attempt is written to the audit log, as is every view and every decision.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.database import utcnow
from app.extensions import db
from app.models import (
    AlertOutcome,
    Channel,
    ComplaintStage,
    LearningPoint,
    MemberEnquiry,
    RotaKind,
    SafeguardingAlert,
    SecondLook,
    StaffRole,
)
from app.services import feedback_list as listing
from app.services.safeguarding import alerts, misses
from app.services.safeguarding import queue as safeguarding_queue
from app.services.safeguarding import rota as safeguarding_rota
from app.services.staff import audit_log
from app.web import auth, labels
from app.web.refusals import show_refusal
from app.web.safeguarding_forms import (
    OUTCOME_LABELS,
    AcknowledgeForm,
    CloseForm,
    FlagForm,
    RemoveShiftForm,
    ReopenForm,
    SecondLookFineForm,
    ShiftForm,
)

bp = Blueprint("safeguarding", __name__)
log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Any])
Action = audit_log.Action


def _record(action: str, object_type: str, object_id: int | None, **detail: Any) -> None:
    """One audit event for the signed-in person, with where they are."""
    audit_log.record(
        action, current_user, object_type, object_id, detail or None, request.remote_addr
    )


def _refuse(object_type: str, object_id: int | None) -> None:
    """Log the refusal, then answer 403."""
    _record(Action.SAFEGUARDING_REFUSED, object_type, object_id, path=request.path[:200])
    g.refusal_recorded = True
    abort(403)


def reviewer_required(view: View) -> View:
    """Signed in with both factors, and a reviewer, manager or admin; anyone else is refused."""

    @auth.staff_required()
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not alerts.may_review(current_user):
            _refuse("safeguarding_alert", kwargs.get("alert_id"))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


# Every kind of id a staff route takes that leads to one feedback item, and how it leads there.
# A new route with a new kind of id must be added here: tests/web/test_access_walk.py walks
# every staff route and fails on an id it cannot resolve.
_ITEM_OF = {
    "item_id": lambda value: value,
    "stage_id": lambda value: _column_of(ComplaintStage, value),
    "point_id": lambda value: _column_of(LearningPoint, value),
    "enquiry_id": lambda value: _column_of(MemberEnquiry, value),
}
# Ids that lead to no single item, or to pages only reviewers may open anyway.
# (A background job's id names a job, never an item; its page is for administrators.)
ID_ARGS_WITHOUT_AN_ITEM = {"alert_id", "sample_id", "shift_id", "user_id", "job_id", "team_id"}


def _column_of(model: type, row_id: int) -> int | None:
    return db.session.execute(
        select(model.feedback_item_id).where(model.id == row_id)  # type: ignore[attr-defined]
    ).scalar()


def _items_in_request() -> list[int]:
    """The feedback items a staff page is about, from any id in its address."""
    found = []
    for name, value in (request.view_args or {}).items():
        resolve = _ITEM_OF.get(name)
        if resolve is not None and isinstance(value, int):
            item_id = resolve(value)
            if item_id is not None:
                found.append(item_id)
    return found


@bp.before_app_request
def _guard_safeguarding_items() -> None:
    """Every staff page about an item, reached through any id (the item's, a stage's, a
    learning point's, an enquiry's), is closed to non-reviewers while the item has a live
    alert, whichever blueprint serves it, so new pages are covered without asking."""
    if not request.path.startswith("/staff") or not current_user.is_authenticated:
        return
    if alerts.may_review(current_user):
        return
    for item_id in _items_in_request():
        if alerts.is_safeguarding_item(item_id):
            _refuse("feedback_item", item_id)


def template_helpers() -> dict[str, Any]:
    """What the item page's safeguarding panel needs (given by the staff shell)."""
    return {
        "safeguarding_alerts_for": alerts.alerts_for_item,
        "may_review_safeguarding": current_user.is_authenticated
        and alerts.may_review(current_user),
    }


def duration(delta: timedelta) -> str:
    """A span of time in words, to the precision a reviewer needs: 45 minutes, 3 hours 5
    minutes, 2 days 4 hours."""
    total = max(int(abs(delta.total_seconds()) // 60), 0)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        day_words = ngettext("%(num)d day", "%(num)d days", days)
        hour_words = ngettext("%(num)d hour", "%(num)d hours", hours)
        return f"{day_words} {hour_words}" if hours else day_words
    minute_words = ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if not hours:
        return minute_words
    hour_words = ngettext("%(num)d hour", "%(num)d hours", hours)
    return f"{hour_words} {minute_words}" if minutes else hour_words


def _countdown(target: datetime, now: datetime) -> str:
    """Time left to the review target, or how late it is."""
    if target >= now:
        return _("Due in %(time)s", time=duration(target - now))
    return _("Overdue by %(time)s", time=duration(now - target))


def _queue_filters() -> safeguarding_queue.QueueFilters:
    """The filters in the query string; anything not understood means no filter."""
    args = request.args
    channel = args.get("channel", "")
    subtype = args.get("concern", "")
    return safeguarding_queue.QueueFilters(
        status=args.get("status", "waiting")[:16],
        channel=Channel(channel) if channel in {c.value for c in Channel} else None,
        children_only=args.get("children") == "1",
        subtype=subtype if subtype in labels.SUBTYPES else None,
    )


# The queue reloads itself this often (paused while someone types on it).
REFRESH_SECONDS = 60


@bp.get("", strict_slashes=False)
@reviewer_required
def queue() -> str:
    """The urgent queue: the newest disclosures first, then unacknowledged alerts by how
    overdue they are, each with a short excerpt; the messages nobody's classifier has read."""
    now = utcnow()
    filters = _queue_filters()
    view = safeguarding_queue.build(filters, now)
    shown = sorted({e.alert.id for e in view.entries} | {e.alert.id for e in view.newest})
    refresh_off: dict[str, Any] = {**request.args, "refresh": "0"}
    # Drawn before the view is recorded: recording commits, which would expire every alert,
    # message and item loaded, and the page would then load each again, one by one.
    page = render_template(
        "safeguarding/queue.html",
        title=_("Safeguarding alerts"),
        view=view,
        filters=filters,
        unchecked=alerts.unchecked_messages(),
        now=now,
        since=lambda at: duration(now - at),
        countdown=lambda target: _countdown(target, now),
        highlight=alerts.highlight,
        subtype_label=labels.humanise,
        subtypes=labels.SUBTYPES,
        channels=[c for c in Channel if c.value in view.channel_counts],
        miss_rate=misses.miss_rate(),
        false_alarm_rate=misses.false_alarm_rate(),
        second_looks_waiting=len(misses.waiting()),
        refresh_seconds=REFRESH_SECONDS,
        stop_refresh_url=url_for("staff.safeguarding.queue", **refresh_off),
        excerpt=lambda text: safeguarding_queue.excerpt(text, ()),
    )
    _record(Action.SAFEGUARDING_VIEW_QUEUE, "safeguarding_queue", None, alerts_shown=shown)
    return page


def _load_alert(alert_id: int) -> SafeguardingAlert:
    alert = alerts.load_alert(alert_id)
    if alert is None:
        raise NotFound()
    return alert


def _alert_page(alert: SafeguardingAlert, **forms: Any) -> str:
    """The alert page, with whichever decision forms fit its state."""
    thread = listing.load_thread(alert.feedback_item_id)
    now = utcnow()
    received = safeguarding_rota.received_at(alert)
    forms.setdefault("acknowledge_form", AcknowledgeForm())
    forms.setdefault("close_form", CloseForm())
    forms.setdefault("reopen_form", ReopenForm())
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "safeguarding/alert.html",
        title=_("Safeguarding alert %(id)d", id=alert.id),
        alert=alert,
        thread=thread,
        received=received,
        since=duration(now - received),
        triggers=safeguarding_queue.triggers(
            alert.message.text if alert.message else "", alert.evidence
        ),
        countdown=_countdown(safeguarding_rota.review_target(received), now),
        highlight=alerts.highlight,
        outcome_labels=OUTCOME_LABELS,
        names_you=alerts.names_reviewer(alert.feedback_item, current_user),
        form=failed,
        **forms,
    )


@bp.get("/<int:alert_id>")
@reviewer_required
def alert(alert_id: int) -> str:
    """One alert with the whole thread and the contact details; reading it is recorded."""
    found = _load_alert(alert_id)
    _record(Action.SAFEGUARDING_VIEW_ALERT, "safeguarding_alert", alert_id)
    return _alert_page(found)


def _refused_decision(alert_id: int, error: alerts.DecisionRefused, action: str) -> None:
    _record(
        Action.SAFEGUARDING_DECISION_REFUSED,
        "safeguarding_alert",
        alert_id,
        attempted=action,
        reason=str(error),
    )


@bp.post("/<int:alert_id>/acknowledge")
@reviewer_required
def acknowledge(alert_id: int) -> str | Response:
    """Take the alert: it stops escalating, and who and when are kept."""
    found = _load_alert(alert_id)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            alerts.acknowledge(found, current_user)
        except alerts.DecisionRefused as error:
            show_refusal(form, error, form.submit)
            _refused_decision(alert_id, error, "acknowledge")
            return _alert_page(found, acknowledge_form=form)
        _record(Action.SAFEGUARDING_ACKNOWLEDGED, "safeguarding_alert", alert_id)
        flash(
            _("You have acknowledged the alert. Close it with an outcome when you can."), "success"
        )
        return redirect(url_for("staff.safeguarding.alert", alert_id=alert_id))
    return _alert_page(found, acknowledge_form=form)


@bp.post("/<int:alert_id>/close")
@reviewer_required
def close(alert_id: int) -> str | Response:
    """Close with an outcome and the reasons; refused with a reason when it cannot be."""
    found = _load_alert(alert_id)
    form = CloseForm()
    if form.validate_on_submit():
        outcome = AlertOutcome(form.outcome.data)
        try:
            alerts.close(found, current_user, outcome, form.rationale.data)
        except alerts.DecisionRefused as error:
            show_refusal(form, error, form.outcome)
            _refused_decision(alert_id, error, "close")
            return _alert_page(found, close_form=form)
        _record(Action.SAFEGUARDING_CLOSED, "safeguarding_alert", alert_id, outcome=outcome.value)
        flash(_("The alert is closed."), "success")
        return redirect(url_for("staff.safeguarding.queue"))
    return _alert_page(found, close_form=form)


@bp.post("/<int:alert_id>/reopen")
@reviewer_required
def reopen(alert_id: int) -> str | Response:
    """Put a closed alert back in the queue, with the reasons."""
    found = _load_alert(alert_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            alerts.reopen(found, current_user, form.rationale.data)
        except alerts.DecisionRefused as error:
            show_refusal(form, error, form.rationale)
            _refused_decision(alert_id, error, "reopen")
            return _alert_page(found, reopen_form=form)
        _record(Action.SAFEGUARDING_REOPENED, "safeguarding_alert", alert_id)
        flash(_("The alert is open again."), "success")
        return redirect(url_for("staff.safeguarding.alert", alert_id=alert_id))
    return _alert_page(found, reopen_form=form)


@bp.route("/flag/<int:item_id>", methods=["GET", "POST"])
@auth.staff_required()
def flag(item_id: int) -> str | Response:
    """Any member of staff may flag any item for safeguarding review, saying why."""
    item = alerts.load_item(item_id)
    if item is None:
        raise NotFound()
    form = FlagForm()
    if form.validate_on_submit():
        try:
            raised = alerts.flag_manually(item, current_user, form.reason.data)
        except alerts.DecisionRefused as error:
            show_refusal(form, error, form.reason)
        else:
            _record(Action.SAFEGUARDING_FLAGGED, "safeguarding_alert", raised.id, item_id=item_id)
            _enqueue_follow_up(raised.id)
            flash(_("Thank you. The safeguarding reviewer on duty has been told."), "success")
            return redirect(url_for("staff.feedback.feedback_list"))
    return render_template(
        "safeguarding/flag.html",
        title=_("Flag for safeguarding review"),
        item=item,
        form=form,
    )


def _enqueue_follow_up(alert_id: int) -> None:
    from app.jobs.alerts import alert_raised

    try:
        alert_raised.delay(alert_id)
    except Exception:
        # The alert is stored and the escalation sweep notifies anyone not yet told.
        log.exception("could not enqueue follow-up of alert %s", alert_id)


@bp.get("/second-look")
@reviewer_required
def second_look() -> str:
    """This week's sample of unflagged messages, for a reviewer to read again."""
    _record(Action.SAFEGUARDING_VIEW_SECOND_LOOK, "second_look", None)
    return render_template(
        "safeguarding/second_look.html",
        title=_("Second look at unflagged messages"),
        samples=misses.waiting(),
        fine_form=SecondLookFineForm(),
        miss_rate=misses.miss_rate(),
    )


def _load_sample(sample_id: int) -> SecondLook:
    sample = misses.load(sample_id)
    if sample is None:
        raise NotFound()
    return sample


@bp.post("/second-look/<int:sample_id>/fine")
@reviewer_required
def second_look_fine(sample_id: int) -> Response:
    """Read again and not a safeguarding matter."""
    sample = _load_sample(sample_id)
    if not SecondLookFineForm().validate_on_submit():
        abort(400)
    try:
        misses.mark_fine(sample, current_user)
    except alerts.DecisionRefused as error:
        flash(str(error), "info")
    else:
        _record(Action.SAFEGUARDING_SECOND_LOOK_FINE, "second_look", sample_id)
        flash(_("Marked as fine."), "success")
    return redirect(url_for("staff.safeguarding.second_look"))


@bp.route("/second-look/<int:sample_id>/flag", methods=["GET", "POST"])
@reviewer_required
def second_look_flag(sample_id: int) -> str | Response:
    """Read again and it is a safeguarding matter: a miss, raised as an alert with a reason."""
    sample = _load_sample(sample_id)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            raised = misses.mark_missed(sample, current_user, form.reason.data)
        except alerts.DecisionRefused as error:
            show_refusal(form, error, form.reason)
        else:
            _record(
                Action.SAFEGUARDING_SECOND_LOOK_MISSED,
                "second_look",
                sample_id,
                alert_id=raised.id,
            )
            _enqueue_follow_up(raised.id)
            flash(_("Flagged. The alert is in the queue like any other."), "success")
            return redirect(url_for("staff.safeguarding.second_look"))
    return render_template(
        "safeguarding/second_look_flag.html",
        title=_("Flag a message found on a second look"),
        sample=sample,
        form=form,
    )


@bp.route("/rota", methods=["GET", "POST"])
@auth.staff_required(StaffRole.ADMIN, StaffRole.MANAGER)
def rota() -> str | Response:
    """Who is on duty: add shifts, see those still to come."""
    form = ShiftForm()
    form.reviewer.choices = [SelectChoice(str(u.id), u.name) for u in safeguarding_rota.reviewers()]
    if form.validate_on_submit():
        starts, ends = form.times()
        shift = safeguarding_rota.set_shift(
            int(form.reviewer.data),
            starts,
            ends,
            RotaKind(form.kind.data),
            form.order.data or 0,
            (form.phone.data or "").strip() or None,
        )
        _record(Action.SAFEGUARDING_ROTA_CHANGED, "rota_shift", shift.id, change="added")
        flash(_("The shift is on the rota."), "success")
        return redirect(url_for("staff.safeguarding.rota"))
    return render_template(
        "safeguarding/rota.html",
        title=_("Safeguarding rota"),
        form=form,
        shifts=safeguarding_rota.upcoming_shifts(),
        remove_form=RemoveShiftForm(),
    )


@bp.post("/rota/<int:shift_id>/remove")
@auth.staff_required(StaffRole.ADMIN, StaffRole.MANAGER)
def remove_shift(shift_id: int) -> Response:
    """Take a shift off the rota."""
    if not RemoveShiftForm().validate_on_submit():
        abort(400)
    if not safeguarding_rota.remove_shift(shift_id):
        raise NotFound()
    _record(Action.SAFEGUARDING_ROTA_CHANGED, "rota_shift", shift_id, change="removed")
    flash(_("The shift is off the rota."), "success")
    return redirect(url_for("staff.safeguarding.rota"))
