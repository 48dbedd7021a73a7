"""The staff shell: every staff page is a child of the one `staff` blueprint at /staff.

The shell gives all of them, by inheritance rather than by import: the signed-in person loaded
afresh for each request, the navigation and labels of the staff layout, the panels of an
item's page, and a first guard (nobody reaches a staff page but the sign-in pages without being
fully signed in; each page then names the roles it serves). Staff error pages use the same
context (see app.web.errors), so they keep the staff layout.

May import: the staff page modules (its children), app.web.auth and labels, and services.
Children never import the shell.
"""

from typing import Any

from flask import Blueprint, Flask, request
from flask_login import current_user

from app.extensions import login
from app.models import ANALYST_ROLES, POPULATION_ROLES, StaffRole
from app.services.safeguarding import rota
from app.web import (
    accounts,
    audit,
    audit_invitations,
    auth,
    complaints,
    correspondence,
    equality,
    feedback,
    jobs,
    labels,
    own_account,
    privacy,
    reports,
    safeguarding,
    sign_in,
    trends,
)
from app.web.staff_forms import SignOutForm

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The children, and where each sits under /staff.
CHILDREN = (
    (sign_in.bp, ""),
    (feedback.bp, ""),
    (audit.bp, ""),
    (accounts.bp, "/accounts"),
    (own_account.bp, "/account"),
    (complaints.bp, "/complaints"),
    (correspondence.bp, "/correspondence"),
    (safeguarding.bp, "/safeguarding"),
    (trends.bp, "/trends"),
    (reports.bp, "/reports"),
    (equality.staff_bp, "/equality"),
    (privacy.bp, "/privacy"),
    (audit_invitations.bp, "/audit-invitations"),
    (jobs.bp, "/jobs"),
)
for _child, _prefix in CHILDREN:
    bp.register_blueprint(_child, url_prefix=_prefix)


@bp.before_app_request
def _load_the_user_afresh() -> None:
    """Who is signed in is decided by this request's cookie and the session on the server."""
    auth.forget_loaded_user()


@bp.before_request
def _signed_in_first() -> Any:
    """Every staff page but the way in needs a fully signed-in person. Pages still name their
    roles; this catches a page that forgot to."""
    if request.blueprint == f"{bp.name}.{sign_in.bp.name}" or current_user.is_authenticated:
        return None
    return login.unauthorized()


@bp.context_processor
def _staff_context() -> dict[str, Any]:
    return staff_context()


def staff_context() -> dict[str, Any]:
    """What every staff template may use: labels, the navigation's choices, sign-out, and the
    item page's panels. Also given to staff error pages, which no blueprint serves."""
    signed_in = bool(current_user.is_authenticated)
    role = current_user.role if signed_in else None
    return {
        "channel_label": lambda v: labels.label(labels.CHANNEL_LABELS, v),
        "kind_label": lambda v: labels.label(labels.KIND_LABELS, v),
        "status_label": lambda v: labels.label(labels.STATUS_LABELS, v),
        "role_label": lambda v: labels.label(labels.ROLE_LABELS, v),
        "contact_role_label": lambda v: labels.label(labels.CONTACT_ROLE_LABELS, v),
        "topic_label": lambda v: labels.label(labels.TOPIC_LABELS, v),
        "score_label": lambda v: labels.label(labels.SCORE_LABELS, v),
        "theme_label": labels.humanise,
        "action_label": labels.humanise,
        "sign_out_form": SignOutForm() if signed_in else None,
        # Read only when a page shows the banner: whether a new alert would reach a person.
        "safety_chain": rota.chain_status,
        "is_admin": role == StaffRole.ADMIN,
        "may_see_reports": role in ANALYST_ROLES,
        "may_see_trends": role in ANALYST_ROLES,
        "may_set_population": role in POPULATION_ROLES,
        **complaints.template_helpers(),
        **correspondence.template_helpers(),
        **safeguarding.template_helpers(),
        **privacy.template_helpers(),
        **audit_invitations.template_helpers(),
    }


def register(app: Flask) -> None:
    """Put the shell, and with it every staff page, in the app."""
    app.register_blueprint(bp)
