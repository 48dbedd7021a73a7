"""Staff data protection pages: the retention schedule and legal holds, subject access
exports, and erasure and correction requests. Managers and administrators only.

Every action is a POST (references and search terms are personal data, and never go in a
URL); the services audit what was done by ids.
"""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.models import FeedbackItem
from app.models.enums import PRIVACY_ROLES
from app.services.common import MAX_ID, Refusal, uk_today
from app.services.privacy import holds, requests, retention, subject_access
from app.web import auth
from app.web.privacy_forms import (
    ClearHoldForm,
    CorrectionForm,
    ErasureForm,
    ExportForm,
    HoldForm,
    SearchForm,
)

bp = Blueprint("privacy", __name__)

Page = str | tuple[str, int] | Response


def template_helpers() -> dict[str, Any]:
    """Whether the navigation shows Data protection, and the item page's legal hold notice
    (given by the staff shell)."""
    return {
        "may_handle_privacy": current_user.is_authenticated and current_user.role in PRIVACY_ROLES,
        # Read only by the item page: whether a legal hold keeps the item as it is.
        "item_on_legal_hold": retention.is_held,
    }


@bp.get("/")
@auth.staff_required(*PRIVACY_ROLES)
def retention_page() -> Page:
    """The retention schedule in force, the legal holds, and a form to add one."""
    return _retention_page(HoldForm(formdata=None))


def _retention_page(form: HoldForm, status: int = 200) -> Page:
    return render_template(
        "staff/privacy/retention.html",
        title=_("Retention and legal holds"),
        schedule=retention.schedule(),
        last_run=retention.last_run(),
        holds=holds.active_holds(),
        form=form,
        clear_form=ClearHoldForm(formdata=None),
    ), status


@bp.post("/holds")
@auth.staff_required(*PRIVACY_ROLES)
def set_hold() -> Page:
    form = HoldForm()
    if not form.validate_on_submit():
        return _retention_page(form, 400)
    item = holds.find_item(form.reference.data)
    if item is None:
        form.reference.errors = [_("There is no item with that reference")]
        return _retention_page(form, 400)
    try:
        holds.set_hold(item.id, form.reason.data, current_user, request.remote_addr)
    except Refusal as refusal:
        form.reference.errors = [str(refusal)]
        return _retention_page(form, 400)
    flash(_("%(reference)s is on legal hold.", reference=item.reference), "success")
    return redirect(url_for(".retention_page"), code=303)


@bp.post("/holds/clear")
@auth.staff_required(*PRIVACY_ROLES)
def clear_hold() -> Page:
    form = ClearHoldForm()
    hold_id = _id(form.hold_id.data)
    if not form.validate_on_submit() or hold_id is None:
        flash(_("Say why the hold can end."), "error")
        return redirect(url_for(".retention_page"), code=303)
    try:
        holds.clear_hold(hold_id, form.reason.data, current_user, request.remote_addr)
    except Refusal as refusal:
        flash(str(refusal), "error")
    else:
        flash(_("The hold is cleared."), "success")
    return redirect(url_for(".retention_page"), code=303)


@bp.route("/subject-access", methods=["GET", "POST"])
@auth.staff_required(*PRIVACY_ROLES)
def subject_access_search() -> Page:
    """Find the items that are a person's: by phone, email, name or reference."""
    form = SearchForm() if request.method == "POST" else SearchForm(formdata=None)
    found: list[subject_access.Found] | None = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            criteria = subject_access.Criteria(
                phone=form.phone.data or "",
                email=form.email.data or "",
                name=form.name.data or "",
                reference=form.reference.data or "",
            )
            try:
                found = subject_access.find(criteria, current_user, request.remote_addr)
            except Refusal as refusal:
                form.phone.errors = [str(refusal)]
                status = 400
        else:
            status = 400
    return render_template(
        "staff/privacy/subject_access.html",
        title=_("Subject access"),
        form=form,
        found=found,
        export_form=ExportForm(formdata=None),
        max_found=subject_access.MAX_FOUND,
    ), status


