"""Background jobs, for administrators: each queue's depth, the failed jobs, and a button that
puts a failed job back on its queue (a POST with a CSRF token, recorded in the audit log)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.database import utcnow
from app.extensions import queues
from app.jobs import QUEUES
from app.models import StaffRole
from app.services import failed_jobs, monitoring
from app.services.common import Refusal
from app.web import auth
from app.web.routing import client_ip

bp = Blueprint("jobs", __name__)


class RetryForm(FlaskForm):
    """No fields: it carries the CSRF token for one retry button."""


@bp.get("/")
@auth.staff_required(StaffRole.ADMIN)
def overview() -> str:
    connection = queues.connection
    readings: list[monitoring.QueueReading] = []
    failed: list[failed_jobs.FailedJob] = []
    unreachable = False
    if connection is not None:
        try:
            readings = monitoring.queue_readings(connection, QUEUES, utcnow())
            failed = failed_jobs.failed(connection, QUEUES)
        except Exception:
            unreachable = True
    return render_template(
        "staff/jobs.html",
        title=_("Background jobs"),
        configured=connection is not None,
        unreachable=unreachable,
        readings=readings,
        failed=failed,
        form=RetryForm(),
    )


@bp.post("/<job_id>/retry")
@auth.staff_required(StaffRole.ADMIN)
def retry(job_id: str) -> Response:
    connection = queues.connection
    if connection is None:
        abort(404)
    if not RetryForm().validate_on_submit():
        abort(400)
    try:
        job = failed_jobs.retry(connection, job_id, current_user, client_ip())
    except Refusal as refusal:
        flash(str(refusal))
    else:
        flash(
            _("Job %(id)s is back on the %(queue)s queue.", id=job.id, queue=job.queue), "success"
        )
    return redirect(url_for("staff.jobs.overview"))
