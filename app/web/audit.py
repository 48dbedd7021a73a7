"""The audit log: who did what, searched and exported by administrators."""

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.models import StaffRole
from app.services.common import UK_TIME
from app.services.staff import audit_log
from app.web import auth
from app.web.audit_forms import AuditSearchForm
from app.web.routing import client_ip

bp = Blueprint("audit", __name__)


def _audit_search() -> tuple[AuditSearchForm, audit_log.AuditSearch]:
    """The audit log search from the query string; an invalid one shows its errors and
    searches for everything."""
    form = AuditSearchForm(formdata=request.args)
    form.set_choices(audit_log.staff_users(), audit_log.actions())
    return form, form.criteria() if form.validate() else audit_log.AuditSearch()


@bp.get("/audit-log")
@auth.staff_required(StaffRole.ADMIN)
def audit_log_page() -> str:
    """Search the audit log, for administrators; the search itself is recorded."""
    form, criteria = _audit_search()
    audit_log.record(
        audit_log.Action.AUDIT_LOG_VIEWED,
        current_user,
        "audit_log",
        detail=criteria.as_detail(),
        ip_address=client_ip(),
    )
    every_value: dict[str, Any] = dict(request.args.lists())
    return render_template(
        "staff/audit_log.html",
        title=_("Audit log"),
        form=form,
        events=audit_log.search(criteria),
        total=audit_log.count(criteria),
        export_url=url_for("staff.audit.audit_log_export", **every_value),
    )


@bp.get("/audit-log/export.csv")
@auth.staff_required(StaffRole.ADMIN)
def audit_log_export() -> Response:
    """The matching events as a CSV file; the export is recorded with how many rows it held."""
    form, criteria = _audit_search()
    if form.errors:
        abort(400, _("The search has errors: correct them on the audit log page first"))
    events = audit_log.search(criteria, limit=audit_log.EXPORT_LIMIT)
    audit_log.record(
        audit_log.Action.AUDIT_LOG_EXPORTED,
        current_user,
        "audit_log",
        detail={**criteria.as_detail(), "rows": len(events)},
        ip_address=client_ip(),
    )
    stamp = datetime.now(UK_TIME).strftime("%Y%m%d-%H%M")
    return Response(
        audit_log.to_csv(events),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="heard-audit-log-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