@bp.post("/subject-access/export")
@auth.staff_required(*PRIVACY_ROLES)
def subject_access_export() -> Page:
    """The zip of the chosen items, for a reviewer to read before release."""
    form = ExportForm()
    ids = [_id(value) for value in request.form.getlist("item")]
    chosen = [item_id for item_id in ids if item_id is not None]
    if not form.validate_on_submit() or not chosen or len(chosen) != len(ids):
        return _export_refused(_("Choose at least one item that is the person's."))
    try:
        data = subject_access.export_zip(chosen, _render_export, current_user, request.remote_addr)
    except Refusal as refusal:
        return _export_refused(str(refusal))
    filename = f"subject-access-{uk_today().isoformat()}.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _export_refused(message: str) -> Page:
    form = SearchForm(formdata=None)
    form.phone.errors = [message]
    return render_template(
        "staff/privacy/subject_access.html",
        title=_("Subject access"),
        form=form,
        found=None,
        export_form=ExportForm(formdata=None),
        max_found=subject_access.MAX_FOUND,
    ), 400


def _render_export(record: dict[str, Any]) -> str:
    return render_template("staff/privacy/export.html", record=record, today=uk_today())


@bp.get("/requests")
@auth.staff_required(*PRIVACY_ROLES)
def requests_page() -> Page:
    """Erasure and correction requests: the forms, and the latest decisions."""
    return _requests_page(ErasureForm(formdata=None), CorrectionForm(formdata=None))


def _requests_page(erasure: ErasureForm, correction: CorrectionForm, status: int = 200) -> Page:
    return render_template(
        "staff/privacy/requests.html",
        title=_("Erasure and correction requests"),
        erasure_form=erasure,
        correction_form=correction,
        recent=requests.recent(),
    ), status


@bp.post("/requests/erasure")
@auth.staff_required(*PRIVACY_ROLES)
def erasure() -> Page:
    form = ErasureForm()
    blank = CorrectionForm(formdata=None)
    if not form.validate_on_submit():
        return _requests_page(form, blank, 400)
    refusing = form.decision.data == "refuse"
    if refusing and not (form.reason.data or "").strip():
        form.reason.errors = [_("Write the legal reason for refusing")]
        return _requests_page(form, blank, 400)
    item = _item_or_error(form)
    if item is None:
        return _requests_page(form, blank, 400)
    try:
        outcome = requests.erase(
            item.id,
            current_user,
            request.remote_addr,
            refuse_because=form.reason.data if refusing else "",
        )
    except Refusal as refusal:
        form.reference.errors = [str(refusal)]
        return _requests_page(form, blank, 400)
    if outcome.done:
        flash(_("%(reference)s is erased.", reference=item.reference), "success")
    else:
        flash(
            _(
                "Erasure of %(reference)s refused: %(reason)s",
                reference=item.reference,
                reason=outcome.request.reason,
            ),
            "success",
        )
    return redirect(url_for(".requests_page"), code=303)


@bp.post("/requests/correction")
@auth.staff_required(*PRIVACY_ROLES)
def correction() -> Page:
    form = CorrectionForm()
    blank = ErasureForm(formdata=None)
    if not form.validate_on_submit():
        return _requests_page(blank, form, 400)
    item = _item_or_error(form)
    if item is None:
        return _requests_page(blank, form, 400)
    changes = {key: form[key].data or "" for key in ("name", "phone", "email", "postal_address")}
    try:
        outcome = requests.correct(
            item.id, changes, current_user, request.remote_addr, refuse_because=form.reason.data
        )
    except Refusal as refusal:
        form.reference.errors = [str(refusal)]
        return _requests_page(blank, form, 400)
    flash(
        _("%(reference)s: %(reason)s", reference=item.reference, reason=outcome.request.reason),
        "success",
    )
    return redirect(url_for(".requests_page"), code=303)


def _item_or_error(form: ErasureForm | CorrectionForm) -> FeedbackItem | None:
    item = holds.find_item(form.reference.data)
    if item is None:
        form.reference.errors = [_("There is no item with that reference")]
    return item


def _id(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None
